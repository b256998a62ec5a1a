/**
 * The hono side of the pipeline: a step as a middleware, a door route as a handler, and the
 * RequestScope they see, read from and written to hono's context (its variables are the scope's
 * state, so the routes that read `c.get("user")` see what the steps set).
 */
import type { Context, Handler, Hono, MiddlewareHandler } from "hono";
import { readIncoming, readLimited } from "../body-read.js";
import type { HttpEnv } from "../context.js";
import type { ErrorAnswerDeps } from "../error-table.js";
import { incomingOf, requestHeader } from "../node-request.js";
import { type DoorRoute, answerThroughPipeline } from "./door.js";
import type { RequestScope } from "./request-scope.js";
import type { PipelineStep } from "./step.js";

/** True when some route (not just middleware) matched: the api-routes steps run only then. */
const hasRoute = (c: Context<HttpEnv>): boolean => c.req.matchedRoutes.some((route) => route.method !== "ALL");

/** Which step each middleware built here runs (the pipeline test reads it off hono's router). */
const STEP_OF = new WeakMap<object, string>();
export const stepOfHandler = (handler: unknown): string | undefined => (typeof handler === "function" ? STEP_OF.get(handler) : undefined);

export function honoMiddleware(step: PipelineStep): MiddlewareHandler<HttpEnv> {
  const middleware: MiddlewareHandler<HttpEnv> = async (c, next) => {
    if (step.reach === "api-routes" && !hasRoute(c)) return next();
    const scope = scopeOf(c);
    const pending = step.before?.(scope);
    if (pending !== undefined) await pending;
    await next();
    const after = step.after?.(scope, c.res.status);
    if (after !== undefined) await after;
  };
  STEP_OF.set(middleware, step.name);
  return middleware;
}

/** A door route as hono's handler: the whole pipeline runs inside it (door.ts), so no middleware may run before it. */
export function honoDoor(route: DoorRoute, steps: readonly PipelineStep[], deps: ErrorAnswerDeps): Handler<HttpEnv> {
  const handler: Handler<HttpEnv> = async (c) => {
    const answer = await answerThroughPipeline(steps, route, scopeOf(c), deps);
    return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "application/json", ...answer.headers } });
  };
  STEP_OF.set(handler, `door:${route.name}`);
  return handler;
}

export function scopeOf(c: Context<HttpEnv>): RequestScope {
  return {
    method: c.req.method,
    path: c.req.path,
    header: (name) => requestHeader(c, name),
    query: (name) => c.req.query(name),
    queries: () => c.req.query(),
    param: (name) => c.req.param(name),
    readBody(limit) {
      const incoming = incomingOf(c.env);
      return incoming === null ? readLimited(c.req.raw, limit) : readIncoming(incoming, limit);
    },
    get startedAt() {
      return c.get("startedAt");
    },
    set startedAt(value) {
      c.set("startedAt", value);
    },
    get body() {
      return c.get("body");
    },
    set body(value) {
      c.set("body", value);
    },
    get rawBody() {
      return c.get("rawBody");
    },
    set rawBody(value) {
      c.set("rawBody", value);
    },
    get user() {
      return c.get("user");
    },
    set user(value) {
      if (value !== undefined) c.set("user", value);
    },
    get isAdmin() {
      return c.get("isAdmin");
    },
    set isAdmin(value) {
      c.set("isAdmin", value);
    },
    get jobCaller() {
      return c.get("jobCaller");
    },
    set jobCaller(value) {
      c.set("jobCaller", value);
    },
  };
}

/** Mounts the steps of one reach, in the list's order. */
export function mountSteps(app: Hono<HttpEnv>, steps: readonly PipelineStep[], reach: PipelineStep["reach"]): void {
  for (const step of steps) if (step.reach === reach) app.use("*", honoMiddleware(step));
}

/** Mounts door routes; before any step, since each runs the whole pipeline itself. */
export function mountDoors(app: Hono<HttpEnv>, routes: readonly DoorRoute[], steps: readonly PipelineStep[], deps: ErrorAnswerDeps): void {
  for (const route of routes) app.on(route.method, route.path, honoDoor(route, steps, deps));
}
