/**
 * The one route the fast lane serves: POST /v1/sync-tasks, in its plainest form, with exactly the
 * steps of the hono route (app.ts: body parsing, authentication, tasks.ts: validation, predict). The
 * lane takes a request only once it is sure the app would have reached `predictSync` with the same
 * input; every request the app would refuse (bad JSON, no credentials, a 422, a 413) is declined
 * before anything runs, so the app answers it, from one code path, as before.
 */
import { isJobToken } from "../../domain/docker-batch/job-credentials.js";
import { userFromName } from "../../domain/identity.js";
import { parseAuthorization } from "../auth.js";
import { parseJson } from "../body.js";
import { answerForError } from "../error-table.js";
import { parsePredictInput, predictResponseBody } from "../schemas/tasks.js";
import type { Services } from "../services.js";
import { type RequestHead, singleField } from "./request-head.js";

export interface LaneAnswer {
  status: number;
  /** Fields beyond those of every answer (Content-Type, Content-Length, Date, Connection). */
  headers: Record<string, string>;
  body: string;
}

export interface Lane {
  /** The body's size when this request is the lane's to serve; null when the app must have it. */
  bodySize(head: RequestHead): number | null;
  /** Serves the request, or null when the app must answer it after all (nothing has run). */
  serve(head: RequestHead, body: Buffer): Promise<LaneAnswer> | null;
}

export type SyncTaskLaneServices = Pick<Services, "tasks" | "allowedKeys" | "maxBodyBytes" | "pendingCommit" | "logger" | "uuid" | "now" | "accessLog">;

const PATH = "/v1/sync-tasks";
// Only an id that needs no decoding: hono's query() would give the same string (it decodes on % or +).
const TARGET = /^\/v1\/sync-tasks\?model_endpoint_id=([A-Za-z0-9_-]+)$/;
const DIGITS = /^[0-9]{1,15}$/;
// Fields whose presence changes how the body is framed or answered: the app's parser handles them.
const DECLINED_FIELDS = ["transfer-encoding", "expect", "upgrade"];

export function createSyncTaskLane(services: SyncTaskLaneServices): Lane {
  return {
    bodySize(head) {
      if (head.method !== "POST" || head.version !== "HTTP/1.1" || !TARGET.test(head.target)) return null;
      if (DECLINED_FIELDS.some((name) => head.fields.has(name)) || singleField(head, "host") === null) return null;
      const connection = head.fields.get("connection");
      if (connection !== undefined && !(connection.length === 1 && /^(keep-alive|close)$/i.test(connection[0] ?? ""))) return null;
      // body.ts parses JSON only for a JSON or absent content type; the app answers the other cases.
      const type = head.fields.get("content-type");
      if (type !== undefined && !(type.length === 1 && type[0]?.includes("json"))) return null;
      const length = singleField(head, "content-length");
      if (length === null || !DIGITS.test(length)) return null;
      const size = Number(length);
      return size > 0 && size <= services.maxBodyBytes ? size : null;
    },

    serve(head, body) {
      const endpointId = TARGET.exec(head.target)?.[1];
      if (endpointId === undefined) return null;
      let input: ReturnType<typeof parsePredictInput>;
      let user: ReturnType<typeof userFromName>;
      try {
        const json = parseJson(body);
        const name = parseAuthorization(singleField(head, "authorization") ?? undefined, services.allowedKeys);
        // A job's credentials are the app's to check (http/job-caller.ts).
        if (isJobToken(name)) return null;
        user = userFromName(name);
        input = parsePredictInput("sync", endpointId, json);
      } catch {
        return null;
      }
      return predict(services, user, input, body);
    },
  };
}

/** tasks.ts's sync route and app.ts's error handler and commit wait, for one accepted request. */
async function predict(
  services: SyncTaskLaneServices,
  user: ReturnType<typeof userFromName>,
  input: ReturnType<typeof parsePredictInput>,
  body: Buffer,
): Promise<LaneAnswer> {
  const startedAt = services.accessLog ? services.now() : 0;
  let answer: LaneAnswer;
  try {
    const response = await services.tasks.predictSync(user, input.endpointId, input.request, input.raw, body);
    answer = { status: 200, headers: {}, body: JSON.stringify(predictResponseBody(response)) };
  } catch (error) {
    const { status, body: errorBody, headers } = answerForError(error, services, "POST", PATH);
    answer = { status, headers, body: JSON.stringify(errorBody) };
  }
  const commit = services.pendingCommit?.();
  if (commit) await commit;
  // The same access-log line as app.ts writes for the requests hono answers.
  services.accessLog?.("POST", PATH, answer.status, startedAt);
  return answer;
}
