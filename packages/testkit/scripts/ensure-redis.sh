#!/usr/bin/env bash
# Makes sure `redis-server` is on PATH for the tests and prints its path as the last stdout line.
# When it is missing and this runs as root on a Debian/Ubuntu machine, it installs Debian's
# redis-server package with `apt-get update && apt-get install -y redis-server` (the tests start
# their own server on a free port; they do not use the system service). Otherwise it says what to do.
set -euo pipefail

log() { echo "ensure-redis: $*" >&2; }

if bin="$(command -v redis-server)"; then
  echo "$bin"
  exit 0
fi

if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  log "redis-server is not on PATH; installing Debian's redis-server package (apt-get update && apt-get install -y redis-server)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends redis-server >&2
  if bin="$(command -v redis-server)"; then
    echo "$bin"
    exit 0
  fi
  log "apt-get installed redis-server but it is still not on PATH"
  exit 1
fi

log "redis-server is not on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis),"
log "or set REDIS_URL to a running Redis server (e.g. REDIS_URL=redis://127.0.0.1:6379)."
exit 1
