/** The driver's answers, parsed (never cast): a malformed one is a SystemError naming the field. */
import { SystemError } from "../../domain/errors.js";
import type { RayClusterState, RayConnection, RayNode, RayPlacement, RayProbe } from "./ray-driver.js";

type Fields = Record<string, unknown>;

export const isFields = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

function fieldsOf(value: unknown, what: string): Fields {
  if (!isFields(value)) throw new SystemError(`The Ray driver sent a malformed ${what}.`);
  return value;
}

function text(fields: Fields, name: string, what: string): string {
  const value = fields[name];
  if (typeof value !== "string") throw new SystemError(`The Ray driver's ${what} has no ${name}.`);
  return value;
}

const optionalText = (fields: Fields, name: string): string | null => {
  const value = fields[name];
  return typeof value === "string" ? value : null;
};

const optionalNumber = (fields: Fields, name: string): number | null => {
  const value = fields[name];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
};

function numbers(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isFields(value)) return out;
  for (const [name, amount] of Object.entries(value)) if (typeof amount === "number") out[name] = amount;
  return out;
}

export function parseConnection(message: unknown): RayConnection {
  const fields = fieldsOf(message, "greeting");
  return { rayVersion: text(fields, "ray_version", "greeting"), python: text(fields, "python", "greeting"), nodeIp: text(fields, "node_ip", "greeting") };
}

export function parsePlacement(answer: unknown): RayPlacement {
  const fields = fieldsOf(answer, "placement");
  return {
    nodeIp: text(fields, "node_ip", "placement"),
    nodeId: text(fields, "node_id", "placement"),
    port: optionalNumber(fields, "port"),
    pid: optionalNumber(fields, "pid") ?? 0,
    scratch: text(fields, "scratch", "placement"),
    python: text(fields, "python", "placement"),
    workerPath: optionalText(fields, "worker_path"),
    enginePath: optionalText(fields, "engine_path"),
  };
}

export function parseProbe(answer: unknown): RayProbe {
  const fields = fieldsOf(answer, "probe");
  return {
    nodeIp: text(fields, "node_ip", "probe"),
    python: text(fields, "python", "probe"),
    pythonVersion: text(fields, "python_version", "probe"),
    executableFound: fields.executable_found === true,
    hasCloudpickle: fields.has_cloudpickle === true,
    lines: Array.isArray(fields.lines) ? fields.lines.map(String) : [],
  };
}

export function parseCluster(answer: unknown): RayClusterState {
  const fields = fieldsOf(answer, "cluster state");
  const nodes: RayNode[] = (Array.isArray(fields.nodes) ? fields.nodes : []).filter(isFields).map((node) => ({
    nodeId: text(node, "node_id", "node"),
    nodeIp: text(node, "node_ip", "node"),
    resources: numbers(node.resources),
  }));
  return { nodes, available: numbers(fields.available), total: numbers(fields.total) };
}
