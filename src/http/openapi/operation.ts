/**
 * One operation of the document, declared as FastAPI derives it from a route: the handler's name
 * gives `operationId` (`name + path`, non-word characters → `_`, then `_<method>`) and `summary`
 * (the name in title case); path parameters come from the path; a 422 answer is listed whenever the
 * route takes any input, as FastAPI does.
 */
import { type Field, type JsonSchema, fieldSchema, pythonTitle, ref } from "./dsl.js";

export type Method = "get" | "post" | "put" | "delete";

export interface OperationSpec {
  method: Method;
  /** OpenAPI form, `{name}` for parameters. */
  path: string;
  /** The handler's name in the real server (or launch-local's own name for its routes). */
  name: string;
  tag: string;
  description?: string;
  query?: Record<string, Field>;
  /** A component name; `multipart` for form uploads. */
  body?: { model: string; multipart?: boolean };
  /** A component name, or `any` for routes whose answer is not a model (`{}`). */
  response: string;
  /** The media type of a 200 that is not JSON. */
  responseType?: string;
  /** No credentials (health routes). */
  isPublic?: boolean;
  /** Answered 501 by launch-local until built: listed so clients see the whole API. */
  isPending?: boolean;
}

export const SECURITY = [{ HTTPBasic: [] }, { OAuth2PasswordBearer: [] }];

export const operationId = (spec: Pick<OperationSpec, "name" | "path" | "method">): string =>
  `${spec.name}${spec.path}`.replace(/\W/g, "_") + `_${spec.method}`;

function parameters(spec: OperationSpec): JsonSchema[] {
  const inPath = [...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name = ""]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string", title: pythonTitle(name) },
  }));
  const inQuery = Object.entries(spec.query ?? {}).map(([name, field]) => ({
    name,
    in: "query",
    required: field.required,
    // A parameter's schema keeps its title even beside a $ref (FastAPI's rendering).
    schema: { title: pythonTitle(name), ...fieldSchema(name, field) },
  }));
  return [...inPath, ...inQuery];
}

const json = (schema: JsonSchema, type = "application/json"): JsonSchema => ({ content: { [type]: { schema } } });

export function renderOperation(spec: OperationSpec): JsonSchema {
  const params = parameters(spec);
  const responses: JsonSchema = {};
  if (spec.isPending) {
    responses["501"] = { description: "Not implemented by launch-local yet", ...json(ref("LaunchLocalError")) };
  } else {
    const schema = spec.response === "any" ? {} : ref(spec.response);
    responses["200"] = { description: "Successful Response", ...json(schema, spec.responseType) };
    if (params.length > 0 || spec.body) responses["422"] = { description: "Validation Error", ...json(ref("HTTPValidationError")) };
  }
  return {
    tags: [spec.tag],
    summary: pythonTitle(spec.name),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    operationId: operationId(spec),
    ...(spec.isPublic ? {} : { security: SECURITY }),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(spec.body ? { requestBody: { required: true, ...json(ref(spec.body.model), spec.body.multipart ? "multipart/form-data" : "application/json") } } : {}),
    responses,
  };
}
