/** Request models of the trigger routes (server-contract.md §2.6; OpenAPI CreateTriggerV1Request, UpdateTriggerV1Request). */
import { any, bool, dict, object, optional, str } from "../validation/schema.js";

export const createTriggerSchema = object({
  name: str(),
  cron_schedule: str(),
  bundle_id: str(),
  default_job_config: optional(dict(any())),
  default_job_metadata: optional(dict(str())),
});

export const updateTriggerSchema = object({
  cron_schedule: optional(str()),
  suspend: optional(bool()),
});
