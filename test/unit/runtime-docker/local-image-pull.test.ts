import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { frameworkImage } from "../../../src/runtime/docker/image-map.js";
import { dockerodeImageEngine, ensureLocalImage } from "../../../src/runtime/docker/local-image.js";

/** The slice of dockerode these functions call: inspect, pull and distribution of one image. */
function fakeDocker(pullLines: string[], distribution: () => Promise<unknown>): { docker: Dockerode; pulled: () => boolean } {
  let isPulled = false;
  const notFound = Object.assign(new Error("(HTTP code 404) no such image - No such image"), { statusCode: 404 });
  const fake = {
    getImage: () => ({
      inspect: async () => {
        if (!isPulled) throw notFound;
        return { Id: "sha256:pulled" };
      },
      distribution,
    }),
    pull: async () => {
      const stream = new PassThrough();
      setImmediate(() => {
        for (const line of pullLines) stream.write(`${line}\n`);
        isPulled = true;
        stream.end();
      });
      return stream;
    },
  };
  return { docker: fake as unknown as Dockerode, pulled: () => isPulled };
}

const layer = (status: string, id: string, current?: number, total?: number) =>
  JSON.stringify({ status, id, progressDetail: total === undefined ? {} : { current, total } });

describe("a base image pull", () => {
  it("writes its progress to the creation logs and the terminal as it goes", async () => {
    const { docker } = fakeDocker(
      [
        JSON.stringify({ status: "Pulling from pytorch/pytorch", id: "1.7.0" }),
        layer("Pulling fs layer", "a1"),
        layer("Pulling fs layer", "b2"),
        layer("Downloading", "a1", 5e8, 1e9),
        layer("Downloading", "b2", 1e6, 2e6),
        layer("Download complete", "b2"),
        layer("Pull complete", "b2"),
        layer("Downloading", "a1", 1e9, 1e9),
        layer("Pull complete", "a1"),
        JSON.stringify({ status: "Digest: sha256:0123" }),
        JSON.stringify({ status: "Status: Downloaded newer image for pytorch/pytorch:1.7.0" }),
      ],
      async () => ({}),
    );
    const log: string[] = [];
    const terminal: string[] = [];
    const pull = { clock: new FakeClock(), terminal: (line: string) => terminal.push(line) };
    const request = frameworkImage({ framework_type: "pytorch", pytorch_image_tag: "1.7.0" });
    const found = await ensureLocalImage(docker, request, {}, "Base image", pull, (line) => log.push(line));
    expect(found).toEqual({ image: "pytorch/pytorch:1.7.0", id: "sha256:pulled" });
    const progress = [
      "Pulling pytorch/pytorch:1.7.0: 1 of 2 layers done, 502.0 MB of 1.00 GB",
      "Pulling pytorch/pytorch:1.7.0: 2 of 2 layers done, 1.00 GB of 1.00 GB",
      "Pulled pytorch/pytorch:1.7.0: 2 layers, 1.00 GB downloaded",
    ];
    expect(log).toEqual([
      "Base image pytorch/pytorch:1.7.0 is not present locally; trying to pull it",
      "Pulling from pytorch/pytorch",
      progress[0],
      progress[1],
      "Digest: sha256:0123",
      "Status: Downloaded newer image for pytorch/pytorch:1.7.0",
      progress[2],
    ]);
    expect(terminal).toEqual(progress);
  });
});

describe("auto's image questions through dockerode", () => {
  it("asks the engine's registry, with the engine's own message when it cannot", async () => {
    const clock = new FakeClock();
    const offline = Object.assign(new Error("(HTTP code 500) server error - Get https://registry-1.docker.io/v2/: no such host"), {
      statusCode: 500,
      json: { message: "Get https://registry-1.docker.io/v2/: no such host" },
    });
    const failing = dockerodeImageEngine(fakeDocker([], async () => Promise.reject(offline)).docker, clock);
    expect(await failing.hasImage("pytorch/pytorch:1.7.0")).toBe(false);
    expect(await failing.whyNotPullable("pytorch/pytorch:1.7.0")).toBe("Get https://registry-1.docker.io/v2/: no such host");
    expect(await dockerodeImageEngine(fakeDocker([], async () => ({ Descriptor: {} })).docker, clock).whyNotPullable("x:1")).toBeNull();
  });

  it("gives up on a registry that never answers", async () => {
    const clock = new FakeClock();
    const silent = dockerodeImageEngine(fakeDocker([], () => new Promise(() => undefined)).docker, clock, 10_000);
    const answer = silent.whyNotPullable("x:1");
    await clock.advance(10_000);
    expect(await answer).toBe("no registry answered the engine within 10 s");
  });
});
