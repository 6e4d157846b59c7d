#!/usr/bin/env bash
# Fuzzes the whole stack from its OpenAPI document: installs schemathesis (PyPI, pinned) into a
# virtual environment at tools/schemathesis, then runs scripts/fuzz.ts, which starts the stack on
# a throw-away data directory, signs in the demo organisation's people and fuzzes as each.
# Not part of `npm test` (tens of minutes on 2 cores). See README, "OpenAPI and fuzzing".
set -euo pipefail
source "$(dirname "$0")/tool-cache.sh"

SCHEMATHESIS_VERSION=4.32.5
VENV="$DUBAN_TOOLS/schemathesis"

install_schemathesis() {
  if [ -x "$VENV/bin/st" ] && [ "$("$VENV/bin/st" --version 2>/dev/null)" = "st, version $SCHEMATHESIS_VERSION" ]; then
    return
  fi
  command -v python3 >/dev/null 2>&1 || fail "python3 (3.10 or later) is needed for schemathesis"
  echo "duban: installing schemathesis $SCHEMATHESIS_VERSION into $VENV ..."
  rm -rf "$VENV"
  python3 -m venv "$VENV" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" ||
    fail "pip could not install schemathesis $SCHEMATHESIS_VERSION"
}

with_lock schemathesis install_schemathesis
cd "$DUBAN_ROOT"
exec node --import tsx scripts/fuzz.ts "$@"
