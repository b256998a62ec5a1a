/**
 * The LLM half's services of the composition root (README "LLM endpoints"): LLM endpoint CRUD and
 * reads, completions v1 and v2 over the same trip to a worker as sync and streaming tasks
 * (domain/llm/llm-trip.ts), fine-tunes and batch completions (instance-llm-jobs.ts).
 */
import { createFineTunedWeights } from "./blobs/fine-tuned-weights.js";
import type { BundleService } from "./domain/bundles/bundle-service.js";
import type { EndpointService } from "./domain/endpoints/endpoint-service.js";
import { LlmCompletionsV1 } from "./domain/llm/llm-completions-v1.js";
import { LlmCompletionsV2 } from "./domain/llm/llm-completions-v2.js";
import { LlmEndpointReads } from "./domain/llm/llm-endpoint-reads.js";
import { LlmEndpointService } from "./domain/llm/llm-endpoint-service.js";
import { LlmTrip } from "./domain/llm/llm-trip.js";
import type { BlobStore } from "./domain/ports.js";
import { pacificTimestamp } from "./http/error-table.js";
import type { Services } from "./http/services.js";
import { type FineTuneWiring, createBatchCompletionService, createFineTuneService } from "./instance-llm-jobs.js";

type TripDeps = ConstructorParameters<typeof LlmTrip>[0];
type EndpointDeps = ConstructorParameters<typeof LlmEndpointService>[0];

export interface LlmServicesWiring {
  /** What the fine-tune and batch-completion jobs need. */
  jobs: FineTuneWiring;
  bundles: TripDeps["bundles"];
  gateway: TripDeps["gateway"];
  tokens: TripDeps["tokens"];
  lifecycle: EndpointDeps["lifecycle"];
  scheduler: EndpointDeps["scheduler"];
  bundleService: BundleService;
  endpointService: EndpointService;
  blobStore: BlobStore;
  blobRoot: string;
}

export type LlmServices = Pick<Services, "llmEndpoints" | "llmReads" | "llmCompletionsV1" | "llmCompletionsV2" | "fineTunes" | "batchCompletions">;

export function createLlmServices(wiring: LlmServicesWiring): LlmServices {
  const { jobs } = wiring;
  const { endpoints, ids, clock, config } = jobs;
  const trip = new LlmTrip({ endpoints, bundles: wiring.bundles, gateway: wiring.gateway, tokens: wiring.tokens });
  const timestamp = () => pacificTimestamp(clock.now());
  return {
    llmEndpoints: new LlmEndpointService({
      endpoints,
      lifecycle: wiring.lifecycle,
      bundles: wiring.bundleService,
      scheduler: wiring.scheduler,
      weights: jobs.weights,
      ids,
      clock,
      allowSyncScaleFromZero: true,
    }),
    llmReads: new LlmEndpointReads({
      endpoints,
      endpointService: wiring.endpointService,
      fineTuned: createFineTunedWeights(wiring.blobRoot, config.bucket),
      signedDownload: (location) => wiring.blobStore.createSignedDownload(location, jobs.publicUrl()),
    }),
    llmCompletionsV1: new LlmCompletionsV1({ trip, ids, timestamp }),
    llmCompletionsV2: new LlmCompletionsV2({ trip, ids, timestamp }),
    fineTunes: createFineTuneService(jobs),
    batchCompletions: createBatchCompletionService(jobs),
  };
}
