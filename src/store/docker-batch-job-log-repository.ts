import type { DockerBatchJobLogRepository } from "../domain/job-ports.js";
import type { Db } from "./database.js";

/** Output lines of docker-image batch jobs (migration 3), kept so they survive restarts. */
export function createDockerBatchJobLogRepository(db: Db, maxLinesPerJob = 5000): DockerBatchJobLogRepository {
  const insert = db.prepare<[string, string]>("INSERT INTO docker_batch_job_logs (job_id, line) VALUES (?, ?)");
  const select = db.prepare<[string, number], { line: string }>(
    "SELECT line FROM (SELECT seq, line FROM docker_batch_job_logs WHERE job_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
  );
  const trim = db.prepare<[string, string, number]>(
    `DELETE FROM docker_batch_job_logs WHERE job_id = ? AND seq <= (
       SELECT seq FROM docker_batch_job_logs WHERE job_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  );
  const clear = db.prepare<[string]>("DELETE FROM docker_batch_job_logs WHERE job_id = ?");
  let appends = 0;
  return {
    append(jobId, line) {
      insert.run(jobId, line);
      // Bound the table: every 500 appends, drop this job's lines beyond the newest maxLinesPerJob.
      if (++appends % 500 === 0) trim.run(jobId, jobId, maxLinesPerJob);
    },
    read(jobId, limit = maxLinesPerJob) {
      return select.all(jobId, limit).map((row) => row.line);
    },
    clear(jobId) {
      clear.run(jobId);
    },
  };
}
