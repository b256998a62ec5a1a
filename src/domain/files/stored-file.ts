/** A Files API object (server-contract.md §7.1): id = filename, UTF-8 text content, per owner. */
export interface StoredFileInfo {
  owner: string;
  id: string;
  /** Bytes of the UTF-8 content (the S3 object's ContentLength). */
  size: number;
  updatedAt: number;
}

export interface StoredFile extends StoredFileInfo {
  content: string;
}

/** GetFileResponse: `filename` is the id itself (§7.1). */
export const fileView = (file: StoredFileInfo): Record<string, unknown> => ({ id: file.id, filename: file.id, size: file.size });
