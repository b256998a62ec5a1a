/** Helpers to compare OpenAPI documents: canonical JSON, descriptions and tags left out. */
export type Json = Record<string, unknown>;
export interface Operation extends Json {
  operationId?: string;
  summary?: string;
  responses: Record<string, unknown>;
}
export interface Doc {
  paths: Record<string, Record<string, Operation> | undefined>;
  components: { schemas: Record<string, unknown>; securitySchemes?: unknown };
}

export function operations(doc: Doc): { method: string; path: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item ?? {}).map(([method, operation]) => ({ method, path, operation })));
}

/** Without prose (`description`) and grouping (`tags`): what a client generator would act on. */
export function forComparison(value: unknown, isPropertyMap = false): unknown {
  if (Array.isArray(value)) return value.map((item) => forComparison(item));
  if (typeof value !== "object" || value === null) return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isPropertyMap && (key === "description" || key === "tags")) continue;
    out[key] = forComparison(item, key === "properties");
  }
  return out;
}

/** JSON with object keys sorted (array order kept: `required` and `enum` order are part of a model). */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "object" && item !== null && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b))) : item,
  );

/** Component names a value refers to, followed through `doc`'s components when given. */
export function refsIn(value: unknown, doc?: Doc): Set<string> {
  const found = new Set<string>();
  const visit = (item: unknown): void => {
    if (Array.isArray(item)) item.forEach(visit);
    else if (typeof item === "object" && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        if (key === "$ref" && typeof child === "string") {
          const name = child.replace("#/components/schemas/", "");
          if (!found.has(name)) {
            found.add(name);
            if (doc) visit(doc.components.schemas[name]);
          }
        } else visit(child);
      }
    }
  };
  visit(value);
  return found;
}

/** `[method, hono path, what]` rows as `get /v1/x/{}` keys. */
export const pendingKeys = (rows: readonly (readonly [string, string, string])[]): string[] =>
  rows.map(([method, path]) => `${method.toLowerCase()} ${path.replace(/:\w+/g, "{}")}`);
