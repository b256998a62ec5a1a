#!/usr/bin/env node
// Thin launcher. The CLI runs from one bundled file (dist/cli.bundle.mjs, built by `npm run build`
// from dist/cli.js): loading ~180 ES modules one by one was over a third of the start-up time
// (issue 5, bench row 6). better-sqlite3 and dockerode stay outside the bundle (native, lazy).
import("../dist/cli.bundle.mjs")
  .then((cli) => cli.main(process.argv.slice(2)))
  .catch((error) => {
    process.stderr.write(`launch-local: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
