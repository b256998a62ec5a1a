import { renameSync, writeFileSync } from "node:fs";
import { ConfigError, envBool } from "./config/options.js";
import { parseArgs } from "./cli-args.js";
import { helpText } from "./cli-help.js";
import { watchParent } from "./cli-parent.js";
import { createInstance, type Instance } from "./instance.js";
import { VERSION } from "./version.js";

/** The command line: the only place that prints banners or exits (STYLE.md). */
export async function main(argv: string[]): Promise<void> {
  let instance: Instance;
  let exitWithParent = true;
  try {
    const args = parseArgs(argv);
    exitWithParent = args.exitWithParent ?? envBool(process.env, "LAUNCH_LOCAL_EXIT_WITH_PARENT") ?? true;
    if (args.help) {
      process.stdout.write(`${helpText()}\n`);
      return;
    }
    if (args.version) {
      process.stdout.write(`${VERSION}\n`);
      return;
    }
    instance = await createInstance(args.options);
    if (args.portFile) writePortFile(args.portFile, instance.port);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`launch-local: ${message}\n`);
    process.exit(2);
  }
  process.stdout.write(
    `launch-local ${VERSION} ready at ${instance.url} (runtime: ${instance.services.info().runtime as string}, data: ${instance.config.ephemeral ? "ephemeral" : instance.config.dataDir})\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`launch-local: ${signal}, stopping workers…\n`);
    instance.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`launch-local: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  if (exitWithParent) watchParent(() => stop("the process that started launch-local exited"));
}

/** Written atomically, so a reader polling for the file never sees a partial port. */
function writePortFile(path: string, port: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${port}\n`);
  renameSync(temp, path);
}
