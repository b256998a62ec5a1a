/**
 * Collects rows, target verdicts, errors and notes, prints them as one table and writes the JSON.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname } from "node:path";

export function createReport() {
  const rows = [];
  const targets = [];
  const errors = [];
  const notes = [];
  return {
    rows,
    targets,
    errors,
    notes,
    row(section, name, { text, data }) {
      rows.push({ section, name, text, data });
    },
    target(section, text, value, verdict) {
      targets.push({ section, text, value, verdict });
    },
    error(section, message) {
      errors.push({ section, message });
    },
    note(section, message) {
      notes.push({ section, message });
    },
  };
}

export function machineInfo(python) {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {
    // not Linux: os.cpus() is the fallback
  }
  let pythonVersion = "unknown";
  try {
    pythonVersion = execFileSync(python, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // reported as unknown
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python: pythonVersion,
  };
}

/** The table: one line per measurement, then the targets with met / missed / n/a. */
export function formatReport(report, machine, elapsedS) {
  const out = [];
  out.push(
    `launch-local bench: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, ${machine.python} (${elapsedS.toFixed(0)} s)`,
  );
  out.push("");
  const nameWidth = Math.max(...report.rows.map((row) => row.name.length), 10);
  for (const row of report.rows) out.push(`${row.section}  ${row.name.padEnd(nameWidth)}  ${row.text}`);
  out.push("");
  out.push("targets:");
  const targetWidth = Math.max(...report.targets.map((target) => target.text.length), 10);
  for (const target of report.targets) {
    out.push(`${target.section}  ${target.text.padEnd(targetWidth)}  ${String(target.value).padEnd(18)}  ${target.verdict}`);
  }
  for (const note of report.notes) out.push(`note (${note.section}): ${note.message}`);
  if (report.errors.length > 0) {
    out.push("");
    out.push(`errors (${report.errors.length}):`);
    for (const error of report.errors) out.push(`  ${error.section}: ${error.message}`);
  }
  return out.join("\n");
}

export function writeJson(path, report, machine, settings, elapsedS) {
  mkdirSync(dirname(path), { recursive: true });
  const body = {
    date: new Date().toISOString(),
    machine,
    settings,
    elapsedSeconds: elapsedS,
    rows: report.rows,
    targets: report.targets,
    notes: report.notes,
    errors: report.errors,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
}
