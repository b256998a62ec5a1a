/**
 * launch-local as a separate process (the CLI, as a pytest fixture runs it) on a given data dir, with
 * the process runtime, for the end-to-end reliability tests.
 */
import { join } from "node:path";
import { type CliProcess, readPortFile, startCli, waitFor } from "../../helpers/cli-process.js";
import { LaunchHttp } from "../../helpers/launch-http.js";

export interface RunningServer {
  cli: CliProcess;
  http: LaunchHttp;
  pid: number;
  /** SIGTERM and wait for the exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

let started = 0;

export async function startServer(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const portFile = join(dataDir, `port-${process.pid}-${++started}`);
  const cli = startCli(
    ["--port", "0", "--port-file", portFile, "--data-dir", join(dataDir, "state"), "--runtime", "process", "--log-level", "warn", ...args],
    env,
  );
  const exitedEarly = cli.exited.then(({ code }) => {
    throw new Error(`launch-local exited (code ${String(code)}) before it was ready: ${cli.stderr()}`);
  });
  exitedEarly.catch(() => undefined);
  const port = await Promise.race([waitFor(() => readPortFile(portFile), 30_000, "the port file"), exitedEarly]);
  const pid = cli.child.pid;
  if (pid === undefined) throw new Error("launch-local has no pid");
  const isRunning = () => cli.child.exitCode === null && cli.child.signalCode === null;
  return {
    cli,
    http: new LaunchHttp(`http://127.0.0.1:${port}`),
    pid,
    async stop() {
      if (isRunning()) cli.child.kill("SIGTERM");
      return (await cli.exited).code;
    },
    async kill() {
      if (isRunning()) cli.child.kill("SIGKILL");
      await cli.exited;
    },
  };
}

/**
 * A cloudpickle bundle: predict(**kwargs) waits until the file `gate` exists (when given), sleeps
 * `sleep` seconds (default 0), then echoes kwargs.
 */
export const ECHO_SOURCE = `
import os
import time
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        gate = kwargs.get("gate")
        while gate is not None and not os.path.exists(gate):
            time.sleep(0.01)
        time.sleep(float(kwargs.get("sleep", 0)))
        return kwargs
    return predict
`;
