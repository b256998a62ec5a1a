import type { StoredFileInfo } from "../domain/files/stored-file.js";
import type { FileRepository } from "../domain/job-ports.js";
import type { Db } from "./database.js";

interface FileRow {
  owner: string;
  id: string;
  size: number;
  updated_at: number;
}

const toInfo = (row: FileRow): StoredFileInfo => ({ owner: row.owner, id: row.id, size: row.size, updatedAt: row.updated_at });

/**
 * Files API objects (migration 3): the text itself lives in SQLite, keyed by (owner, id), so a
 * filename never becomes a path on disk. Lists come back by id in byte order (BINARY collation
 * compares UTF-8 bytes), which is how S3 lists keys.
 */
export function createFileRepository(db: Db): FileRepository {
  const put = db.prepare<[StoredFileRow]>(
    `INSERT INTO files (owner, id, size, updated_at, content) VALUES (@owner, @id, @size, @updated_at, @content)
       ON CONFLICT (owner, id) DO UPDATE SET size = excluded.size, updated_at = excluded.updated_at, content = excluded.content`,
  );
  const get = db.prepare<[string, string], StoredFileRow>("SELECT owner, id, size, updated_at, content FROM files WHERE owner = ? AND id = ?");
  const list = db.prepare<[string], FileRow>("SELECT owner, id, size, updated_at FROM files WHERE owner = ? ORDER BY id");
  const remove = db.prepare<[string, string]>("DELETE FROM files WHERE owner = ? AND id = ?");
  return {
    put(file) {
      put.run({ owner: file.owner, id: file.id, size: file.size, updated_at: file.updatedAt, content: file.content });
    },
    get(owner, id) {
      const row = get.get(owner, id);
      return row ? { ...toInfo(row), content: row.content } : null;
    },
    list(owner) {
      return list.all(owner).map(toInfo);
    },
    delete(owner, id) {
      return remove.run(owner, id).changes === 1;
    },
  };
}

interface StoredFileRow extends FileRow {
  content: string;
}
