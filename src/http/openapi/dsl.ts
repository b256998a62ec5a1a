/**
 * A small language for the OpenAPI document's schemas, written the way the real server's pydantic
 * models are (model-engine `common/dtos/`): a model is a list of fields, each required, optional
 * (`Optional[X] = None`) or defaulted, and the JSON Schema follows by pydantic v2's rules as
 * FastAPI renders them for OpenAPI 3.0 (`nullable`, titles from field names, no title beside a
 * `$ref`). The document is built from these declarations, never read from a file.
 */

export type JsonSchema = Record<string, unknown>;

const COMPONENTS = "#/components/schemas/";

export const str = (extra: JsonSchema = {}): JsonSchema => ({ type: "string", ...extra });
export const int = (extra: JsonSchema = {}): JsonSchema => ({ type: "integer", ...extra });
export const num = (extra: JsonSchema = {}): JsonSchema => ({ type: "number", ...extra });
export const bool = (): JsonSchema => ({ type: "boolean" });
export const dateTime = (): JsonSchema => str({ format: "date-time" });
/** pydantic `Any`: no constraint at all. */
export const anything = (): JsonSchema => ({});
export const ref = (name: string): JsonSchema => ({ $ref: `${COMPONENTS}${name}` });
export const list = (items: JsonSchema): JsonSchema => ({ items, type: "array" });
/** `Dict[str, X]`; `Dict[str, Any]` is `additionalProperties: true`. */
export const dict = (values: JsonSchema | true = true): JsonSchema => ({ additionalProperties: values, type: "object" });
/** `CpuSpecificationType` and friends: `Union[str, int, float]`. */
export const strIntFloat = (): JsonSchema => ({ anyOf: [str(), int(), num()] });
export const literal = (value: string): JsonSchema => str({ enum: [value] });

/** A tagged union (`Field(discriminator=…)`); `variants` maps each tag to its model's name. */
export function tagged(propertyName: string, variants: Record<string, string>): JsonSchema {
  const names = Object.values(variants);
  const mapping = Object.fromEntries(
    Object.entries(variants)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([tag, name]) => [tag, `${COMPONENTS}${name}`]),
  );
  return { oneOf: names.map(ref), discriminator: { propertyName, mapping } };
}

export interface Field {
  readonly schema: JsonSchema;
  readonly required: boolean;
  readonly nullable: boolean;
  readonly default?: unknown;
  readonly title?: string;
  readonly description?: string;
}

type FieldOptions = { title?: string; description?: string };

/** A field the caller must send (pydantic: no default). */
export const req = (schema: JsonSchema, options: FieldOptions = {}): Field => ({ schema, required: true, nullable: false, ...options });
/** `Optional[X] = None`. */
export const opt = (schema: JsonSchema, options: FieldOptions = {}): Field => ({ schema, required: false, nullable: true, ...options });
/** A key that may be left out, with no default written (FastAPI's own hand-written models). */
export const mayOmit = (schema: JsonSchema, options: FieldOptions = {}): Field => ({ schema, required: false, nullable: false, ...options });
/** `X = default`. */
export const withDefault = (schema: JsonSchema, value: unknown, options: FieldOptions = {}): Field => ({
  schema,
  required: false,
  nullable: false,
  default: value,
  ...options,
});
/** `Optional[X] = default`. */
export const optDefault = (schema: JsonSchema, value: unknown, options: FieldOptions = {}): Field => ({
  schema,
  required: false,
  nullable: true,
  default: value,
  ...options,
});

/** pydantic's field title: `field_name.title().replace("_", " ")` (Python's `str.title`). */
export function pythonTitle(name: string): string {
  let out = "";
  let previousIsLetter = false;
  for (const char of name) {
    const isLetter = char.toLowerCase() !== char.toUpperCase();
    out += isLetter ? (previousIsLetter ? char.toLowerCase() : char.toUpperCase()) : char;
    previousIsLetter = isLetter;
  }
  return out.replace(/_/g, " ");
}

export function fieldSchema(name: string, field: Field): JsonSchema {
  const isRef = "$ref" in field.schema;
  const out: JsonSchema = { ...field.schema };
  if (!isRef) out.title = field.title ?? pythonTitle(name);
  if (field.description !== undefined) out.description = field.description;
  if (field.default !== undefined) out.default = field.default;
  if (field.nullable) out.nullable = true;
  return out;
}

export type Fields = Record<string, Field>;

/** A model component: properties in declaration order, the required ones listed. */
export function model(name: string, fields: Fields, description?: string): JsonSchema {
  const properties = Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, fieldSchema(key, field)]));
  const required = Object.entries(fields)
    .filter(([, field]) => field.required)
    .map(([key]) => key);
  return {
    properties,
    type: "object",
    ...(required.length > 0 ? { required } : {}),
    title: name,
    ...(description !== undefined ? { description } : {}),
  };
}

/** A string enum component (`class X(str, Enum)`). */
export function enumModel(name: string, values: readonly string[], description?: string): JsonSchema {
  return { type: "string", enum: [...values], title: name, ...(description !== undefined ? { description } : {}) };
}

/** Every field of `fields` made `Optional[X] = None` (the update models: "all fields optional"). */
export function allOptional(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, { ...field, required: false, nullable: true, default: undefined }]));
}
