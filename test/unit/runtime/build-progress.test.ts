import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { createLogger } from "../../../src/domain/logger.js";
import { withTerminalProgress } from "../../../src/runtime/build-progress.js";

describe("build progress on the terminal", () => {
  it("passes every line to the creation logs and the progress lines to the terminal, with the time since the start", async () => {
    const clock = new FakeClock();
    const terminal: string[] = [];
    const creationLogs: string[] = [];
    const logger = createLogger("info", (line) => terminal.push(line), "json").child("build");
    const log = withTerminalProgress((line) => creationLogs.push(line), logger, "environment 3f2a", clock);
    log("Collecting six==1.17.0");
    await clock.advance(1500);
    log("  Using cached six-1.17.0-py2.py3-none-any.whl");
    log("Installing collected packages: six");
    await clock.advance(500);
    log("Step 3/7 : RUN pip install");
    expect(creationLogs).toHaveLength(4);
    expect(terminal.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      "environment 3f2a: Collecting six==1.17.0 (0.0 s)",
      "environment 3f2a: Installing collected packages: six (1.5 s)",
      "environment 3f2a: Step 3/7 : RUN pip install (2.0 s)",
    ]);
  });
});
