/**
 * The upload body of `POST /v1/files` (server-contract.md §7.1; OpenAPI Body_upload_file_v1_files_post):
 * multipart/form-data with a file part named `file`. The JSON body middleware leaves multipart
 * bodies alone, so the size limit is applied here.
 */
import { LaunchError } from "../../domain/errors.js";
import { BODY_PARSE_ERROR } from "../body.js";
import { readLimited } from "../body-read.js";
import { issue } from "../validation/issues.js";
import { validationError } from "../validation/parse.js";

export interface Upload {
  filename: string;
  bytes: Uint8Array;
}

/** Starlette's answer to a multipart body it cannot parse. */
const unparseable = (): LaunchError => new LaunchError("BODY_UNPARSEABLE", BODY_PARSE_ERROR);

export async function readUpload(request: Request, limit: number): Promise<Upload> {
  const contentType = request.headers.get("content-type") ?? "";
  let part: FormDataEntryValue | null = null;
  if (/^multipart\/form-data/i.test(contentType)) {
    const body = await readLimited(request, limit);
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
    } catch {
      throw unparseable();
    }
    part = form.get("file");
  }
  // Any other content type reads as an empty form in FastAPI: the field is missing.
  if (part === null) throw validationError([issue("missing", ["body", "file"], "Field required", null)]);
  if (typeof part === "string") {
    throw validationError([issue("value_error", ["body", "file"], "Value error, Expected UploadFile, received: <class 'str'>", part, { error: {} })]);
  }
  return { filename: part.name, bytes: new Uint8Array(await part.arrayBuffer()) };
}
