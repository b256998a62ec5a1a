import type { BlobAccess } from "../domain/blobs/blob-access.js";
import type { MultipartService } from "../domain/blobs/multipart-service.js";
import type { ObjectService } from "../domain/blobs/object-service.js";
import type { Logger } from "../domain/logger.js";
import type { MetricsExposition } from "../domain/observe-ports.js";
import type { AccessLog } from "./access-log.js";
import type { BlobStore, EndpointLogRepository } from "../domain/ports.js";
import type { BatchJobService } from "../domain/batch/batch-job-service.js";
import type { BundleService } from "../domain/bundles/bundle-service.js";
import type { DockerBatchBundleService } from "../domain/docker-batch/docker-batch-bundle-service.js";
import type { DockerBatchJobService } from "../domain/docker-batch/docker-batch-job-service.js";
import type { FileService } from "../domain/files/file-service.js";
import type { TriggerService } from "../domain/triggers/trigger-service.js";
import type { ControlService } from "../domain/control/control-service.js";
import type { DashboardService } from "../domain/dashboard/dashboard-service.js";
import type { EndpointService } from "../domain/endpoints/endpoint-service.js";
import type { TaskService } from "../domain/tasks/task-service.js";
import type { LlmEndpointReads } from "../domain/llm/llm-endpoint-reads.js";
import type { LlmEndpointService } from "../domain/llm/llm-endpoint-service.js";
import type { LlmCompletionsV1 } from "../domain/llm/llm-completions-v1.js";
import type { LlmCompletionsV2 } from "../domain/llm/llm-completions-v2.js";
import type { JobCredentials } from "../domain/docker-batch/job-credentials.js";
import type { FineTuneService } from "../domain/fine-tunes/fine-tune-service.js";
import type { BatchCompletionService } from "../domain/batch-completions/batch-completion-service.js";

/** What the route modules may call. Built in instance.ts. */
export interface Services {
  bundles: BundleService;
  endpoints: EndpointService;
  tasks: TaskService;
  batchJobs: BatchJobService;
  /** The raw store: signed URLs (the signature is the check) and tests. */
  blobs: BlobStore;
  /** Every read or write on a caller's behalf (the owner check, domain/blobs/blob-access.ts). */
  blobAccess: BlobAccess;
  /** The S3-compatible door's operations (routes/s3/); absent in test apps built for other resources. */
  s3?: { objects: ObjectService; multipart: MultipartService };
  logs: EndpointLogRepository;
  logger: Logger;
  /** Debug-level access log, or absent when debug entries are not written. */
  accessLog?: AccessLog | null;
  now(): number;
  uuid(): string;
  /** This server's own base URL (known once listening), for signed URLs. */
  publicUrl(): string;
  /** Secret for signed URLs. */
  signingSecret: string;
  signedUrlTtlSeconds: number;
  maxBodyBytes: number;
  /** Accepted keys (API keys and admin keys); null: any. */
  allowedKeys: ReadonlySet<string> | null;
  /** Keys that may use the instance-wide control routes (--admin-keys); null: none are set. */
  adminKeys: ReadonlySet<string> | null;
  /** GET /_launch_local/info */
  info(): Record<string, unknown>;
  /**
   * Docker-image batch job bundles and jobs, triggers, files (§2.5, §2.6, §7.1). Optional so that a
   * test app built for other resources may leave them out; their routes are then absent.
   */
  dockerBatchBundles?: DockerBatchBundleService;
  dockerBatchJobs?: DockerBatchJobService;
  triggers?: TriggerService;
  files?: FileService;
  /** LLM endpoints (llm-contract.md §1.1); absent in test apps built for other resources. */
  llmEndpoints?: LlmEndpointService;
  llmReads?: LlmEndpointReads;
  llmCompletionsV1?: LlmCompletionsV1;
  llmCompletionsV2?: LlmCompletionsV2;
  /** Batch completions v1 and v2 (llm-contract.md §1.6); absent in test apps built for other resources. */
  batchCompletions?: BatchCompletionService;
  /** Fine-tunes (llm-contract.md §1.5); absent in test apps built for other resources. */
  fineTunes?: FineTuneService;
  /** The credentials of jobs launch-local starts on a user's behalf (job-caller.ts); absent: none are accepted. */
  jobCredentials?: JobCredentials;
  /** GET /metrics (README "Metrics"); absent when metrics are off (--metrics=false). */
  metrics?: MetricsExposition | null;
  /** The dashboard's JSON (README "Dashboard"); absent in test apps built for other resources. */
  dashboard?: DashboardService;
  /** The /_launch_local/ control API (README "Control API"). */
  control: ControlService;
  /**
   * The store's commit that an answer must wait for (store/group-commit.ts), or null when none is
   * pending. Absent: writes are committed before they return.
   */
  pendingCommit?(): Promise<void> | null;
}
