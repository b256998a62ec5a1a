#!/usr/bin/env bash
# Builds launch-local/test-python:bookworm, the base image the Docker end-to-end tests map as their
# framework image, without any registry (DESIGN.md "Workers": no registry can be reached here):
# debootstrap a minimal Debian with python3 + pip from the machine's own Debian mirror, then
# `docker import` the rootfs. The rootfs tarball is cached under /var/cache/launch-local/, so a
# second run on the same machine only imports. Does nothing when the image already exists.
set -euo pipefail

IMAGE="${LAUNCH_TEST_IMAGE:-launch-local/test-python:bookworm}"
SUITE=bookworm
CACHE_DIR=/var/cache/launch-local
ROOTFS_TAR="$CACHE_DIR/test-python-$SUITE-rootfs.tar"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-test-image: $IMAGE already exists"
  exit 0
fi

# The first Debian (not security) mirror of this machine's apt configuration, one-line or deb822.
debian_mirror() {
  local files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  {
    # one-line form: deb [options] URI suite components
    sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]].*/\2/p' "${files[@]}"
    # deb822 form: URIs: URI [URI...]
    sed -nE 's/^[[:space:]]*URIs:[[:space:]]*([^[:space:]]+).*/\1/p' "${files[@]}"
  } | grep -v -- '-security' | grep -E '^(https?|file)://' | grep -i 'debian' | head -n 1
}

if [ ! -s "$ROOTFS_TAR" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "build-test-image: debootstrap needs root" >&2
    exit 1
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "build-test-image: installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends debootstrap
  fi
  MIRROR="$(debian_mirror)"
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
  echo "build-test-image: debootstrap $SUITE from $MIRROR"
  WORK="$(mktemp -d /tmp/launch-test-rootfs.XXXXXX)"
  trap 'rm -rf "$WORK"' EXIT
  debootstrap --variant=minbase --include=python3,python3-pip "$SUITE" "$WORK/rootfs" "$MIRROR"
  # Package lists and downloaded .debs are dead weight in an image nobody runs apt in.
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  mkdir -p "$CACHE_DIR"
  # Written beside the final name and renamed, so an interrupted run never leaves a truncated cache.
  tar --numeric-owner -C "$WORK/rootfs" -cf "$ROOTFS_TAR.partial" .
  mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
fi

echo "build-test-image: importing $ROOTFS_TAR as $IMAGE"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' \
  "$ROOTFS_TAR" "$IMAGE"
docker run --rm "$IMAGE" python3 -c 'import sys; print("build-test-image: python", sys.version.split()[0])'
