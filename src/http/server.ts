/**
 * The listening HTTP server (ARCHITECTURE.md "Front doors"): Node's http server with the hono app as
 * its request listener, the fast lane reading its connections first (fast-lane/: the task door
 * routes' plain requests are answered there, everything else goes to Node and hono), on the configured
 * host and port (port 0 picks a free one; a busy explicit port is a ConfigError).
 */
import { createServer, type Server } from "node:http";
import { ConfigError } from "../domain/errors.js";
import { createApp } from "./app.js";
import { attachFastLane, type FastLane } from "./fast-lane/fast-lane.js";
import { createTaskLane } from "./fast-lane/task-lane.js";
import { createHonoListener, type HonoListener } from "./hono-listener.js";
import type { Services } from "./services.js";

export interface HttpServer {
  /** The port listened on (the real one when asked for 0). */
  readonly port: number;
  /** Loads the request adaptor (hono-listener.ts), which start-up leaves until after listening. */
  warmUp(): Promise<void>;
  /** Stops listening and ends every connection, the lane's included. */
  close(): Promise<void>;
}

export async function startHttpServer(services: Services, host: string, port: number): Promise<HttpServer> {
  let ownHost = "localhost";
  const { server, hono } = createAppServer(services, () => ownHost);
  // The door routes in their plain form skip Node's and hono's request machinery (issue 5).
  const fastLane = attachFastLane(server, createTaskLane(services));
  const listening = await listen(server, port, host);
  ownHost = `${host.includes(":") ? `[${host}]` : host}:${listening}`;
  return { port: listening, warmUp: () => hono.warmUp(), close: () => closeServer(server, fastLane) };
}

/**
 * Node's server with the hono app as its listener, as configured for launch-local, before the lane
 * is attached: what the lane hands connections to (and, in tests, the reference the lane must match).
 */
export function createAppServer(services: Services, ownHost: () => string): { server: Server; hono: HonoListener } {
  const hono = createHonoListener(createApp(services).fetch, ownHost);
  const server = createServer(hono.listener);
  server.keepAliveTimeout = 65_000;
  return { server, hono };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigError(`Port ${port} on ${host} is already in use. Choose another with --port, or --port 0 for a free one.`)
          : error,
      );
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server, fastLane: FastLane): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    fastLane.closeAllConnections();
  });
}
