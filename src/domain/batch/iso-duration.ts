/**
 * A `timedelta` as pydantic v2 serialises it (server-contract.md §0.1: GetBatchJobV1Response.duration
 * is an ISO-8601 duration string, e.g. `PT1M30.5S`, `P1DT3S`, `PT0S`). Whole 365-day years become
 * `Y`; months are never used; seconds carry up to six fractional digits with trailing zeros removed.
 * Checked against pydantic 2.13's `model_dump_json`.
 */
export function isoDuration(milliseconds: number): string {
  const isNegative = milliseconds < 0;
  const totalMicros = Math.round(Math.abs(milliseconds) * 1000);
  const micros = totalMicros % 1_000_000;
  const totalSeconds = Math.floor(totalMicros / 1_000_000);
  let days = Math.floor(totalSeconds / 86_400);
  const secondsOfDay = totalSeconds % 86_400;

  let out = isNegative && totalMicros > 0 ? "-P" : "P";
  if (days >= 365) {
    out += `${Math.floor(days / 365)}Y`;
    days %= 365;
  }
  if (days > 0) out += `${days}D`;
  if (secondsOfDay > 0 || micros > 0) {
    out += "T";
    const hours = Math.floor(secondsOfDay / 3600);
    const minutes = Math.floor((secondsOfDay % 3600) / 60);
    const seconds = secondsOfDay % 60;
    if (hours > 0) out += `${hours}H`;
    if (minutes > 0) out += `${minutes}M`;
    if (seconds > 0 || micros > 0) {
      const fraction = micros > 0 ? `.${String(micros).padStart(6, "0").replace(/0+$/, "")}` : "";
      out += `${seconds}${fraction}S`;
    }
  }
  return out === "P" ? "PT0S" : out;
}
