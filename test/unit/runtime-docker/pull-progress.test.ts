import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { parseProgressLine } from "../../../src/runtime/docker/progress-stream.js";
import { createPullProgress, formatBytes, isLayerMessage } from "../../../src/runtime/docker/pull-progress.js";

/** One engine line, as `docker pull` streams it (docker 20.10's shape). */
const line = (status: string, id?: string, current?: number, total?: number) =>
  parseProgressLine(JSON.stringify({ status, ...(id ? { id } : {}), progressDetail: total === undefined ? {} : { current, total } })) ?? {
    stream: null,
    status: null,
    error: null,
    id: null,
    progress: null,
  };

describe("image pull progress", () => {
  it("reports layers done and bytes as the pull goes, not one line at the end", async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const progress = createPullProgress("pytorch/pytorch:2.1.0", clock, (text) => lines.push(text), 10_000);
    progress.onMessage(line("Pulling from pytorch/pytorch", "2.1.0"));
    for (const id of ["a1", "b2", "c3"]) progress.onMessage(line("Pulling fs layer", id));
    progress.onMessage(line("Downloading", "a1", 100e6, 1.5e9));
    progress.onMessage(line("Downloading", "b2", 10e6, 20e6));
    expect(lines).toEqual([]); // nothing done yet, and under 10 s since the pull began

    await clock.advance(10_000);
    progress.onMessage(line("Downloading", "a1", 600e6, 1.5e9));
    expect(lines.at(-1)).toBe("Pulling pytorch/pytorch:2.1.0: 0 of 3 layers done, 610.0 MB of 1.52 GB (1 layer not sized yet)");

    progress.onMessage(line("Download complete", "b2"));
    progress.onMessage(line("Extracting", "b2", 5e6, 20e6));
    progress.onMessage(line("Pull complete", "b2")); // a layer done is reported at once
    expect(lines.at(-1)).toBe("Pulling pytorch/pytorch:2.1.0: 1 of 3 layers done, 620.0 MB of 1.52 GB (1 layer not sized yet)");

    progress.onMessage(line("Already exists", "c3"));
    progress.onMessage(line("Downloading", "a1", 1.5e9, 1.5e9));
    progress.onMessage(line("Pull complete", "a1"));
    progress.onMessage(line("Digest: sha256:0123"));
    progress.onMessage(line("Status: Downloaded newer image for pytorch/pytorch:2.1.0"));
    progress.finish();
    expect(lines.slice(-3)).toEqual([
      "Pulling pytorch/pytorch:2.1.0: 2 of 3 layers done, 620.0 MB of 1.52 GB",
      "Pulling pytorch/pytorch:2.1.0: 3 of 3 layers done, 1.52 GB of 1.52 GB",
      "Pulled pytorch/pytorch:2.1.0: 3 layers, 1.52 GB downloaded",
    ]);
  });

  it("stays quiet between reports while bytes move", async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const progress = createPullProgress("x:1", clock, (text) => lines.push(text), 10_000);
    progress.onMessage(line("Pulling fs layer", "a1"));
    for (let second = 1; second <= 25; second += 1) {
      await clock.advance(1_000);
      progress.onMessage(line("Downloading", "a1", second * 1e6, 100e6));
    }
    expect(lines).toEqual(["Pulling x:1: 0 of 1 layers done, 10.0 MB of 100.0 MB", "Pulling x:1: 0 of 1 layers done, 20.0 MB of 100.0 MB"]);
  });

  it("tells layer lines from the pull's own lines", () => {
    expect(isLayerMessage(line("Pulling fs layer", "a1"))).toBe(true);
    expect(isLayerMessage(line("Pulling from library/python", "3.11"))).toBe(false);
    expect(isLayerMessage(line("Digest: sha256:0123"))).toBe(false);
    expect([formatBytes(999), formatBytes(1_234_567), formatBytes(3_400_000_000)]).toEqual(["1 kB", "1.2 MB", "3.40 GB"]);
  });
});
