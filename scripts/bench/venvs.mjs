/**
 * Bench-only virtualenvs for the peer rows (FastAPI on uvicorn, Ray Serve): never part of launch-local
 * or its tests. Each is built once from pip's own configuration (PIP_INDEX_URL and pip.conf as the
 * user has them) into a folder named by its package list and interpreter, kept between runs, and
 * marked ready only after a check import passed; a half-made folder is made again. A venv that cannot
 * be built is an Error with pip's last line, which the row prints as its `n/a` reason.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir } from "./cache-dir.mjs";

const run = promisify(execFile);
const INSTALL_TIMEOUT_MS = 900_000;

/**
 * The python of a venv holding `packages` (pip requirement strings), built with `basePython`'s
 * `venv` module if missing; `check` is a Python statement that must run in it (imports).
 */
export async function benchVenv(name, { basePython = "python3", packages, check }) {
  const { stdout: version } = await run(basePython, ["-c", "import sys; print(sys.version)"]);
  const key = createHash("sha256")
    .update(`${version}\n${packages.join("\n")}`)
    .digest("hex")
    .slice(0, 12);
  const dir = join(cacheDir("bench-venvs"), `${name}-${key}`);
  const python = join(dir, "bin", "python");
  const marker = join(dir, ".ready");
  if (existsSync(marker)) return python;
  const env = { ...process.env };
  // As scripts/ci/ray-cluster.sh does: this machine's pip has a local index and no other reachable one.
  if (env.PIP_INDEX_URL === undefined && existsSync("/opt/pypi/simple")) env.PIP_INDEX_URL = "file:///opt/pypi/simple";
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await run(basePython, ["-m", "venv", dir], { env, timeout: INSTALL_TIMEOUT_MS });
    await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...packages], {
      env,
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    await run(python, ["-c", check], { env, timeout: 120_000 });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const text = String(error?.stderr || error?.message || error)
      .trim()
      .split("\n")
      .filter((line) => !line.startsWith("WARNING"))
      .pop();
    return new Error(`${packages.join(" ")} could not be installed: ${text ?? "pip failed"}`);
  }
  writeFileSync(marker, `${packages.join("\n")}\n`);
  return python;
}
