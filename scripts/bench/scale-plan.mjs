/**
 * Pure parts of row 14 (scale), unit-tested in test/unit/bench: how many endpoints the machine's
 * memory allows, and the SQL that writes task history.
 */

/** Share of the memory available now that the idle workers may take. */
const MEMORY_SHARE = 0.5;

/** The endpoint counts to run, and why the list stops where it does. */
export function cappedCounts(counts, workerMiB, availMiB, share = MEMORY_SHARE) {
  if (workerMiB === null || availMiB === null) return { counts, reason: null };
  const fits = Math.floor((availMiB * share) / workerMiB);
  const kept = counts.filter((count) => count <= fits);
  if (kept.length === counts.length) return { counts, reason: null };
  const limit = Math.max(1, fits);
  const list = [...new Set([...kept, limit])].sort((a, b) => a - b);
  return {
    counts: list,
    reason: `${counts.at(-1)} idle workers × ${workerMiB.toFixed(1)} MiB would take more than ${Math.round(share * 100)} % of the ${Math.round(availMiB)} MiB available: capped at ${limit}`,
  };
}

/**
 * The statement that copies task `template` as rows `from`..`to` (ids `<template>-h<n>`,
 * created n ms earlier), built from the table's own columns.
 */
export function seedStatement(columns) {
  const values = columns.map((column) => (column === "id" ? "t.id || '-h' || seq.n" : column === "created_at" ? "t.created_at - seq.n" : `t.${column}`));
  return (
    "WITH RECURSIVE seq(n) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT n + 1 FROM seq WHERE n < @to) " +
    `INSERT INTO async_tasks (${columns.join(", ")}) SELECT ${values.join(", ")} FROM seq, async_tasks AS t WHERE t.id = @template`
  );
}
