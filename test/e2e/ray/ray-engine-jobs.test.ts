/**
 * Engine-image jobs on a real two-node Ray cluster (ray-harness.ts; README "Ray runtime"): a batch
 * completion and a LoRA fine-tune of the tiny model run as Ray actors on a node, in the engine's
 * environment that node builds (a virtualenv of the engine's requirements seeing the node Python's
 * torch), with the engine package shipped by Ray and the weights through the blob store; the
 * outputs come back through the gateway as under the process runtime, and nothing is left in the
 * cluster after close().
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchLocal, startLaunchLocal } from "../../../src/index.js";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { tinyModel } from "../../helpers/tiny-model.js";
import { MEMORISE_HPARAMS, memorisationCsv } from "../../helpers/memorisation-set.js";
import { HAS_RAY, RAY_PYTHON, type RayCluster, eventually, startRayCluster } from "./ray-harness.js";

// The node builds the engine's environment once, then each job imports torch: minutes on a busy machine.
const BUDGET_MS = 480_000;
const PROMPTS = ["The sky is", "Once upon a time", "2 + 2 ="];

let cluster: RayCluster;
let launch: LaunchLocal;
let http: LaunchHttp;
let modelsDir = "";

interface JobLogs {
  status: string;
  status_reason: string | null;
  lines: string[];
}

const jobLogs = (id: string) => http.ok<JobLogs>("GET", `/_launch_local/docker-image-batch-jobs/${id}/logs`);

/** Where Ray ran the job, and that its node, not this machine's engine environment, ran it. */
async function expectRanOnTheCluster(id: string): Promise<void> {
  const { lines } = await jobLogs(id);
  const text = lines.join("\n");
  expect(text).toMatch(/placed by Ray on node 127\.0\.0\.[23]/);
  expect(text).toMatch(/(Building an environment on this node|Reusing this node's environment) .*torch/);
  expect(text).toMatch(/the weights \(\d+ files\) go to node 127\.0\.0\.[23] through the blob store/);
}

async function putBlob(location: string, text: string): Promise<void> {
  const response = await fetch(`${launch.url}/_launch_local/blobs?location=${encodeURIComponent(location)}`, {
    method: "PUT",
    headers: { authorization: `Basic ${Buffer.from("me:").toString("base64")}`, "content-type": "application/octet-stream" },
    body: text,
  });
  expect(response.status).toBe(200);
}

describe.skipIf(!HAS_RAY)("LLM engine jobs on a two-node Ray cluster", () => {
  beforeAll(async () => {
    const model = tinyModel();
    modelsDir = await mkdtemp(join(tmpdir(), "ray-engine-models-"));
    await symlink(model.dir, join(modelsDir, "tiny"), "dir");
    cluster = await startRayCluster();
    launch = await startLaunchLocal({
      port: 0,
      ephemeral: true,
      runtime: "ray",
      rayAddress: cluster.address,
      rayPython: RAY_PYTHON,
      llmModelsDir: modelsDir,
      logLevel: "warn",
    });
    http = new LaunchHttp(launch.url);
  }, 600_000);

  afterAll(async () => {
    await launch?.close();
    if (cluster !== undefined) {
      const left = await eventually(
        async () => {
          const state = await cluster.leftovers();
          return state.actors.length === 0 ? state : null;
        },
        60_000,
        "the cluster to hold no launch-local actor",
      );
      expect(left.actors).toEqual([]);
      await cluster.stop();
    }
    if (modelsDir !== "") await rm(modelsDir, { recursive: true, force: true });
  }, 180_000);

  it(
    "runs a v1 batch completion on a node and writes its output file through the gateway",
    async () => {
      const location = "s3://launch-local/ray/batch-out.json";
      const { job_id: id } = await http.ok<{ job_id: string }>("POST", "/v1/llm/batch-completions", {
        output_data_path: location,
        model_config: { model: "tiny", labels: { team: "t", product: "p" } },
        content: { prompts: PROMPTS, max_new_tokens: 6, temperature: 0 },
      });
      const status = await eventually(
        async () => {
          const view = await http.ok<{ job: { status: string } }>("GET", `/v2/batch-completions/${id}`);
          return view.job.status === "completed" || view.job.status === "failed" ? view.job.status : null;
        },
        BUDGET_MS,
        "the batch to finish",
      );
      if (status !== "completed") throw new Error(`the batch failed: ${JSON.stringify(await jobLogs(id)).slice(-3000)}`);
      await expectRanOnTheCluster(id);
      // v1's fixed hardware answer asks for an A10, which no node has: the engine runs on CPU.
      expect((await jobLogs(id)).lines.join("\n")).toMatch(/accelerator_type=A10G.*: the LLM engine runs on CPU/);
      const outputs = await http.ok<{ text: string; num_completion_tokens: number }[]>("GET", `/_launch_local/blobs?location=${encodeURIComponent(location)}`);
      expect(outputs).toHaveLength(PROMPTS.length);
      for (const output of outputs) {
        expect(typeof output.text).toBe("string");
        expect(output.num_completion_tokens).toBeGreaterThan(0);
      }
    },
    BUDGET_MS + 60_000,
  );

  it(
    "trains a LoRA fine-tune on a node: falling loss, weights in the blob store, the fine-tuned endpoint created",
    async () => {
      const training = "s3://launch-local/ray/memorise.csv";
      await putBlob(training, memorisationCsv());
      const { id } = await http.ok<{ id: string }>("POST", "/v1/llm/fine-tunes", {
        model: "tiny",
        training_file: training,
        hyperparameters: MEMORISE_HPARAMS,
        suffix: "ray",
      });
      const done = await eventually(
        async () => {
          const view = await http.ok<{ status: string; fine_tuned_model: string | null }>("GET", `/v1/llm/fine-tunes/${id}`);
          return ["SUCCESS", "FAILURE", "CANCELLED"].includes(view.status) ? view : null;
        },
        BUDGET_MS,
        "the fine-tune to finish",
      );
      if (done.status !== "SUCCESS") throw new Error(`the fine-tune ended ${done.status}: ${JSON.stringify(await jobLogs(id)).slice(-3000)}`);
      await expectRanOnTheCluster(id);

      const { events } = await http.ok<{ events: { message: string }[] }>("GET", `/v1/llm/fine-tunes/${id}/events`);
      const losses = events.flatMap((event) => [...event.message.matchAll(/^\{'loss': ([0-9.e-]+),/g)].map((match) => Number(match[1])));
      expect(losses.length).toBeGreaterThan(5);
      expect(losses[losses.length - 1]).toBeLessThan((losses[0] ?? 0) / 3);
      const model = done.fine_tuned_model ?? "";
      const download = await http.ok<{ urls: Record<string, string> }>("POST", "/v1/llm/model-endpoints/download", { model_name: model });
      expect(Object.keys(download.urls)).toEqual(expect.arrayContaining(["config.json", "model.safetensors", "tokenizer.json"]));
      const endpoint = await http.ok<{ name: string; checkpoint_path: string }>("GET", `/v1/llm/model-endpoints/${model}`);
      expect(endpoint).toMatchObject({ name: model, checkpoint_path: `s3://launch-local/hosted-model-inference/fine_tuned_weights/me/${model}` });
    },
    BUDGET_MS + 60_000,
  );
});
