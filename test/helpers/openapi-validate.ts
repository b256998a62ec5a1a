/**
 * A small validator of JSON values against the OpenAPI 3.0 schemas of the real API's document
 * (`../shared/reference/launch-openapi.json`): `$ref`, `type`, `nullable`, `enum`, `anyOf`/`oneOf`/
 * `allOf`, `properties`/`required`, `items`, bounds. Enough to hold launch-local's answers to the
 * real response models; it returns every problem found, with its JSON path.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type Schema = Record<string, unknown>;

const SPEC_PATH = fileURLToPath(new URL("../../../shared/reference/launch-openapi.json", import.meta.url));
let components: Record<string, Schema> | null = null;

function schemas(): Record<string, Schema> {
  if (components === null) {
    const document = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as { components: { schemas: Record<string, Schema> } };
    components = document.components.schemas;
  }
  return components;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function typeProblem(type: unknown, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value !== "string";
    case "integer":
      return typeof value !== "number" || !Number.isInteger(value);
    case "number":
      return typeof value !== "number";
    case "boolean":
      return typeof value !== "boolean";
    case "array":
      return !Array.isArray(value);
    case "object":
      return !isRecord(value);
    default:
      return false;
  }
}

/** `exclude_none` answers (stream chunks) leave out required fields that are nullable. */
let allowsMissingNullable = false;

function check(schema: Schema, value: unknown, path: string, problems: string[]): void {
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop() ?? "";
    const target = schemas()[name];
    if (target === undefined) problems.push(`${path}: unknown $ref ${name}`);
    else if (!(value === null && schema.nullable === true)) check(target, value, path, problems);
    return;
  }
  if (value === null) {
    if (schema.nullable !== true && Object.keys(schema).some((key) => ["type", "anyOf", "oneOf", "enum"].includes(key)))
      problems.push(`${path}: null is not allowed`);
    return;
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const members = schema[key];
    if (Array.isArray(members) && !members.some((member) => isRecord(member) && validate(member, value, path).length === 0)) {
      problems.push(`${path}: matches none of ${key}`);
      return;
    }
  }
  if (Array.isArray(schema.allOf)) for (const member of schema.allOf) if (isRecord(member)) check(member, value, path, problems);
  if (schema.type !== undefined && typeProblem(schema.type, value)) {
    problems.push(`${path}: expected ${String(schema.type)}, got ${JSON.stringify(value)}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) problems.push(`${path}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum) problems.push(`${path}: above maximum`);
  }
  if (Array.isArray(value) && isRecord(schema.items)) value.forEach((item, index) => check(schema.items as Schema, item, `${path}[${index}]`, problems));
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      const property = properties[String(name)];
      const isNullable = isRecord(property) && property.nullable === true;
      if (!(String(name) in value) && !(allowsMissingNullable && isNullable)) problems.push(`${path}: missing ${String(name)}`);
    }
    for (const [key, inner] of Object.entries(value)) {
      const property = properties[key];
      if (isRecord(property)) check(property, inner, `${path}.${key}`, problems);
    }
  }
}

/** The problems of `value` against the real document's component `name` (or a schema); [] when valid. */
export function validate(schema: Schema | string, value: unknown, path = "$"): string[] {
  const problems: string[] = [];
  const resolved = typeof schema === "string" ? { $ref: `#/components/schemas/${schema}` } : schema;
  check(resolved, value, path, problems);
  return problems;
}

/** The same, for a value serialised with `exclude_none` (a nullable required field may be absent). */
export function validateExcludeNone(schema: string, value: unknown): string[] {
  allowsMissingNullable = true;
  try {
    return validate(schema, value);
  } finally {
    allowsMissingNullable = false;
  }
}
