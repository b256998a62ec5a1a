import { describe, expect, it } from "vitest";
import { datasetHeaders, validateDatasetHeaders } from "../../../src/domain/fine-tunes/dataset-headers.js";
import { parseFineTuneEvents } from "../../../src/domain/fine-tunes/fine-tune-events.js";
import { fineTuneTimestamp, fineTunedModelName, k8sLabelValue, validateSuffix } from "../../../src/domain/fine-tunes/fine-tune-names.js";
import { templateFromDocument } from "../../../src/domain/fine-tunes/fine-tune-template.js";
import { fineTuneEventsKey, fineTunedWeightsKey } from "../../../src/domain/llm/fine-tuned-paths.js";

describe("the fine-tuned model's name (llm-contract.md §1.5 step 2)", () => {
  const at = Date.UTC(2023, 6, 17, 23, 1, 50);

  it("is <model>[.<suffix>].<yymmdd-HHMMSS> in UTC", () => {
    expect(fineTuneTimestamp(at)).toBe("230717-230150");
    expect(fineTunedModelName("llama-2-7b", "my-experiment", at)).toBe("llama-2-7b.my-experiment.230717-230150");
    expect(fineTunedModelName("llama-2-7b", null, at)).toBe("llama-2-7b.230717-230150");
  });

  it("is made a valid Kubernetes label: odd characters, leading and trailing separators, 62 characters", () => {
    expect(k8sLabelValue("org/model name")).toBe("org-model-name");
    expect(k8sLabelValue("__.-model-.")).toBe("model");
    expect(k8sLabelValue("é")).toBe("");
    const long = fineTunedModelName("m".repeat(60), null, at);
    expect(long).toBe("m".repeat(60) + ".2");
    expect(fineTunedModelName("m".repeat(61), null, at)).toBe("m".repeat(61));
  });

  it("takes suffixes of letters, digits and dashes, at most 28 code points", () => {
    expect(() => validateSuffix("a-B-9")).not.toThrow();
    expect(() => validateSuffix("a".repeat(28))).not.toThrow();
    for (const bad of ["a".repeat(29), "a_b", "a b", "", "é"]) expect(() => validateSuffix(bad)).toThrow(/User-provided suffix is invalid/);
  });
});

describe("dataset headers (are_dataset_headers_valid)", () => {
  it("reads the first CSV record, or the keys of a JSONL first line", () => {
    expect(datasetHeaders("prompt,response\r\na,b\r\n")).toEqual(["prompt", "response"]);
    expect(datasetHeaders('"prompt","response"\n')).toEqual(["prompt", "response"]);
    expect(datasetHeaders('{"input": "a, b", "output": "c"}\n{"input": 1}\n')).toEqual(["input", "output"]);
    expect(datasetHeaders("")).toBeNull();
  });

  it("needs prompt,response or input,output, extra columns allowed", () => {
    expect(() => validateDatasetHeaders("id,prompt,response,x\n", "training")).not.toThrow();
    expect(() => validateDatasetHeaders('{"output": 1, "input": 2}', "validation")).not.toThrow();
    expect(() => validateDatasetHeaders("prompt,output\n", "training")).toThrow(
      "Required column headers (one subset of [['prompt', 'response'], ['input', 'output']]) not found in training dataset",
    );
    expect(() => validateDatasetHeaders("", "validation")).toThrow(/not found in validation dataset/);
  });
});

describe("events (S3FileLLMFineTuneEventsRepository)", () => {
  it("keeps str(message) as Python prints it, defaults the level, keeps a non-JSON line whole", () => {
    const text = [
      JSON.stringify({ timestamp: 1.5, message: "{'loss': 1.0}", level: "info" }),
      '{"timestamp": 2, "message": {"loss": 1.0, "ok": true, "x": null}}',
      "not json",
      '{"timestamp": null, "message": 3}',
    ].join("\n");
    expect(parseFineTuneEvents(text)).toEqual([
      { timestamp: 1.5, message: "{'loss': 1.0}", level: "info" },
      { timestamp: 2, message: "{'loss': 1.0, 'ok': True, 'x': None}", level: "info" },
      { timestamp: null, message: "not json\n", level: "info" },
      { timestamp: null, message: "3", level: "info" },
    ]);
    expect(parseFineTuneEvents("")).toEqual([]);
  });

  it("fails the whole read for a JSON line without timestamp or message, as the real KeyError does", () => {
    expect(parseFineTuneEvents('{"message": "x"}\n')).toBeNull();
    expect(parseFineTuneEvents('{"timestamp": 1}\n')).toBeNull();
    expect(parseFineTuneEvents("[1, 2]\n")).toBeNull();
  });

  it("lives beside the weights folder, named as the Hugging Face cache names models", () => {
    expect(fineTunedWeightsKey("me", "m.1")).toBe("hosted-model-inference/fine_tuned_weights/me/m.1");
    expect(fineTuneEventsKey("me", "m.1")).toBe("hosted-model-inference/fine_tuned_weights/me/models--m.1.jsonl");
    expect(fineTuneEventsKey("a b", "org/m")).toBe("hosted-model-inference/fine_tuned_weights/a_b/models--org--m.jsonl");
  });
});

describe("the template repository document (LLMFineTuneTemplate)", () => {
  const entry = { docker_image_batch_job_bundle_id: "b", launch_endpoint_config: {}, default_hparams: { x: 1 }, required_params: ["p"], extra: 1 };

  it("finds <model>-<method> and ignores extra keys", () => {
    expect(templateFromDocument(JSON.stringify({ "m-lora": entry }), "m", "lora")).toEqual({
      docker_image_batch_job_bundle_id: "b",
      launch_endpoint_config: {},
      default_hparams: { x: 1 },
      required_params: ["p"],
    });
    expect(templateFromDocument(JSON.stringify({ "m-lora": entry }), "m", "full")).toBeNull();
  });

  it("treats unreadable documents and invalid entries as no template", () => {
    expect(templateFromDocument("{", "m", "lora")).toBeNull();
    expect(templateFromDocument("[]", "m", "lora")).toBeNull();
    expect(templateFromDocument(JSON.stringify({ "m-lora": { ...entry, required_params: [1] } }), "m", "lora")).toBeNull();
    expect(templateFromDocument(JSON.stringify({ "m-lora": { ...entry, launch_endpoint_config: null } }), "m", "lora")).toBeNull();
  });
});
