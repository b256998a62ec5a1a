#!/usr/bin/env node
/**
 * Stands in for `npx launch-local` as npm 11 runs it (observed): npm spawns `sh -c <command>`, which
 * runs node as its child, and on SIGTERM npm signals the shell only; the shell dies without passing
 * the signal on, and launch-local is left under PID 1. Usage: node npx-like.mjs <command> [args…]
 */
import { spawn } from "node:child_process";

const shell = spawn("sh", ["-c", '"$0" "$@"; exit $?', ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => shell.kill(signal));
shell.on("exit", (code) => process.exit(code ?? 1));
