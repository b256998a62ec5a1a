/**
 * The fast lane: the listening server's connections are read here first, and the task requests the
 * lane can serve (lane-targets.ts: sync predicts, async submits and reads) are answered without
 * Node's HTTP machinery (IncomingMessage, ServerResponse, their streams) or hono's. Every other
 * connection is handed to the server's own connection listener, which then runs exactly as it
 * would have. Why: on two cores, Node's HTTP server cost
 * more CPU per sync task than the worker that answers it (issue 5, README "Performance").
 *
 * The server keeps listening, tracking and closing as before; the lane only owns the connections it
 * is serving, and `close()` ends them as `closeAllConnections()` ends the server's.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { AnswerFormatter } from "./answer-bytes.js";
import { serveLaneConnection } from "./lane-connection.js";
import type { Lane } from "./lane.js";

export interface FastLane {
  /** Destroys the connections the lane is serving (those handed off belong to the server). */
  closeAllConnections(): void;
}

type ConnectionListener = (this: Server, socket: Socket) => void;

export function attachFastLane(server: Server, lane: Lane): FastLane {
  const serverListeners = server.listeners("connection") as ConnectionListener[];
  server.removeAllListeners("connection");
  const sockets = new Set<Socket>();
  const formatter = new AnswerFormatter();

  const context = {
    lane,
    formatter,
    keepAliveTimeoutMs: () => server.keepAliveTimeout,
    requestTimeoutMs: () => server.requestTimeout,
    handOff(socket: Socket, unread: Buffer): void {
      sockets.delete(socket);
      if (unread.byteLength > 0) socket.unshift(unread);
      for (const listener of serverListeners) listener.call(server, socket);
    },
  };

  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    serveLaneConnection(socket, context);
  });

  return {
    closeAllConnections() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
