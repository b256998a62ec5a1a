/** Model endpoint entity (server-contract.md §2.2, §3.1, §3.4). */
export type EndpointType = "async" | "sync" | "streaming";
export const ENDPOINT_TYPES: readonly EndpointType[] = ["async", "sync", "streaming"];

export type EndpointStatus = "READY" | "UPDATE_PENDING" | "UPDATE_IN_PROGRESS" | "UPDATE_FAILED" | "DELETE_IN_PROGRESS";

export const GPU_TYPES = [
  "nvidia-tesla-t4",
  "nvidia-ampere-a10",
  "nvidia-ampere-a100",
  "nvidia-ampere-a100e",
  "nvidia-hopper-h100",
  "nvidia-hopper-h100-1g20gb",
  "nvidia-hopper-h100-3g40gb",
] as const;
export type GpuType = (typeof GPU_TYPES)[number];

export type CallbackAuth = { kind: "basic"; username: string; password: string } | { kind: "mtls"; cert: string; key: string };

export interface EndpointResources {
  /** Kept exactly as sent (string or number), §0.1. */
  cpus: string | number;
  memory: string | number;
  storage: string | number;
  gpus: number;
  gpuType: GpuType | null;
  nodesPerWorker: number;
  optimizeCosts: boolean;
}

export interface EndpointScaling {
  minWorkers: number;
  maxWorkers: number;
  perWorker: number;
  concurrentRequestsPerWorker: number;
  forwarderMaxConcurrency: number | null;
}

export interface EndpointRecord {
  id: string;
  name: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  lastUpdatedAt: number;
  endpointType: EndpointType;
  bundleId: string;
  status: EndpointStatus;
  statusReason: string | null;
  /** "UNKNOWN" until the first build finishes (§0.5). */
  destination: string;
  /** False until the first build finished: then deployment_state & co. are null on the wire (§3.4). */
  hasInfraState: boolean;
  metadata: Record<string, unknown>;
  postInferenceHooks: string[] | null;
  defaultCallbackUrl: string | null;
  defaultCallbackAuth: CallbackAuth | null;
  labels: Record<string, string>;
  resources: EndpointResources;
  scaling: EndpointScaling;
  publicInference: boolean;
  highPriority: boolean;
  prewarm: boolean;
  billingTags: Record<string, unknown> | null;
  taskExpiresSeconds: number | null;
  queueMessageTimeoutSeconds: number | null;
}

/** deployment_name / async destination (§0.5). */
export const deploymentNameFor = (endpointId: string): string => `launch-endpoint-id-${endpointId.replace(/_/g, "-")}`;
export const destinationFor = (endpoint: Pick<EndpointRecord, "id" | "endpointType">): string =>
  endpoint.endpointType === "async" ? `launch-endpoint-id-${endpoint.id}` : deploymentNameFor(endpoint.id);
