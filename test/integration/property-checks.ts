/**
 * What every answer to a hostile request must satisfy (issue 6 item 4): a bounded answer, no 5xx but
 * the ones the contract itself prescribes, 4xx bodies in the contract's envelopes (§0.2), and no
 * object of one user visible to, changed by or runnable by the other (§0.4, public_inference excepted).
 */
import http from "node:http";
import type { ConcreteRequest } from "./property-requests.js";
import { type World, otherUser } from "./property-world.js";

export interface Answer {
  status: number;
  contentType: string;
  wwwAuthenticate: string | undefined;
  text: string;
}

/** Sends the request exactly as built (no URL normalisation); rejects when no answer comes in time. */
export function send(baseUrl: string, request: ConcreteRequest, timeoutMs: number): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  // Framed explicitly: Node sends a GET/DELETE body unframed, which any server reads as a broken next request.
  const headers = request.body === undefined ? request.headers : { ...request.headers, "content-length": String(request.body.byteLength) };
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: hostname, port: Number(port), method: request.method, path: request.path, headers, agent: false, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers["content-type"] ?? "",
            wwwAuthenticate: response.headers["www-authenticate"],
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/**
 * The 5xx answers the real server gives (listed, not guessed): the unmapped exceptions of endpoint
 * create/update (billing tags, hooks: the generic envelope, §2.2 rules 4-5), update/restart before the
 * first build (500 with detail, §2.2), v1 batch jobs' unmapped checks, and 501 for unbuilt routes.
 */
const GENERIC_500 = new Set(["POST /v1/model-endpoints", "PUT /v1/model-endpoints/:model_endpoint_id", "POST /v1/batch-jobs"]);
const DETAIL_500: Record<string, string> = {
  "PUT /v1/model-endpoints/:model_endpoint_id": "Endpoint infra state not found, try again later.",
  "POST /v1/model-endpoints/:model_endpoint_id/restart": "Endpoint infra state not found, try again later.",
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function parse(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}

function isGenericEnvelope(body: unknown): boolean {
  return (
    isObject(body) &&
    body["error"] === "Internal error occurred. Our team has been notified." &&
    typeof body["timestamp"] === "string" &&
    typeof body["request_id"] === "string"
  );
}

/** A pydantic v2 error item (§0.2). */
function isValidationItem(item: unknown): boolean {
  if (!isObject(item) || typeof item["type"] !== "string" || typeof item["msg"] !== "string" || !("input" in item)) return false;
  const loc = item["loc"];
  if (!Array.isArray(loc) || !["body", "query", "path"].includes(String(loc[0]))) return false;
  if (!loc.every((part) => typeof part === "string" || typeof part === "number")) return false;
  return item["ctx"] === undefined || isObject(item["ctx"]);
}

/** The S3 door answers in S3's envelope: `<Error><Code>…` XML, 501 NotImplemented for what it does not build. */
function s3EnvelopeProblem(answer: Answer): string | null {
  if (answer.status < 400) return null;
  const code = /<Error>\s*<Code>([A-Za-z]+)<\/Code>/.exec(answer.text)?.[1];
  if (code === undefined) return `${answer.status} without S3's error envelope`;
  if (answer.status >= 500 && !(answer.status === 501 && code === "NotImplemented")) return `unexpected ${answer.status} (${code})`;
  return null;
}

function envelopeProblem(request: ConcreteRequest, answer: Answer): string | null {
  // The S3 door's own errors are S3's XML; the router's (405, 404) stay FastAPI-style JSON.
  if (request.route.path.startsWith("/_launch_local/s3") && answer.text.includes("<Error>")) return s3EnvelopeProblem(answer);
  const key = `${request.method} ${request.route.path}`;
  const parsed = parse(answer.text);
  const body = parsed?.value;
  if (answer.status >= 500) {
    if (answer.status === 500 && GENERIC_500.has(key) && isGenericEnvelope(body)) return null;
    if (answer.status === 500 && isObject(body) && DETAIL_500[key] !== undefined && body["detail"] === DETAIL_500[key]) return null;
    if (answer.status === 501 && isObject(body) && typeof body["detail"] === "string" && body["detail"].endsWith("is not implemented by launch-local yet."))
      return null;
    return `unexpected ${answer.status}`;
  }
  if (answer.status >= 200 && answer.status < 300) {
    return answer.contentType.includes("application/json") && parsed === null ? "2xx with a JSON content type but no JSON" : null;
  }
  if (answer.status < 400) return `unexpected status ${answer.status}`;
  if (!isObject(body)) return "4xx without a JSON object body";
  const detail = body["detail"];
  if (answer.status === 422) {
    return Array.isArray(detail) && detail.length > 0 && detail.every(isValidationItem) ? null : "422 whose detail is not a list of pydantic items";
  }
  if (answer.status === 401 && answer.wwwAuthenticate === undefined) return "401 without WWW-Authenticate";
  if (typeof detail === "string" || (answer.status === 400 && isObject(detail))) return null;
  return `${answer.status} whose detail is not a string`;
}

/** Runs another user's endpoint: allowed for public endpoints on the sync and async routes only (§0.4). */
function isPublicInference(world: World, request: ConcreteRequest, id: string): boolean {
  const owner = world.owners.get(id);
  if (owner === undefined || request.method !== "POST") return false;
  if (request.route.path !== "/v1/sync-tasks" && request.route.path !== "/v1/async-tasks") return false;
  return world.objects[owner].publicEndpoints.includes(id);
}

/**
 * Routes whose 2xx answer does not depend on whose id is in the path, by contract: an unknown or
 * foreign async task id reads PENDING (§2.3), and a file delete always answers deleted: true (§7.1).
 */
function answersAnyId(request: ConcreteRequest): boolean {
  const key = `${request.method} ${request.route.path}`;
  return key === "GET /v1/async-tasks/:task_id" || key === "DELETE /v1/files/:id";
}

function isolationProblem(world: World, request: ConcreteRequest, answer: Answer): string | null {
  const user = request.user;
  if (user === null || answer.status < 200 || answer.status >= 300) return null;
  const other = otherUser(user);
  for (const id of answersAnyId(request) ? [] : request.references) {
    if (world.owners.get(id) === other && !isPublicInference(world, request, id)) return `${user} reached ${other}'s ${id} (${answer.status})`;
  }
  const isException =
    request.references.some((id) => isPublicInference(world, request, id)) || (request.method === "GET" && request.route.path === "/v1/async-tasks/:task_id");
  if (isException) return null;
  const theirs = [...world.owners].filter(([, owner]) => owner === other).map(([id]) => id);
  const seen = [...theirs, ...world.objects[other].protectedNames].find((secret) => answer.text.includes(secret));
  return seen === undefined ? null : `${user} was shown ${other}'s ${seen}`;
}

export function problemsOf(world: World, request: ConcreteRequest, answer: Answer): string[] {
  return [envelopeProblem(request, answer), isolationProblem(world, request, answer)].filter((problem): problem is string => problem !== null);
}
