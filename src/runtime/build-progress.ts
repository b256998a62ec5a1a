/**
 * Long builds (virtual environments, bundle images) on the terminal while they run, not one line at
 * the end: the build's own output still goes to the endpoint's creation logs in full; the terminal
 * gets the lines that mark progress (pip's Collecting / Downloading / Installing, Docker's
 * `Step n/m`, errors), each with the time since the build began.
 */
import type { Clock } from "../domain/clock.js";
import type { Logger } from "../domain/logger.js";

const PROGRESS =
  /^(Step \d+\/\d+ :|Collecting |Downloading |Processing |Building wheels? |Installing collected packages|Successfully |Substituted |Building (a virtual environment|image)|Virtual environment ready|Built image|ERROR|Error|error:|Environment build failed|WARNING: Retrying)/;

/** `log` plus the progress lines of it on `logger` (info), labelled `what`. */
export function withTerminalProgress(log: (line: string) => void, logger: Logger, what: string, clock: Clock): (line: string) => void {
  const startedAt = clock.now();
  return (line) => {
    log(line);
    const text = line.trim();
    if (PROGRESS.test(text))
      logger.info(`${what}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text} (${((clock.now() - startedAt) / 1000).toFixed(1)} s)`);
  };
}
