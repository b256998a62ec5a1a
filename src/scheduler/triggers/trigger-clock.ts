/**
 * The cron clock behind the TriggerScheduler port (server-contract.md §2.6): while launch-local
 * runs, each trigger that is not suspended fires at the times its stored schedule names (UTC) and
 * creates one docker-image batch job through `fire`, as the real CronJob's curl does. Schedules are
 * rebuilt from the stored triggers at start. Missed firings (launch-local was down, or the machine
 * slept) are not caught up: the next firing is the first one after now — a Kubernetes CronJob
 * without startingDeadlineSeconds would start one missed run (README "Parity").
 */
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../domain/logger.js";
import type { TriggerRepository, TriggerScheduler } from "../../domain/job-ports.js";
import { nextFireTime } from "../../domain/triggers/cron-next.js";
import { scheduleOf } from "../../domain/triggers/cron-validation.js";
import type { TriggerRecord } from "../../domain/triggers/trigger.js";
import { longTimeout } from "../../domain/long-timeout.js";

export interface TriggerClockDeps {
  triggers: TriggerRepository;
  clock: Clock;
  logger: Logger;
  /** Creates the trigger's job; a rejection is logged (the real CronJob's request just fails). */
  fire(trigger: TriggerRecord): Promise<unknown>;
}

export interface TriggerClock extends TriggerScheduler {
  start(): void;
  /** The next planned firing of a trigger (ms), or null when none is planned. */
  nextFiring(triggerId: string): number | null;
  /** Forgets every schedule (reset). */
  clear(): void;
  /** Idempotent; waits for firings under way. */
  dispose(): Promise<void>;
}

export function createTriggerClock(deps: TriggerClockDeps): TriggerClock {
  const { triggers, clock, logger } = deps;
  const planned = new Map<string, { at: number; cancel: () => void }>();
  const firing = new Set<Promise<void>>();
  let isDisposed = false;

  function unschedule(triggerId: string): void {
    planned.get(triggerId)?.cancel();
    planned.delete(triggerId);
  }

  /** Plans the first firing strictly after `after`. */
  function plan(trigger: TriggerRecord, after: number): void {
    unschedule(trigger.id);
    if (isDisposed || trigger.isSuspended) return;
    const schedule = scheduleOf(trigger.cronSchedule);
    const at = schedule === null ? null : nextFireTime(schedule, after);
    if (at === null) {
      logger.warn("trigger has no upcoming firing", { triggerId: trigger.id, cron: trigger.cronSchedule });
      return;
    }
    const cancel = longTimeout(clock, () => onDue(trigger.id, at), at - clock.now());
    planned.set(trigger.id, { at, cancel });
  }

  function onDue(triggerId: string, at: number): void {
    planned.delete(triggerId);
    // Read again: an update or delete since planning wins.
    const current = triggers.get(triggerId);
    if (!current || current.isSuspended || isDisposed) return;
    const run = deps
      .fire(current)
      .then(() => undefined)
      .catch((error: unknown) => {
        logger.warn("trigger could not create its job", { triggerId, error: error instanceof Error ? error.message : String(error) });
      });
    firing.add(run);
    void run.finally(() => firing.delete(run));
    plan(current, Math.max(at, clock.now()));
  }

  return {
    schedule: (trigger) => plan(trigger, clock.now()),
    unschedule,
    start() {
      for (const trigger of triggers.all()) plan(trigger, clock.now());
    },
    nextFiring: (triggerId) => planned.get(triggerId)?.at ?? null,
    clear() {
      for (const id of [...planned.keys()]) unschedule(id);
    },
    async dispose() {
      isDisposed = true;
      for (const id of [...planned.keys()]) unschedule(id);
      await Promise.all([...firing]);
    },
  };
}
