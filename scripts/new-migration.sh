#!/usr/bin/env bash
# Writes prisma/migrations/<timestamp>_<name>/migration.sql from the change to
# prisma/schema.prisma since the last commit. (Prisma's shadow-database diff needs the native
# engine; with the JS adapter we diff the two datamodels instead, with Prisma 6.19's CLI, which
# wants the datasource's url in the schema that Prisma 7's schema may not carry.)
set -euo pipefail
name=${1:?usage: npm run db:new-migration -- <name>}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
with_url() { sed 's/^\(\s*provider\s*=\s*"sqlite"\)$/\1\n  url      = env("DATABASE_URL")/'; }
git show HEAD:prisma/schema.prisma | with_url >"$work/before.prisma"
with_url <prisma/schema.prisma >"$work/after.prisma"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_$name"
mkdir -p "$dir"
DATABASE_URL=${DATABASE_URL:-file:./data/duban.db} sh scripts/prisma.sh migrate diff \
  --from-schema-datamodel "$work/before.prisma" --to-schema-datamodel "$work/after.prisma" --script >"$dir/migration.sql"
echo "wrote $dir/migration.sql"
