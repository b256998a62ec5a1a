/** Files and triggers (server-contract.md §2.6, §7.1; `common/dtos/files.py`, `triggers.py`). */
import { type JsonSchema, bool, dateTime, dict, int, list, model, opt, ref, req, str } from "../dsl.js";

export const fileAndTriggerModels: Record<string, JsonSchema> = {
  Body_upload_file_v1_files_post: model("Body_upload_file_v1_files_post", {
    file: req(str({ contentMediaType: "application/octet-stream" })),
  }),
  UploadFileResponse: model("UploadFileResponse", { id: req(str()) }, "The file's id (its name)."),
  GetFileResponse: model("GetFileResponse", { id: req(str()), filename: req(str()), size: req(int()) }),
  GetFileContentResponse: model("GetFileContentResponse", { id: req(str()), content: req(str()) }),
  ListFilesResponse: model("ListFilesResponse", { files: req(list(ref("GetFileResponse"))) }),
  DeleteFileResponse: model("DeleteFileResponse", { deleted: req(bool()) }),

  CreateTriggerV1Request: model("CreateTriggerV1Request", {
    name: req(str()),
    cron_schedule: req(str(), { description: "A cron schedule (5 fields, or one of the @ macros), in UTC." }),
    bundle_id: req(str()),
    default_job_config: opt(dict()),
    default_job_metadata: opt(dict(str())),
  }),
  CreateTriggerV1Response: model("CreateTriggerV1Response", { trigger_id: req(str()) }),
  GetTriggerV1Response: model("GetTriggerV1Response", {
    id: req(str()),
    name: req(str()),
    owner: req(str()),
    created_by: req(str()),
    created_at: req(dateTime()),
    cron_schedule: req(str()),
    docker_image_batch_job_bundle_id: req(str()),
    default_job_config: opt(dict()),
    default_job_metadata: opt(dict(str())),
  }),
  ListTriggersV1Response: model("ListTriggersV1Response", { triggers: req(list(ref("GetTriggerV1Response"))) }),
  UpdateTriggerV1Request: model("UpdateTriggerV1Request", { cron_schedule: opt(str()), suspend: opt(bool()) }),
  UpdateTriggerV1Response: model("UpdateTriggerV1Response", { success: req(bool()) }),
  DeleteTriggerV1Response: model("DeleteTriggerV1Response", { success: req(bool()) }),
};
