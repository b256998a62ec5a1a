/**
 * The fine-tuned model's name (llm-contract.md §1.5 step 2; `CreateFineTuneV1UseCase`):
 * `<model>[.<suffix>].<yymmdd-HHMMSS>` in UTC, made a valid Kubernetes label value, since the real
 * platform labels the endpoint's deployment with it. The suffix rule comes first.
 */
import { badRequest } from "../errors.js";

export const MAX_SUFFIX_LENGTH = 28;
const SUFFIX_PATTERN = /^[A-Za-z0-9-]+$/;

/** `is_model_name_suffix_valid`; the 400 names the rule. */
export function validateSuffix(suffix: string | null): void {
  if (suffix === null) return;
  if (!SUFFIX_PATTERN.test(suffix) || [...suffix].length > MAX_SUFFIX_LENGTH) {
    throw badRequest(`User-provided suffix is invalid, must only contain alphanumeric characters and dashes and be at most ${MAX_SUFFIX_LENGTH} characters`);
  }
}

/** `datetime.utcnow().strftime("%y%m%d-%H%M%S")`. */
export function fineTuneTimestamp(ms: number): string {
  const date = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    "-" +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds())
  );
}

/**
 * `ensure_model_name_is_valid_k8s_label`: characters outside `[-A-Za-z0-9_.]` become `-`, leading
 * `-_.` go, then at most 62 characters, then trailing `-_.` go. Python's regex works on code points.
 */
export function k8sLabelValue(name: string): string {
  const replaced = [...name].map((char) => (/^[-A-Za-z0-9_.]$/.test(char) ? char : "-")).join("");
  return replaced
    .replace(/^[-_.]+/, "")
    .slice(0, 62)
    .replace(/[-_.]+$/, "");
}

export function fineTunedModelName(model: string, suffix: string | null, now: number): string {
  const stamp = fineTuneTimestamp(now);
  return k8sLabelValue(suffix !== null ? `${model}.${suffix}.${stamp}` : `${model}.${stamp}`);
}
