/**
 * The door routes: the routes the fast lane also serves (fast-lane/), answered through ONE function
 * whichever door a request came in by. `answerThroughPipeline` runs the pipeline's steps (steps.ts)
 * and the route for one request and maps any error through the one error table, so the lane only
 * frames bytes and hono only adapts its context (hono-steps.ts `honoDoor`); neither decides.
 */
import { type ErrorAnswerDeps, answerForError } from "../error-table.js";
import { type Answer, type RequestScope, jsonAnswer } from "./request-scope.js";
import type { PipelineStep } from "./step.js";

export interface DoorRoute {
  /** Names the route in tests and in the lane's table of targets (fast-lane/lane-targets.ts). */
  readonly name: string;
  readonly method: "GET" | "POST";
  /** The path as hono routes it (`:name` parameters). */
  readonly path: string;
  /** Called once every step's `before` has run; throws coded errors as any route does. */
  answer(scope: RequestScope): Answer | Promise<Answer>;
}

export async function answerThroughPipeline(steps: readonly PipelineStep[], route: DoorRoute, scope: RequestScope, deps: ErrorAnswerDeps): Promise<Answer> {
  // Steps whose `before` ran to the end: only theirs get an `after` (hono: the middlewares entered).
  let entered = 0;
  let answer: Answer;
  try {
    for (; entered < steps.length; entered++) {
      const pending = steps[entered]?.before?.(scope);
      if (pending !== undefined) await pending;
    }
    const answered = route.answer(scope);
    answer = answered instanceof Promise ? await answered : answered;
  } catch (error) {
    answer = errorAnswer(error, deps, scope);
  }
  for (let i = entered - 1; i >= 0; i--) {
    try {
      const pending = steps[i]?.after?.(scope, answer.status);
      if (pending !== undefined) await pending;
    } catch (error) {
      answer = errorAnswer(error, deps, scope);
    }
  }
  return answer;
}

/** app.ts's onError, for a door route. */
function errorAnswer(error: unknown, deps: ErrorAnswerDeps, scope: RequestScope): Answer {
  const { status, body, headers } = answerForError(error, deps, scope.method, scope.path);
  return jsonAnswer(body, status, headers);
}
