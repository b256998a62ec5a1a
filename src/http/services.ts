import type { Logger } from "../domain/logger.js";
import type { BlobStore, EndpointLogRepository } from "../domain/ports.js";
import type { BundleService } from "../domain/bundles/bundle-service.js";
import type { EndpointService } from "../domain/endpoints/endpoint-service.js";
import type { TaskService } from "../domain/tasks/task-service.js";

/** What the route modules may call. Built in instance.ts. */
export interface Services {
  bundles: BundleService;
  endpoints: EndpointService;
  tasks: TaskService;
  blobs: BlobStore;
  logs: EndpointLogRepository;
  logger: Logger;
  now(): number;
  uuid(): string;
  /** This server's own base URL (known once listening), for signed URLs. */
  publicUrl(): string;
  /** Secret for signed URLs. */
  signingSecret: string;
  signedUrlTtlSeconds: number;
  maxBodyBytes: number;
  allowedKeys: ReadonlySet<string> | null;
  /** GET /_launch_local/info */
  info(): Record<string, unknown>;
}
