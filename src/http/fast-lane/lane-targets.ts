/**
 * The request targets the lane reads itself: each door route's plainest target form, with an id
 * that needs no decoding (hono's query() and param() decode only on `%` or `+`, so they give the
 * same string). Any other target form of the same route is left to hono, which answers it alike.
 */
export interface LaneTarget {
  /** The door route's name (routes/task-doors.ts). */
  route: string;
  method: "GET" | "POST";
  /** The routed path the door route sees. */
  path: string;
  /** The target; its one group is the id (absent: the route answers the 422 for a missing one). */
  pattern: RegExp;
  /** Where the id goes: a query parameter or a path parameter of that name. */
  id: { query: string } | { param: string };
}

export const LANE_TARGETS: readonly LaneTarget[] = [
  {
    route: "sync-task",
    method: "POST",
    path: "/v1/sync-tasks",
    pattern: /^\/v1\/sync-tasks(?:\?model_endpoint_id=([A-Za-z0-9_-]+))?$/,
    id: { query: "model_endpoint_id" },
  },
];

export function laneTargetOf(method: string, target: string): { target: LaneTarget; id: string | undefined } | null {
  for (const candidate of LANE_TARGETS) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(target);
    if (match !== null) return { target: candidate, id: match[1] };
  }
  return null;
}
