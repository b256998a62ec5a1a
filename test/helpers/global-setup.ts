import { existsSync } from "node:fs";

/**
 * Runs once before the suite. Worker environments are built with pip; pip retries an unreachable
 * default index first (a minute per install) unless the local index is named, so point it there when
 * this machine has one (the product itself just follows the user's pip configuration).
 */
export default function setup(): () => void {
  if (!process.env.PIP_INDEX_URL && existsSync("/opt/pypi/simple")) {
    process.env.PIP_INDEX_URL = "file:///opt/pypi/simple";
  }
  process.env.PIP_DISABLE_PIP_VERSION_CHECK = "1";
  return () => undefined;
}
