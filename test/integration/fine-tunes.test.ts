import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/cli-process.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { createCustomTrainerBundle, fineTuneEvents, getFineTune, putBlob, uploadFile, waitForFineTune, writeTemplates } from "./fine-tunes-app.js";

let app: TestApp;
let bundleId: string;
const CSV = "prompt,response\nhello,world\nfoo,bar\n";

const create = (body: Record<string, unknown>, user = "me") =>
  request(app.url)
    .post("/v1/llm/fine-tunes")
    .set("authorization", app.auth(user))
    .send({ hyperparameters: {}, ...body });

const template = (bundle: string, extra: Record<string, unknown> = {}) => ({
  docker_image_batch_job_bundle_id: bundle,
  launch_endpoint_config: { endpoint_type: "streaming" },
  default_hparams: { _BASE_MODEL: "tiny-custom", lr: 0.5 },
  required_params: [],
  ...extra,
});

beforeAll(async () => {
  app = await createTestApp();
  // Public, as the real trainer bundles are: every team may run it.
  bundleId = await createCustomTrainerBundle(app, "me", true);
  const foreignBundle = await createCustomTrainerBundle(app, "other");
  await writeTemplates(app, {
    "tiny-custom-lora": template(bundleId),
    "needs-param-lora": template(bundleId, { required_params: ["foo"] }),
    "missing-bundle-lora": template("batbun_nope"),
    "foreign-lora": template(foreignBundle),
    "broken-lora": { docker_image_batch_job_bundle_id: 5 },
  });
  await uploadFile(app, "train.csv", CSV);
  await uploadFile(app, "file-abc", CSV);
  await uploadFile(app, "bad.csv", "question,answer\na,b\n");
});

afterAll(async () => {
  await app.close();
});

describe("POST /v1/llm/fine-tunes checks (llm-contract.md §1.5)", () => {
  it("answers the real messages, in the real order", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [
        { model: "tiny-custom", training_file: "train.csv", suffix: "bad_suffix" },
        400,
        "User-provided suffix is invalid, must only contain alphanumeric characters and dashes and be at most 28 characters",
      ],
      [
        { model: "tiny-custom", training_file: "train.csv", suffix: "a".repeat(29) },
        400,
        "User-provided suffix is invalid, must only contain alphanumeric characters and dashes and be at most 28 characters",
      ],
      [{ model: "tiny-custom", training_file: "file-missing" }, 404, "Training file does not exist"],
      [{ model: "tiny-custom", training_file: "train.csv", validation_file: "file-missing" }, 404, "Validation file does not exist"],
      [{ model: "tiny-custom", training_file: "nowhere.csv" }, 400, "Cannot find the training file. Verify the path and file name are correct."],
      [
        { model: "tiny-custom", training_file: "s3://launch-local/nothing-here.csv" },
        400,
        "Cannot find the training file. Verify the path and file name are correct.",
      ],
      [
        { model: "tiny-custom", training_file: "bad.csv" },
        400,
        "Required column headers (one subset of [['prompt', 'response'], ['input', 'output']]) not found in training dataset",
      ],
      [
        { model: "tiny-custom", training_file: "train.csv", validation_file: "bad.csv" },
        400,
        "Required column headers (one subset of [['prompt', 'response'], ['input', 'output']]) not found in validation dataset",
      ],
      [{ model: "unknown-model", training_file: "train.csv" }, 400, "Fine-tuning not implemented for model type unknown-model"],
      [{ model: "broken", training_file: "train.csv" }, 400, "Fine-tuning not implemented for model type broken"],
      [
        { model: "tiny-custom", training_file: "train.csv", hyperparameters: { fine_tuning_method: "qlora" } },
        400,
        "Fine-tuning not implemented for model type tiny-custom",
      ],
      [{ model: "needs-param", training_file: "train.csv" }, 400, "Required param foo is missing from hyperparameters"],
      [{ model: "missing-bundle", training_file: "train.csv" }, 400, "Fine-tuning method doesn't exist"],
      [{ model: "foreign", training_file: "train.csv" }, 400, "Fine-tuning method not accessible"],
    ];
    for (const [body, status, detail] of cases) {
      const response = await create(body);
      expect({ body, status: response.status, detail: response.body.detail }).toEqual({ body, status, detail });
    }
  });

  it("validates the body as pydantic does (422)", async () => {
    const response = await request(app.url)
      .post("/v1/llm/fine-tunes")
      .set("authorization", app.auth())
      .send({ model: "m", training_file: "t", hyperparameters: { x: null } });
    expect(response.status).toBe(422);
    expect(response.body.detail.map((item: { loc: unknown[] }) => item.loc)).toEqual([
      ["body", "hyperparameters", "x", "str"],
      ["body", "hyperparameters", "x", "int"],
      ["body", "hyperparameters", "x", "float"],
      ["body", "hyperparameters", "x", "dict[str,any]"],
    ]);
    const missing = await request(app.url).post("/v1/llm/fine-tunes").set("authorization", app.auth()).send({ model: "m", training_file: "t" });
    expect(missing.body.detail).toEqual([
      { type: "missing", loc: ["body", "hyperparameters"], msg: "Field required", input: { model: "m", training_file: "t" } },
    ]);
  });

  it("answers 404 and success false for unknown and foreign ids", async () => {
    const mine = (await create({ model: "tiny-custom", training_file: "file-abc" }).expect(200)).body as { id: string };
    for (const id of ["ft-nope", "NOT~WELL-FORMED", mine.id]) {
      const user = id === mine.id ? "other" : "me";
      const got = await request(app.url).get(`/v1/llm/fine-tunes/${id}`).set("authorization", app.auth(user));
      expect([got.status, got.body]).toEqual([404, { detail: "The specified fine-tune job could not be found." }]);
      const events = await request(app.url).get(`/v1/llm/fine-tunes/${id}/events`).set("authorization", app.auth(user));
      expect([events.status, events.body]).toEqual([404, { detail: "The specified fine-tune job's events could not be found." }]);
      const cancel = await request(app.url).put(`/v1/llm/fine-tunes/${id}/cancel`).set("authorization", app.auth(user));
      expect([cancel.status, cancel.body]).toEqual([200, { success: false }]);
    }
    await waitForFineTune(app, mine.id, ["SUCCESS", "FAILURE"]);
  });
});

