/**
 * What a job that launch-local itself starts (a fine-tune's trainer, a batch-completions run) may
 * do over HTTP with its credentials (README "Fine-tunes": job credentials). The real job reaches
 * the gateway and the bucket with platform-wide rights; here it acts as its owner, and only for the
 * calls its work needs: read its input files, write its outputs, create the one endpoint it makes.
 * Anything else is a 403, and the credentials stop working once the job has finished.
 */
export interface JobGrant {
  /** Files-API ids it may read (`GET /v1/files/{id}`, `…/content`). */
  files: string[];
  /** `s3://` locations it may read (`GET /_launch_local/blobs?location=`). */
  reads: string[];
  /** `s3://` locations it may write exactly, and folders (`s3://…/`) it may write under. */
  writes: string[];
  writePrefixes: string[];
  /** The LLM endpoint it may create and read (`POST /v1/llm/model-endpoints` with this name). */
  endpointName: string | null;
}

/** One request as the grant check sees it (path after /v1/launch normalisation). */
export interface JobCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const FILE_PATH = /^\/v1\/files\/([^/]+)(\/content)?$/;
const ENDPOINT_PATH = /^\/v1\/llm\/model-endpoints\/([^/]+)$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const bodyName = (body: unknown): unknown => (isRecord(body) ? body.name : undefined);

const safeDecode = (text: string): string | null => {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
};

export function jobGrantAllows(grant: JobGrant, call: JobCall): boolean {
  const { method, path, query } = call;
  if (path === "/_launch_local/blobs") {
    const location = query.location;
    if (location === undefined) return false;
    if (method === "GET") return grant.reads.includes(location);
    if (method === "PUT") return grant.writes.includes(location) || grant.writePrefixes.some((prefix) => location.startsWith(prefix));
    return false;
  }
  const file = FILE_PATH.exec(path);
  if (file?.[1] !== undefined) {
    const id = safeDecode(file[1]);
    return method === "GET" && id !== null && grant.files.includes(id);
  }
  if (grant.endpointName === null) return false;
  if (path === "/v1/llm/model-endpoints") return method === "POST" && bodyName(call.body) === grant.endpointName;
  const endpoint = ENDPOINT_PATH.exec(path);
  return method === "GET" && endpoint?.[1] !== undefined && safeDecode(endpoint[1]) === grant.endpointName;
}
