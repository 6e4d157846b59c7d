#!/bin/sh
# Runs the Prisma CLI offline: no engine download, no telemetry.
# Prisma 7 generates the client (it caches query plans). Prisma 7's `migrate` needs the native
# schema engine, which is a download; so migrations are applied and diffed by Prisma 6.19's CLI
# (the `prisma-migrate` package), whose JS driver-adapter engine needs none.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
export PRISMA_SCHEMA_ENGINE_BINARY="$root/scripts/no-engine.sh"
export PRISMA_QUERY_ENGINE_LIBRARY="$root/scripts/no-engine.sh"
export CHECKPOINT_DISABLE=1
export PRISMA_HIDE_UPDATE_MESSAGE=1
if [ "$1" = migrate ]; then
  exec node "$root/node_modules/prisma-migrate/build/index.js" "$@" --config "$root/prisma/migrate.config.ts"
fi
exec node "$root/node_modules/prisma/build/index.js" "$@"
