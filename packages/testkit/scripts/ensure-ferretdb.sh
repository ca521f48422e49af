#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (the MongoDB-compatible test server, SQLite backend) into a cache folder
# and prints the binary's path as the last line of stdout. Idempotent: a working cached binary is
# reused; a broken one is rebuilt.
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` is not enough: the module zip lacks
# the generated build/version/version.txt, so that binary panics at start. This script downloads
# the module source, writes the version file, then builds.
set -euo pipefail

FERRETDB_VERSION="v1.24.2"
CACHE_DIR="${CHATBOX_CACHE_DIR:-$HOME/.cache/chatbox}"
BIN_DIR="$CACHE_DIR/bin"
BIN="$BIN_DIR/ferretdb"

log() { echo "ensure-ferretdb: $*" >&2; }

works() {
  [[ -x "$1" ]] && "$1" --version >/dev/null 2>&1
}

if works "$BIN"; then
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  log "Go is not installed, so FerretDB $FERRETDB_VERSION cannot be built."
  log "Install Go (https://go.dev/dl/), or install mongod, or set MONGODB_URI to a running MongoDB-compatible server."
  exit 1
fi

if [[ -e "$BIN" ]]; then
  log "$BIN does not run (--version failed); rebuilding"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/chatbox-ferretdb-build.XXXXXX")"
trap 'chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

log "downloading github.com/FerretDB/FerretDB@$FERRETDB_VERSION"
# A scratch module directory: `go mod download` of a specific version needs no go.mod with -mod=mod.
DOWNLOAD_JSON="$(cd "$WORK" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION")"
SRC_DIR="$(printf '%s\n' "$DOWNLOAD_JSON" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
if [[ -z "$SRC_DIR" || ! -d "$SRC_DIR" ]]; then
  log "go mod download gave no source directory:"
  printf '%s\n' "$DOWNLOAD_JSON" >&2
  exit 1
fi

cp -R "$SRC_DIR" "$WORK/src"
chmod -R u+w "$WORK/src"
printf '%s\n' "$FERRETDB_VERSION" > "$WORK/src/build/version/version.txt"

log "building (5 s to a few minutes on first run)"
mkdir -p "$BIN_DIR"
(cd "$WORK/src" && go build -o "$WORK/ferretdb" ./cmd/ferretdb) >&2
# Swap in atomically so a concurrent reader never sees a half-written binary.
mv -f "$WORK/ferretdb" "$BIN.tmp.$$"
mv -f "$BIN.tmp.$$" "$BIN"

if ! works "$BIN"; then
  log "the built binary does not run: $("$BIN" --version 2>&1 | tail -n 3)"
  exit 1
fi
echo "$BIN"
