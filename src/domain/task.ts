/** Inference tasks (server-contract.md §2.3, §3.2). */
export type TaskStatus = "PENDING" | "STARTED" | "SUCCESS" | "FAILURE" | "UNDEFINED";

/** EndpointPredictV1Request after validation; `raw` is the body as sent (forwarded to artifact workers). */
export interface PredictRequest {
  url: string | null;
  args: unknown;
  hasArgs: boolean;
  cloudpickle: string | null;
  callbackUrl: string | null;
  callbackAuth: unknown;
  returnPickled: boolean;
  destinationPath: string | null;
  /**
   * `args` exactly as the client wrote them, compact (number literals intact: `1.0` stays `1.0`, as
   * pydantic keeps a float); forwarded to workers instead of re-serialising `args` when present.
   */
  argsJson?: string;
  /** Sync/streaming only. */
  timeoutSeconds: number | null;
  numRetries: number | null;
}

export interface AsyncTaskRecord {
  id: string;
  endpointId: string;
  owner: string;
  status: TaskStatus;
  request: PredictRequest;
  /** The worker's return value with status_code removed (GetAsyncTaskV1Response.result). */
  result: unknown;
  traceback: string | null;
  statusCode: number | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  attempts: number;
}

/** SyncEndpointPredictV1Response / one SSE event (§2.3). */
export interface PredictResponse {
  status: "SUCCESS" | "FAILURE";
  result: unknown;
  traceback: string | null;
  status_code: number | null;
}
