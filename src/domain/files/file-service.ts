/**
 * Files API use cases (server-contract.md §7.1): the id is the uploaded filename (a re-upload
 * overwrites), content is UTF-8 text, everything is per owner (team), and another team's file is as
 * missing as a missing one.
 */
import type { Clock } from "../clock.js";
import { badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { FileRepository } from "../job-ports.js";
import { assertValidFilename } from "./file-names.js";
import type { StoredFile, StoredFileInfo } from "./stored-file.js";

export interface FileServiceDeps {
  files: FileRepository;
  clock: Clock;
}

const FILE_NOT_FOUND = "The specified file could not be found.";

// Python's bytes.decode("utf-8"): strict, and a byte-order mark stays part of the text.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class FileService {
  constructor(private readonly deps: FileServiceDeps) {}

  /**
   * The real server answers a non-UTF-8 upload with a 500 (an unhandled UnicodeDecodeError); here it
   * is a 400 that says why (README "Parity").
   */
  upload(user: User, filename: string, bytes: Uint8Array): StoredFileInfo {
    assertValidFilename(filename);
    let content: string;
    try {
      content = utf8.decode(bytes);
    } catch {
      throw badRequest("The uploaded file is not valid UTF-8 text; the Files API stores text only.");
    }
    const file: StoredFile = { owner: user.teamId, id: filename, content, size: bytes.byteLength, updatedAt: this.deps.clock.now() };
    this.deps.files.put(file);
    return file;
  }

  get(user: User, id: string): StoredFileInfo {
    return this.find(user, id);
  }

  content(user: User, id: string): StoredFile {
    return this.find(user, id);
  }

  /** Works here; the real S3 implementation fails with a 500 (§7.1, README "Parity"). */
  list(user: User): StoredFileInfo[] {
    return this.deps.files.list(user.teamId);
  }

  /** Always true, like S3's delete of a missing key (§7.1). */
  delete(user: User, id: string): boolean {
    this.deps.files.delete(user.teamId, id);
    return true;
  }

  private find(user: User, id: string): StoredFile {
    const file = this.deps.files.get(user.teamId, id);
    if (!file) throw notFound(FILE_NOT_FOUND);
    return file;
  }
}
