/**
 * The embedding API's `ready` (README "Embedding in tests"), as Miniflare's `await mf.ready`: a
 * handle at once, a promise that resolves with the URL once it serves and rejects with the start
 * error; `startLaunchLocal` keeps resolving with a serving handle.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, LaunchLocal, startLaunchLocal } from "../../src/index.js";

const OPTIONS = { port: 0, ephemeral: true, runtime: "process", logLevel: "silent" } as const;
const open: LaunchLocal[] = [];
const track = (launch: LaunchLocal): LaunchLocal => (open.push(launch), launch);

afterEach(async () => {
  await Promise.all(open.splice(0).map((launch) => launch.close()));
});

describe("LaunchLocal.ready", () => {
  it("resolves with the URL once the server answers, and the handle reads it after", async () => {
    const launch = track(new LaunchLocal(OPTIONS));
    expect(() => launch.url).toThrow(/await launch.ready/);
    const url = await launch.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(launch.url).toBe(url);
    expect(launch.port).toBe(Number(new URL(url).port));
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await launch.reset();
    await launch.close();
    await launch.close();
    await expect(fetch(`${url}/readyz`)).rejects.toThrow();
  });

  it("rejects with the start error (a busy explicit port), and close and reset say so", async () => {
    const first = track(await startLaunchLocal(OPTIONS));
    const second = new LaunchLocal({ ...OPTIONS, port: first.port });
    await expect(second.ready).rejects.toBeInstanceOf(ConfigError);
    await expect(second.reset()).rejects.toBeInstanceOf(ConfigError);
    expect(() => second.url).toThrow(/await launch.ready/);
    await expect(second.close()).resolves.toBeUndefined();
    await expect(startLaunchLocal({ ...OPTIONS, port: first.port })).rejects.toBeInstanceOf(ConfigError);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });

  it("rejects with a bad option instead of throwing from the constructor", async () => {
    const launch = new LaunchLocal({ ...OPTIONS, port: 70000 });
    await expect(launch.ready).rejects.toThrow(/port/);
  });

  it("closes a start still under way once it has started", async () => {
    const launch = new LaunchLocal(OPTIONS);
    const closed = launch.close();
    await closed;
    const url = await launch.ready;
    await expect(fetch(`${url}/readyz`)).rejects.toThrow();
  });

  it("keeps startLaunchLocal resolving with a serving handle whose ready is the same URL", async () => {
    const launch = track(await startLaunchLocal(OPTIONS));
    expect(await launch.ready).toBe(launch.url);
    expect((await fetch(`${launch.url}/readyz`)).status).toBe(200);
  });
});
