import { existsSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli-args.js";
import { ConfigError, resolveConfig } from "../../../src/config/options.js";
import { createIdGenerator } from "../../../src/domain/ids.js";

describe("options", () => {
  it("resolves explicit > LAUNCH_LOCAL_* env > default", () => {
    const config = resolveConfig({ port: 7000 }, { LAUNCH_LOCAL_PORT: "6000", LAUNCH_LOCAL_HOST: "0.0.0.0" }, "/tmp/x");
    expect(config.port).toBe(7000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.dataDir).toBe("/tmp/x/.launch-local");
    expect(resolveConfig({}, {}, "/tmp").port).toBe(5001);
    expect(resolveConfig({}, {}, "/tmp").host).toBe("127.0.0.1");
  });

  it("rejects bad values with a clear message", () => {
    expect(() => resolveConfig({ port: 70000 }, {}, "/tmp")).toThrow(ConfigError);
    expect(() => resolveConfig({}, { LAUNCH_LOCAL_RUNTIME: "kubernetes" }, "/tmp")).toThrow(/runtime must be one of/);
    expect(() => resolveConfig({}, { LAUNCH_LOCAL_PORT: "abc" }, "/tmp")).toThrow(/LAUNCH_LOCAL_PORT must be a number/);
  });

  it("makes an ephemeral data dir in the temp folder", () => {
    const config = resolveConfig({ ephemeral: true }, {}, "/tmp");
    expect(existsSync(config.dataDir)).toBe(true);
    expect(config.dataDir).not.toContain(".launch-local");
    rmSync(config.dataDir, { recursive: true, force: true });
  });

  it("parses the command line", () => {
    expect(parseArgs(["--port", "0", "--ephemeral", "--port-file=/tmp/p", "--runtime", "process"])).toEqual({
      options: { port: 0, ephemeral: true, runtime: "process" },
      portFile: "/tmp/p",
      exitWithParent: null,
      help: false,
      version: false,
    });
    expect(parseArgs(["--exit-with-parent=false"]).exitWithParent).toBe(false);
    expect(parseArgs(["--exit-with-parent"]).exitWithParent).toBe(true);
    expect(() => parseArgs(["--nope"])).toThrow(/Unknown option --nope/);
    expect(() => parseArgs(["--port"])).toThrow(/needs a value/);
    expect(() => parseArgs(["--port", "x"])).toThrow(/needs a number/);
  });
});

describe("ids (server-contract §0.5)", () => {
  it("makes prefixed, time-ordered 20-char XIDs and UUID4s", () => {
    let now = Date.UTC(2026, 0, 1);
    const ids = createIdGenerator(() => now);
    const first = ids.xid("bun_");
    now += 2000;
    const second = ids.xid("bun_");
    expect(first).toMatch(/^bun_[0-9a-v]{20}$/);
    expect(second > first).toBe(true);
    expect(ids.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
