/**
 * Numbered migrations (STYLE.md §10). Never edit a shipped migration: add the next number.
 * Entities are stored as one JSON document per row (`data`), with the columns queries filter on.
 */
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE bundles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX bundles_by_owner_name ON bundles (owner, name, created_at);

      CREATE TABLE endpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (owner, name)
      );

      CREATE TABLE async_tasks (
        id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        status TEXT NOT NULL,
        request TEXT NOT NULL,
        result TEXT,
        traceback TEXT,
        status_code INTEGER,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        completed_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX async_tasks_unfinished ON async_tasks (endpoint_id, created_at)
        WHERE status IN ('PENDING', 'STARTED');

      CREATE TABLE endpoint_logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        endpoint_id TEXT NOT NULL,
        stream TEXT NOT NULL,
        line TEXT NOT NULL
      );
      CREATE INDEX endpoint_logs_by_endpoint ON endpoint_logs (endpoint_id, stream, seq);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    // v1 batch jobs (server-contract.md §2.4, §6.1). A row link is written in the same transaction as
    // its async task, so a restarted server knows exactly which input rows were already submitted.
    version: 2,
    sql: `
      CREATE TABLE batch_jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX batch_jobs_active ON batch_jobs (created_at) WHERE status IN ('PENDING', 'RUNNING');

      CREATE TABLE batch_job_rows (
        job_id TEXT NOT NULL,
        row_index INTEGER NOT NULL,
        reference_id TEXT,
        task_id TEXT NOT NULL,
        PRIMARY KEY (job_id, row_index)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Docker-image batch job bundles and jobs, triggers, files (issue 4).
    version: 3,
    sql: `
      CREATE TABLE docker_batch_bundles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX docker_batch_bundles_by_owner_name ON docker_batch_bundles (owner, name, created_at);

      CREATE TABLE docker_batch_jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        trigger_id TEXT,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        status_reason TEXT,
        runner_ref TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX docker_batch_jobs_by_owner ON docker_batch_jobs (owner, seq);
      CREATE INDEX docker_batch_jobs_by_trigger ON docker_batch_jobs (trigger_id, seq) WHERE trigger_id IS NOT NULL;
      CREATE INDEX docker_batch_jobs_unfinished ON docker_batch_jobs (seq) WHERE status IN ('PENDING', 'RUNNING');

      CREATE TABLE docker_batch_job_logs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        line TEXT NOT NULL
      );
      CREATE INDEX docker_batch_job_logs_by_job ON docker_batch_job_logs (job_id, seq);

      CREATE TABLE triggers (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (owner, name)
      );

      CREATE TABLE files (
        owner TEXT NOT NULL,
        id TEXT NOT NULL,
        size INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        content TEXT NOT NULL,
        PRIMARY KEY (owner, id)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Owners of blob store objects (issue 13): who uploaded an object, or whose bundle, task or job
    // wrote it. A location without a row belongs to nobody and is readable only by an admin key.
    version: 4,
    sql: `
      CREATE TABLE blob_owners (
        location TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        is_public INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    // Task retention (issue 13 item 11): the sweep finds finished tasks by completion time, and asks of
    // each whether it is a row of a batch job still running, without scanning either table. The
    // partial index holds finished rows only, in completion order: a completion appends to its end.
    version: 5,
    sql: `
      CREATE INDEX async_tasks_finished ON async_tasks (completed_at) WHERE status IN ('SUCCESS', 'FAILURE');
      CREATE INDEX batch_job_rows_by_task ON batch_job_rows (task_id);
    `,
  },
];
