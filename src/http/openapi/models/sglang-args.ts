/**
 * SGLang's server arguments (`SGLangEndpointAdditionalArgs` in model-engine's
 * `common/dtos/llms/sglang.py`), in pydantic's field order. launch-local serves every framework with
 * one engine and does not pass these on (README "Parity"); the document still shows the real model.
 */
export type ArgKind = "int" | "float" | "bool" | "str" | "dict" | "str[]" | "int[]";

export const SGLANG_ARG_FIELDS: readonly (readonly [string, ArgKind])[] = [
  ["trust_remote_code", "bool"], ["tp_size", "int"], ["skip_tokenizer_init", "bool"], ["load_format", "str"],
  ["dtype", "str"], ["kv_cache_dtype", "str"], ["quantization_param_path", "str"], ["quantization", "str"],
  ["context_length", "int"], ["device", "str"], ["served_model_name", "str"], ["chat_template", "str"],
  ["is_embedding", "bool"], ["revision", "str"], ["mem_fraction_static", "float"], ["max_running_requests", "int"],
  ["max_total_tokens", "int"], ["chunked_prefill_size", "int"], ["max_prefill_tokens", "int"],
  ["schedule_policy", "str"], ["schedule_conservativeness", "float"], ["cpu_offload_gb", "int"],
  ["prefill_only_one_req", "bool"], ["stream_interval", "int"], ["random_seed", "int"],
  ["constrained_json_whitespace_pattern", "str"], ["watchdog_timeout", "float"], ["download_dir", "str"],
  ["base_gpu_id", "int"], ["log_level", "str"], ["log_level_http", "str"], ["log_requests", "bool"],
  ["show_time_cost", "bool"], ["enable_metrics", "bool"], ["decode_log_interval", "int"], ["api_key", "str"],
  ["file_storage_pth", "str"], ["enable_cache_report", "bool"], ["data_parallel_size", "int"],
  ["load_balance_method", "str"], ["expert_parallel_size", "int"], ["dist_init_addr", "str"], ["nnodes", "int"],
  ["node_rank", "int"], ["json_model_override_args", "str"], ["lora_paths", "str[]"], ["max_loras_per_batch", "int"],
  ["attention_backend", "str"], ["sampling_backend", "str"], ["grammar_backend", "str"],
  ["speculative_algorithm", "str"], ["speculative_draft_model_path", "str"], ["speculative_num_steps", "int"],
  ["speculative_num_draft_tokens", "int"], ["speculative_eagle_topk", "int"], ["enable_double_sparsity", "bool"],
  ["ds_channel_config_path", "str"], ["ds_heavy_channel_num", "int"], ["ds_heavy_token_num", "int"],
  ["ds_heavy_channel_type", "str"], ["ds_sparse_decode_threshold", "int"], ["disable_radix_cache", "bool"],
  ["disable_jump_forward", "bool"], ["disable_cuda_graph", "bool"], ["disable_cuda_graph_padding", "bool"],
  ["disable_outlines_disk_cache", "bool"], ["disable_custom_all_reduce", "bool"], ["disable_mla", "bool"],
  ["disable_overlap_schedule", "bool"], ["enable_mixed_chunk", "bool"], ["enable_dp_attention", "bool"],
  ["enable_ep_moe", "bool"], ["enable_torch_compile", "bool"], ["torch_compile_max_bs", "int"],
  ["cuda_graph_max_bs", "int"], ["cuda_graph_bs", "int[]"], ["torchao_config", "str"],
  ["enable_nan_detection", "bool"], ["enable_p2p_check", "bool"], ["triton_attention_reduce_in_fp32", "bool"],
  ["triton_attention_num_kv_splits", "int"], ["num_continuous_decode_steps", "int"],
  ["delete_ckpt_after_loading", "bool"], ["enable_memory_saver", "bool"], ["allow_auto_truncate", "bool"],
  ["enable_custom_logit_processor", "bool"], ["tool_call_parser", "str"], ["huggingface_repo", "str"],
];
