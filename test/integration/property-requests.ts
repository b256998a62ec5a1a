/**
 * Turns a generated RequestSpec into a concrete HTTP request for one world: refs become ids, templates
 * become bodies, and every id the request names *as a reference* (path segment, `model_endpoint_id`,
 * a bundle id field) is recorded for the isolation check.
 */
import type { Mutation, Ref, RequestSpec, TemplateInput } from "./property-arbitraries.js";
import { type UserName, type World, otherUser } from "./property-world.js";

export interface Route {
  method: string;
  path: string;
}

export interface ConcreteRequest {
  route: Route;
  user: UserName | null;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Ids named as references (path, model_endpoint_id, bundle id fields). */
  references: string[];
  /** The JSON body sent, when there was one (for messages). */
  shown: string;
}

function pick(list: readonly string[], index: number): string {
  return list.length === 0 ? "none" : (list[index % list.length] ?? "none");
}

export function resolveRef(world: World, user: UserName | null, ref: Ref, want: "bundle" | "endpoint"): string {
  const me = world.objects[user ?? "alice"];
  const other = world.objects[otherUser(user ?? "alice")];
  switch (ref.kind) {
    case "ownScratch":
      return pick(want === "bundle" ? me.scratchBundles : me.scratchEndpoints, ref.index);
    case "otherProtected":
      return pick(want === "bundle" ? other.protectedBundles : other.protectedEndpoints, ref.index);
    case "otherPublic":
      return pick(other.publicEndpoints, ref.index);
    case "otherScratch":
      return pick(want === "bundle" ? other.scratchBundles : other.scratchEndpoints, ref.index);
    case "task":
      return pick([...me.tasks, ...other.tasks], ref.index);
    case "garbage":
      return ref.garbage;
  }
}

type Template = (input: TemplateInput, ref: (i: number, want: "bundle" | "endpoint") => string) => Record<string, unknown>;

const num = (input: TemplateInput, i: number): number => input.nums[i] ?? 0;
const flag = (input: TemplateInput, i: number): boolean => input.flags[i] ?? false;
const ENDPOINT_TYPES = ["async", "sync", "streaming"];

const artifactV2 = (input: TemplateInput): Record<string, unknown> => ({
  name: input.name,
  schema_location: "s3://prop/schema.json",
  flavor: {
    flavor: "cloudpickle_artifact",
    requirements: [],
    framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
    load_predict_fn: "",
    load_model_fn: "",
    location: "s3://prop/model.pkl",
  },
});

const clone: Template = (input, ref) => ({ original_model_bundle_id: ref(0, "bundle"), new_app_config: flag(input, 0) ? { a: 1 } : null });
const predict: Template = (input) => ({ args: input.json, timeout_seconds: 0.2 + num(input, 0) / 10, num_retries: num(input, 1) % 2 });

/** Valid bodies for the routes whose shapes are known; other routes get random JSON. */
export const TEMPLATES: Record<string, Template> = {
  "POST /v1/model-bundles": (input) => ({
    name: input.name,
    location: "s3://prop/model.pkl",
    requirements: [],
    env_params: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
    packaging_type: "cloudpickle",
  }),
  "POST /v2/model-bundles": artifactV2,
  "POST /v1/model-bundles/clone-with-changes": clone,
  "POST /v2/model-bundles/clone-with-changes": clone,
  "POST /v1/model-endpoints": (input, ref) => ({
    name: input.name,
    model_bundle_id: ref(0, "bundle"),
    endpoint_type: ENDPOINT_TYPES[num(input, 0) % 3],
    cpus: 1,
    memory: "1Gi",
    storage: "1Gi",
    gpus: 0,
    min_workers: num(input, 1) % 2,
    max_workers: 1 + (num(input, 2) % 2),
    per_worker: 1,
    labels: { team: "t", product: "p" },
    metadata: { note: input.name },
    public_inference: flag(input, 0),
  }),
  "PUT /v1/model-endpoints/:model_endpoint_id": (input, ref) => ({
    min_workers: num(input, 1) % 2,
    max_workers: 1 + (num(input, 2) % 2),
    ...(flag(input, 1) ? { model_bundle_id: ref(0, "bundle") } : {}),
    labels: { team: "t2" },
    metadata: { updated: true },
  }),
  "POST /v1/async-tasks": (input) => ({ args: input.json }),
  "POST /v1/sync-tasks": predict,
  "POST /v1/streaming-tasks": predict,
  "POST /_launch_local/endpoints/:endpoint_id/faults": (input) => {
    const kind = ["fail", "latency", "crash"][num(input, 0) % 3];
    return { kind, count: 1 + num(input, 1), latency_ms: 1 + num(input, 2) * 10, status_code: [500, 503, 400, 429][num(input, 3)] };
  },
};

