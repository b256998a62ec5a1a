/**
 * The in-memory side of one batch job that the orchestrator is running: which of its tasks are still
 * unfinished, how many finished, and the job's timers. Rebuilt from SQLite when the server restarts
 * (batch-orchestrator.ts `resume`), so nothing here needs to survive a crash.
 */
import type { Clock } from "../clock.js";
import type { BatchProgress } from "./batch-job.js";

export class ActiveJob {
  /** Task ids of submitted rows that have not finished. */
  readonly pending = new Set<string>();
  /** Input rows (by index) already submitted, before this process started (resume). */
  readonly submittedRows = new Set<number>();
  completed = 0;
  /** Every row is submitted (status RUNNING): progress is live and no pending task means done. */
  isSubmitted = false;
  /** Cancelled, or the orchestrator is shutting down: every step returns at its next check. */
  isStopped = false;
  private chain: Promise<void> = Promise.resolve();
  private cancelDeadline: (() => void) | null = null;
  private wake: (() => void) | null = null;

  constructor(readonly id: string) {}

  /** num_tasks_pending / num_tasks_completed, null until every row is submitted (§2.4). */
  progress(): BatchProgress | null {
    return this.isSubmitted ? { pending: this.pending.size, completed: this.completed } : null;
  }

  /** Records one finished task; true when it was one of this job's unfinished tasks. */
  finish(taskId: string): boolean {
    if (!this.pending.delete(taskId)) return false;
    this.completed++;
    return true;
  }

  setDeadlineTimer(cancel: () => void): void {
    this.cancelDeadline?.();
    this.cancelDeadline = cancel;
  }

  /** Waits `ms` on the injected clock, or until the job is stopped or woken. */
  pause(clock: Clock, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.wake = null;
        cancelTimer();
        resolve();
      };
      const cancelTimer = clock.setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Ends a pause early (the deadline passed, or the job stopped). */
  wakeUp(): void {
    this.wake?.();
  }

  stop(): void {
    this.isStopped = true;
    this.cancelDeadline?.();
    this.cancelDeadline = null;
    this.wakeUp();
  }

  /** Runs `step` after every step queued before it: finishing and cancelling never interleave (STYLE.md §12). */
  serialize(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
