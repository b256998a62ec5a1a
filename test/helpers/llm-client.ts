/**
 * A small client for the LLM engine's OpenAI wire in tests: JSON posts and SSE streams read to the
 * end (`data: [DONE]` included), with the answers parsed but not cast.
 */
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function postJson(url: string, path: string, body: unknown): Promise<JsonAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: asRecord(JSON.parse(text)) };
}

export interface StreamAnswer {
  status: number;
  contentType: string | null;
  /** Parsed `data:` events, `[DONE]` excluded. */
  events: Record<string, unknown>[];
  /** Whether the last event was `data: [DONE]`. */
  endsWithDone: boolean;
  raw: string;
}

export async function postStream(url: string, path: string, body: unknown): Promise<StreamAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const raw = await response.text();
  const blocks = raw.split("\n\n").filter((block) => block.length > 0);
  const data = blocks.map((block) => {
    if (!block.startsWith("data: ")) throw new Error(`not an SSE data event: ${JSON.stringify(block)}`);
    return block.slice("data: ".length);
  });
  const endsWithDone = data.at(-1) === "[DONE]";
  const events = data.filter((item) => item !== "[DONE]").map((item) => asRecord(JSON.parse(item)));
  return { status: response.status, contentType: response.headers.get("content-type"), events, endsWithDone, raw };
}

export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

export function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value;
}

/** choices[index] of an answer or chunk. */
export function choice(body: Record<string, unknown>, index = 0): Record<string, unknown> {
  return asRecord(asArray(body["choices"])[index]);
}

export function usageOf(body: Record<string, unknown>): { prompt: number; completion: number; total: number } {
  const usage = asRecord(body["usage"]);
  return { prompt: Number(usage["prompt_tokens"]), completion: Number(usage["completion_tokens"]), total: Number(usage["total_tokens"]) };
}
