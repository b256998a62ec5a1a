import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli-args.js";
import { ConfigError, resolveConfig } from "../../../src/config/options.js";

describe("Ray runtime options", () => {
  it("takes the address from the option, else LAUNCH_LOCAL_RAY_ADDRESS; an address alone chooses the Ray runtime", () => {
    const explicit = resolveConfig({ runtime: "ray", rayAddress: "head:6379" }, { LAUNCH_LOCAL_RAY_ADDRESS: "other:1" }, "/tmp");
    expect(explicit).toMatchObject({ runtime: "ray", rayAddress: "head:6379", rayPython: "python3" });
    expect(resolveConfig({}, { LAUNCH_LOCAL_RAY_ADDRESS: " 127.0.0.2:6379 " }, "/tmp")).toMatchObject({ runtime: "ray", rayAddress: "127.0.0.2:6379" });
    expect(resolveConfig({ python: "/py" }, { LAUNCH_LOCAL_RAY_ADDRESS: "h:1", LAUNCH_LOCAL_RAY_PYTHON: "/ray/py" }, "/tmp").rayPython).toBe("/ray/py");
    // Another runtime chosen explicitly ignores the address.
    expect(resolveConfig({ runtime: "process" }, { LAUNCH_LOCAL_RAY_ADDRESS: "h:1" }, "/tmp")).toMatchObject({ runtime: "process", rayAddress: null });
  });

  it("refuses --runtime ray without an address, naming the option", () => {
    expect(() => resolveConfig({ runtime: "ray" }, {}, "/tmp")).toThrow(ConfigError);
    expect(() => resolveConfig({}, { LAUNCH_LOCAL_RUNTIME: "ray" }, "/tmp")).toThrow(/--ray-address HOST:PORT \(or LAUNCH_LOCAL_RAY_ADDRESS\)/);
  });

  it("has CLI flags", () => {
    expect(parseArgs(["--runtime", "ray", "--ray-address", "h:1", "--ray-python", "/v/bin/python"])).toMatchObject({
      options: { runtime: "ray", rayAddress: "h:1", rayPython: "/v/bin/python" },
    });
  });
});
