/**
 * fast-check arbitraries for hostile requests. A generated request names objects through `Ref`s
 * (own scratch object, the other user's object, a garbage string…) that are resolved per user when it
 * runs, and a body that is nothing, random JSON, malformed text, or a valid template for the route
 * with one hostile change.
 */
import fc from "fast-check";

export type RefKind = "ownScratch" | "otherProtected" | "otherPublic" | "otherScratch" | "task" | "garbage";
export interface Ref {
  kind: RefKind;
  index: number;
  garbage: string;
}

export type AuthSpec = { kind: "user"; user: "alice" | "bob" } | { kind: "bad"; header: string | null };

export type Mutation =
  { kind: "none" } | { kind: "set"; keyIndex: number; value: unknown } | { kind: "delete"; keyIndex: number } | { kind: "extra"; key: string; value: unknown };

export interface TemplateInput {
  nums: number[];
  flags: boolean[];
  json: unknown;
  name: string;
}

export type BodySpec =
  | { kind: "none" }
  | { kind: "json"; value: unknown }
  | { kind: "template"; input: TemplateInput; mutation: Mutation; refs: Ref[] }
  | { kind: "text"; text: string; contentType: string | null };

export interface RequestSpec {
  auth: AuthSpec;
  routeIndex: number;
  /** Another method on the route's path (405s). */
  method: string | null;
  params: Ref[];
  /** Whether path params are sent raw rather than percent-encoded. */
  isRawPath: boolean;
  /** Leave out the query parameter the route requires. */
  omitRequired: boolean;
  required: Ref;
  location: string;
  query: [string, Ref | string][];
  body: BodySpec;
}

const GARBAGE = [
  "",
  ".",
  "..",
  "%2e%2e",
  "..%2f..%2fetc",
  "end_nope",
  "bun_nope",
  "latest",
  "a".repeat(300),
  "💥",
  "%00",
  "a/b",
  "?x=1",
  "#frag",
  "null",
  " ",
  "end_",
  "-1",
];

const garbageText = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...GARBAGE) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) });

export const refArb: fc.Arbitrary<Ref> = fc.record({
  kind: fc.constantFrom<RefKind>("ownScratch", "ownScratch", "otherProtected", "otherPublic", "otherScratch", "task", "garbage"),
  index: fc.nat(20),
  garbage: garbageText,
});

/** Values that break types, bounds and shapes, and numbers the API leaves unbounded (min_workers, num_retries). */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, "", "x", -1, 0, 1.5, true, [], {}, "💥", "a".repeat(2000), [null], "1", "true", 2 ** 31, 10 ** 15, {
    deep: { er: [1, { a: null }] },
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Mutation>({ kind: "none" }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("set" as const), keyIndex: fc.nat(20), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), keyIndex: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("extra" as const), key: fc.string({ maxLength: 12 }), value: hostileValue }) },
);

const templateInputArb: fc.Arbitrary<TemplateInput> = fc.record({
  nums: fc.array(fc.nat(3), { minLength: 6, maxLength: 6 }),
  flags: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  json: fc.jsonValue({ maxDepth: 2 }),
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
});

const bodyArb: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: "none" }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("json" as const), value: fc.jsonValue({ maxDepth: 3 }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("template" as const),
      input: templateInputArb,
      mutation: mutationArb,
      refs: fc.array(refArb, { minLength: 2, maxLength: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("text" as const),
      text: fc.string({ maxLength: 60 }),
      contentType: fc.constantFrom<string | null>(null, "application/json", "text/plain", "multipart/form-data; boundary=x", "application/octet-stream"),
    }),
  },
);

const authArb: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant("user" as const), user: fc.constantFrom<"alice" | "bob">("alice", "bob") }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("bad" as const),
      header: fc.constantFrom<string | null>(
        null,
        "Basic !!!",
        "Basic YWxpY2U=",
        "Bearer ",
        "Digest abc",
        "basic",
        `Basic ${Buffer.from("\u00ff\u00fe:").toString("base64")}`,
      ),
    }),
  },
);

const QUERY_KEYS = ["model_endpoint_id", "name", "model_name", "order_by", "keep", "stream", "limit", "location", "bundle_name", "trigger_id"];
const QUERY_VALUES = ["newest", "oldest", "alphabetical", "bundles", "build", "worker", "0", "1", "5000", "-1", "s3://prop/a", "1e3", ""];

const LOCATIONS = ["s3://prop/a", "s3://prop/dir/b.bin", "s3://prop/../escape", "s3://prop/%2e%2e/x", "file:///etc/hostname", "s3://", "s3://.cache/x", "nope"];

export function requestArb(routeCount: number): fc.Arbitrary<RequestSpec> {
  return fc.record({
    auth: authArb,
    routeIndex: fc.nat(routeCount - 1),
    method: fc.option(fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"), { freq: 8, nil: null }),
    params: fc.array(refArb, { minLength: 3, maxLength: 3 }),
    isRawPath: fc.boolean(),
    omitRequired: fc.nat(9).map((n) => n === 0),
    required: refArb,
    location: fc.constantFrom(...LOCATIONS),
    query: fc.array(
      fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), fc.oneof(refArb, fc.constantFrom(...QUERY_VALUES), garbageText)),
      {
        maxLength: 3,
      },
    ),
    body: bodyArb,
  });
}
