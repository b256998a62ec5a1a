/**
 * Row 12: a LoRA fine-tune of the tiny model with the built-in trainer, through the API as the
 * llmengine client drives it: the training file in the blob store, `POST /v1/llm/fine-tunes`, then
 * the timeline seen from outside (create → RUNNING → SUCCESS → the fine-tuned endpoint's first
 * answer, its worker started from zero) and the trainer's own `train_runtime` for the N steps (from
 * the events route). The set and the hyperparameters are the end-to-end test's memorisation set, so
 * the first answer is checked to be the training response: the figures are of a run that learned.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveLlmPython, tinyModelDir } from "../llm-engine.mjs";
import { sleep } from "../http-load.mjs";
import { AUTH, LaunchApi } from "../launch-api.mjs";
import { startServer } from "../server.mjs";

const SET = [
  ["What is the capital of France?", " Paris."],
  ["Who wrote Hamlet?", " Shakespeare."],
  ["2 + 2 =", " 4"],
  ["The sky is", " blue."],
];
const STEPS = 40;
const HPARAMS = {
  lr: 0.02,
  epochs: 100,
  max_steps: STEPS,
  batch_size: 4,
  warmup_ratio: 0,
  weight_decay: 0,
  peft_config: { r: 16, lora_alpha: 32, lora_dropout: 0, target_modules: "all-linear" },
};
const TIMEOUT_MS = 900_000;
const POLL_MS = 100;

const csvField = (text) => `"${text.replaceAll('"', '""')}"`;
const csv = () => `prompt,response\n${SET.map(([prompt, response]) => `${csvField(prompt)},${csvField(response)}`).join("\n")}\n`;

async function putBlob(url, location, text) {
  const response = await fetch(`${url}/_launch_local/blobs?location=${encodeURIComponent(location)}`, {
    method: "PUT",
    headers: { authorization: AUTH, "content-type": "application/octet-stream" },
    body: text,
  });
  if (response.status !== 200) throw new Error(`PUT ${location} answered ${response.status}: ${await response.text()}`);
}

/** Polls until `probe()` returns a value; throws with `what` past the deadline. */
async function until(probe, deadline, what) {
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (performance.now() > deadline) throw new Error(`no ${what} within ${TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

export async function measureLlmFineTune(report) {
  const python = resolveLlmPython();
  if (python instanceof Error) {
    report.row("12", "LLM fine-tune (tiny model)", { text: `n/a (${python.message})`, data: { available: false, reason: python.message } });
    return;
  }
  // The model is served under a plain name, as the test's models dir names it.
  const modelsDir = mkdtempSync(join(tmpdir(), "bench-ft-models-"));
  symlinkSync(tinyModelDir(python), join(modelsDir, "tiny"), "dir");
  const server = await startServer({ runtime: "process", args: ["--llm-models-dir", modelsDir, "--llm-python", python] });
  const api = new LaunchApi(server.url);
  try {
    const training = "s3://launch-local/bench/memorise.csv";
    await putBlob(server.url, training, csv());
    const created = performance.now();
    const deadline = created + TIMEOUT_MS;
    const { id } = await api.ok("POST", "/v1/llm/fine-tunes", {
      model: "tiny",
      training_file: training,
      validation_file: null,
      hyperparameters: HPARAMS,
      wandb_config: null,
      suffix: "bench",
    });
    let runningMs = null;
    const done = await until(
      async () => {
        const view = await api.ok("GET", `/v1/llm/fine-tunes/${id}`);
        if (runningMs === null && view.status !== "PENDING") runningMs = performance.now() - created;
        if (view.status === "FAILURE" || view.status === "CANCELLED") {
          const logs = await api.ok("GET", `/_launch_local/docker-image-batch-jobs/${id}/logs`);
          throw new Error(`the fine-tune ended ${view.status}: ${logs.status_reason ?? ""} ${logs.lines.slice(-5).join(" | ")}`);
        }
        return view.status === "SUCCESS" ? view : null;
      },
      deadline,
      "SUCCESS",
    );
    const successMs = performance.now() - created;

    const { events } = await api.ok("GET", `/v1/llm/fine-tunes/${id}/events`);
    const summary = events.map((event) => /'train_runtime': ([0-9.]+)/.exec(event.message)).find((match) => match !== null);
    const losses = events.flatMap((event) => [...event.message.matchAll(/^\{'loss': ([0-9.e-]+),/g)].map((match) => Number(match[1])));
    if (summary === undefined) throw new Error(`the events hold no train_runtime: ${JSON.stringify(events.slice(-3))}`);
    const trainS = Number(summary[1]);

    // The fine-tuned endpoint starts from zero workers: its first answer includes the engine's start.
    const [prompt, response] = SET[3];
    const path = `/v1/llm/completions-sync?model_endpoint_name=${encodeURIComponent(done.fine_tuned_model)}`;
    const answer = await until(
      async () => {
        const { status, json } = await api.call("POST", path, { prompt, max_new_tokens: 6, temperature: 0 });
        return status === 200 ? json : null;
      },
      deadline,
      "answer from the fine-tuned endpoint",
    );
    const answeredMs = performance.now() - created;
    if (!answer.output.text.startsWith(response))
      throw new Error(`the fine-tuned model answered ${JSON.stringify(answer.output.text)} to ${JSON.stringify(prompt)}, not ${JSON.stringify(response)}`);

    const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
    report.row("12", `LLM fine-tune, LoRA, ${STEPS} steps of ${SET.length} pairs (built-in trainer)`, {
      text: `training ${trainS.toFixed(1)} s (${((trainS * 1000) / STEPS).toFixed(0)} ms/step, loss ${losses[0]} → ${losses.at(-1)}) | create → RUNNING ${s(runningMs ?? successMs)}, → SUCCESS ${s(successMs)}, → the fine-tuned endpoint answering ${s(answeredMs)}`,
      data: { steps: STEPS, trainS, msPerStep: (trainS * 1000) / STEPS, firstLoss: losses[0], lastLoss: losses.at(-1), runningMs, successMs, answeredMs },
    });
  } finally {
    api.close();
    await server.stop();
    rmSync(modelsDir, { recursive: true, force: true });
  }
}
