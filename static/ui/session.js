// The caller's credentials (HTTP Basic, as the API takes them: the user name or API key, no password)
// and the one way the page calls launch-local. Kept for the tab only (sessionStorage).
const KEY = "launch-local-dashboard-auth";

export class SignedOut extends Error {}

/** An answer that came back after the user signed in or out: it is for the previous user, never drawn. */
export class Stale extends Error {}

let authorization = sessionStorage.getItem(KEY);
let generation = 0;

export const isSignedIn = () => authorization !== null;

export function signIn(key) {
  // UTF-8 before base64: btoa takes Latin-1 only, and a key may be any text.
  const bytes = new TextEncoder().encode(`${key}:`);
  authorization = `Basic ${btoa(String.fromCharCode(...bytes))}`;
  generation++;
  sessionStorage.setItem(KEY, authorization);
}

export function signOut() {
  authorization = null;
  generation++;
  sessionStorage.removeItem(KEY);
}

/** The API's error envelope as one line: `detail` text, or a 422's items as `field: message`. */
function messageOf(json, status) {
  const detail = json?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((item) => `${(item.loc ?? []).slice(1).join(".") || "body"}: ${item.msg}`).join("; ");
  return detail === undefined ? `HTTP ${status}` : JSON.stringify(detail);
}

export async function api(method, path, body) {
  const asked = generation;
  const headers = {};
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  // credentials "omit": the key goes in our own header, and a 401 (its WWW-Authenticate: Basic) comes
  // back to this code instead of opening the browser's login dialog (Fetch: no prompt without credentials).
  const response = await fetch(path, { method, headers, credentials: "omit", body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json().catch(() => null);
  if (asked !== generation) throw new Stale();
  if (response.status === 401) throw new SignedOut();
  if (!response.ok) throw new Error(messageOf(json, response.status));
  return json;
}
