import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../src/cli-args.js";
import { ConfigError, resolveConfig } from "../../../src/config/options.js";
import { parseAuthorization } from "../../../src/http/auth.js";

describe("the API key allow-list option", () => {
  it("is off by default: any key is a user (§0.3)", () => {
    expect(resolveConfig({}, {}, "/tmp").apiKeys).toBeNull();
    expect(resolveConfig({}, { LAUNCH_LOCAL_API_KEYS: "" }, "/tmp").apiKeys).toBeNull();
  });

  it("comes from the option, LAUNCH_LOCAL_API_KEYS, or --api-keys, trimmed and deduplicated", () => {
    expect(resolveConfig({ apiKeys: ["a", " b ", "a"] }, { LAUNCH_LOCAL_API_KEYS: "z" }, "/tmp").apiKeys).toEqual(["a", "b"]);
    expect(resolveConfig({}, { LAUNCH_LOCAL_API_KEYS: "alice, bob,,carol" }, "/tmp").apiKeys).toEqual(["alice", "bob", "carol"]);
    const args = parseArgs(["--api-keys", "k1,k2", "--port=0"]);
    expect(args.options.apiKeys).toEqual(["k1", "k2"]);
    expect(resolveConfig(args.options, {}, "/tmp").apiKeys).toEqual(["k1", "k2"]);
    expect(parseArgs(["--api-keys=solo"]).options.apiKeys).toEqual(["solo"]);
  });

  it("refuses an allow-list that names no key", () => {
    expect(() => resolveConfig({ apiKeys: [] }, {}, "/tmp")).toThrow(ConfigError);
    expect(() => resolveConfig({}, { LAUNCH_LOCAL_API_KEYS: " , " }, "/tmp")).toThrow(/at least one key/);
    expect(() => parseArgs(["--api-keys"])).toThrow(/needs a value/);
  });

  it("accepts listed keys as Basic user names or Bearer tokens and answers others with the contract's 401", () => {
    const allowed = new Set(["alice"]);
    expect(parseAuthorization(`Basic ${Buffer.from("alice:").toString("base64")}`, allowed)).toBe("alice");
    expect(parseAuthorization("Bearer alice", allowed)).toBe("alice");
    expect(() => parseAuthorization("Bearer mallory", allowed)).toThrow("Invalid authentication credentials");
    expect(() => parseAuthorization(undefined, allowed)).toThrow("No authentication was passed in");
  });
});
