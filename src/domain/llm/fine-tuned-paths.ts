/**
 * Where a fine-tune's outputs live in the blob store (llm-contract.md §1.5, §3.3): the weights under
 * `hosted-model-inference/fine_tuned_weights/<owner>/<model>/` (the real `hf_user_fine_tuned_weights_prefix`
 * layout, which `POST /v1/llm/model-endpoints/download` lists) and the events beside that folder, as
 * `<owner>/models--<model>.jsonl` (`S3FileLLMFineTuneEventsRepository._get_file_location`). The one
 * place that names them: the trainer's credentials, the events route and the download route use it.
 */
import { keySegment } from "../key-segment.js";

export const FINE_TUNED_WEIGHTS_PREFIX = "hosted-model-inference/fine_tuned_weights";

/** The key of the folder holding `owner`'s weights of `model` (each made one safe key segment). */
export const fineTunedWeightsKey = (owner: string, model: string): string => `${FINE_TUNED_WEIGHTS_PREFIX}/${keySegment(owner)}/${keySegment(model)}`;

/** The key of the events file of `owner`'s fine-tune of `model` (`models--` + name, `/` as `--`). */
export const fineTuneEventsKey = (owner: string, model: string): string =>
  `${FINE_TUNED_WEIGHTS_PREFIX}/${keySegment(owner)}/${keySegment(`models--${model.replaceAll("/", "--")}`)}.jsonl`;
