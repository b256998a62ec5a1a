import { type Issue, type Loc, issue, pyExpected } from "./issues.js";
import { codePointsOver } from "./code-points.js";

/**
 * A small schema language that validates like pydantic v2 in lax mode (what FastAPI uses for JSON
 * bodies and query strings), producing the same error items. Request models do not forbid extra keys
 * (§0.1): unknown keys are dropped.
 */
export const INVALID: unique symbol = Symbol("invalid");
export type Invalid = typeof INVALID;

export interface Schema<T> {
  readonly kind: string;
  parse(input: unknown, loc: Loc, issues: Issue[]): T | Invalid;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

interface NumberBounds {
  ge?: number;
  gt?: number;
  le?: number;
  lt?: number;
}

function checkBounds(value: number, bounds: NumberBounds, loc: Loc, issues: Issue[]): boolean {
  const fmt = (n: number) => String(n);
  if (bounds.gt !== undefined && !(value > bounds.gt)) {
    issues.push(issue("greater_than", loc, `Input should be greater than ${fmt(bounds.gt)}`, value, { gt: bounds.gt }));
    return false;
  }
  if (bounds.ge !== undefined && !(value >= bounds.ge)) {
    issues.push(issue("greater_than_equal", loc, `Input should be greater than or equal to ${fmt(bounds.ge)}`, value, { ge: bounds.ge }));
    return false;
  }
  if (bounds.lt !== undefined && !(value < bounds.lt)) {
    issues.push(issue("less_than", loc, `Input should be less than ${fmt(bounds.lt)}`, value, { lt: bounds.lt }));
    return false;
  }
  if (bounds.le !== undefined && !(value <= bounds.le)) {
    issues.push(issue("less_than_equal", loc, `Input should be less than or equal to ${fmt(bounds.le)}`, value, { le: bounds.le }));
    return false;
  }
  return true;
}

export function str(options: { maxLength?: number; pattern?: RegExp } = {}): Schema<string> {
  return {
    kind: "str",
    parse(input, loc, issues) {
      if (typeof input !== "string") {
        issues.push(issue("string_type", loc, "Input should be a valid string", input));
        return INVALID;
      }
      if (options.maxLength !== undefined && codePointsOver(input, options.maxLength)) {
        issues.push(
          issue("string_too_long", loc, `String should have at most ${options.maxLength} characters`, input, {
            max_length: options.maxLength,
          }),
        );
        return INVALID;
      }
      if (options.pattern && !options.pattern.test(input)) {
        issues.push(
          issue("string_pattern_mismatch", loc, `String should match pattern '${options.pattern.source}'`, input, {
            pattern: options.pattern.source,
          }),
        );
        return INVALID;
      }
      return input;
    },
  };
}

export function int(bounds: NumberBounds = {}): Schema<number> {
  return {
    kind: "int",
    parse(input, loc, issues) {
      let value: number;
      if (typeof input === "number" && Number.isFinite(input)) {
        if (!Number.isInteger(input)) {
          issues.push(issue("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", input));
          return INVALID;
        }
        value = input;
      } else if (typeof input === "boolean") {
        // pydantic v2 lax mode accepts bools for ints.
        value = input ? 1 : 0;
      } else if (typeof input === "string") {
        const trimmed = input.trim();
        if (!/^[+-]?\d+(\.0*)?$/.test(trimmed)) {
          issues.push(issue("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer", input));
          return INVALID;
        }
        value = Number.parseInt(trimmed, 10);
      } else {
        issues.push(issue("int_type", loc, "Input should be a valid integer", input));
        return INVALID;
      }
      return checkBounds(value, bounds, loc, issues) ? value : INVALID;
    },
  };
}

export function num(bounds: NumberBounds = {}): Schema<number> {
  return {
    kind: "float",
    parse(input, loc, issues) {
      let value: number;
      if (typeof input === "number" && Number.isFinite(input)) value = input;
      else if (typeof input === "boolean") value = input ? 1 : 0;
      else if (typeof input === "string" && input.trim() !== "" && Number.isFinite(Number(input))) value = Number(input);
      else if (typeof input === "string") {
        issues.push(issue("float_parsing", loc, "Input should be a valid number, unable to parse string as a number", input));
        return INVALID;
      } else {
        issues.push(issue("float_type", loc, "Input should be a valid number", input));
        return INVALID;
      }
      return checkBounds(value, bounds, loc, issues) ? value : INVALID;
    },
  };
}

const TRUE_STRINGS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_STRINGS = new Set(["0", "off", "f", "false", "n", "no"]);

export function bool(): Schema<boolean> {
  return {
    kind: "bool",
    parse(input, loc, issues) {
      if (typeof input === "boolean") return input;
      if (input === 0 || input === 1) return input === 1;
      if (typeof input === "string") {
        const lowered = input.toLowerCase();
        if (TRUE_STRINGS.has(lowered)) return true;
        if (FALSE_STRINGS.has(lowered)) return false;
        issues.push(issue("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", input));
        return INVALID;
      }
      issues.push(issue("bool_type", loc, "Input should be a valid boolean", input));
      return INVALID;
    },
  };
}

export function enumOf<const T extends string>(values: readonly T[]): Schema<T> {
  const expected = pyExpected(values);
  return {
    kind: "enum",
    parse(input, loc, issues) {
      if (typeof input === "string" && (values as readonly string[]).includes(input)) return input as T;
      issues.push(issue("enum", loc, `Input should be ${expected}`, input, { expected }));
      return INVALID;
    },
  };
}

export function literal<const T extends string>(value: T): Schema<T> {
  return {
    kind: "literal",
    parse(input, loc, issues) {
      if (input === value) return value;
      const expected = pyExpected([value]);
      issues.push(issue("literal_error", loc, `Input should be ${expected}`, input, { expected }));
      return INVALID;
    },
  };
}

/** Any JSON value (pydantic `Any`). */
export function any(): Schema<unknown> {
  return { kind: "any", parse: (input) => input };
}

/** `str | int | float`, kept as sent (CpuSpecificationType, §0.1). */
export function strOrNumber(): Schema<string | number> {
  return {
    kind: "str|num",
    parse(input, loc, issues) {
      if (typeof input === "string" || (typeof input === "number" && Number.isFinite(input))) return input;
      if (typeof input === "boolean") return input ? 1 : 0;
      issues.push(issue("string_type", [...loc, "str"], "Input should be a valid string", input));
      issues.push(issue("int_type", [...loc, "int"], "Input should be a valid integer", input));
      issues.push(issue("float_type", [...loc, "float"], "Input should be a valid number", input));
      return INVALID;
    },
  };
}

export function list<T>(item: Schema<T>): Schema<T[]> {
  return {
    kind: "list",
    parse(input, loc, issues) {
      if (!Array.isArray(input)) {
        issues.push(issue("list_type", loc, "Input should be a valid list", input));
        return INVALID;
      }
      const out: T[] = [];
      let ok = true;
      input.forEach((element, index) => {
        const parsed = item.parse(element, [...loc, index], issues);
        if (parsed === INVALID) ok = false;
        else out.push(parsed);
      });
      return ok ? out : INVALID;
    },
  };
}

/** `Dict[str, X]`. */
export function dict<T>(value: Schema<T>): Schema<Record<string, T>> {
  return {
    kind: "dict",
    parse(input, loc, issues) {
      if (!isPlainObject(input)) {
        issues.push(issue("dict_type", loc, "Input should be a valid dictionary", input));
        return INVALID;
      }
      const out: Record<string, T> = {};
      let ok = true;
      for (const [key, element] of Object.entries(input)) {
        const parsed = value.parse(element, [...loc, key], issues);
        if (parsed === INVALID) ok = false;
        else out[key] = parsed;
      }
      return ok ? out : INVALID;
    },
  };
}

/** A field that may be absent. `null` is accepted as absent (pydantic `Optional[X] = None`). */
export interface OptionalField<T, D> {
  readonly optional: true;
  readonly schema: Schema<T>;
  readonly fallback: D;
}

export function optional<T>(schema: Schema<T>): OptionalField<T, null>;
export function optional<T, D>(schema: Schema<T>, fallback: D): OptionalField<T, D>;
export function optional<T, D>(schema: Schema<T>, fallback?: D): OptionalField<T, D | null> {
  return { optional: true, schema, fallback: fallback === undefined ? null : fallback };
}

type Field = Schema<unknown> | OptionalField<unknown, unknown>;
type FieldValue<F> = F extends OptionalField<infer T, infer D> ? T | D : F extends Schema<infer T> ? T : never;
export type ObjectValue<F extends Record<string, Field>> = { [K in keyof F]: FieldValue<F[K]> };

const isOptionalField = (field: Field): field is OptionalField<unknown, unknown> => "optional" in field;

export function object<F extends Record<string, Field>>(fields: F): Schema<ObjectValue<F>> & { fields: F } {
  return {
    kind: "object",
    fields,
    parse(input, loc, issues) {
      if (!isPlainObject(input)) {
        issues.push(issue("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", input));
        return INVALID;
      }
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const [key, field] of Object.entries(fields)) {
        const raw = Object.prototype.hasOwnProperty.call(input, key) ? input[key] : undefined;
        if (isOptionalField(field)) {
          if (raw === undefined || raw === null) {
            out[key] = field.fallback;
            continue;
          }
          const parsed = field.schema.parse(raw, [...loc, key], issues);
          if (parsed === INVALID) ok = false;
          else out[key] = parsed;
          continue;
        }
        if (raw === undefined) {
          issues.push(issue("missing", [...loc, key], "Field required", input));
          ok = false;
          continue;
        }
        const parsed = field.parse(raw, [...loc, key], issues);
        if (parsed === INVALID) ok = false;
        else out[key] = parsed;
      }
      return ok ? (out as ObjectValue<F>) : INVALID;
    },
  };
}

