/**
 * A 422 body that stays small whatever the request held. Pydantic echoes the failing value of each
 * item as `input` — for a missing field, the whole enclosing object — so a body with one 15 MB field
 * and a dozen missing fields came back a dozen times over (180 MB), and four such requests at once
 * took the server past 4 GB. The items keep pydantic's shape (`type`, `loc`, `msg`, `input`, `ctx`);
 * each `input` is cut to about INPUT_CHARS characters of JSON (long strings shortened, long lists and
 * objects cut, deep values elided, each cut marked with `…`), and items stop once the body reaches
 * BODY_CHARS (at least one is always kept). README "Error codes".
 */
import type { Issue } from "./issues.js";

export const INPUT_CHARS = 1024;
export const BODY_CHARS = 64 * 1024;
const MAX_DEPTH = 8;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** `value`, cut to fit the budget (in JSON characters, roughly), which it uses up. */
function clip(value: unknown, budget: { left: number }, depth: number): unknown {
  if (typeof value === "string") {
    const room = Math.max(16, budget.left);
    if (value.length <= room) {
      budget.left -= value.length + 2;
      return value;
    }
    budget.left = 0;
    return `${value.slice(0, room)}… (${value.length - room} more characters)`;
  }
  if (typeof value !== "object" || value === null) {
    budget.left -= 8;
    return value;
  }
  if (depth >= MAX_DEPTH) {
    budget.left -= 3;
    return "…";
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (budget.left <= 0) {
        out.push(`… (${value.length - out.length} more items)`);
        break;
      }
      out.push(clip(item, budget, depth + 1));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  const keys = isRecord(value) ? Object.keys(value) : [];
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] ?? "";
    if (budget.left <= 0) {
      out["…"] = `${keys.length - index} more keys`;
      break;
    }
    budget.left -= Math.min(key.length, 64) + 4;
    out[key.length > 64 ? `${key.slice(0, 64)}…` : key] = clip(Reflect.get(value, key), budget, depth + 1);
  }
  return out;
}

/** The items of a 422 with bounded inputs, as many as fit in BODY_CHARS. */
export function boundedIssues(issues: readonly Issue[]): Issue[] {
  const out: Issue[] = [];
  let size = 0;
  for (const item of issues) {
    const bounded: Issue = { ...item, input: clip(item.input, { left: INPUT_CHARS }, 0) };
    const itemSize = JSON.stringify(bounded).length;
    if (out.length > 0 && size + itemSize > BODY_CHARS) break;
    out.push(bounded);
    size += itemSize;
  }
  return out;
}
