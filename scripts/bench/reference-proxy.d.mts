/** Types of reference-proxy.mjs, for the TypeScript unit tests (test/unit/bench). */
import type { ChildProcess } from "node:child_process";

export interface Reference {
  child: ChildProcess;
  port: number;
  ports: number[];
}
export function startReference(script: string, args: Array<string | number>): Promise<Reference>;
export function stopReference(reference: Reference): Promise<void>;
