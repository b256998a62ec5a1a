/**
 * Line-oriented child output and one-shot commands (venv and pip builds). Children are spawned with
 * argv arrays, never a shell string (STYLE.md §8).
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

export type Env = Record<string, string | undefined>;

/** Calls `onLine` for each complete line of `stream` (and the unterminated rest at its end). */
export function pipeLines(stream: Readable, onLine: (line: string) => void): void {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  const emit = (text: string) => {
    pending += text;
    const parts = pending.split(/\r?\n/);
    pending = parts.pop() ?? "";
    for (const part of parts) onLine(part);
  };
  stream.on("data", (chunk: Buffer) => emit(decoder.write(chunk)));
  stream.on("end", () => {
    emit(decoder.end());
    if (pending.length > 0) onLine(pending);
    pending = "";
  });
}

/** The last `size` lines pushed, for error messages. */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(private readonly size: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  get all(): readonly string[] {
    return this.lines;
  }
}

export interface CommandResult {
  code: number | null;
  signal: string | null;
  /** The last output lines (stdout and stderr interleaved). */
  tail: readonly string[];
}

/** Runs `argv` to completion, streaming every output line to `onLine`. Never rejects on a non-zero exit. */
export function runCommand(
  argv: readonly string[],
  options: { env: Env; cwd?: string; onLine: (line: string) => void; tailSize?: number },
): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error("runCommand: empty argv"));
  const tail = new LineTail(options.tailSize ?? 30);
  const onLine = (line: string) => {
    tail.push(line);
    options.onLine(line);
  };
  return new Promise((resolve) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    pipeLines(child.stdout, onLine);
    pipeLines(child.stderr, onLine);
    let isSettled = false;
    child.once("error", (error) => {
      if (isSettled) return;
      isSettled = true;
      onLine(`${file}: ${error.message}`);
      resolve({ code: null, signal: null, tail: tail.all });
    });
    // 'close' (not 'exit') so that every output line has been delivered first.
    child.once("close", (code, signal) => {
      if (isSettled) return;
      isSettled = true;
      resolve({ code, signal, tail: tail.all });
    });
  });
}
