// launch-local's API docs page: renders an OpenAPI 3.0 document (the page's data-spec URL) with no
// library and no network beyond this server. Every text from the document goes in as textContent,
// never as HTML: an endpoint's schemas come from its bundle, i.e. from a user.
"use strict";

const root = document.getElementById("docs");
const specUrl = root.dataset.spec;
const KEY = "launch-local-docs-user";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "onclick" || name === "onsubmit" || name === "oninput") node[name] = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const user = () => sessionStorage.getItem(KEY) || "";
const authHeaders = () => (user() ? { Authorization: `Basic ${btoa(`${user()}:`)}` } : {});
const refName = (ref) => ref.replace("#/components/schemas/", "");
const anchor = (name) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;

let spec = null;

function typeLabel(schema) {
  if (!schema || Object.keys(schema).filter((k) => !["title", "description", "default", "nullable"].includes(k)).length === 0) {
    return [el("span", { class: "type" }, schema && schema.nullable ? "any | null" : "any")];
  }
  const parts = [];
  if (schema.$ref) parts.push(el("a", { href: `#${anchor(refName(schema.$ref))}`, class: "ref" }, refName(schema.$ref)));
  else if (schema.enum) parts.push(el("span", { class: "type" }, schema.enum.map((v) => JSON.stringify(v)).join(" | ")));
  else if (schema.anyOf || schema.oneOf) {
    (schema.anyOf || schema.oneOf).forEach((member, i) => parts.push(...(i > 0 ? [" | "] : []), ...typeLabel(member)));
  } else if (schema.type === "array") parts.push("array of ", ...typeLabel(schema.items));
  else if (schema.type === "object" && schema.additionalProperties !== undefined && !schema.properties) {
    parts.push("map of ", ...(schema.additionalProperties === true ? [el("span", { class: "type" }, "any")] : typeLabel(schema.additionalProperties)));
  } else parts.push(el("span", { class: "type" }, schema.format ? `${schema.type} (${schema.format})` : schema.type || "object"));
  if (schema.nullable) parts.push(el("span", { class: "type" }, " | null"));
  return parts;
}

function constraints(schema) {
  const out = [];
  for (const [key, label] of [["minimum", "≥"], ["exclusiveMinimum", ">"], ["maximum", "≤"], ["exclusiveMaximum", "<"], ["maxLength", "max length"]]) {
    if (schema[key] !== undefined) out.push(`${label} ${schema[key]}`);
  }
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out.join(", ");
}

function propertiesTable(schema) {
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([name, prop]) =>
    el("tr", {}, el("td", { class: "name" }, name, required.has(name) ? el("span", { class: "required", title: "required" }, " *") : null),
      el("td", {}, ...typeLabel(prop)), el("td", {}, constraints(prop)), el("td", {}, prop.description || "")),
  );
  return el("table", { class: "props" }, el("thead", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "rules"), el("th", {}, "about"))), el("tbody", {}, rows));
}

function schemaView(schema) {
  if (schema && schema.properties) return propertiesTable(schema);
  // A named model is shown with its fields right here, and a link to it among the models.
  const named = schema && schema.$ref && spec.components && spec.components.schemas[refName(schema.$ref)];
  if (named && named.properties) return el("div", { class: "schema" }, ...typeLabel(schema), propertiesTable(named));
  return el("div", { class: "schema" }, ...typeLabel(schema));
}

/** A JSON example from a schema: defaults first, then a value of the right type. */
function example(schema, depth = 0) {
  if (!schema || depth > 6) return null;
  if (schema.$ref) return example(spec.components.schemas[refName(schema.$ref)], depth + 1);
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.oneOf || schema.anyOf) return example((schema.oneOf || schema.anyOf)[0], depth + 1);
  if (schema.properties) {
    const out = {};
    for (const name of schema.required || []) out[name] = example(schema.properties[name], depth + 1);
    return out;
  }
  return { string: "string", integer: 0, number: 0, boolean: false, array: [] }[schema.type] ?? (schema.type === "object" ? {} : null);
}

