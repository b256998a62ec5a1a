/**
 * The docker-image batch job of one fine-tune (`DockerImageBatchJobLLMFineTuningService.create_fine_tune`):
 * the real job config, labels and annotation, the bundle's resources; plus what launch-local gives
 * the job so it can do its work as its owner and no more (job-grant.ts), and, for the built-in
 * trainer, where the base model's weights are on this machine.
 */
import type { DockerBatchBundleRecord } from "../docker-batch/docker-batch-bundle.js";
import type { ServiceJobInput } from "../docker-batch/docker-batch-job-service.js";
import type { User } from "../identity.js";
import { fineTuneEventsKey, fineTunedWeightsKey } from "../llm/fine-tuned-paths.js";
import type { ResolvedDataset } from "./fine-tune-datasets.js";
import type { FineTuneTemplate } from "./fine-tune-template.js";
import type { CreateFineTuneRequest } from "./fine-tune-service.js";

/** `labels = dict(team="egp", product="training.llm_engine_fine_tune")` (a TODO in the real code). */
export const FINE_TUNE_LABELS: Record<string, string> = { team: "egp", product: "training.llm_engine_fine_tune" };

/** Environment variables launch-local adds to a fine-tune's job (README "Fine-tunes"). */
export const FINE_TUNE_ENV = {
  weights: "LAUNCH_LOCAL_FINE_TUNED_WEIGHTS",
  events: "LAUNCH_LOCAL_FINE_TUNE_EVENTS",
  baseModelDir: "LAUNCH_LOCAL_BASE_MODEL_DIR",
} as const;

export interface FineTuneJobInput {
  user: User;
  bundle: DockerBatchBundleRecord;
  template: FineTuneTemplate;
  request: CreateFineTuneRequest;
  fineTunedModel: string;
  datasets: ResolvedDataset[];
  /** The base model's folder, for the built-in trainer; null otherwise. */
  baseModelDir: string | null;
  gatewayUrl: string;
  bucket: string;
}

export function fineTuneJob(input: FineTuneJobInput): ServiceJobInput {
  const { user, bundle, template, request, fineTunedModel, bucket } = input;
  const weights = `s3://${bucket}/${fineTunedWeightsKey(user.teamId, fineTunedModel)}`;
  const events = `s3://${bucket}/${fineTuneEventsKey(user.teamId, fineTunedModel)}`;
  const env: Record<string, string> = { ...bundle.env, [FINE_TUNE_ENV.weights]: weights, [FINE_TUNE_ENV.events]: events };
  if (input.baseModelDir !== null) env[FINE_TUNE_ENV.baseModelDir] = input.baseModelDir;
  return {
    bundle: { ...bundle, env },
    // Key order as the real `dict(**labels, gateway_url=…, …)`: the file is Python's json.dumps of it.
    jobConfig: {
      ...FINE_TUNE_LABELS,
      gateway_url: input.gatewayUrl,
      cloud_provider: "aws",
      aws_profile: "default",
      s3_bucket: bucket,
      azure_client_id: null,
      abs_account_name: null,
      abs_container_name: null,
      user_id: user.teamId,
      training_file: request.training_file,
      validation_file: request.validation_file,
      model_name: fineTunedModel,
      launch_endpoint_config: template.launch_endpoint_config,
      hyperparameters: { ...template.default_hparams, ...request.hyperparameters },
      wandb_config: request.wandb_config,
    },
    labels: { ...FINE_TUNE_LABELS },
    annotations: { fine_tuned_model: fineTunedModel },
    grant: {
      files: input.datasets.flatMap((dataset) => (dataset.fileId === null ? [] : [dataset.fileId])),
      reads: input.datasets.flatMap((dataset) => (dataset.location === null ? [] : [dataset.location])),
      writes: [events],
      writePrefixes: [`${weights}/`],
      endpointName: fineTunedModel,
    },
    resourceRequests: { cpus: null, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null },
    overrideJobMaxRuntimeS: null,
  };
}
