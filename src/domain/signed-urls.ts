/** Shared by the blob store (which signs URLs) and the HTTP route (which serves them). */
export type SignedMethod = "PUT" | "GET";

export const SIGNED_BLOBS_PATH = "/_launch_local/signed-blobs";

export const INVALID_SIGNATURE = "Invalid or expired signature";

/**
 * Where workers that do not share launch-local's disk (Ray nodes) read and write blobs, with a
 * bearer token (blobs/signed-url.ts workerBlobToken): GET any object, PUT only result pickles.
 */
export const WORKER_BLOBS_PATH = "/_launch_local/worker-blobs";

/** model-engine's prefix for pickled results (`inference/common.py` _write_to_s3, §4.3). */
export const RESULTS_PREFIX = "tmp/hosted-model-inference-outputs/";

/**
 * Where the S3-compatible door is mounted (http/routes/s3/), clear of the real API's paths; workers
 * get it as their AWS endpoint (runtime/worker-env.ts awsWorkerEnv).
 */
export const S3_PATH = "/_launch_local/s3";
