/** The task and endpoint lifecycles over a test's repositories, as instance.ts wires them. */
import type { Clock } from "../../src/domain/clock.js";
import { FakeClock } from "../../src/domain/clock.js";
import { EndpointLifecycle } from "../../src/domain/endpoints/endpoint-lifecycle.js";
import { LifecycleEvents } from "../../src/domain/events/lifecycle-events.js";
import { type Logger, silentLogger } from "../../src/domain/logger.js";
import type { CommitPort, EndpointRepository, TaskRepository } from "../../src/domain/ports.js";
import { TaskLifecycle } from "../../src/domain/tasks/task-lifecycle.js";
import type { Db } from "../../src/store/database.js";
import { createCommitPort } from "../../src/store/group-commit.js";

/** Nothing is held back: every write is on disk when it returns (fake repositories). */
export const immediateCommits: CommitPort = { committed: () => Promise.resolve() };

export interface TestLifecycles {
  events: LifecycleEvents;
  commits: CommitPort;
  taskLifecycle: TaskLifecycle;
  endpointLifecycle: EndpointLifecycle;
}

export function testLifecycles(options: {
  db?: Db;
  tasks?: TaskRepository;
  endpoints?: EndpointRepository;
  clock?: Clock;
  events?: LifecycleEvents;
  commits?: CommitPort;
  logger?: Logger;
}): TestLifecycles {
  const events = options.events ?? new LifecycleEvents();
  const commits = options.commits ?? (options.db ? createCommitPort(options.db) : immediateCommits);
  const clock = options.clock ?? new FakeClock();
  const noTasks: TaskRepository = {
    insert: () => undefined,
    get: () => null,
    markStarted: () => false,
    complete: () => false,
    requeue: () => false,
    unfinished: () => [],
    countUnfinished: () => 0,
  };
  const noEndpoints: EndpointRepository = {
    insert: () => undefined,
    update: () => undefined,
    delete: () => undefined,
    get: () => null,
    findByName: () => null,
    list: () => [],
    all: () => [],
    named: () => [],
  };
  return {
    events,
    commits,
    taskLifecycle: new TaskLifecycle({ tasks: options.tasks ?? noTasks, commits, events, clock, logger: options.logger ?? silentLogger }),
    endpointLifecycle: new EndpointLifecycle({ endpoints: options.endpoints ?? noEndpoints, commits, events, clock, logger: options.logger ?? silentLogger }),
  };
}
