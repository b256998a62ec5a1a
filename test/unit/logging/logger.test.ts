import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/domain/logger.js";

const at = () => new Date("2026-01-02T03:04:05.678Z");

describe("the injected logger", () => {
  it("writes one JSON object per line with pino's field names, components joined", () => {
    const lines: string[] = [];
    const logger = createLogger("info", (line) => lines.push(line), "json", at)
      .child("scheduler")
      .child("end_1");
    logger.info("worker ready", { worker: "w1", time: "not overwritten" });
    logger.debug("not written");
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { time: "2026-01-02T03:04:05.678Z", level: "info", component: "scheduler.end_1", msg: "worker ready", worker: "w1" },
    ]);
    expect(Object.keys(JSON.parse(lines[0] ?? "{}") as object)).toEqual(["time", "level", "component", "msg", "worker"]);
  });

  it("keeps the readable text line by default", () => {
    const lines: string[] = [];
    createLogger("debug", (line) => lines.push(line), "text", at)
      .child("http")
      .warn("slow", { ms: 3 });
    expect(lines).toEqual(['2026-01-02T03:04:05.678Z WARN  [http] slow {"ms":3}']);
  });

  it("says whether debug entries are written", () => {
    expect(createLogger("debug", () => undefined).isDebug).toBe(true);
    expect(createLogger("info", () => undefined).child("x").isDebug).toBe(false);
  });
});
