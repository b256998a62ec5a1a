/**
 * `--pip-fallback` (off by default; the real platform would fail the build): when pip finds no
 * distribution for a pinned requirement (`name==version`), install the nearest version the index
 * has instead, and say so in the creation logs. pip's own error names the versions it saw
 * (`Could not find a version that satisfies the requirement x==1.2 (from versions: 1.0, 1.3)`), so
 * nothing is asked of the index beyond the install itself.
 */

export interface PipRun {
  code: number | null;
  tail: readonly string[];
}

const MISSING = /Could not find a version that satisfies the requirement ([A-Za-z0-9._-]+(?:\[[^\]]*\])?)==([^\s;(]+) \(from versions: ([^)]*)\)/;
const RELEASE = /^(\d+(?:\.\d+)*)/;

/** The pinned requirement pip could not satisfy, with the versions it saw; null for any other failure. */
export function missingPin(tail: readonly string[]): { name: string; version: string; available: string[] } | null {
  for (const line of tail) {
    const match = MISSING.exec(line);
    if (match) {
      const [, name = "", version = "", listed = ""] = match;
      const available = listed
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== "" && item !== "none");
      return { name, version, available };
    }
  }
  return null;
}

const releaseOf = (version: string): number[] | null => {
  const match = RELEASE.exec(version);
  return match?.[1] ? match[1].split(".").map(Number) : null;
};

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};

const sharedPrefix = (a: number[], b: number[]): number => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};

/**
 * The available version next to `pinned` (the closest below and above it) that shares the longer
 * leading run of release numbers with it; the lower one on a tie. Pre-releases count only when the
 * pin is one. Null when nothing usable is available.
 */
export function nearestVersion(pinned: string, available: readonly string[]): string | null {
  const target = releaseOf(pinned);
  if (target === null) return null;
  const isPre = /[a-z]/i.test(pinned.replace(RELEASE, ""));
  const candidates = available
    .filter((version) => isPre || !/(a|b|rc|dev)\d*$/i.test(version))
    .map((version) => ({ version, release: releaseOf(version) }))
    .filter((item): item is { version: string; release: number[] } => item.release !== null)
    .sort((x, y) => compare(x.release, y.release));
  const below = candidates.filter((item) => compare(item.release, target) < 0).pop();
  const above = candidates.find((item) => compare(item.release, target) > 0);
  if (!below) return above?.version ?? null;
  if (!above) return below.version;
  return sharedPrefix(above.release, target) > sharedPrefix(below.release, target) ? above.version : below.version;
}

/**
 * Runs pip on `requirements`; with `enabled`, each pinned requirement it cannot find is replaced by
 * the nearest available version and pip runs again (at most once per requirement). Every
 * substitution is written to `log`. Returns pip's last run.
 */
export async function runPipWithFallback(
  requirements: readonly string[],
  enabled: boolean,
  run: (requirements: readonly string[]) => Promise<PipRun>,
  log: (line: string) => void,
): Promise<PipRun> {
  let current = [...requirements];
  for (let attempt = 0; ; attempt++) {
    const result = await run(current);
    if (result.code === 0 || !enabled || attempt >= requirements.length) return result;
    const missing = missingPin(result.tail);
    if (missing === null) return result;
    const substitute = nearestVersion(missing.version, missing.available);
    const pinned = `${missing.name}==${missing.version}`;
    const index = current.findIndex((line) => line.replace(/\s+/g, "").toLowerCase().startsWith(pinned.toLowerCase()));
    if (substitute === null || index < 0) return result;
    log(`Substituted ${missing.name}==${substitute} for ${pinned}, which the index does not have (--pip-fallback; the real platform would fail this build).`);
    current = current.map((line, i) => (i === index ? line.replace(`==${missing.version}`, `==${substitute}`) : line));
  }
}
