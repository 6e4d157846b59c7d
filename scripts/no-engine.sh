#!/bin/sh
# Stand-in path for Prisma's native engines. With engine "js" and engineType
# "client" the CLI never runs an engine, but it insists the path exists.
echo "Prisma tried to run a native engine; Duban uses the JS driver adapter only." >&2
exit 1
