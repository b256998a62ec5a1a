import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { UNMODELLED_OPERATIONS } from "../../../src/http/openapi/llm-operations.js";
import { buildOpenApiDocument } from "../../../src/http/openapi/document.js";
import { PENDING_OPERATIONS } from "../../../src/http/routes/not-implemented.js";
import { canonical, forComparison, pendingKeys, type Doc, operations, refsIn } from "./openapi-compare.js";

// The real API's document (DESIGN.md "Reference material"); read by this test only, never shipped.
const SPEC_PATH = fileURLToPath(new URL("../../../../shared/reference/launch-openapi.json", import.meta.url));

describe("the OpenAPI document's own integrity", () => {
  const ours = buildOpenApiDocument() as unknown as Doc;

  it("resolves every $ref to a component it defines", () => {
    const missing = [...refsIn(ours)].filter((name) => !(name in ours.components.schemas));
    expect(missing).toEqual([]);
  });

  it("lists as 501 exactly the routes the app answers 501 (routes/not-implemented.ts)", () => {
    const documented = operations(ours)
      .filter(({ operation }) => "501" in operation.responses)
      .map(({ method, path }) => `${method} ${path.replace(/\{\w+\}/g, "{}")}`);
    expect(documented.sort()).toEqual(pendingKeys(PENDING_OPERATIONS).sort());
  });

  it("is the same document every time (built from declarations, no state)", () => {
    expect(canonical(buildOpenApiDocument())).toBe(canonical(ours));
  });
});

// In CI the reference sits beside the clone: there the comparison must run, never skip.
describe.runIf(existsSync(SPEC_PATH) || process.env["CI"] === "true")("the OpenAPI document matches the real API's", () => {
  const reference = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as Doc;
  const ours = buildOpenApiDocument() as unknown as Doc;

  it("has every operation of the real API, with its operationId and summary", () => {
    for (const { method, path, operation } of operations(reference)) {
      const mine = ours.paths[path]?.[method];
      expect(mine, `${method} ${path}`).toBeDefined();
      expect(mine?.operationId, `${method} ${path}`).toBe(operation.operationId);
      expect(mine?.summary, `${method} ${path}`).toBe(operation.summary);
    }
    expect(operations(reference)).toHaveLength(66);
  });

  it("gives every served operation the real parameters, body, answers and security", () => {
    const isServed = ({ method, path }: { method: string; path: string }) => !("501" in (ours.paths[path]?.[method]?.responses ?? {}));
    const unmodelled: readonly string[] = UNMODELLED_OPERATIONS;
    expect(operations(reference).filter((op) => isServed(op) && unmodelled.includes(`${op.method} ${op.path}`)).length).toBe(unmodelled.length);
    const served = operations(reference).filter((op) => isServed(op) && !unmodelled.includes(`${op.method} ${op.path}`));
    expect(served.length).toBe(66 - PENDING_OPERATIONS.length - unmodelled.length);
    for (const { method, path, operation } of served) {
      expect(canonical(forComparison(ours.paths[path]?.[method])), `${method} ${path}`).toBe(canonical(forComparison(operation)));
    }
  });

  it("declares every model a served operation reaches exactly as the real API does (descriptions aside)", () => {
    const reached = new Set<string>();
    for (const { method, path } of operations(ours)) {
      const operation = ours.paths[path]?.[method];
      const isUnmodelled = (UNMODELLED_OPERATIONS as readonly string[]).includes(`${method} ${path}`);
      if (operation && !("501" in operation.responses) && !isUnmodelled && reference.paths[path]?.[method]) {
        for (const name of refsIn(operation, reference)) reached.add(name);
      }
    }
    expect(reached.size).toBeGreaterThan(80);
    for (const name of reached) {
      expect(canonical(forComparison(ours.components.schemas[name])), name).toBe(canonical(forComparison(reference.components.schemas[name])));
    }
  });

  it("adds only launch-local's own models (LaunchLocal*) beyond the real ones", () => {
    const extra = Object.keys(ours.components.schemas).filter((name) => !(name in reference.components.schemas));
    expect(extra.filter((name) => !name.startsWith("LaunchLocal"))).toEqual([]);
  });

  it("has the real security schemes", () => {
    expect(ours.components.securitySchemes).toEqual(reference.components.securitySchemes);
  });
});
