#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import("../dist/cli.js").then((cli) => cli.main(process.argv.slice(2))).catch((error) => {
  process.stderr.write(`launch-local: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
