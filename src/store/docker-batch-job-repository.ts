import type { DockerBatchJobRecord, DockerBatchJobStatus } from "../domain/docker-batch/docker-batch-job.js";
import type { DockerBatchJobRepository } from "../domain/job-ports.js";
import { type Db, parseStored } from "./database.js";

interface JobRow {
  id: string;
  owner: string;
  trigger_id: string | null;
  status: DockerBatchJobStatus;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  status_reason: string | null;
  runner_ref: string | null;
  data: string;
}

/** What never changes after create lives in `data`; the lifecycle lives in columns. */
type JobData = Pick<DockerBatchJobRecord, "createdBy" | "bundleId" | "labels" | "jobConfig" | "overrideJobMaxRuntimeS" | "spec"> &
  // Absent in rows written before fine-tunes existed.
  Partial<Pick<DockerBatchJobRecord, "annotations" | "grant">>;

const COLUMNS = "id, owner, trigger_id, status, created_at, started_at, finished_at, status_reason, runner_ref, data";
const UNFINISHED = "status IN ('PENDING', 'RUNNING')";

function fromRow(row: JobRow): DockerBatchJobRecord {
  const data = parseStored<JobData>(row.data);
  return {
    id: row.id,
    owner: row.owner,
    triggerId: row.trigger_id,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    statusReason: row.status_reason,
    runnerRef: row.runner_ref,
    ...data,
    annotations: data.annotations ?? null,
    grant: data.grant ?? null,
  };
}

/**
 * Docker-image batch jobs (migration 3). Status moves are guarded in SQL, so a late exit of a
 * cancelled (deleted) job or a second finish can never write over what is there.
 */
export function createDockerBatchJobRepository(db: Db): DockerBatchJobRepository {
  const insert = db.prepare<[JobRow]>(
    `INSERT INTO docker_batch_jobs (${COLUMNS}) VALUES (@id, @owner, @trigger_id, @status, @created_at, @started_at,
       @finished_at, @status_reason, @runner_ref, @data)`,
  );
  const byId = db.prepare<[string], JobRow>(`SELECT ${COLUMNS} FROM docker_batch_jobs WHERE id = ?`);
  const byOwner = db.prepare<[string], JobRow>(`SELECT ${COLUMNS} FROM docker_batch_jobs WHERE owner = ? ORDER BY seq`);
  const byTrigger = db.prepare<[string], JobRow>(`SELECT ${COLUMNS} FROM docker_batch_jobs WHERE trigger_id = ? ORDER BY seq`);
  const markRunning = db.prepare<[number, string | null, string]>(
    "UPDATE docker_batch_jobs SET status = 'RUNNING', started_at = ?, runner_ref = ? WHERE id = ? AND status = 'PENDING'",
  );
  const finish = db.prepare<[string, number, string | null, string]>(
    `UPDATE docker_batch_jobs SET status = ?, finished_at = ?, status_reason = ? WHERE id = ? AND ${UNFINISHED}`,
  );
  const remove = db.prepare<[string]>("DELETE FROM docker_batch_jobs WHERE id = ?");
  const setAnnotations = db.prepare<[string, string]>("UPDATE docker_batch_jobs SET data = json_set(data, '$.annotations', json(?)) WHERE id = ?");
  const unfinished = db.prepare<[], JobRow>(`SELECT ${COLUMNS} FROM docker_batch_jobs WHERE ${UNFINISHED} ORDER BY seq`);
  const finishedBefore = db.prepare<[number], { id: string }>("SELECT id FROM docker_batch_jobs WHERE finished_at < ?");
  const deleteFinishedBefore = db.transaction((at: number) => {
    const ids = finishedBefore.all(at).map((row) => row.id);
    for (const id of ids) remove.run(id);
    return ids;
  });

  return {
    insert(job) {
      const data: JobData = {
        createdBy: job.createdBy,
        bundleId: job.bundleId,
        labels: job.labels,
        jobConfig: job.jobConfig,
        overrideJobMaxRuntimeS: job.overrideJobMaxRuntimeS,
        spec: job.spec,
        annotations: job.annotations,
        grant: job.grant,
      };
      insert.run({
        id: job.id,
        owner: job.owner,
        trigger_id: job.triggerId,
        status: job.status,
        created_at: job.createdAt,
        started_at: job.startedAt,
        finished_at: job.finishedAt,
        status_reason: job.statusReason,
        runner_ref: job.runnerRef,
        data: JSON.stringify(data),
      });
    },
    get(id) {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    listByOwner(owner) {
      return byOwner.all(owner).map(fromRow);
    },
    listByTrigger(triggerId) {
      return byTrigger.all(triggerId).map(fromRow);
    },
    markRunning(id, at, runnerRef) {
      return markRunning.run(at, runnerRef, id).changes === 1;
    },
    setAnnotations(id, annotations) {
      setAnnotations.run(JSON.stringify(annotations), id);
    },
    finish(id, status, at, reason) {
      finish.run(status, at, reason, id);
    },
    delete(id) {
      remove.run(id);
    },
    unfinished() {
      return unfinished.all().map(fromRow);
    },
    deleteFinishedBefore(at) {
      return deleteFinishedBefore(at);
    },
  };
}
