#!/usr/bin/env bash
# Writes prisma/migrations/<timestamp>_<name>/migration.sql from the change to
# prisma/schema.prisma since the last commit. (Prisma's shadow-database diff needs the native
# engine; with the JS adapter we diff the two datamodels instead.)
set -euo pipefail
name=${1:?usage: npm run db:new-migration -- <name>}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
before=$(mktemp --suffix=.prisma)
trap 'rm -f "$before"' EXIT
git show HEAD:prisma/schema.prisma >"$before"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$dir"
DATABASE_URL=${DATABASE_URL:-file:./data/duban.db} sh scripts/prisma.sh migrate diff \
  --from-schema-datamodel "$before" --to-schema-datamodel prisma/schema.prisma --script >"$dir/migration.sql"
echo "wrote $dir/migration.sql"
