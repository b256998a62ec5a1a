import { type Issue, type Loc, issue } from "../validation/issues.js";
import { INVALID, type Invalid, type Schema } from "../validation/schema.js";

const MAX_URL_LENGTH = 2083;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * pydantic v2 `HttpUrl`: an absolute http(s) URL of at most 2083 characters, returned normalised
 * the way pydantic's (WHATWG) URL parser serialises it ("http://host" → "http://host/").
 */
export function httpUrl(): Schema<string> {
  return {
    kind: "url",
    parse(input: unknown, loc: Loc, issues: Issue[]): string | Invalid {
      if (typeof input !== "string") {
        issues.push(issue("url_type", loc, "URL input should be a string or URL", input));
        return INVALID;
      }
      if (input.length > MAX_URL_LENGTH) {
        issues.push(issue("url_too_long", loc, `URL should have at most ${MAX_URL_LENGTH} characters`, input, { max_length: MAX_URL_LENGTH }));
        return INVALID;
      }
      const trimmed = input.trim();
      const parsed = URL.canParse(trimmed) ? new URL(trimmed) : null;
      if (!parsed) {
        const error = !HAS_SCHEME.test(trimmed) ? "relative URL without a base" : "empty host";
        issues.push(issue("url_parsing", loc, `Input should be a valid URL, ${error}`, input, { error }));
        return INVALID;
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        issues.push(issue("url_scheme", loc, "URL scheme should be 'http' or 'https'", input, { expected_schemes: "'http' or 'https'" }));
        return INVALID;
      }
      return parsed.href;
    },
  };
}
