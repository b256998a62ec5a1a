/**
 * Where the engine's requirements cannot be imported, an LLM endpoint's build fails: UPDATE_FAILED
 * with a status_reason naming what is missing (issue 14 item 3), never a worker that crash-loops.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { waitFor } from "../../helpers/wait-for.js";
import { type TestApp, createTestApp } from "../../helpers/test-app.js";
import { tinyModel } from "../../helpers/tiny-model.js";

let app: TestApp;
let bare: string;

beforeAll(async () => {
  // A virtualenv that does not see the host's site-packages: no torch, no transformers.
  bare = mkdtempSync(join(tmpdir(), "bare-venv-"));
  execFileSync("python3", ["-m", "venv", "--without-pip", bare]);
  const model = tinyModel();
  app = await createTestApp({ useProcessRuntime: true, runtime: "process", llmModelsDir: join(model.dir, ".."), llmPython: join(bare, "bin", "python") });
}, 120_000);

afterAll(async () => {
  await app?.close();
  rmSync(bare, { recursive: true, force: true });
});

it("ends UPDATE_FAILED with a status_reason naming the missing packages", async () => {
  const me = new LaunchHttp(app.url);
  const name = join(tinyModel().dir).split("/").pop() ?? "";
  await me.ok("POST", "/v1/llm/model-endpoints", {
    name: "no-torch",
    model_name: name,
    endpoint_type: "streaming",
    metadata: {},
    min_workers: 1,
    max_workers: 1,
    per_worker: 1,
    labels: { team: "t", product: "p" },
  });
  const id = (await me.ok<{ id: string }>("GET", "/v1/llm/model-endpoints/no-torch")).id;
  const endpoint = await waitFor(
    async () => {
      const seen = await me.ok<{ status: string; status_reason: string | null }>("GET", `/v1/model-endpoints/${id}`);
      return seen.status === "UPDATE_FAILED" ? seen : null;
    },
    60_000,
    "the endpoint to be UPDATE_FAILED",
  );
  expect(endpoint.status).toBe("UPDATE_FAILED");
  expect(endpoint.status_reason).toMatch(/torch/);
  expect(endpoint.status_reason).toMatch(/transformers/);
  const workers = await me.ok<{ workers: unknown[] }>("GET", `/_launch_local/endpoints/${id}/workers`);
  expect(workers.workers).toEqual([]);
});
