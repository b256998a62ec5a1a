import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LABELS } from "../../../src/runtime/docker/labels.js";
import { waitFor } from "../../helpers/cli-process.js";
import { TEST_BASE_IMAGE, lockDockerSuite, shouldRunDockerTests } from "../docker/docker-harness.js";
import { type RunningServer, startServer } from "./server.js";

/**
 * Clean shutdown under the Docker runtime (issue 6 item 3): after SIGTERM no container of the instance
 * remains; after a SIGKILL the containers are left, and the next instance on the same data dir removes
 * them at start and serves the endpoint again. Skipped where no engine answers or the test image
 * (scripts/ci/build-test-image.sh) is missing.
 */
describe.skipIf(!shouldRunDockerTests)("Docker runtime: no container outlives its instance", () => {
  const scratch = mkdtempSync(join(tmpdir(), "launch-local-docker-shutdown-"));
  const dataDir = join(scratch, "state");
  const docker = new Dockerode();
  const servers: RunningServer[] = [];
  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
  }, 600_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    const left = await containersOfDataDir();
    await Promise.all(
      left.map((id) =>
        docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    rmSync(scratch, { recursive: true, force: true });
    await releaseLock?.();
  });

  async function containersOfDataDir(): Promise<string[]> {
    const found = await docker.listContainers({ all: true, filters: { label: [`${LABELS.dataDir}=${dataDir}`] } });
    return found.map((container) => container.Id);
  }

  async function start(): Promise<RunningServer> {
    const server = await startServer(scratch, ["--runtime", "docker", "--image-map", `model-engine=${TEST_BASE_IMAGE}`]);
    servers.push(server);
    return server;
  }

  /** A runnable image (python's http.server answers 200 on "/") with two workers. */
  async function deploy(server: RunningServer): Promise<string> {
    const bundle = await server.http.ok<{ model_bundle_id: string }>("POST", "/v2/model-bundles", {
      name: "http",
      schema_location: "s3://x/schema.json",
      flavor: {
        flavor: "runnable_image",
        repository: "model-engine",
        tag: "http",
        command: ["python3", "-m", "http.server", "5005", "--directory", "/tmp"],
        healthcheck_route: "/",
        protocol: "http",
      },
    });
    return server.http.createEndpoint("http", bundle.model_bundle_id, { endpoint_type: "sync", min_workers: 2, max_workers: 2 });
  }

  const twoContainers = () => waitFor(async () => ((await containersOfDataDir()).length === 2 ? true : null), 60_000, "two containers");

  it("removes every container on SIGTERM, and sweeps a killed instance's containers at the next start", async () => {
    const first = await start();
    const endpointId = await deploy(first);
    await first.http.waitForWorkers(endpointId, 60_000);
    await twoContainers();
    expect(await first.stop()).toBe(0);
    expect(await containersOfDataDir()).toEqual([]);

    const second = await start();
    await second.http.waitForWorkers(endpointId, 60_000);
    await twoContainers();
    const orphans = await containersOfDataDir();
    await second.kill();
    expect(await containersOfDataDir()).toEqual(orphans);

    const third = await start();
    await third.http.waitForWorkers(endpointId, 60_000);
    const current = await containersOfDataDir();
    expect(current.filter((id) => orphans.includes(id))).toEqual([]);
    expect(await third.stop()).toBe(0);
    expect(await containersOfDataDir()).toEqual([]);
  }, 300_000);
});
