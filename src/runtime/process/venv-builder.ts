/**
 * One virtual environment per unique requirements set, cached under <dataDir>/venvs/<key>
 * (DESIGN.md "Workers" → Process runtime). The venv sees the host's site-packages, so cloudpickle
 * (and anything else installed on the host) is importable without a download. A marker file written
 * last makes a finished build reusable across restarts; a directory without it is a half-made build.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { Clock } from "../../domain/clock.js";
import { LaunchError, SystemError } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { withTerminalProgress } from "../build-progress.js";
import { runPipWithFallback } from "../pip-fallback.js";
import { normalizeRequirements, pipFailureReason, requirementsKey } from "./requirements.js";
import { type Env, runCommand } from "./run-command.js";

const MARKER = ".launch-local-ready";

export interface VenvBuilderOptions {
  dataDir: string;
  /** Host interpreter (a name on PATH or a path). */
  python: string;
  env: Env;
  logger: Logger;
  clock: Clock;
  /** `--pip-fallback`: a pinned version the index lacks is replaced by the nearest one it has. */
  pipFallback?: boolean;
}

export interface VenvBuilder {
  /**
   * The interpreter to run a bundle with: the host interpreter for an empty list, else the cached
   * venv's, built first when needed. Throws LaunchError BAD_REQUEST when the build fails.
   */
  pythonFor(requirements: readonly string[], log: (line: string) => void): Promise<string>;
}

interface PythonIdentity {
  executable: string;
  /** "cpython 3.11.7 /path/to/python3": part of the cache key. */
  identity: string;
}

interface Build {
  done: Promise<string>;
  /** Everyone waiting on this build gets its output (concurrent prepares of one set share it). */
  listeners: Set<(line: string) => void>;
}

const IDENTITY_SCRIPT = "import platform, sys; print(sys.implementation.name, platform.python_version(), sys.executable)";

export function createVenvBuilder(options: VenvBuilderOptions): VenvBuilder {
  const venvRoot = join(options.dataDir, "venvs");
  const builds = new Map<string, Build>();
  let identityProbe: Promise<PythonIdentity> | null = null;

  const buildEnv: Env = { ...options.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1", PYTHONUNBUFFERED: "1" };

  const probeIdentity = (): Promise<PythonIdentity> => {
    identityProbe ??= (async () => {
      const output: string[] = [];
      const result = await runCommand([options.python, "-c", IDENTITY_SCRIPT], {
        env: options.env,
        onLine: (line) => output.push(line),
      });
      const line = output.find((candidate) => candidate.trim().length > 0)?.trim() ?? "";
      const executable = line.split(" ").slice(2).join(" ");
      if (result.code !== 0 || executable.length === 0) {
        identityProbe = null;
        throw new SystemError(`Python interpreter "${options.python}" could not be run: ${output.slice(-3).join(" | ")}`);
      }
      return { executable, identity: line };
    })();
    return identityProbe;
  };

  const build = async (dir: string, requirements: string[], python: string, toListeners: (line: string) => void): Promise<string> => {
    const emit = withTerminalProgress(toListeners, options.logger.child("build"), `environment ${basename(dir)}`, options.clock);
    const venvPython = join(dir, "bin", "python");
    const fail = async (reason: string): Promise<never> => {
      await rm(dir, { recursive: true, force: true });
      emit(`Environment build failed: ${reason}`);
      throw new LaunchError("BAD_REQUEST", reason);
    };
    // A directory without the marker is left over from an interrupted build.
    await rm(dir, { recursive: true, force: true });
    await mkdir(venvRoot, { recursive: true });
    emit(`Building a virtual environment for ${requirements.length} requirement(s): ${requirements.join(", ")}`);
    // --without-pip: ensurepip costs seconds; the host's pip is visible through system site-packages.
    const venv = await runCommand([python, "-m", "venv", "--without-pip", "--system-site-packages", dir], { env: buildEnv, onLine: emit });
    if (venv.code !== 0) return fail(`Failed to create a virtual environment: python -m venv exited with code ${String(venv.code)}`);
    const pipCheck = await runCommand([venvPython, "-m", "pip", "--version"], { env: buildEnv, onLine: emit });
    if (pipCheck.code !== 0) {
      const ensure = await runCommand([venvPython, "-m", "ensurepip", "--default-pip"], { env: buildEnv, onLine: emit });
      if (ensure.code !== 0) return fail(`Failed to install pip into the virtual environment: ensurepip exited with code ${String(ensure.code)}`);
    }
    const requirementsFile = join(dir, "requirements.txt");
    // -r keeps option lines (--extra-index-url …) and markers working as in a requirements.txt.
    const pip = await runPipWithFallback(
      requirements,
      options.pipFallback ?? false,
      async (lines) => {
        await writeFile(requirementsFile, `${lines.join("\n")}\n`);
        return runCommand([venvPython, "-m", "pip", "install", "-r", requirementsFile], { env: buildEnv, onLine: emit });
      },
      emit,
    );
    if (pip.code !== 0) return fail(pipFailureReason(pip.code, pip.tail));
    await writeFile(join(dir, MARKER), `${JSON.stringify({ requirements, python, builtAt: new Date(options.clock.now()).toISOString() })}\n`);
    emit("Virtual environment ready.");
    return venvPython;
  };

  return {
    async pythonFor(requirements, log) {
      const { executable, identity } = await probeIdentity();
      const normalized = normalizeRequirements(requirements);
      if (normalized.length === 0) return executable;
      const key = requirementsKey(normalized, identity);
      const dir = join(venvRoot, key);
      const existing = builds.get(key);
      if (existing) {
        existing.listeners.add(log);
        try {
          return await existing.done;
        } finally {
          existing.listeners.delete(log);
        }
      }
      if (existsSync(join(dir, MARKER))) return join(dir, "bin", "python");
      const listeners = new Set<(line: string) => void>([log]);
      const emit = (line: string) => {
        for (const listener of listeners) listener(line);
      };
      const done = build(dir, normalized, executable, emit);
      builds.set(key, { done, listeners });
      try {
        const venvPython = await done;
        options.logger.info("virtual environment built", { key, requirements: normalized });
        return venvPython;
      } catch (error) {
        options.logger.warn("virtual environment build failed", { key, error: String(error) });
        // Forget the failure so a later prepare (e.g. after the user fixes the index) tries again.
        builds.delete(key);
        throw error;
      } finally {
        listeners.delete(log);
      }
    },
  };
}
