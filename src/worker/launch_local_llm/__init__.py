"""launch-local's LLM engine: vLLM's OpenAI-compatible server rebuilt on transformers + torch.

Run it with `python -m launch_local_llm.server --model DIR …` (see server.py); build a tiny model to
serve with `python -m launch_local_llm.tiny_model OUT_DIR` (see tiny_model.py).
"""

__version__ = "0.1.0"
