import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import type { Server } from "node:http";
import { isLaunchError, notFound } from "../../src/domain/errors.js";
import { authMiddleware } from "../../src/http/auth.js";
import { jsonBodyMiddleware } from "../../src/http/body.js";
import type { HttpEnv } from "../../src/http/context.js";
import { internalErrorBody, responseForLaunchError } from "../../src/http/error-table.js";
import { modelEndpointDocsRoutes } from "../../src/http/routes/model-endpoint-docs.js";
import { modelEndpointRoutes } from "../../src/http/routes/model-endpoints.js";
import { type EndpointHarness, endpointHarness } from "../unit/endpoints/fixtures.js";

/**
 * The model-endpoint routes behind the same pipeline pieces as app.ts (JSON body, auth, the coded
 * error table and the 500 envelope), over in-memory SQLite and the Node adapter, with a fake
 * scheduler, so the HTTP contract is tested without workers.
 */
export interface EndpointsTestApp {
  server: Server;
  harness: EndpointHarness;
  /** Blob contents readable through `schema_location`. */
  blobs: Map<string, Uint8Array>;
  close(): void;
}

export const auth = (user = "me"): string => `Basic ${Buffer.from(`${user}:`).toString("base64")}`;

export function createEndpointsTestApp(): EndpointsTestApp {
  const harness = endpointHarness();
  const blobs = new Map<string, Uint8Array>();
  const read = async (location: string): Promise<Buffer> => {
    const bytes = blobs.get(location);
    if (!bytes) throw notFound(`no blob ${location}`);
    return Buffer.from(bytes);
  };

  const app = new Hono<HttpEnv>();
  app.onError((error, c) => {
    if (!isLaunchError(error)) return c.json(internalErrorBody("00000000-0000-4000-8000-000000000000", harness.clock.now()), 500);
    const { status, body, headers } = responseForLaunchError(error);
    return c.json(body, status as 400, headers);
  });
  app.use("*", jsonBodyMiddleware(1 << 20));
  app.use("*", authMiddleware(null));
  app.route("/", modelEndpointDocsRoutes({ endpoints: harness.service, blobAccess: { read: async (_actor, location) => read(location) } }));
  app.route("/", modelEndpointRoutes({ endpoints: harness.service }));

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  return {
    server,
    harness,
    blobs,
    close: () => {
      server.close();
      harness.db.close();
    },
  };
}
