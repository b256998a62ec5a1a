/**
 * The request targets the lane reads itself: each door route's plainest target form, with an id
 * that needs no decoding (hono's query() and param() decode only on `%` or `+`, so they give the
 * same string). Any other target form of the same route is left to hono, which answers it alike.
 */
export interface LaneTarget {
  /** The door route's name (routes/task-doors.ts). */
  route: string;
  method: "GET" | "POST";
  /** The target; its one group is the id (absent: the route answers the 422 for a missing one). */
  pattern: RegExp;
  /** Where the id goes: a query parameter or a path parameter of that name. */
  id: { query: string } | { param: string };
}

const ID = "([A-Za-z0-9_-]+)";

export const LANE_TARGETS: readonly LaneTarget[] = [
  { route: "sync-task", method: "POST", pattern: new RegExp(`^/v1/sync-tasks(?:\\?model_endpoint_id=${ID})?$`), id: { query: "model_endpoint_id" } },
  { route: "create-async-task", method: "POST", pattern: new RegExp(`^/v1/async-tasks(?:\\?model_endpoint_id=${ID})?$`), id: { query: "model_endpoint_id" } },
  { route: "get-async-task", method: "GET", pattern: new RegExp(`^/v1/async-tasks/${ID}$`), id: { param: "task_id" } },
];

export interface LaneRequestTarget {
  target: LaneTarget;
  id: string | undefined;
  /** The path the door route sees, as hono routes it (routed-path.ts): these targets need no change. */
  path: string;
}

export function laneTargetOf(method: string, target: string): LaneRequestTarget | null {
  for (const candidate of LANE_TARGETS) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(target);
    if (match === null) continue;
    const query = target.indexOf("?");
    return { target: candidate, id: match[1], path: query < 0 ? target : target.slice(0, query) };
  }
  return null;
}
