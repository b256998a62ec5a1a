/** A user or model name made into one safe blob-key segment (upload prefixes, fine-tuned weights folders). */
export function keySegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, "_");
  return /^\.*$/.test(cleaned) ? `_${cleaned}` : cleaned;
}
