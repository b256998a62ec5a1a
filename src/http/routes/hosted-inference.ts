import { Hono } from "hono";
import { notFound } from "../../domain/errors.js";
import type { HttpEnv } from "../context.js";
import type { Services } from "../services.js";

const UPLOAD_FOLDERS = [
  ["model_bundle_upload", "model-bundles"],
  ["batch_task_input_upload", "batch-inputs"],
] as const;

/**
 * The client's legacy Connection routes under /v1/hosted_inference (client-contract.md §2, §4,
 * §6.3). The client sends a JSON `{}` body even on GET; it is ignored. Upload keys are
 * `<folder>/<owner>/<uuid>`; the store turns the owner into a safe path segment, and the object is
 * the caller's from the moment the slot is handed out.
 */
export function hostedInferenceRoutes(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  // `{signedUrl, bucket, key}`: the client PUTs to signedUrl and records `s3://{bucket}/{key}` (§4).
  for (const [route, folder] of UPLOAD_FOLDERS) {
    app.post(`/v1/hosted_inference/${route}`, (c) => {
      const upload = services.blobAccess.reserveUpload(c.get("user").teamId, folder, services.publicUrl());
      return c.json({ signedUrl: upload.signedUrl, bucket: upload.bucket, key: upload.key });
    });
  }

  app.get("/v1/hosted_inference/endpoints/creation_logs/:endpoint_name", (c) => {
    const endpoint = services.endpoints.findOwnedByName(c.get("user"), c.req.param("endpoint_name"));
    if (!endpoint) throw notFound("The specified endpoint could not be found.");
    const lines = services.logs.read(endpoint.id, "build");
    return c.json({ content: lines.length === 0 ? "" : `${lines.join("\n")}\n` });
  });

  return app;
}
