/**
 * Row 13: batch completions on the tiny model against the sync route, same prompts, same run. The
 * same P prompts (greedy, M new tokens) go through `/v1/llm/completions-sync` one at a time to a
 * warm LLM endpoint, then as one `POST /v1/llm/batch-completions` (a docker-image batch job of the
 * engine image, which loads its own copy of the model), then through the sync route again, so drift
 * hits both. The batch is timed twice: create → `completed` (its process start and model load
 * included) and the runner's own run (its `batch: N requests run in X s` log line), and its output
 * is checked against the sync answers.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveLlmPython, tinyModelDir } from "../llm-engine.mjs";
import { sleep } from "../http-load.mjs";
import { AUTH, LaunchApi } from "../launch-api.mjs";
import { startServer } from "../server.mjs";
import { median } from "../stats.mjs";

const ENDPOINT = "bench-llm-sync";
const LABELS = { team: "bench", product: "llm" };
const TIMEOUT_MS = 600_000;
const SUBJECTS = ["The sky", "Once upon a time", "My favourite food", "The capital of France", "A good book", "In the morning", "The river", "Two plus two"];

/** P distinct prompts. */
const promptsOf = (count) => Array.from({ length: count }, (_, i) => `${SUBJECTS[i % SUBJECTS.length]} (${i}) is`);

async function getBlob(url, location) {
  const response = await fetch(`${url}/_launch_local/blobs?location=${encodeURIComponent(location)}`, { headers: { authorization: AUTH } });
  if (response.status !== 200) throw new Error(`GET ${location} answered ${response.status}`);
  return JSON.parse(await response.text());
}

/** The prompts one at a time through the sync route: prompts per second and each answer's text. */
async function syncPass(api, prompts, maxTokens) {
  const texts = [];
  const began = performance.now();
  for (const prompt of prompts) {
    const answer = await api.ok("POST", `/v1/llm/completions-sync?model_endpoint_name=${ENDPOINT}`, { prompt, max_new_tokens: maxTokens, temperature: 0 });
    texts.push(answer.output.text);
  }
  return { rate: prompts.length / ((performance.now() - began) / 1000), texts };
}

async function batchRun(api, url, prompts, maxTokens) {
  const location = `s3://launch-local/bench/batch-${Date.now()}.json`;
  const created = performance.now();
  const { job_id: id } = await api.ok("POST", "/v1/llm/batch-completions", {
    output_data_path: location,
    model_config: { model: "tiny", labels: LABELS },
    content: { prompts, max_new_tokens: maxTokens, temperature: 0 },
  });
  const deadline = created + TIMEOUT_MS;
  for (;;) {
    const { status } = (await api.ok("GET", `/v2/batch-completions/${id}`)).job;
    if (status === "completed") break;
    const logs = () => api.ok("GET", `/_launch_local/docker-image-batch-jobs/${id}/logs`);
    if (status === "failed") throw new Error(`the batch failed: ${JSON.stringify(await logs()).slice(-1500)}`);
    if (performance.now() > deadline) throw new Error(`the batch did not complete within ${TIMEOUT_MS} ms (status ${status})`);
    await sleep(100);
  }
  const wallS = (performance.now() - created) / 1000;
  const { lines } = await api.ok("GET", `/_launch_local/docker-image-batch-jobs/${id}/logs`);
  const runLine = lines.map((line) => /batch: (\d+) requests run in ([0-9.]+) s/.exec(line)).find((match) => match !== null);
  if (runLine === undefined) throw new Error(`the batch's log has no run time: ${lines.slice(-5).join(" | ")}`);
  const outputs = await getBlob(url, location);
  return { wallS, runS: Number(runLine[2]), texts: outputs.map((output) => output.text) };
}

export async function measureLlmBatch(report, { requests, maxTokens }) {
  const python = resolveLlmPython();
  if (python instanceof Error) {
    report.row("13", "LLM batch completions (tiny model)", { text: `n/a (${python.message})`, data: { available: false, reason: python.message } });
    return;
  }
  const modelsDir = mkdtempSync(join(tmpdir(), "bench-batch-models-"));
  symlinkSync(tinyModelDir(python), join(modelsDir, "tiny"), "dir");
  const server = await startServer({ runtime: "process", args: ["--llm-models-dir", modelsDir, "--llm-python", python] });
  const api = new LaunchApi(server.url);
  const prompts = promptsOf(2 * requests);
  try {
    await api.ok("POST", "/v1/llm/model-endpoints", {
      name: ENDPOINT,
      model_name: "tiny",
      endpoint_type: "streaming",
      metadata: {},
      min_workers: 1,
      max_workers: 1,
      per_worker: 1,
      labels: LABELS,
    });
    const { id } = await api.ok("GET", `/v1/llm/model-endpoints/${ENDPOINT}`);
    await api.waitForEndpoint(id, (endpoint) => (endpoint.deployment_state?.available_workers ?? 0) > 0, TIMEOUT_MS, "a serving engine worker");
    await syncPass(api, prompts.slice(0, 2), maxTokens); // warm-up

    const before = await syncPass(api, prompts, maxTokens);
    const batch = await batchRun(api, server.url, prompts, maxTokens);
    const after = await syncPass(api, prompts, maxTokens);
    const differing = prompts.filter((_, i) => batch.texts[i] !== before.texts[i]).length;
    if (differing > 0) throw new Error(`${differing} of ${prompts.length} batch outputs differ from the sync route's answers at temperature 0`);

    const syncRate = median([before.rate, after.rate]);
    const runRate = prompts.length / batch.runS;
    const wallRate = prompts.length / batch.wallS;
    report.row("13", `LLM batch completions, ${prompts.length} prompts × ${maxTokens} tokens greedy, vs the sync route`, {
      text: `batch run ${runRate.toFixed(2)} prompts/s (${batch.runS.toFixed(1)} s; create → completed ${batch.wallS.toFixed(1)} s, ${wallRate.toFixed(2)} prompts/s with its start) | sync route, one at a time, ${before.rate.toFixed(2)} and ${after.rate.toFixed(2)} prompts/s | batch run / sync ${(runRate / syncRate).toFixed(2)}×`,
      data: {
        prompts: prompts.length,
        maxTokens,
        batchRunS: batch.runS,
        batchWallS: batch.wallS,
        batchRunRate: runRate,
        batchWallRate: wallRate,
        syncRates: [before.rate, after.rate],
      },
    });
  } finally {
    api.close();
    await server.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  }
}
