#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server with SQLite persistence and the Web UI) as
# tools/temporal. Temporal's own binary download is not reachable, so the CLI is built from
# the Go module proxy; v1.5.1 is the newest tag whose go.mod allows `go install pkg@version`.
set -euo pipefail
source "$(dirname "$0")/tool-cache.sh"

VERSION=v1.5.1
dest="$DUBAN_CACHE/temporal-cli-$VERSION"

install_cli() {
  if [ -x "$dest/temporal" ]; then return; fi
  command -v go >/dev/null 2>&1 || fail "Go 1.25 or newer is needed to build the Temporal CLI (dev server).
  Install Go (e.g. 'apt-get install golang' from a recent release, or your platform's Go package),
  or use an existing Temporal cluster instead: set TEMPORAL_ADDRESS=host:7233 (see README, 'Existing cluster')."
  local gov
  gov=$(go env GOVERSION | sed 's/^go//')
  if [ "$(printf '%s\n1.25\n' "$gov" | sort -V | head -n1)" != "1.25" ] && [ "${GOTOOLCHAIN:-}" != auto ]; then
    fail "Go $gov is too old to build Temporal CLI $VERSION (needs 1.25+). Upgrade Go, or set TEMPORAL_ADDRESS to use an existing cluster."
  fi
  echo "duban: building Temporal CLI $VERSION from the Go module proxy (once per machine; a few minutes on 2 cores)..."
  local tmp="$dest.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  local start=$SECONDS
  # -v names each package as it is compiled: show a running count instead of a silent wait.
  GOBIN="$tmp" GOFLAGS=-mod=mod go install -v -ldflags '-s -w' "github.com/temporalio/cli/cmd/temporal@$VERSION" 2>&1 |
    awk '/^go: downloading/ { d++; if (d % 25 == 0) printf "  downloaded %d modules\n", d; next }
         /^go: / { print; next }
         { n++; if (n % 100 == 0) printf "  compiled %d packages\n", n; fflush() }'
  [ -x "$tmp/temporal" ] || fail "building the Temporal CLI failed (see the go output above)"
  mv "$tmp" "$dest"
  echo "duban: Temporal CLI $VERSION built in $((SECONDS - start))s"
}

with_lock temporal-cli install_cli
ln -sfn "$dest/temporal" "$DUBAN_TOOLS/temporal"
