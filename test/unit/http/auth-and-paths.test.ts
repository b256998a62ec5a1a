import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { routedPath } from "../../../src/http/routed-path.js";
import { parseAuthorization } from "../../../src/http/auth.js";
import { pacificTimestamp, responseForLaunchError } from "../../../src/http/error-table.js";

const basic = (value: string) => `Basic ${Buffer.from(value).toString("base64")}`;

function authError(header: string | undefined, allowed: Set<string> | null = null): { message: string; scheme: unknown } {
  try {
    parseAuthorization(header, allowed);
  } catch (error) {
    if (error instanceof LaunchError) return { message: error.message, scheme: error.data };
  }
  throw new Error("expected an auth error");
}

describe("authentication (server-contract §0.3)", () => {
  it("takes the Basic username (password ignored) or the Bearer token as the identity", () => {
    expect(parseAuthorization(basic("me:"), null)).toBe("me");
    expect(parseAuthorization(basic("me:secret:with:colons"), null)).toBe("me");
    expect(parseAuthorization(basic(":"), null)).toBe("");
    expect(parseAuthorization("Bearer tok", null)).toBe("tok");
  });

  it("answers the contract's two 401 messages", () => {
    expect(authError(undefined)).toEqual({ message: "No authentication was passed in", scheme: "Bearer" });
    expect(authError("Basic !!!")).toEqual({ message: "Invalid authentication credentials", scheme: "Basic" });
    expect(authError(basic("nocolon"))).toEqual({ message: "Invalid authentication credentials", scheme: "Basic" });
    expect(authError(basic("other:"), new Set(["me"]))).toEqual({ message: "Invalid authentication credentials", scheme: "Basic" });
  });

  it("maps coded errors to the real server's envelopes", () => {
    const unauthenticated = responseForLaunchError(new LaunchError("UNAUTHENTICATED", "No authentication was passed in", "Bearer"));
    expect(unauthenticated).toEqual({ status: 401, body: { detail: "No authentication was passed in" }, headers: { "WWW-Authenticate": "Bearer" } });
    expect(responseForLaunchError(new LaunchError("NOT_FOUND", "gone")).body).toEqual({ detail: "gone" });
    expect(pacificTimestamp(Date.UTC(2026, 0, 2, 12, 0, 0))).toBe("2026-01-02 04:00:00 PST");
  });
});

describe("routed paths (client-contract §2)", () => {
  it("collapses duplicate slashes and strips the /v1/launch prefix", () => {
    expect(routedPath("http://h:1/v1/model-endpoints?name=x")).toBe("/v1/model-endpoints");
    expect(routedPath("http://h:1//v1//model-endpoints")).toBe("/v1/model-endpoints");
    expect(routedPath("http://h:1/v1/launch/v2/model-bundles/latest?model_name=a")).toBe("/v2/model-bundles/latest");
    expect(routedPath("http://h:1/v1/launcher")).toBe("/v1/launcher");
    expect(routedPath("http://h:1")).toBe("/");
  });
});