/** A tagged union (pydantic `Field(discriminator=...)`), e.g. bundle flavors keyed by `flavor`. */
export function discriminated<T>(tag: string, variants: Record<string, Schema<T>>): Schema<T> {
  const tags = Object.keys(variants);
  const expectedTags = tags.map((t) => `'${t}'`).join(", ");
  return {
    kind: "discriminated",
    parse(input, loc, issues) {
      if (!isPlainObject(input)) {
        issues.push(issue("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", input));
        return INVALID;
      }
      const value = input[tag];
      if (value === undefined) {
        issues.push(
          issue("union_tag_not_found", loc, `Unable to extract tag using discriminator '${tag}'`, input, {
            discriminator: `'${tag}'`,
          }),
        );
        return INVALID;
      }
      const variant = typeof value === "string" ? variants[value] : undefined;
      if (!variant) {
        issues.push(
          issue("union_tag_invalid", loc, `Input tag '${String(value)}' found using '${tag}' does not match any of the expected tags: ${expectedTags}`, input, {
            discriminator: `'${tag}'`,
            tag: String(value),
            expected_tags: expectedTags,
          }),
        );
        return INVALID;
      }
      return variant.parse(input, [...loc, value as string], issues);
    },
  };
}

/** Smart-mode union: the first member that validates wins; otherwise every member's errors. */
export function union<T>(members: Schema<T>[]): Schema<T> {
  return {
    kind: "union",
    parse(input, loc, issues) {
      const collected: Issue[] = [];
      for (const member of members) {
        const attempt: Issue[] = [];
        const parsed = member.parse(input, [...loc, member.kind], attempt);
        if (parsed !== INVALID) return parsed;
        collected.push(...attempt);
      }
      issues.push(...collected);
      return INVALID;
    },
  };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return {
    kind: schema.kind,
    parse: (input, loc, issues) => (input === null ? null : schema.parse(input, loc, issues)),
  };
}

/** A schema with an extra rule; `check` returns an error message (pydantic `value_error`) or null. */
export function refine<T>(schema: Schema<T>, check: (value: T) => string | null): Schema<T> {
  return {
    kind: schema.kind,
    parse(input, loc, issues) {
      const parsed = schema.parse(input, loc, issues);
      if (parsed === INVALID) return INVALID;
      const message = check(parsed);
      if (message === null) return parsed;
      issues.push(issue("value_error", loc, `Value error, ${message}`, input, { error: {} }));
      return INVALID;
    },
  };
}
