"""The requests the `llmengine` and `scale-launch` clients send to the LLM routes, replayed (issue 14 item 6).

Neither client can be installed in CI, so their requests were captured from runs of the unmodified
clients against launch-local (README "LLM endpoints": the flows and what they printed) and are
replayed here with `requests`, with the same headers; each answer is checked for what the client
reads from it (llm-contract.md §4.1, §4.2). usage: llm_client_flow.py <url> <serving endpoint> <model_name>
"""
import json
import sys

import requests

base, serving, model_name = sys.argv[1], sys.argv[2], sys.argv[3]
# llmengine: HTTP Basic (api_key, "") plus x-api-key, api_key "root" by default (llmengine/api_engine.py).
LLMENGINE = {"auth": ("root", ""), "headers": {"x-api-key": "root"}}
# scale-launch: the generated OpenAPI client, Basic (api_key, ""); the api_key of the captured run, "me", owns the serving endpoint.
LAUNCH = {"auth": ("me", ""), "headers": {"user-agent": "OpenAPI-Generator/1.0.0/python", "accept": "application/json"}}

# Captured bodies, as the clients wrote them (Model.create / Completion.create; create_llm_model_endpoint /
# completions_sync / model_download). Only min_workers differs: 0 here, so no second engine starts.
LLMENGINE_CREATE = {'max_gpu_memory_utilization': None, 'attention_backend': None, 'max_model_len': None, 'max_num_seqs': None, 'enforce_eager': None, 'trust_remote_code': False, 'pipeline_parallel_size': None, 'tensor_parallel_size': None, 'quantization': None, 'disable_log_requests': None, 'chat_template': None, 'tool_call_parser': None, 'enable_auto_tool_choice': None, 'load_format': None, 'config_format': None, 'tokenizer_mode': None, 'limit_mm_per_prompt': None, 'max_num_batched_tokens': None, 'tokenizer': None, 'dtype': None, 'seed': None, 'revision': None, 'code_revision': None, 'rope_scaling': None, 'tokenizer_revision': None, 'quantization_param_path': None, 'max_seq_len_to_capture': None, 'disable_sliding_window': None, 'skip_tokenizer_init': None, 'served_model_name': None, 'override_neuron_config': None, 'mm_processor_kwargs': None, 'block_size': None, 'gpu_memory_utilization': None, 'swap_space': None, 'cache_dtype': None, 'num_gpu_blocks_override': None, 'enable_prefix_caching': None, 'name': 'tiny-chat', 'model_name': 'tiny-llama', 'source': 'hugging_face', 'inference_framework': 'vllm', 'inference_framework_image_tag': 'latest', 'num_shards': 1, 'quantize': None, 'checkpoint_path': None, 'metadata': {}, 'post_inference_hooks': None, 'endpoint_type': 'streaming', 'cpus': '1', 'gpus': 1, 'memory': '8Gi', 'gpu_type': 'nvidia-ampere-a10', 'storage': '16Gi', 'nodes_per_worker': 1, 'optimize_costs': None, 'min_workers': 1, 'max_workers': 1, 'per_worker': 2, 'labels': {'team': 'demo', 'product': 'llm'}, 'prewarm': None, 'high_priority': False, 'billing_tags': None, 'default_callback_url': None, 'default_callback_auth': None, 'public_inference': True, 'chat_template_override': None}
LLMENGINE_SYNC = {'prompt': 'Hello, my name is', 'max_new_tokens': 8, 'temperature': 0.0, 'stop_sequences': None, 'return_token_log_probs': True, 'presence_penalty': None, 'frequency_penalty': None, 'top_k': None, 'top_p': None, 'include_stop_str_in_output': None, 'guided_json': None, 'guided_regex': None, 'guided_choice': None, 'guided_grammar': None, 'skip_special_tokens': True}
LLMENGINE_STREAM = {'prompt': 'Hello, my name is', 'max_new_tokens': 8, 'temperature': 0.0, 'stop_sequences': None, 'return_token_log_probs': False, 'presence_penalty': None, 'frequency_penalty': None, 'top_k': None, 'top_p': None, 'include_stop_str_in_output': None, 'guided_json': None, 'guided_regex': None, 'guided_choice': None, 'guided_grammar': None, 'skip_special_tokens': True}
LAUNCH_CREATE = {'name': 'tiny-launch', 'model_name': 'tiny-llama', 'source': 'hugging_face', 'inference_framework': 'vllm', 'inference_framework_image_tag': 'latest', 'num_shards': 1, 'cpus': 1, 'endpoint_type': 'streaming', 'gpus': 1, 'gpu_type': 'nvidia-ampere-a10', 'labels': {'team': 'demo', 'product': 'llm'}, 'max_workers': 1, 'memory': '8Gi', 'metadata': {}, 'min_workers': 1, 'per_worker': 1, 'high_priority': False, 'storage': '16Gi'}
LAUNCH_SYNC = {'max_new_tokens': 8, 'temperature': 0, 'prompt': 'Hello, my name is', 'stop_sequences': [], 'return_token_log_probs': True}
LAUNCH_DOWNLOAD = {'model_name': 'tiny-launch', 'download_format': 'hugging_face'}


