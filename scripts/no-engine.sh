#!/bin/sh
# Stand-in path for Prisma's native engines. Prisma 7's client has none, and Prisma 6.19's
# migrate CLI with engine "js" never runs one, but the CLIs insist the path exists.
echo "Prisma tried to run a native engine; Duban uses the JS driver adapter only." >&2
exit 1
