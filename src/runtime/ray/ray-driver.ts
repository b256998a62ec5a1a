/**
 * The port to the Ray cluster (ARCHITECTURE.md "Ray runtime"): what the Ray runtime and job runner
 * ask of the driver process (src/worker/ray_driver/driver.py). Tests use a fake of this interface.
 */

/** What Ray answers once connected. */
export interface RayConnection {
  rayVersion: string;
  /** The cluster-side Python's "major.minor" (cloudpickled bundles need the same one). */
  python: string;
  /** This machine's address as the cluster sees it. */
  nodeIp: string;
}

/** Ray actor options, as `ActorClass.options(**options)` takes them. */
export interface RayActorOptions {
  num_cpus: number;
  num_gpus: number;
  /** Bytes. */
  memory?: number;
  /** A Ray accelerator type (`T4`, `A100` …): the node must have the resource `accelerator_type:<it>`. */
  accelerator_type?: string;
}

export interface PlaceRequest {
  /** Ours: the worker or job id. */
  key: string;
  /** The actor's name in launch-local's namespace (actor-names.ts): how a restart finds leftovers. */
  name: string;
  options: RayActorOptions;
  /** The bundle's requirements: the node builds (or reuses) a virtualenv for them before the actor answers. */
  requirements: string[];
  /** Reserve a free port on the node for the child to listen on. */
  wantsPort: boolean;
  /** The virtualenv also sees the node Python's base site-packages (the LLM engine's torch). */
  systemSitePackages?: boolean;
}

/** Where the actor landed. */
export interface RayPlacement {
  nodeIp: string;
  nodeId: string;
  port: number | null;
  /** The actor's process id on its node (the worker's parent). */
  pid: number;
  /** A node-local folder for this actor, removed when its child exits. */
  scratch: string;
  /** The interpreter to run the child with, on the node (the requirements' virtualenv, if any). */
  python: string;
  /** Where the shipped `launch_worker` package lives on the node (its parent folder). */
  workerPath: string | null;
  /** Where the shipped `launch_local_llm` package lives on the node (its parent folder). */
  enginePath: string | null;
}

/** The child to run on the node: files to write and fetch first, then argv with env. */
export interface RayProcessPlan {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  write?: { path: string; text: string }[];
  download?: { url: string; path: string }[];
  mkdir?: string[];
}

export interface RayExit {
  code: number | null;
  signal: string | null;
  /** Why, when the child never ran or the actor died (node lost, killed). */
  reason: string | null;
}

/** What the driver reports about one actor's child. */
export interface RayActorEvents {
  output(lines: readonly string[]): void;
  exit(exit: RayExit): void;
}

export interface RayNode {
  nodeId: string;
  nodeIp: string;
  resources: Record<string, number>;
}

export interface RayClusterState {
  nodes: RayNode[];
  available: Record<string, number>;
  total: Record<string, number>;
}

/** What a node with a given runtime environment offers (driver.py probe). */
export interface RayProbe {
  nodeIp: string;
  python: string;
  pythonVersion: string;
  executableFound: boolean;
  hasCloudpickle: boolean;
  /** The environment build's last output lines. */
  lines: string[];
}

export interface RayDriver {
  /** Resolves once connected; rejects with the reason the cluster cannot be used. */
  readonly connected: Promise<RayConnection>;
  /** Creates the actor and waits for Ray to place it; `events` hear about it until its exit. */
  place(request: PlaceRequest, events: RayActorEvents): Promise<RayPlacement>;
  /** Starts the plan's child in the placed actor; resolves with its pid. */
  run(key: string, plan: RayProcessPlan): Promise<number>;
  /** SIGTERM to the child, SIGKILL after `graceMs`, then the actor goes. */
  stop(key: string, graceMs: number): Promise<void>;
  /** Kills the actor at once (a crash). */
  kill(key: string): Promise<void>;
  /** Runs a task on some node that builds (or reuses) the requirements' environment there, and reports what it found. */
  probe(requirements: string[], executable: string | null): Promise<RayProbe>;
  cluster(): Promise<RayClusterState>;
  /** Names of live actors in launch-local's namespace starting with `prefix`. */
  named(prefix: string): Promise<string[]>;
  /** Kills the named actors under `prefix` whose names do not start with `keep`; returns their names. */
  sweep(prefix: string, keep: string): Promise<string[]>;
  /** Stops every actor it created and disconnects. Idempotent. */
  close(): Promise<void>;
}