function tryIt(method, path, op) {
  const params = op.parameters || [];
  const inputs = params.map((p) => el("input", { name: p.name, placeholder: `${p.name} (${p.in})${p.required ? " *" : ""}` }));
  const bodySchema = op.requestBody && op.requestBody.content["application/json"];
  const body = bodySchema ? el("textarea", { rows: 8, spellcheck: "false" }, JSON.stringify(example(bodySchema.schema), null, 2)) : null;
  const output = el("pre", { class: "output" });
  const send = async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    params.forEach((p, i) => {
      const value = inputs[i].value;
      if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(value));
      else if (value !== "") query.set(p.name, value);
    });
    if ([...query].length > 0) url += `?${query}`;
    const headers = { ...authHeaders(), ...(body ? { "Content-Type": "application/json" } : {}) };
    output.textContent = `${method.toUpperCase()} ${url} …`;
    try {
      const response = await fetch(url, { method: method.toUpperCase(), headers, body: body ? body.value : undefined });
      const text = await response.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: shown as is */ }
      output.textContent = `${response.status} ${response.statusText}\n${shown}`;
    } catch (error) {
      output.textContent = `request failed: ${error}`;
    }
  };
  const isMultipart = op.requestBody && !bodySchema;
  return el("form", { class: "try", onsubmit: send }, el("h4", {}, "Try it"), inputs, body,
    isMultipart ? el("p", {}, "Form uploads: use curl -F.") : el("button", { type: "submit" }, "Send"), output);
}

function operationView(method, path, op) {
  const responses = Object.entries(op.responses || {}).map(([code, response]) => {
    const content = response.content ? Object.entries(response.content)[0] : null;
    return el("div", { class: "response" }, el("h5", {}, `${code} ${response.description || ""}`, content ? ` (${content[0]})` : ""), content ? schemaView(content[1].schema) : null);
  });
  const request = op.requestBody ? Object.entries(op.requestBody.content)[0] : null;
  const id = `op-${op.operationId || `${method}-${path}`}`;
  return el("details", { class: `op ${method}`, id },
    el("summary", {}, el("span", { class: "method" }, method.toUpperCase()), el("code", { class: "path" }, path), el("span", { class: "summary" }, op.summary || ""), op.security ? null : el("span", { class: "public" }, "no credentials")),
    op.description ? el("p", {}, op.description) : null,
    op.parameters && op.parameters.length > 0 ? el("div", {}, el("h4", {}, "Parameters"), el("table", { class: "props" }, el("tbody", {},
      op.parameters.map((p) => el("tr", {}, el("td", { class: "name" }, p.name, p.required ? el("span", { class: "required" }, " *") : null), el("td", {}, p.in), el("td", {}, ...typeLabel(p.schema)), el("td", {}, p.description || p.schema.description || "")))))) : null,
    request ? el("div", {}, el("h4", {}, `Request body (${request[0]})`), schemaView(request[1].schema)) : null,
    el("h4", {}, "Responses"), responses, tryIt(method, path, op));
}

function render() {
  const groups = new Map();
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "Endpoints";
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push(operationView(method, path, op));
    }
  }
  const models = Object.entries((spec.components && spec.components.schemas) || {}).map(([name, schema]) =>
    el("details", { class: "model", id: anchor(name) }, el("summary", {}, name), schema.description ? el("p", {}, schema.description) : null, schemaView(schema)));
  const info = spec.info || {};
  root.replaceChildren(
    el("header", {}, el("h1", {}, info.title || "API"), el("span", { class: "version" }, info.version || ""), credentials()),
    ...(info.description || "").split("\n\n").map((paragraph) => el("p", { class: "intro" }, paragraph)),
    ...[...groups].map(([tag, ops]) => el("section", { class: "tag" }, el("h2", {}, tag), ops)),
    el("section", { class: "models" }, el("h2", {}, "Models"), models),
  );
  openHash();
}

function credentials(message) {
  const input = el("input", { value: user(), placeholder: "user name or API key", "aria-label": "user name or API key" });
  const save = (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    // The document is already shown: later requests (Try it) pick the name up; else load it now.
    if (spec === null) load();
  };
  return el("form", { class: "credentials", onsubmit: save }, message ? el("span", { class: "message" }, message) : null, input, el("button", { type: "submit" }, "Use"));
}

function openHash() {
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.tagName === "DETAILS") {
    target.open = true;
    target.scrollIntoView();
  }
}

async function load() {
  root.replaceChildren(el("p", { class: "loading" }, `Loading ${specUrl} …`));
  const response = await fetch(specUrl, { headers: authHeaders() });
  if (response.status === 401) {
    root.replaceChildren(el("header", {}, el("h1", {}, document.title), credentials("This document needs credentials:")));
    return;
  }
  if (!response.ok) {
    root.replaceChildren(el("p", { class: "error" }, `${specUrl}: ${response.status} ${await response.text()}`));
    return;
  }
  spec = await response.json();
  render();
}

window.addEventListener("hashchange", openHash);
load().catch((error) => root.replaceChildren(el("p", { class: "error" }, String(error))));
