/**
 * Which uploaded filenames the Files API accepts. The real server uses the name as an S3 key suffix
 * (`<owner>/<filename>`, §7.1) and never checks it. Here a name that reads as a path (a separator,
 * `.`/`..`, NUL), raw or percent-decoded, is refused: such a file could never be addressed by
 * `GET /v1/files/{file_id}`, and refusing it keeps every later use of file ids (paths, keys) inside
 * the data dir.
 */
import { badRequest } from "../errors.js";
import { decodedForms } from "../decoded-forms.js";

function problemOf(form: string): string | null {
  if (form === "") return "it is empty";
  if (form.includes("\0")) return "it contains NUL";
  if (form.includes("/") || form.includes("\\")) return "it contains a path separator";
  if (form === "." || form === "..") return `it is '${form}'`;
  return null;
}

export function assertValidFilename(filename: string): void {
  for (const form of decodedForms(filename)) {
    const problem = problemOf(form);
    if (problem) throw badRequest(`Invalid file name ${JSON.stringify(filename)}: ${problem}.`);
  }
}
