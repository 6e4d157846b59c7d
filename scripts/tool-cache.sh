# Shared by the tool installers: where pinned tools are cached (outside the clone, so a second
# clone or a fresh checkout on the same machine installs instantly) and how they are locked.
# shellcheck shell=bash
DUBAN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DUBAN_CACHE=${DUBAN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/duban}
DUBAN_TOOLS="$DUBAN_ROOT/tools"
mkdir -p "$DUBAN_CACHE" "$DUBAN_TOOLS"

# Serialise installers of the same tool (two test runs, or npm start during npm test).
with_lock() {
  local name=$1; shift
  exec 9>"$DUBAN_CACHE/$name.lock"
  flock 9
  "$@"
}

fail() {
  printf 'duban: %s\n' "$*" >&2
  exit 1
}
