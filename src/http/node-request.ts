/**
 * The Node request behind hono's Request when @hono/node-server serves the app (`c.env.incoming`).
 * The adapter builds a WHATWG Request, its Headers and a web ReadableStream only when something asks
 * for them; reading headers and the JSON body from the IncomingMessage instead skips all three, which
 * was about a fifth of the gateway's CPU per sync or async task (issue 5, scripts/bench). On any other
 * adapter (hono's `app.request` in tests) the WHATWG objects are used as before.
 */
import { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { HttpEnv } from "./context.js";

export function incomingOf(env: unknown): IncomingMessage | null {
  if (typeof env !== "object" || env === null || !("incoming" in env)) return null;
  const incoming = env.incoming;
  return incoming instanceof IncomingMessage ? incoming : null;
}

/** A request header as `Headers.get` gives it (repeated fields joined with ", "); `name` in lower case. */
export function requestHeader(c: Context<HttpEnv>, name: string): string | undefined {
  const incoming = incomingOf(c.env);
  if (incoming === null) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i];
    if (key === undefined || key.length !== name.length || key.toLowerCase() !== name) continue;
    const field = raw[i + 1] ?? "";
    value = value === undefined ? field : `${value}, ${field}`;
  }
  return value;
}
