"""launch-local's Python worker server (stdlib + cloudpickle only; Python 3.7+ syntax)."""