function mutate(body: Record<string, unknown>, mutation: Mutation): Record<string, unknown> {
  const keys = Object.keys(body);
  if (mutation.kind === "none" || keys.length === 0) return body;
  if (mutation.kind === "extra") return { ...body, [mutation.key]: mutation.value };
  const key = keys[mutation.keyIndex % keys.length] ?? "";
  const copy = { ...body };
  if (mutation.kind === "delete") delete copy[key];
  else copy[key] = mutation.value;
  return copy;
}

const REFERENCE_FIELDS = ["model_bundle_id", "original_model_bundle_id"];
const REFERENCE_PARAMS = new Set(["model_bundle_id", "model_endpoint_id", "endpoint_id"]);

/** Dots, slashes and percent signs as they are; only what no HTTP client may send is escaped. */
const rawSegment = (value: string): string => value.replace(/[^A-Za-z0-9._~!$&'()*+,;=:@%/-]/gu, (char) => encodeURIComponent(char));
const isTaskRoute = (route: Route): boolean => route.method === "POST" && /^\/v1\/(async|sync|streaming)-tasks$/.test(route.path);

export function buildRequest(world: World, routes: readonly Route[], spec: RequestSpec): ConcreteRequest {
  const route = routes[spec.routeIndex % routes.length] ?? { method: "GET", path: "/healthz" };
  const user = spec.auth.kind === "user" ? spec.auth.user : null;
  const references: string[] = [];
  const headers: Record<string, string> = {};
  if (spec.auth.kind === "user") headers["authorization"] = `Basic ${Buffer.from(`${spec.auth.user}:`).toString("base64")}`;
  else if (spec.auth.header !== null) headers["authorization"] = spec.auth.header;

  let paramIndex = 0;
  const path = route.path
    .replace(/:(\w+)/g, (_match, name: string) => {
      const ref = spec.params[paramIndex++ % spec.params.length] ?? { kind: "garbage", index: 0, garbage: "" };
      const value = resolveRef(world, user, ref, name.includes("bundle") ? "bundle" : "endpoint");
      // Only these parameters name bundles or endpoints; others (a file id, a job id) name other things.
      if (REFERENCE_PARAMS.has(name)) references.push(value);
      return spec.isRawPath ? rawSegment(value) : encodeURIComponent(value);
    })
    .replace("*", spec.isRawPath ? "launch-local/a/../b" : "launch-local/a");

  const query: string[] = [];
  if (!spec.omitRequired && isTaskRoute(route)) {
    const id = resolveRef(world, user, spec.required, "endpoint");
    references.push(id);
    query.push(`model_endpoint_id=${encodeURIComponent(id)}`);
  }
  if (!spec.omitRequired && route.path === "/_launch_local/blobs") query.push(`location=${encodeURIComponent(spec.location)}`);
  for (const [key, value] of spec.query) {
    const text = typeof value === "string" ? value : resolveRef(world, user, value, key.includes("bundle") || key === "model_name" ? "bundle" : "endpoint");
    // A task route's model_endpoint_id is recorded above; here it may be a key the route ignores.
    if (key === "model_endpoint_id" && typeof value !== "string" && isTaskRoute(route)) references.push(text);
    query.push(`${encodeURIComponent(key)}=${encodeURIComponent(text)}`);
  }

  let body: Buffer | undefined;
  let shown = "";
  const method = spec.method ?? route.method;
  const bodySpec = spec.body;
  if (bodySpec.kind === "json") {
    shown = JSON.stringify(bodySpec.value) ?? "null";
    headers["content-type"] = "application/json";
  } else if (bodySpec.kind === "template") {
    const template = TEMPLATES[`${route.method} ${route.path}`];
    const refs = bodySpec.refs;
    const ref = (i: number, want: "bundle" | "endpoint"): string =>
      resolveRef(world, user, refs[i % refs.length] ?? refs[0] ?? { kind: "garbage", index: 0, garbage: "" }, want);
    const value = template === undefined ? bodySpec.input.json : mutate(template(bodySpec.input, ref), bodySpec.mutation);
    // Under another method the body goes to another route (or none), which does not read these fields.
    for (const field of method === route.method ? REFERENCE_FIELDS : []) {
      const named = typeof value === "object" && value !== null && !Array.isArray(value) ? Reflect.get(value, field) : undefined;
      if (typeof named === "string") references.push(named);
    }
    shown = JSON.stringify(value) ?? "null";
    headers["content-type"] = "application/json";
  } else if (bodySpec.kind === "text") {
    shown = bodySpec.text;
    if (bodySpec.contentType !== null) headers["content-type"] = bodySpec.contentType;
  }
  if (bodySpec.kind !== "none") body = Buffer.from(shown, "utf8");
  return { route, user, method, path: query.length > 0 ? `${path}?${query.join("&")}` : path, headers, body, references, shown };
}
