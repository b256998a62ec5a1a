/**
 * A client-chosen name and its successive percent-decodings (`%2e%2e`, `%252e%252e` …), so that a
 * rule about `..` or separators holds for every form something downstream might decode it into.
 * Used by the blob store's key rules and the Files API's name rules.
 */
export function decodedForms(value: string): string[] {
  const forms = [value];
  let current = value;
  for (let round = 0; round < 4; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      break; // A stray `%` is an ordinary character here: the raw form was still checked.
    }
    if (decoded === current) break;
    forms.push(decoded);
    current = decoded;
  }
  return forms;
}
