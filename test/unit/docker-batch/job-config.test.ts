import { describe, expect, it } from "vitest";
import { jobConfigFileText } from "../../../src/domain/docker-batch/job-config.js";

describe("jobConfigFileText (§6.2, §9 item 13)", () => {
  it("writes Python's json.dumps: spaced separators, ASCII escapes, null for none", () => {
    expect(jobConfigFileText(null)).toBe("null");
    expect(jobConfigFileText({})).toBe("{}");
    expect(jobConfigFileText({ a: 1, b: [true, null, 2.5], é: "ünï ☃" })).toBe('{"a": 1, "b": [true, null, 2.5], "\\u00e9": "\\u00fcn\\u00ef \\u2603"}');
    expect(jobConfigFileText({ big: 1e21, small: 1e-7 })).toBe('{"big": 1e+21, "small": 1e-07}');
  });
});
