const LAUNCH_PREFIX = "/v1/launch";

/**
 * The request path as routed: duplicate slashes collapsed (the client does not normalise a trailing
 * slash on its endpoint) and the `/v1/launch` prefix of `use_path_with_custom_endpoint` removed, so
 * every route also answers there (client-contract.md §2).
 */
export function routedPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  let path = query < 0 ? url.slice(start) : url.slice(start, query);
  if (path.includes("//")) path = path.replace(/\/{2,}/g, "/");
  if (path.startsWith(LAUNCH_PREFIX) && (path.length === LAUNCH_PREFIX.length || path[LAUNCH_PREFIX.length] === "/")) {
    path = path.slice(LAUNCH_PREFIX.length) || "/";
  }
  return path;
}
