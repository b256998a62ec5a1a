/**
 * A bundle's requirements as a cache key: one virtual environment per unique set (DESIGN.md
 * "Workers" → Process runtime), so bundles that list the same packages in another order or with
 * stray blanks share one build.
 */
import { createHash } from "node:crypto";

/** Trimmed, non-empty, de-duplicated, sorted requirement lines. */
export function normalizeRequirements(requirements: readonly string[]): string[] {
  const lines = requirements.map((line) => line.trim()).filter((line) => line.length > 0);
  return [...new Set(lines)].sort();
}

/**
 * sha256 of the normalized lines plus the interpreter identity (version and executable), since a
 * venv is bound to the interpreter that made it.
 */
export function requirementsKey(requirements: readonly string[], pythonIdentity: string): string {
  const hash = createHash("sha256");
  hash.update(`python ${pythonIdentity}\n`);
  for (const line of normalizeRequirements(requirements)) hash.update(`${line}\n`);
  return hash.digest("hex");
}

/**
 * A short status_reason for a failed pip run (server-contract.md §3.1: one line, ≤ 500 chars),
 * naming the requirement pip could not satisfy when its output says which.
 */
export function pipFailureReason(exitCode: number | null, outputTail: readonly string[]): string {
  const patterns = [
    /No matching distribution found for (.+)$/,
    /Could not find a version that satisfies the requirement (\S+)/,
    /Invalid requirement: (.+)$/,
    /Failed to build (.+)$/,
  ];
  let detail: string | null = null;
  for (const pattern of patterns) {
    const line = outputTail.find((candidate) => pattern.test(candidate.trim()));
    if (line !== undefined) {
      detail = line.trim().replace(/^ERROR:\s*/, "");
      break;
    }
  }
  if (detail === null) {
    const lastError = [...outputTail].reverse().find((line) => /^ERROR:/.test(line.trim()));
    detail = lastError?.trim().replace(/^ERROR:\s*/, "") ?? null;
  }
  const code = exitCode === null ? "was killed" : `exited with code ${exitCode}`;
  const reason = `Failed to install requirements: pip ${code}${detail ? `: ${detail}` : ""}`;
  return reason.length > 500 ? `${reason.slice(0, 497)}...` : reason;
}
