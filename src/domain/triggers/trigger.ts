/**
 * Triggers (server-contract.md §2.6): a cron schedule that creates a docker-image batch job of one
 * bundle, as its owner, with `default_job_config` and `default_job_metadata` + `trigger_id`.
 */
import { isoTimestamp } from "../clock.js";

export interface TriggerRecord {
  id: string;
  name: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  cronSchedule: string;
  bundleId: string;
  defaultJobConfig: Record<string, unknown> | null;
  /** As sent: the injected `trigger_id` label is added when a job is created, never stored (§2.6). */
  defaultJobMetadata: Record<string, string> | null;
  /**
   * `PUT suspend` only patches the real CronJob (not stored, not returned, §2.6). The emulator has no
   * CronJob, so it keeps the flag here; a suspended trigger does not fire.
   */
  isSuspended: boolean;
}

export interface CreateTriggerInput {
  name: string;
  cron_schedule: string;
  bundle_id: string;
  default_job_config: Record<string, unknown> | null;
  default_job_metadata: Record<string, string> | null;
}

export interface UpdateTriggerInput {
  cron_schedule: string | null;
  suspend: boolean | null;
}

/** GetTriggerV1Response, fields in declaration order. */
export function triggerView(trigger: TriggerRecord): Record<string, unknown> {
  return {
    id: trigger.id,
    name: trigger.name,
    owner: trigger.owner,
    created_by: trigger.createdBy,
    created_at: isoTimestamp(trigger.createdAt),
    cron_schedule: trigger.cronSchedule,
    docker_image_batch_job_bundle_id: trigger.bundleId,
    default_job_config: trigger.defaultJobConfig,
    default_job_metadata: trigger.defaultJobMetadata,
  };
}
