/**
 * The hono app as Node's request listener, with @hono/node-server loaded after start-up.
 *
 * That module reads `global.Request` when it loads, which makes Node load its whole fetch
 * implementation (undici): about a tenth of the server's start-up CPU (issue 5, row 6). Nothing
 * before the first request needs it, so `warmUp()` loads it once the server is listening, and a
 * request that arrives before then waits for the load.
 *
 * A request without Host (HTTP/1.0 allows it; Node's server answers 400 for an HTTP/1.1 one) is
 * given the server's own address as its URL's host, so the app answers it as any other.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

type FetchCallback = (request: Request, env: unknown) => Response | Promise<Response>;

export interface HonoListener {
  listener: RequestListener;
  /** Starts loading the adaptor (once); resolves when it is there. */
  warmUp(): Promise<void>;
}

/** @hono/node-server's listener: it answers a handler's throw itself, so its promise settles when the answer is written. */
type AdaptorListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** `ownHost`: the listening server's host and port; read when the adaptor loads (after listening). */
export function createHonoListener(fetch: FetchCallback, ownHost: () => string = () => "localhost"): HonoListener {
  let loaded: AdaptorListener | null = null;
  let loading: Promise<AdaptorListener> | null = null;
  const load = (): Promise<AdaptorListener> =>
    (loading ??= import("@hono/node-server").then(({ getRequestListener }) => (loaded = getRequestListener(fetch, { hostname: ownHost() }))));

  // The adaptor failing outside a handler (or failing to load) must still answer, never leave the request hanging.
  const internalError = (response: ServerResponse) => (error: unknown) => {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ detail: `Internal error: ${String(error)}` }));
  };
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    if (loaded !== null) {
      loaded(request, response).catch(internalError(response));
      return;
    }
    load()
      .then((ready) => ready(request, response))
      .catch(internalError(response));
  };
  return { listener, warmUp: () => load().then(() => undefined) };
}
