/**
 * The endpoint build and roll-out (server-contract.md §3.1): UPDATE_PENDING while the environment is
 * built, UPDATE_IN_PROGRESS just before the roll-out, then READY with the destination; any error →
 * UPDATE_FAILED with a status_reason. Jobs run one at a time per endpoint; a newer deploy (or an
 * undeploy) makes an older job stop at its next step. The previous deployment keeps serving until the
 * new build succeeded; a failed build leaves it serving, and a failed first build makes the endpoint's
 * work end FAILURE with the build error (there is nothing to wait for).
 */
import { ownerActor } from "../domain/blobs/blob-access.js";
import { isArtifactFlavor } from "../domain/bundle.js";
import { destinationFor } from "../domain/endpoint.js";
import { LaunchError, SystemError, isLaunchError } from "../domain/errors.js";
import type { SchedulerContext } from "./context.js";
import type { EndpointState, Generation } from "./endpoint-state.js";
import { statusReason } from "../domain/endpoints/endpoint-lifecycle.js";

const INTERNAL_FAILURE = "Endpoint deployment failed due to an internal error.";

export interface Deployer {
  /** Queues a deploy job. `isRecovery`: a READY endpoint stays READY while it is rebuilt after a restart. */
  deploy(state: EndpointState, isRecovery: boolean): void;
  /** Replaces every worker with a fresh one of the same deployment (rolling). */
  restart(state: EndpointState): void;
}

/** Whether workers of `a` can keep serving for `b` (only scaling settings changed). */
function runsSameWorkers(a: Generation, b: Omit<Generation, "seq">): boolean {
  return (
    a.bundle.id === b.bundle.id &&
    a.artifactPath === b.artifactPath &&
    a.endpoint.endpointType === b.endpoint.endpointType &&
    a.endpoint.scaling.concurrentRequestsPerWorker === b.endpoint.scaling.concurrentRequestsPerWorker &&
    JSON.stringify(a.endpoint.resources) === JSON.stringify(b.endpoint.resources)
  );
}

/**
 * `changed`: the endpoint's workers or start rules changed (the scaler evaluates it, the dispatcher
 * pumps its queue, answering it when nothing can serve).
 */
export function createDeployer(ctx: SchedulerContext, changed: (state: EndpointState) => void, track: (work: Promise<void>) => void): Deployer {
  const { endpoints, endpointLifecycle, bundles, blobs, runtime, logs, logger, events, clock } = ctx.deps;
  let generationSeq = 0;

  /**
   * A prepare (a virtualenv or an image made sure of) ended. Under --runtime auto the router names
   * local processes in its note, so a prepare without one went to Docker.
   */
  function announceBuild(state: EndpointState, owner: string, startedAt: number, ok: boolean, note: string | null): void {
    if (events === undefined || !events.has("build")) return;
    const isImage = runtime.name === "docker" || (runtime.name === "auto" && note === null);
    events.emit({
      type: "build",
      at: clock.now(),
      endpointId: state.id,
      owner,
      kind: isImage ? "image" : "virtualenv",
      ok,
      durationMs: clock.now() - startedAt,
    });
  }

  function resetStartFailures(state: EndpointState): void {
    state.startFailures = 0;
    state.startFailure = null;
    state.nextStartAt = 0;
    state.cancelBackoffTimer?.();
    state.cancelBackoffTimer = null;
  }

  function install(state: EndpointState, next: Omit<Generation, "seq">): void {
    resetStartFailures(state);
    const previous = state.current;
    if (previous !== null && runsSameWorkers(previous, next)) {
      previous.endpoint = next.endpoint;
      return;
    }
    // Workers of the previous generation keep serving; the autoscaler drains them as new ones come up.
    state.current = { ...next, seq: ++generationSeq };
  }

  async function run(state: EndpointState, token: number, isRecovery: boolean): Promise<void> {
    const isStale = (): boolean => token !== state.deployToken || state.isClosed || ctx.isDisposed;
    // Build output may still arrive after dispose (the store may be closed by then).
    const build = (line: string): void => {
      if (!ctx.isDisposed) logs.append(state.id, "build", line);
    };
    if (isStale()) return;
    const record = endpoints.get(state.id);
    if (record === null || record.status === "DELETE_IN_PROGRESS") return;
    const keepsStatus = isRecovery && record.status === "READY";
    try {
      const bundle = bundles.get(record.bundleId);
      if (bundle === null) throw new SystemError(`bundle ${record.bundleId} of endpoint ${record.id} not found`);
      build(`Building environment for bundle ${bundle.name} (${bundle.id})`);
      let artifactPath: string | null = null;
      if (isArtifactFlavor(bundle.flavor)) {
        const location = bundle.flavor.location;
        artifactPath = await blobs.localPath(ownerActor(bundle.owner), location).catch((error: unknown) => {
          throw new LaunchError("BAD_REQUEST", isLaunchError(error) ? error.message : `Could not read the bundle artifact at ${location}.`);
        });
        if (isStale()) return;
      }
      const buildStartedAt = clock.now();
      const prepared = await runtime.prepare(bundle, record.resources.gpus, build).catch((error: unknown) => {
        announceBuild(state, record.owner, buildStartedAt, false, null);
        throw error;
      });
      announceBuild(state, record.owner, buildStartedAt, true, prepared ? prepared.note : null);
      if (isStale()) return;
      build("Build succeeded");
      if (!keepsStatus && !endpointLifecycle.move(state.id, { status: "UPDATE_IN_PROGRESS" })) return;
      // The freshest record: scaling settings may have been edited while the build ran.
      const endpoint = endpoints.get(state.id);
      if (endpoint === null) return;
      install(state, { endpoint, bundle, artifactPath });
      // status_reason is cleared with READY (§3.1) unless the runtime has a note: why auto chose local processes.
      const note = prepared ? prepared.note : null;
      endpointLifecycle.move(state.id, { status: "READY", statusReason: note, destination: destinationFor(endpoint), hasInfraState: true });
      changed(state);
    } catch (error) {
      if (isStale()) return;
      const reason = isLaunchError(error) ? statusReason(error.message) : INTERNAL_FAILURE;
      if (!isLaunchError(error)) logger.error("endpoint deployment failed", { endpointId: state.id, error: String(error) });
      build(`Build failed: ${reason}`);
      endpointLifecycle.move(state.id, { status: "UPDATE_FAILED", statusReason: reason });
      // No deployment to fall back on: nothing will ever serve this one, so its queued and later work
      // is answered with the build error as after a crash loop (dispatcher.ts); the next deploy clears it.
      if (state.current === null) {
        state.startFailure = { statusReason: reason, detail: isLaunchError(error) ? error.message : reason };
        changed(state);
      }
    }
  }

  return {
    deploy(state, isRecovery) {
      state.hasDeployment = true;
      // A failed first build's refusal ends with the next deploy: its work waits for this build.
      if (state.current === null) state.startFailure = null;
      const token = ++state.deployToken;
      state.chain = state.chain
        .then(() => run(state, token, isRecovery))
        .catch((error: unknown) => logger.error("deploy job failed", { endpointId: state.id, error: String(error) }));
      track(state.chain);
    },
    restart(state) {
      const current = state.current;
      if (current === null) return;
      resetStartFailures(state);
      state.current = { ...current, seq: ++generationSeq };
      changed(state);
    },
  };
}
