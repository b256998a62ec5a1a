#!/usr/bin/env bash
# Builds launch-local's own image (Dockerfile at the repository root) with no registry:
#   1. the package: `npm pack`, then `npm install <tarball>` in an empty folder (or --app DIR, a folder
#      where that was done already);
#   2. the base image, once per machine: the tests' Debian rootfs image + this machine's node binary +
#      a cloudpickle wheel from your pip index (scripts/docker/runtime-base.Dockerfile);
#   3. docker build.
# Usage: scripts/docker/build-image.sh [--app DIR] [--tag TAG]   (default tag launch-local:latest)
set -euo pipefail
cd "$(dirname "$0")/../.."

APP=""
TAG="launch-local:latest"
BASE="${LAUNCH_LOCAL_RUNTIME_BASE:-launch-local/runtime-base:bookworm}"
while [ $# -gt 0 ]; do
  case "$1" in
    --app) APP="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    *) echo "build-image: unknown argument $1" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/launch-local-image.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

if [ -z "$APP" ]; then
  [ -f dist/cli.bundle.mjs ] || npm run build
  npm pack --ignore-scripts --silent --pack-destination "$WORK" >/dev/null
  APP="$WORK/app"
  mkdir -p "$APP"
  echo '{"name": "launch-local-image", "version": "1.0.0", "private": true}' > "$APP/package.json"
  echo "build-image: npm install $(ls "$WORK"/launch-local-*.tgz)"
  (cd "$APP" && npm install --no-audit --no-fund --prefer-offline "$WORK"/launch-local-*.tgz)
fi

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  bash scripts/ci/build-test-image.sh
  mkdir -p "$WORK/base/wheels"
  cp "$(command -v node)" "$WORK/base/node"
  python3 -m pip download --quiet --only-binary=:all: --dest "$WORK/base/wheels" cloudpickle
  echo "build-image: building $BASE"
  docker build --quiet -t "$BASE" -f scripts/docker/runtime-base.Dockerfile "$WORK/base" >/dev/null
fi

mkdir -p "$WORK/context"
cp -a "$APP" "$WORK/context/app"
echo "build-image: building $TAG"
docker build --quiet --build-arg "BASE_IMAGE=$BASE" -t "$TAG" -f Dockerfile "$WORK/context" >/dev/null
echo "build-image: $TAG"
