#!/usr/bin/env bash
# A small Ray cluster on this machine, for the Ray runtime's tests and bench (README "Ray runtime").
#
#   ray-cluster.sh install          installs Ray from the pip index into a cached virtualenv; prints its python
#   ray-cluster.sh start DIR        a head node (127.0.0.2) and a second node (127.0.0.3, 1 fake GPU of type T4)
#                                   with their own temp dirs under DIR; writes DIR/address
#   ray-cluster.sh stop-node DIR N  stops node N (head or gpu) the way a lost machine goes: SIGKILL
#   ray-cluster.sh stop DIR         stops every process of this cluster
#
# Both nodes live on loopback aliases (Ray rewrites 127.0.0.1 to the machine's outward address, and
# 127.0.0.2/3 are loopback too), so all traffic stays on this machine. Processes are found by DIR in
# their command line: `ray stop` would stop every Ray process on the machine, other people's included.
set -euo pipefail

RAY_VERSION="${LAUNCH_LOCAL_TEST_RAY_VERSION:-2.58.0}"
VENV="${LAUNCH_LOCAL_TEST_RAY_VENV:-/var/cache/launch-local/ray-${RAY_VERSION}}"

install() {
  # The marker is written last: a folder without it is a half-made install, made again.
  if [ -f "$VENV/.launch-local-ready" ] && "$VENV/bin/python" -c "import ray, cloudpickle" 2>/dev/null; then
    echo "$VENV/bin/python"
    return
  fi
  if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then export PIP_INDEX_URL=file:///opt/pypi/simple; fi
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV" >&2
  # Ray core only: the dashboard (ray[default]) is not needed, launch-local's driver talks to the GCS.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "ray==${RAY_VERSION}" cloudpickle >&2
  "$VENV/bin/python" -c "import ray, cloudpickle" >&2
  touch "$VENV/.launch-local-ready"
  echo "$VENV/bin/python"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0)); print(s.getsockname()[1]); s.close()'
}

# Logical sizes (Ray schedules by them; nothing is reserved): enough for the client flow's endpoints
# and a v1 batch job's 3 CPUs. The object store is Ray's minimum-ish, the dashboard is off.
common_args() {
  echo --num-cpus=4 --memory=$((16 * 1024 * 1024 * 1024)) --object-store-memory=$((80 * 1024 * 1024)) \
    --min-worker-port=0 --max-worker-port=0 --disable-usage-stats
}

# Ray waits a fixed 30 s for a new node to register; on a loaded machine that can pass, so a node
# start is tried up to three times, each after removing what the failed try left.
start_node() {
  local dir="$1" name="$2"; shift 2
  local attempt
  for attempt in 1 2 3; do
    if timeout 120 "$VENV/bin/ray" start "$@" --temp-dir="$dir/$name" $(common_args) >"$dir/$name.log" 2>&1; then
      return 0
    fi
    echo "ray-cluster: starting node $name failed (try $attempt): $(tail -n 2 "$dir/$name.log" | tr '\n' ' ')" >&2
    stop_matching "$dir/$name/" KILL
    rm -rf "${dir:?}/$name"
  done
  return 1
}

start() {
  local dir="$1" port
  mkdir -p "$dir"
  port="$(free_port)"
  export RAY_USAGE_STATS_ENABLED=0 RAY_prestart_worker_first_driver=0 RAY_enable_worker_prestart=0
  # A lost node is declared dead after about 3 s instead of about 30.
  if ! RAY_health_check_period_ms=1000 RAY_health_check_timeout_ms=1000 RAY_health_check_failure_threshold=3 \
    start_node "$dir" h --head --node-ip-address=127.0.0.2 --port="$port" --include-dashboard=false --resources='{"head_node": 1}'; then
    exit 1
  fi
  if ! start_node "$dir" g --address="127.0.0.2:$port" --node-ip-address=127.0.0.3 --num-gpus=1 \
    --resources='{"accelerator_type:T4": 1, "gpu_node": 1}'; then
    stop_matching "$dir/h/" KILL
    exit 1
  fi
  echo "127.0.0.2:$port" >"$dir/address"
  echo "127.0.0.2:$port"
}

pids_of() {
  # Every process whose command line names this cluster's temp dir (raylet, gcs, workers, agents).
  local escaped
  escaped="$(printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g')"
  pgrep -f -- "$escaped" | grep -vx "$$" || true
}

stop_matching() {
  local pattern="$1" signal="$2" pids
  pids="$(pids_of "$pattern")"
  [ -z "$pids" ] && return 0
  kill "-$signal" $pids 2>/dev/null || true
  for _ in $(seq 1 50); do
    pids="$(pids_of "$pattern")"
    [ -z "$pids" ] && return 0
    sleep 0.2
  done
  kill -KILL $pids 2>/dev/null || true
}

case "${1:-}" in
  install) install ;;
  start) start "$2" ;;
  stop-node)
    case "$3" in head) stop_matching "$2/h/" KILL ;; gpu) stop_matching "$2/g/" KILL ;; *) echo "node: head or gpu" >&2; exit 2 ;; esac ;;
  stop)
    stop_matching "$2/g/" TERM
    stop_matching "$2/h/" TERM
    # Scratch folders of actors killed with the cluster (node_process.py names them by pid).
    for scratch in "${TMPDIR:-/tmp}"/launch-local-ray/*; do
      [ -d "$scratch" ] || continue
      pid="$(basename "$scratch")"; pid="${pid%%-*}"
      kill -0 "$pid" 2>/dev/null || rm -rf "$scratch"
    done
    ;;
  *) echo "usage: $0 install | start DIR | stop-node DIR head|gpu | stop DIR" >&2; exit 2 ;;
esac
