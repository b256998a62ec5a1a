import { Hono } from "hono";
import { apiDocsRoutes } from "./routes/api-docs.js";
import { batchJobRoutes } from "./routes/batch-jobs.js";
import type { HttpEnv } from "./context.js";
import { answerForError, responseForLaunchError } from "./error-table.js";
import { methodNotAllowed, routeNotFound } from "../domain/errors.js";
import { controlRoutes } from "./routes/control.js";
import { dashboardPageRoutes, dashboardRoutes } from "./routes/dashboard.js";
import { dockerImageBatchJobBundleRoutes } from "./routes/docker-image-batch-job-bundles.js";
import { dockerImageBatchJobRoutes } from "./routes/docker-image-batch-jobs.js";
import { fileRoutes } from "./routes/files.js";
import { fineTuneRoutes } from "./routes/fine-tunes.js";
import { batchCompletionRoutes } from "./routes/batch-completions.js";
import { controlBlobRoutes } from "./routes/control-blobs.js";
import { healthRoutes } from "./routes/health.js";
import { hostedInferenceRoutes } from "./routes/hosted-inference.js";
import { llmCompletionRoutes } from "./routes/llm-completions.js";
import { llmEndpointRoutes } from "./routes/llm-endpoints.js";
import { metricsRoutes } from "./routes/metrics.js";
import { modelBundleRoutes } from "./routes/model-bundles.js";
import { modelEndpointDocsRoutes } from "./routes/model-endpoint-docs.js";
import { modelEndpointRoutes } from "./routes/model-endpoints.js";
import { notImplementedRoutes } from "./routes/not-implemented.js";
import { routedPath } from "./routed-path.js";
import { signedBlobRoutes } from "./routes/signed-blobs.js";
import { s3Routes } from "./routes/s3/s3-routes.js";
import { taskDoorRoutes } from "./routes/task-doors.js";
import { taskRoutes } from "./routes/tasks.js";
import { mountDoors, mountSteps } from "./pipeline/hono-steps.js";
import { pipelineSteps } from "./pipeline/steps.js";
import { triggerRoutes } from "./routes/triggers.js";
import type { Services } from "./services.js";

/**
 * The HTTP pipeline, in order (its steps are the list in pipeline/steps.ts, which both front doors read):
 *   0. the door routes (routes/task-doors.ts), before any middleware: each runs the whole list of
 *      steps itself (pipeline/door.ts), the same function the fast lane calls
 *   1. path normalisation (routedPath), for every route
 *   2. the every-request steps: the access log, then the commit wait (an answer leaves only once the
 *      store has committed what it wrote)
 *   3. health routes, /openapi.json and /docs, the dashboard page and its assets, and signed-URL blob
 *      routes (no credentials: the URL's
 *      signature is the check); the control API's raw-body blob routes and the S3-compatible door
 *      (routes/s3/: their own authentication, no JSON parsing)
 *   4. the api-routes steps: JSON body parsing and the size limit (422 before 401, §0.2; 413), a job's
 *      own credentials (job-caller.ts), authentication (Basic/Bearer, §0.3)
 *   5. the API routes, one module per resource; unbuilt ones answer 501
 *   6. 404 / 405 for anything else, and one error handler mapping coded errors (error-table.ts)
 * A middleware belongs in pipeline/steps.ts, never here: one mounted here would skip the door routes
 * on both doors (test/integration/pipeline-doors.test.ts fails when one is).
 */
export function createApp(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>({ getPath: (request) => routedPath(request.url) });

  app.onError((error, c) => {
    const { status, body, headers } = answerForError(error, services, c.req.method, c.req.path);
    return c.json(body, status as 400, headers);
  });

  app.notFound((c) => {
    const path = routedPath(c.req.url);
    const otherMethod = app.routes.some((route) => route.method !== "ALL" && route.method !== c.req.method && pathMatches(route.path, path));
    const { status, body } = responseForLaunchError(otherMethod ? methodNotAllowed() : routeNotFound());
    return c.json(body, status as 404);
  });

  const steps = pipelineSteps(services);
  mountDoors(app, taskDoorRoutes(services), steps, services);
  mountSteps(app, steps, "every-request");

  app.route("/", healthRoutes());
  app.route("/", apiDocsRoutes());
  app.route("/", dashboardPageRoutes());
  app.route("/", signedBlobRoutes(services));
  app.route("/", controlBlobRoutes(services));
  if (services.s3) {
    const { maxBodyBytes, allowedKeys, adminKeys, logger } = services;
    app.route("/", s3Routes({ ...services.s3, maxBodyBytes, allowedKeys, adminKeys, logger: logger.child("s3"), now: services.now, uuid: services.uuid }));
  }

  mountSteps(app, steps, "api-routes");

  app.route("/", modelBundleRoutes(services));
  app.route("/", modelEndpointDocsRoutes(services));
  app.route("/", modelEndpointRoutes(services));
  app.route("/", taskRoutes(services));
  app.route("/", batchJobRoutes(services));
  if (services.dockerBatchBundles) app.route("/", dockerImageBatchJobBundleRoutes(services.dockerBatchBundles));
  if (services.dockerBatchJobs) app.route("/", dockerImageBatchJobRoutes(services.dockerBatchJobs));
  if (services.triggers) app.route("/", triggerRoutes(services.triggers));
  if (services.files) app.route("/", fileRoutes(services.files, services.maxBodyBytes));
  if (services.llmEndpoints && services.llmReads) app.route("/", llmEndpointRoutes(services.llmEndpoints, services.llmReads));
  if (services.llmCompletionsV1 && services.llmCompletionsV2)
    app.route("/", llmCompletionRoutes(services.llmCompletionsV1, services.llmCompletionsV2, services));
  if (services.fineTunes) app.route("/", fineTuneRoutes(services.fineTunes));
  if (services.batchCompletions) app.route("/", batchCompletionRoutes(services.batchCompletions));
  app.route("/", hostedInferenceRoutes(services));
  app.route("/", controlRoutes(services));
  if (services.dashboard) app.route("/", dashboardRoutes(services.dashboard));
  if (services.metrics)
    app.route(
      "/",
      metricsRoutes(
        services.metrics,
        services.adminKeys !== null,
        (user) => new Set(services.endpoints.list(user, null, null).model_endpoints.map((endpoint) => endpoint.id)),
      ),
    );
  app.route("/", notImplementedRoutes());
  return app;
}

const patternCache = new Map<string, RegExp>();

function pathMatches(pattern: string, path: string): boolean {
  if (pattern.includes("*")) return false;
  let regex = patternCache.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+")}/?$`);
    patternCache.set(pattern, regex);
  }
  return regex.test(path);
}
