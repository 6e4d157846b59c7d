#!/bin/sh
# Runs the Prisma CLI offline: no engine download, no telemetry.
set -e
here=$(cd "$(dirname "$0")" && pwd)
export PRISMA_SCHEMA_ENGINE_BINARY="$here/no-engine.sh"
export PRISMA_QUERY_ENGINE_LIBRARY="$here/no-engine.sh"
export CHECKPOINT_DISABLE=1
export PRISMA_HIDE_UPDATE_MESSAGE=1
exec "$here/../node_modules/.bin/prisma" "$@"
