import type { EndpointLogRepository } from "../domain/ports.js";
import type { Db } from "./database.js";

/** Build output and worker output per endpoint, kept in SQLite so they survive restarts. */
export function createEndpointLogRepository(db: Db, maxLinesPerStream = 5000): EndpointLogRepository {
  const insert = db.prepare("INSERT INTO endpoint_logs (endpoint_id, stream, line) VALUES (?, ?, ?)");
  const select = db.prepare(
    "SELECT line FROM (SELECT seq, line FROM endpoint_logs WHERE endpoint_id = ? AND stream = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
  );
  const trim = db.prepare(
    `DELETE FROM endpoint_logs WHERE endpoint_id = ? AND stream = ? AND seq <= (
       SELECT seq FROM endpoint_logs WHERE endpoint_id = ? AND stream = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
  );
  const clear = db.prepare("DELETE FROM endpoint_logs WHERE endpoint_id = ?");
  let appends = 0;
  return {
    append(endpointId, stream, line) {
      insert.run(endpointId, stream, line);
      // Bound the table: every 500 appends, drop lines beyond the newest maxLinesPerStream.
      if (++appends % 500 === 0) trim.run(endpointId, stream, endpointId, stream, maxLinesPerStream);
    },
    read(endpointId, stream, limit = maxLinesPerStream) {
      return (select.all(endpointId, stream, limit) as { line: string }[]).map((row) => row.line);
    },
    clear(endpointId) {
      clear.run(endpointId);
    },
  };
}
