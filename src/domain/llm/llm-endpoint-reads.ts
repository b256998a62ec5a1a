/**
 * LLM endpoint list, get, delete and the fine-tuned weights download (llm-contract.md §1.1;
 * `ListLLMModelEndpointsV1UseCase`, `GetLLMModelEndpointByNameV1UseCase`,
 * `DeleteLLMEndpointByNameUseCase`, `ModelDownloadV1UseCase`). An LLM endpoint is an ordinary
 * endpoint seen through its `_llm` metadata, so views and deletes go through the endpoint service.
 */
import type { EndpointService } from "../endpoints/endpoint-service.js";
import { LaunchError, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { EndpointRepository, OrderBy } from "../ports.js";
import { visibleLlmEndpoints } from "./llm-endpoint-service.js";
import { type GetLlmEndpointResponse, llmEndpointView, llmMetadataOf } from "./llm-metadata.js";
import type { FineTunedWeights } from "./llm-ports.js";
import type { EndpointRecord } from "../endpoint.js";

export interface LlmEndpointReadsDeps {
  endpoints: EndpointRepository;
  endpointService: EndpointService;
  fineTuned: FineTunedWeights;
  /** A signed GET URL for an `s3://` object of the blob store. */
  signedDownload(location: string): string;
}

export class LlmEndpointReads {
  private readonly deps: LlmEndpointReadsDeps;

  constructor(deps: LlmEndpointReadsDeps) {
    this.deps = deps;
  }

  /** The team's LLM endpoints plus every public one; `order_by` sorts by creation time. */
  list(user: User, name: string | null, orderBy: OrderBy | null): { model_endpoints: GetLlmEndpointResponse[] } {
    const records = visibleLlmEndpoints(this.deps.endpoints, user.teamId, name);
    if (orderBy === "newest") records.sort((a, b) => b.createdAt - a.createdAt);
    if (orderBy === "oldest") records.sort((a, b) => a.createdAt - b.createdAt);
    return { model_endpoints: records.map((record) => this.view(record)) };
  }

  /** Owner or public; 404 with the real double space otherwise. */
  get(user: User, name: string): GetLlmEndpointResponse {
    const record = visibleLlmEndpoints(this.deps.endpoints, user.teamId, name)[0];
    if (record === undefined) throw notFound(`Model Endpoint ${name}  was not found.`);
    return this.view(record);
  }

  /** Someone else's public endpoint is a 403; a missing one (or more than one visible) a 404. */
  async delete(user: User, name: string): Promise<{ deleted: true }> {
    const records = visibleLlmEndpoints(this.deps.endpoints, user.userId, name);
    const record = records.length === 1 ? records[0] : undefined;
    if (record === undefined) throw notFound("The requested model endpoint could not be found.");
    if (record.owner !== user.teamId) throw new LaunchError("FORBIDDEN", "You don't have permission to delete the requested model endpoint.");
    return this.deps.endpointService.delete(user, record.id);
  }

  /**
   * POST /v1/llm/model-endpoints/download: the team needs an endpoint of that name; the URLs are the
   * objects under the fine-tuned weights prefix, keyed by file name.
   */
  async download(user: User, modelName: string): Promise<{ urls: Record<string, string> }> {
    const modelNotFound = () => notFound("The requested fine-tuned model could not be found.");
    if (this.deps.endpoints.list(user.teamId, modelName, null).length !== 1) throw modelNotFound();
    const urls: Record<string, string> = {};
    for (const location of await this.deps.fineTuned.list(user.teamId, modelName)) {
      const fileName = location.slice(location.lastIndexOf("/") + 1);
      urls[fileName] = this.deps.signedDownload(location);
    }
    return { urls };
  }

  view(record: EndpointRecord): GetLlmEndpointResponse {
    const llm = llmMetadataOf(record);
    if (llm === null) throw new Error(`Can't translate model entity to response, endpoint ${record.id} does not have LLM metadata.`);
    return llmEndpointView(record, llm, this.deps.endpointService.view(record));
  }
}
