/**
 * A container's stdout and stderr, line by line, from the engine's log stream (which replays the
 * output since the start, so nothing printed before we attached is lost). Without a TTY the engine
 * multiplexes both streams into one; docker-modem's demuxStream splits them again.
 */
import { PassThrough, type Readable } from "node:stream";
import type Dockerode from "dockerode";
import { LineTail, pipeLines } from "../process/run-command.js";

export interface ContainerOutput {
  /** The last stderr lines (for "exited before ready" messages). */
  readonly stderrTail: LineTail;
  /** Resolves when the log stream has ended (the container stopped) or could not be opened. */
  readonly ended: Promise<void>;
  /** Stops following (the engine ends the stream itself when the container stops). */
  close(): void;
}

const isReadable = (value: NodeJS.ReadableStream): value is Readable => "destroy" in value;

export async function followContainerOutput(docker: Dockerode, container: Dockerode.Container, log: (line: string) => void): Promise<ContainerOutput> {
  const stderrTail = new LineTail(20);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  pipeLines(stdout, log);
  pipeLines(stderr, (line) => {
    stderrTail.push(line);
    log(line);
  });
  let source: NodeJS.ReadableStream | null = null;
  let isFinished = false;
  const finish = () => {
    if (isFinished) return;
    isFinished = true;
    stdout.end();
    stderr.end();
  };
  const ended = new Promise<void>((resolve) => {
    stdout.once("end", () => resolve());
  });
  try {
    source = await container.logs({ follow: true, stdout: true, stderr: true });
    docker.modem.demuxStream(source, stdout, stderr);
    source.once("end", finish);
    source.once("close", finish);
    source.once("error", finish);
  } catch (error) {
    log(`(container output unavailable: ${error instanceof Error ? error.message : String(error)})`);
    finish();
  }
  return {
    stderrTail,
    ended,
    close() {
      if (source !== null && isReadable(source)) source.destroy();
    },
  };
}
