import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { exitFromStatus, publishedPort } from "../../../src/runtime/docker/docker-worker.js";
import { isDockerAvailable, parseEngineInfo } from "../../../src/runtime/docker/engine-info.js";
import { engineMessage, engineStatus } from "../../../src/runtime/docker/local-image.js";

describe("engine info", () => {
  it("reads the CPU count and rootless mode, tolerating junk", () => {
    expect(parseEngineInfo({ NCPU: 8, SecurityOptions: ["name=seccomp,profile=default", "name=rootless"] })).toEqual({ cpus: 8, isRootless: true });
    expect(parseEngineInfo({ NCPU: 2, SecurityOptions: ["name=seccomp"] })).toEqual({ cpus: 2, isRootless: false });
    expect(parseEngineInfo(null)).toEqual({ cpus: 1, isRootless: false });
  });

  it("says no quickly when no engine answers", async () => {
    const startedAt = Date.now();
    expect(await isDockerAvailable(new Dockerode({ socketPath: "/nonexistent/docker.sock" }), 500)).toBe(false);
    expect(await isDockerAvailable(new Dockerode({ host: "10.255.255.1", port: 2375, protocol: "http" }), 300)).toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });

  it("reads status and message from dockerode errors", () => {
    const error = Object.assign(new Error("(HTTP code 404) no such image"), { statusCode: 404, json: { message: "No such image: x:1" } });
    expect(engineStatus(error)).toBe(404);
    expect(engineMessage(error)).toBe("No such image: x:1");
    expect(engineStatus(new Error("x"))).toBeNull();
    expect(engineMessage("plain")).toBe("plain");
    expect(engineMessage(new Error('(HTTP code 500) server error - Get "https://r/v2/": no such host '))).toBe('Get "https://r/v2/": no such host');
  });
});

describe("container exits", () => {
  it("maps 128+n statuses to signals", () => {
    expect(exitFromStatus(0)).toEqual({ code: 0, signal: null });
    expect(exitFromStatus(1)).toEqual({ code: 1, signal: null });
    expect(exitFromStatus(137)).toEqual({ code: null, signal: "SIGKILL" });
    expect(exitFromStatus(143)).toEqual({ code: null, signal: "SIGTERM" });
    expect(exitFromStatus(null)).toEqual({ code: null, signal: null });
  });
});

describe("publishedPort", () => {
  it("reads the host port bound to 5005/tcp", () => {
    expect(publishedPort({ "5005/tcp": [{ HostIp: "127.0.0.1", HostPort: "49153" }] })).toBe(49153);
    expect(publishedPort({ "5005/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] })).toBeNull();
    expect(publishedPort({ "5005/tcp": null })).toBeNull();
    expect(publishedPort({})).toBeNull();
    expect(publishedPort(undefined)).toBeNull();
  });
});