describe("a fine-tune is a docker-image batch job from its template (§2.3)", () => {
  it("runs a registered trainer with the real job config, and its credentials allow only its own work", async () => {
    const created = await create({
      model: "tiny-custom",
      training_file: "train.csv",
      suffix: "exp-1",
      hyperparameters: { lr: 0.1, peft_config: { r: 4 } },
    }).expect(200);
    const id = (created.body as { id: string }).id;
    expect(id).toMatch(/^ft-[0-9a-v]{20}$/);
    const started = await getFineTune(app, id);
    expect(started.fine_tuned_model).toMatch(/^tiny-custom\.exp-1\.\d{6}-\d{6}$/);
    expect(["PENDING", "RUNNING", "SUCCESS"]).toContain(started.status);
    await waitForFineTune(app, id, ["SUCCESS", "FAILURE"]);
    const messages = (await fineTuneEvents(app, id)).map((event) => event.message);
    expect(messages.slice(1)).toEqual([
      "training file: 200, 2 rows",
      `config: ${JSON.stringify({ model_name: started.fine_tuned_model, product: "training.llm_engine_fine_tune", s3_bucket: "launch-local", team: "egp", user_id: "me", validation_file: null })}`,
      `hyperparameters: ${JSON.stringify({ _BASE_MODEL: "tiny-custom", lr: 0.1, peft_config: { r: 4 } })}`,
      "write elsewhere: 403",
      "list endpoints: 403",
      "write weights: 200",
      "{'loss': 0.5, 'learning_rate': 0.001, 'epoch': 1.0}",
    ]);
    expect((await getFineTune(app, id)).status).toBe("SUCCESS");
    const weights = await request(app.url)
      .get("/_launch_local/blobs")
      .query({ location: `s3://launch-local/hosted-model-inference/fine_tuned_weights/me/${started.fine_tuned_model}/adapter.txt` })
      .set("authorization", app.auth());
    expect(weights.status).toBe(200);
    expect(Buffer.from(weights.body as Buffer).toString()).toBe("trained");
  });

  it("lists every docker-image batch job of the team, fine-tunes with their model", async () => {
    const other = await request(app.url)
      .post("/v1/docker-image-batch-jobs")
      .set("authorization", app.auth("lister"))
      .send({ docker_image_batch_job_bundle_id: await createCustomTrainerBundle(app, "lister"), labels: { team: "t", product: "p" } })
      .expect(200);
    await uploadFile(app, "train.csv", CSV, "lister");
    const fineTune = (await create({ model: "tiny-custom", training_file: "train.csv" }, "lister").expect(200)).body as { id: string };
    const list = await request(app.url).get("/v1/llm/fine-tunes").set("authorization", app.auth("lister")).expect(200);
    const jobs = (list.body as { jobs: { id: string; fine_tuned_model: string | null; status: string }[] }).jobs;
    expect(jobs.map((job) => job.id)).toEqual([other.body.job_id, fineTune.id]);
    expect(jobs[0]?.fine_tuned_model).toBeNull();
    expect(jobs[1]?.fine_tuned_model).toMatch(/^tiny-custom\.\d{6}-\d{6}$/);
  });

  it("reads a JSONL training file from the blob store, and fails with the trainer's exit code", async () => {
    await putBlob(app, "s3://launch-local/data/train.jsonl", '{"input": "a", "output": "b"}\n');
    const created = await create({ model: "tiny-custom", training_file: "s3://launch-local/data/train.jsonl", hyperparameters: { exit_code: 3 } }).expect(200);
    const view = await waitForFineTune(app, (created.body as { id: string }).id, ["SUCCESS", "FAILURE"]);
    expect(view.status).toBe("FAILURE");
  });

  it("cancel stops the trainer and deletes the job", async () => {
    const created = await create({ model: "tiny-custom", training_file: "train.csv", hyperparameters: { sleep: 120 } }).expect(200);
    const id = (created.body as { id: string }).id;
    const pid = await waitFor(
      async () => {
        const first = (await request(app.url).get(`/v1/llm/fine-tunes/${id}/events`).set("authorization", app.auth())).body.events?.[0]?.message as
          string | undefined;
        return first?.startsWith("pid ") ? Number(first.slice(4)) : null;
      },
      20_000,
      "the trainer to start",
    );
    expect((await request(app.url).put(`/v1/llm/fine-tunes/${id}/cancel`).set("authorization", app.auth()).expect(200)).body).toEqual({ success: true });
    await request(app.url).get(`/v1/llm/fine-tunes/${id}`).set("authorization", app.auth()).expect(404);
    const isAlive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => (isAlive() ? null : true), 15_000, `trainer process ${pid} to end`);
  });
});
