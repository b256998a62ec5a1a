import type { MiddlewareHandler } from "hono";
import { LaunchError } from "../domain/errors.js";
import { userFromName } from "../domain/identity.js";
import type { HttpEnv } from "./context.js";
import { honoMiddleware } from "./pipeline/hono-steps.js";
import type { PipelineStep } from "./pipeline/step.js";

/**
 * Basic (username = identity, password ignored) or Bearer (token = username), §0.3.
 * `allowedKeys`, when set, is an allow-list of usernames; others get the contract's 401.
 */
export function parseAuthorization(header: string | undefined, allowedKeys: ReadonlySet<string> | null): string {
  if (!header) throw new LaunchError("UNAUTHENTICATED", "No authentication was passed in", "Bearer");
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const credentials = space < 0 ? "" : header.slice(space + 1).trim();
  let username: string;
  if (scheme === "basic") {
    const decoded = decodeBase64(credentials);
    const colon = decoded === null ? -1 : decoded.indexOf(":");
    if (decoded === null || colon < 0) throw new LaunchError("UNAUTHENTICATED", "Invalid authentication credentials", "Basic");
    username = decoded.slice(0, colon);
  } else if (scheme === "bearer" && credentials !== "") {
    username = credentials;
  } else {
    throw new LaunchError("UNAUTHENTICATED", "No authentication was passed in", "Bearer");
  }
  if (allowedKeys && !allowedKeys.has(username)) {
    throw new LaunchError("UNAUTHENTICATED", "Invalid authentication credentials", "Basic");
  }
  return username;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): string | null {
  if (!BASE64.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, "base64");
  const decoded = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  return decoded;
}

/** Sets the caller, and whether its key is one of `adminKeys` (--admin-keys). */
export function authStep(allowedKeys: ReadonlySet<string> | null, adminKeys: ReadonlySet<string> | null = null): PipelineStep {
  return {
    name: "auth",
    reach: "api-routes",
    before(scope) {
      // A job's credentials were checked by job-caller.ts, which set the user.
      if (scope.jobCaller !== undefined) return;
      const name = parseAuthorization(scope.header("authorization"), allowedKeys);
      scope.user = userFromName(name);
      scope.isAdmin = adminKeys?.has(name) ?? false;
    },
  };
}

/** The step as a hono middleware, for sub-apps with their own authentication order (control-blobs.ts). */
export const authMiddleware = (allowedKeys: ReadonlySet<string> | null, adminKeys: ReadonlySet<string> | null = null): MiddlewareHandler<HttpEnv> =>
  honoMiddleware(authStep(allowedKeys, adminKeys));
