#!/usr/bin/env bash
# Makes a Docker daemon answer on this machine (DESIGN.md "Workers": Debian's docker.io, dockerd as
# root). Idempotent: does nothing when `docker info` already works (a running daemon, or DOCKER_HOST
# pointing at a remote engine). Needs root when it has to install or start anything.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  echo "install-docker: a Docker daemon already answers"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  # Starting a local daemon would not help a client pointed elsewhere.
  echo "install-docker: DOCKER_HOST=$DOCKER_HOST does not answer" >&2
  exit 1
fi

if [ "$(id -u)" != "0" ]; then
  echo "install-docker: no Docker daemon answers and this is not root; cannot install one" >&2
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "install-docker: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker.io
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "install-docker: starting dockerd (log: /tmp/dockerd.log)"
  # setsid: the daemon outlives this script and the CI step that ran it.
  setsid dockerd >/tmp/dockerd.log 2>&1 < /dev/null &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "install-docker: dockerd answers ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done

echo "install-docker: dockerd did not answer within 60 s; last lines of /tmp/dockerd.log:" >&2
tail -n 30 /tmp/dockerd.log >&2 || true
exit 1
