/** `CreateFineTuneRequest` (llm-contract.md §1.5; `ME/common/dtos/llms/model_endpoints.py`). */
import type { CreateFineTuneRequest, HyperparameterValue } from "../../domain/fine-tunes/fine-tune-service.js";
import { type Schema, any, dict, int, num, object, optional, str, union } from "../validation/schema.js";

/** `FineTuneHparamValueType = Union[str, int, float, Dict[str, Any]]`, in pydantic's member order. */
const hyperparameterValue: Schema<HyperparameterValue> = union<HyperparameterValue>([str(), int(), num(), { ...dict(any()), kind: "dict[str,any]" }]);

export const createFineTuneSchema: Schema<CreateFineTuneRequest> = object({
  model: str(),
  training_file: str(),
  validation_file: optional(str()),
  hyperparameters: dict(hyperparameterValue),
  suffix: optional(str()),
  wandb_config: optional(dict(any())),
});
