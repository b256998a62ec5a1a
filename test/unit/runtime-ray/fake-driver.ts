/**
 * A RayDriver without Ray, for the Ray runtime's unit tests: `place` lands every actor on a chosen
 * node of a declared cluster at 127.0.0.1, and `run` starts an in-process HTTP server on the
 * reserved port that answers the health route (as the child would). Tests end an actor's child with
 * `exit()`, as the driver reports a crash, a kill or a lost node.
 */
import http from "node:http";
import { allocatePort } from "../../../src/runtime/free-port.js";
import type {
  PlaceRequest,
  RayActorEvents,
  RayClusterState,
  RayConnection,
  RayDriver,
  RayExit,
  RayPlacement,
  RayProbe,
  RayProcessPlan,
} from "../../../src/runtime/ray/ray-driver.js";

export interface FakeActor {
  request: PlaceRequest;
  placement: RayPlacement;
  events: RayActorEvents;
  plan: RayProcessPlan | null;
  server: http.Server | null;
  state: "placed" | "running" | "stopped" | "killed" | "exited";
  /** The exit was reported (once, as the driver does). */
  isGone: boolean;
}

export interface FakeDriver extends RayDriver {
  readonly actors: Map<string, FakeActor>;
  readonly probes: { requirements: string[]; executable: string | null }[];
  readonly sweeps: { prefix: string; keep: string }[];
  /** Actor names still alive in the fake cluster (sweep removes those of other instances). */
  readonly names: Set<string>;
  clusterState: RayClusterState;
  probeAnswer: RayProbe | Error;
  /** Ends the actor's child as the driver would report it. */
  exit(key: string, exit: RayExit): Promise<void>;
}

export const twoNodeCluster = (): RayClusterState => ({
  nodes: [
    { nodeId: "head0000000000", nodeIp: "127.0.0.2", resources: { CPU: 4, memory: 16 * 2 ** 30 } },
    { nodeId: "gpu00000000000", nodeIp: "127.0.0.3", resources: { CPU: 4, GPU: 1, memory: 16 * 2 ** 30, "accelerator_type:T4": 1 } },
  ],
  available: {},
  total: {},
});

export function createFakeDriver(): FakeDriver {
  const actors = new Map<string, FakeActor>();
  const closeServer = (actor: FakeActor) =>
    new Promise<void>((resolve) => {
      if (actor.server === null) return resolve();
      actor.server.closeAllConnections();
      actor.server.close(() => resolve());
      actor.server = null;
    });

  const driver: FakeDriver = {
    actors,
    probes: [],
    sweeps: [],
    names: new Set(),
    clusterState: twoNodeCluster(),
    probeAnswer: {
      nodeIp: "127.0.0.2",
      python: "/venv/bin/python",
      pythonVersion: "3.11",
      executableFound: true,
      hasCloudpickle: true,
      lines: ["Environment ready."],
    },
    connected: Promise.resolve<RayConnection>({ rayVersion: "2.58.0", python: "3.11", nodeIp: "127.0.0.2" }),

    async place(request, events) {
      // The node a real scheduler would pick: the GPU node for GPU actors, else the head.
      const node = request.options.num_gpus > 0 ? "127.0.0.3" : "127.0.0.2";
      const placement: RayPlacement = {
        nodeIp: "127.0.0.1",
        nodeId: node === "127.0.0.3" ? "gpu00000000000" : "head0000000000",
        port: request.wantsPort ? await allocatePort("127.0.0.1") : null,
        pid: 4242,
        scratch: `/tmp/scratch-${request.key}`,
        python: "/venv/bin/python",
        workerPath: "/ray/py_modules/pkg",
        enginePath: "/ray/py_modules/engine",
      };
      actors.set(request.key, { request, placement, events, plan: null, server: null, state: "placed", isGone: false });
      driver.names.add(request.name);
      return placement;
    },

    async run(key, plan) {
      const actor = actors.get(key);
      if (actor === undefined) throw new Error(`no actor ${key}`);
      actor.plan = plan;
      actor.state = "running";
      if (actor.placement.port !== null) {
        const server = http.createServer((_request, response) => response.end(""));
        await new Promise<void>((resolve) => server.listen(actor.placement.port ?? 0, "127.0.0.1", () => resolve()));
        actor.server = server;
      }
      actor.events.output([`started ${plan.argv.join(" ")}`]);
      return 1234;
    },

    async stop(key) {
      const actor = actors.get(key);
      if (actor === undefined || actor.isGone) return;
      const wasRunning = actor.state === "running";
      actor.state = "stopped";
      await driver.exit(key, wasRunning ? { code: 0, signal: null, reason: null } : { code: null, signal: null, reason: "stopped before its process started" });
    },

    async kill(key) {
      const actor = actors.get(key);
      if (actor === undefined || actor.isGone) return;
      actor.state = "killed";
      await driver.exit(key, { code: null, signal: "SIGKILL", reason: "the Ray actor died: killed by ray.kill" });
    },

    async probe(requirements, executable) {
      driver.probes.push({ requirements, executable });
      if (driver.probeAnswer instanceof Error) throw driver.probeAnswer;
      return driver.probeAnswer;
    },

    async cluster() {
      return driver.clusterState;
    },

    async named(prefix) {
      return [...driver.names].filter((name) => name.startsWith(prefix));
    },

    async sweep(prefix, keep) {
      driver.sweeps.push({ prefix, keep });
      const removed = [...driver.names].filter((name) => name.startsWith(prefix) && !name.startsWith(keep));
      for (const name of removed) driver.names.delete(name);
      return removed;
    },

    async exit(key, exit) {
      const actor = actors.get(key);
      if (actor === undefined || actor.isGone) return;
      actor.isGone = true;
      await closeServer(actor);
      if (actor.state === "running" || actor.state === "placed") actor.state = "exited";
      driver.names.delete(actor.request.name);
      actor.events.exit(exit);
    },

    async close() {
      for (const key of actors.keys()) await driver.stop(key, 0);
    },
  };
  return driver;
}
