/**
 * The task routes both front doors serve (server-contract.md §1 rows 22-24, §2.3): written once as
 * door routes (pipeline/door.ts), so hono and the fast lane answer them through the same function.
 * Upstream failures are HTTP 200 FAILURE bodies; only coded errors (400/404/408) change the status.
 */
import type { User } from "../../domain/identity.js";
import type { DoorRoute } from "../pipeline/door.js";
import { type RequestScope, jsonAnswer } from "../pipeline/request-scope.js";
import { parsePredictInput, predictResponseBody } from "../schemas/tasks.js";
import type { Services } from "../services.js";

export type TaskDoorServices = Pick<Services, "tasks">;

export function taskDoorRoutes({ tasks }: TaskDoorServices): readonly DoorRoute[] {
  return [
    {
      name: "sync-task",
      method: "POST",
      path: "/v1/sync-tasks",
      async answer(scope) {
        // No rawBody for the input: sync-predict.ts reads `args` from the bytes only for a runnable image.
        const input = parsePredictInput("sync", scope.query("model_endpoint_id"), scope.body);
        const response = await tasks.predictSync(callerOf(scope), input.endpointId, input.request, input.raw, scope.rawBody);
        return jsonAnswer(predictResponseBody(response));
      },
    },
    {
      name: "create-async-task",
      method: "POST",
      path: "/v1/async-tasks",
      async answer(scope) {
        const input = parsePredictInput("async", scope.query("model_endpoint_id"), scope.body, scope.rawBody);
        // Resolves once the PENDING row is committed (accepted means committed, task-lifecycle.ts).
        return jsonAnswer(await tasks.createAsync(callerOf(scope), input.endpointId, input.request));
      },
    },
    {
      name: "get-async-task",
      method: "GET",
      path: "/v1/async-tasks/:task_id",
      answer: (scope) => jsonAnswer(tasks.getAsync(scope.param("task_id") ?? "")),
    },
  ];
}

/** The auth step always sets the caller before a door route runs; its absence is a wiring fault (the 500 envelope). */
function callerOf(scope: RequestScope): User {
  if (scope.user === undefined) throw new Error("no caller was authenticated before a door route");
  return scope.user;
}
