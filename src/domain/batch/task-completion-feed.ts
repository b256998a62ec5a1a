/**
 * Completion events for async tasks, so a batch job follows its rows without polling SQLite (the
 * real orchestrator polls every task continuously, §6.1 step 3). The feed wraps the task repository
 * that the scheduler writes through: every `complete` is announced once the repository took it,
 * whichever part of the scheduler made it (a worker's answer, a task lost too often, an internal
 * failure). The store may commit it at the end of the turn; its reads apply queued writes first.
 */
import type { Logger } from "../logger.js";
import type { TaskRepository } from "../ports.js";
import type { TaskStatus } from "../task.js";

export type TaskCompletionListener = (taskId: string, status: Extract<TaskStatus, "SUCCESS" | "FAILURE">) => void;

export interface TaskCompletions {
  /** Called synchronously after each terminal write was handed to the store; returns the unsubscribe function. */
  subscribe(listener: TaskCompletionListener): () => void;
}

export interface TaskCompletionFeed extends TaskCompletions {
  /** The repository to hand to every writer of task rows. */
  readonly tasks: TaskRepository;
}

export function createTaskCompletionFeed(inner: TaskRepository, logger: Logger): TaskCompletionFeed {
  const listeners = new Set<TaskCompletionListener>();
  // The repository's methods are closures (no `this`), so spreading forwards every other method,
  // including ones added later.
  const tasks: TaskRepository = {
    ...inner,
    complete(id, status, result, traceback, statusCode, at) {
      inner.complete(id, status, result, traceback, statusCode, at);
      for (const listener of listeners) {
        // A listener's bug must not turn into a failed task write in the scheduler.
        try {
          listener(id, status);
        } catch (error) {
          logger.error("task completion listener failed", { taskId: id, error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
  };
  return {
    tasks,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
