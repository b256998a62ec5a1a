/**
 * The door routes the fast lane serves (lane-targets.ts), framed from the raw request and answered
 * through the same function as hono's (pipeline/door.ts `answerThroughPipeline`, with the same
 * steps, pipeline/steps.ts). The lane decides only framing: a request whose bytes it does not read
 * itself (another version, a chunked or expected body, an upgrade, a body over the limit, a target
 * that needs decoding) goes to Node's server and hono, which answer it through the same function.
 */
import { payloadTooLarge } from "../body-read.js";
import type { DoorRoute } from "../pipeline/door.js";
import { answerThroughPipeline } from "../pipeline/door.js";
import type { RequestScope } from "../pipeline/request-scope.js";
import { type PipelineServices, pipelineSteps } from "../pipeline/steps.js";
import { type TaskDoorServices, taskDoorRoutes } from "../routes/task-doors.js";
import type { Services } from "../services.js";
import type { Lane } from "./lane.js";
import { type LaneRequestTarget, laneTargetOf } from "./lane-targets.js";
import { type RequestHead, singleField } from "./request-head.js";

export type TaskLaneServices = PipelineServices & TaskDoorServices & Pick<Services, "logger" | "uuid">;

const DIGITS = /^[0-9]{1,15}$/;
// Fields whose presence changes how the body is framed or answered: Node's parser handles them.
const DECLINED_FIELDS = ["transfer-encoding", "expect", "upgrade"];

export function createTaskLane(services: TaskLaneServices): Lane {
  const steps = pipelineSteps(services);
  const routes = new Map<string, DoorRoute>(taskDoorRoutes(services).map((route) => [route.name, route]));
  return {
    bodySize(head) {
      if (head.version !== "HTTP/1.1" || laneTargetOf(head.method, head.target) === null) return null;
      if (DECLINED_FIELDS.some((name) => head.fields.has(name)) || singleField(head, "host") === null) return null;
      const connection = head.fields.get("connection");
      if (connection !== undefined && !(connection.length === 1 && /^(keep-alive|close)$/i.test(connection[0] ?? ""))) return null;
      const length = head.fields.get("content-length");
      if (length === undefined) return head.method === "GET" ? 0 : null;
      if (length.length !== 1 || !DIGITS.test(length[0] ?? "")) return null;
      const size = Number(length[0]);
      // Past the limit, Node's server and hono answer the 413 (and read what they must of the body).
      return size <= services.maxBodyBytes ? size : null;
    },

    serve(head, body) {
      const found = laneTargetOf(head.method, head.target);
      const route = found === null ? undefined : routes.get(found.target.route);
      if (found === null || route === undefined) return null;
      return answerThroughPipeline(steps, route, laneScope(head, found, body), services);
    },
  };
}

function laneScope(head: RequestHead, { target, id, path }: LaneRequestTarget, body: Buffer): RequestScope {
  const queryName = "query" in target.id ? target.id.query : null;
  const paramName = "param" in target.id ? target.id.param : null;
  return {
    method: head.method,
    path,
    header(name) {
      const values = head.fields.get(name);
      return values === undefined ? undefined : values.join(", ");
    },
    query: (name) => (name === queryName ? id : undefined),
    queries: () => (queryName === null || id === undefined ? {} : { [queryName]: id }),
    param: (name) => (name === paramName ? id : undefined),
    readBody(limit) {
      if (body.byteLength > limit) throw payloadTooLarge(limit);
      return body;
    },
    startedAt: 0,
    body: undefined,
    rawBody: undefined,
    user: undefined,
    isAdmin: false,
    jobCaller: undefined,
  };
}