def call(client, method, path, body=None, stream=False):
    return requests.request(method, base + path, json=body, stream=stream, timeout=300, **client)


def require(obj, *keys):
    for key in keys:
        assert key in obj, (key, obj)


LLMENGINE_CREATE.update({"model_name": model_name, "min_workers": 0})
created = call(LLMENGINE, "POST", "/v1/llm/model-endpoints", LLMENGINE_CREATE)
assert created.status_code == 200, created.text
require(created.json(), "endpoint_creation_task_id")
got = call(LLMENGINE, "GET", "/v1/llm/model-endpoints/tiny-chat").json()
# GetLLMEndpointResponse: name, source, status, inference_framework required; spec a GetModelEndpointResponse.
require(got, "name", "source", "status", "inference_framework", "spec")
require(got["spec"], "id", "name", "endpoint_type", "destination", "bundle_name", "status", "created_by", "created_at", "last_updated_at")
assert got["spec"]["endpoint_type"] == "streaming" and got["inference_framework"] == "vllm"
listed = call(LLMENGINE, "GET", "/v1/llm/model-endpoints").json()
assert "tiny-chat" in [endpoint["name"] for endpoint in listed["model_endpoints"]]
print("llmengine Model.create/get/list: OK")

sync = call(LLMENGINE, "POST", "/v1/llm/completions-sync?model_endpoint_name=" + serving, LLMENGINE_SYNC)
assert sync.status_code == 200, sync.text
answer = sync.json()
# CompletionSyncV1Response: request_id and output required; output.text and num_completion_tokens.
assert isinstance(answer["request_id"], str) and answer["output"] is not None, answer
require(answer["output"], "text", "num_prompt_tokens", "num_completion_tokens", "tokens")
assert len(answer["output"]["tokens"]) == answer["output"]["num_completion_tokens"]
print("llmengine Completion.create:", repr(answer["output"]["text"]))

streamed = call(LLMENGINE, "POST", "/v1/llm/completions-stream?model_endpoint_name=" + serving, LLMENGINE_STREAM, stream=True)
assert streamed.status_code == 200, streamed.text
events = []
# llmengine reads every line starting with "data:" and json.loads the rest; "[DONE]" would raise.
for line in streamed.iter_lines():
    decoded = line.decode("utf-8")
    if decoded.startswith("data:"):
        events.append(json.loads(decoded[len("data:"):]))
assert events and all(isinstance(event["request_id"], str) for event in events), events
assert events[-1]["output"]["finished"] is True and "".join(e["output"]["text"] for e in events) == answer["output"]["text"]
print("llmengine Completion.create(stream=True):", len(events), "events")

deleted = call(LLMENGINE, "DELETE", "/v1/llm/model-endpoints/tiny-chat")
assert deleted.json() == {"deleted": True}, deleted.text
print("llmengine Model.delete: OK")

# create_llm_model_endpoint sends no nodes_per_worker, which the real server's all-or-none rule rejects too.
LAUNCH_CREATE.update({"model_name": model_name, "min_workers": 0})
refused = call(LAUNCH, "POST", "/v1/llm/model-endpoints", LAUNCH_CREATE)
assert refused.status_code == 400 and "nodes_per_worker" in refused.json()["detail"], refused.text
got = call(LAUNCH, "GET", "/v1/llm/model-endpoints/" + serving).json()
assert got["spec"]["endpoint_type"] == "streaming" and got["spec"]["name"] == serving, got
launch_sync = call(LAUNCH, "POST", "/v1/llm/completions-sync?model_endpoint_name=" + serving, LAUNCH_SYNC).json()
assert launch_sync["output"]["text"] == answer["output"]["text"], launch_sync
launch_stream = call(LAUNCH, "POST", "/v1/llm/completions-stream?model_endpoint_name=" + serving, LAUNCH_SYNC, stream=True)
# sseclient hands every event's data to json.loads.
datas = [line.decode("utf-8")[len("data: "):] for line in launch_stream.iter_lines() if line.startswith(b"data: ")]
assert [json.loads(data)["request_id"] for data in datas], datas
download = call(LAUNCH, "POST", "/v1/llm/model-endpoints/download", dict(LAUNCH_DOWNLOAD, model_name=serving)).json()
assert download == {"urls": {}}, download
print("scale-launch get/completions_sync/completions_stream/model_download: OK")
print("llm client flow: OK")
