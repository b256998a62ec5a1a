import type { Answer } from "../pipeline/request-scope.js";
import type { RequestHead } from "./request-head.js";

/** What the connection code (lane-connection.ts) asks of the requests the lane serves. */
export interface Lane {
  /** The body's size when this request is the lane's to serve; null when the app must have it. */
  bodySize(head: RequestHead): number | null;
  /** Serves the request, or null when the app must answer it after all (nothing has run). */
  serve(head: RequestHead, body: Buffer): Promise<Answer> | null;
}
