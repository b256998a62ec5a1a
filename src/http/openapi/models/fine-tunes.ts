/** Fine-tunes (llm-contract.md §1.5; `common/dtos/llms/model_endpoints.py`, `domain/entities/llm_fine_tune_entity.py`). */
import { type JsonSchema, bool, dict, int, list, model, num, opt, ref, req, str } from "../dsl.js";

export const fineTuneModels: Record<string, JsonSchema> = {
  CreateFineTuneRequest: model("CreateFineTuneRequest", {
    model: req(str()),
    training_file: req(str(), {
      description:
        "A Files-API id (launch-local: the uploaded file's name) or an s3:// location in the blob store; CSV or JSONL with prompt,response or input,output.",
    }),
    validation_file: opt(str()),
    hyperparameters: req(dict({ anyOf: [str(), int(), num(), dict()] }), {
      description:
        "lr, epochs, warmup_ratio, weight_decay, peft_config; launch-local's trainer also reads max_steps, batch_size, seed, logging_steps and fine_tuning_method (lora or full).",
    }),
    suffix: opt(str()),
    wandb_config: opt(dict()),
  }),
  CreateFineTuneResponse: model("CreateFineTuneResponse", { id: req(str()) }),
  GetFineTuneResponse: model("GetFineTuneResponse", {
    id: req(str(), { description: "Unique ID of the fine tune" }),
    fine_tuned_model: opt(str(), {
      description: "Name of the resulting fine-tuned model. This can be plugged into the Completion API ones the fine-tune is complete",
    }),
    status: req(ref("BatchJobStatus"), { description: "Status of the requested fine tune." }),
  }),
  ListFineTunesResponse: model("ListFineTunesResponse", { jobs: req(list(ref("GetFineTuneResponse"))) }),
  CancelFineTuneResponse: model("CancelFineTuneResponse", { success: req(bool()) }),
  LLMFineTuneEvent: model("LLMFineTuneEvent", { timestamp: opt(num()), message: req(str()), level: req(str()) }),
  GetFineTuneEventsResponse: model("GetFineTuneEventsResponse", { events: req(list(ref("LLMFineTuneEvent"))) }),
};
