/**
 * Labels on everything the Docker runtime creates (STYLE.md §8: containers are owned). The data-dir
 * label scopes the orphan sweep to one launch-local state folder, so two instances with different
 * data dirs on one engine never remove each other's containers.
 */
export const LABELS = {
  instance: "launch-local.instance",
  endpoint: "launch-local.endpoint",
  worker: "launch-local.worker",
  dataDir: "launch-local.data-dir",
} as const;

/** The engine's container-list filter for one data dir's containers (every instance's). */
export const dataDirFilter = (dataDir: string): { label: string[] } => ({ label: [`${LABELS.dataDir}=${dataDir}`] });

/** Of the containers listed with dataDirFilter, those another instance left: the orphans to remove. */
export function orphanIds(containers: ReadonlyArray<{ Id: string; Labels?: Record<string, string> | null }>, instanceId: string): string[] {
  return containers.filter((container) => container.Labels?.[LABELS.instance] !== instanceId).map((container) => container.Id);
}

export const BUNDLE_IMAGE_REPOSITORY = "launch-local/bundle";
export const BUNDLE_IMAGE_LABEL = "launch-local.bundle-image";

export interface WorkerLabels {
  instanceId: string;
  endpointId: string;
  workerId: string;
  dataDir: string;
}

export const workerLabels = (labels: WorkerLabels): Record<string, string> => ({
  [LABELS.instance]: labels.instanceId,
  [LABELS.endpoint]: labels.endpointId,
  [LABELS.worker]: labels.workerId,
  [LABELS.dataDir]: labels.dataDir,
});

/** A container name the engine accepts ([a-zA-Z0-9][a-zA-Z0-9_.-]*), readable in `docker ps`. */
export function containerName(instanceId: string, workerId: string): string {
  const clean = (text: string) => text.replace(/[^a-zA-Z0-9_.-]+/g, "-");
  return `launch-local-${clean(instanceId)}-${clean(workerId)}`.slice(0, 200);
}
