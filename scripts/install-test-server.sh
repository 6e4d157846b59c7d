#!/usr/bin/env bash
# Installs Temporal's time-skipping test server (the Java one, io.temporal:temporal-test-server
# from Maven Central) as tools/temporal-test-server, a launcher @temporalio/testing runs with
# `server.executable = { type: 'existing-path' }`.
set -euo pipefail
source "$(dirname "$0")/tool-cache.sh"

VERSION=1.38.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
dest="$DUBAN_CACHE/temporal-test-server-$VERSION"

install_server() {
  if [ -f "$dest/lib/temporal-test-server-$VERSION.jar" ]; then return; fi
  command -v java >/dev/null 2>&1 || fail "Java 8 or newer is needed for Temporal's test server: install a JDK (e.g. 'apt-get install openjdk-17-jre-headless')."
  command -v mvn >/dev/null 2>&1 || fail "Maven is needed to fetch Temporal's test server from Maven Central: install it (e.g. 'apt-get install maven')."
  echo "duban: fetching temporal-test-server $VERSION and its dependencies from Maven Central (once per machine)..."
  local tmp="$dest.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>duban.tools</groupId><artifactId>temporal-test-server</artifactId><version>$VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
POM
  (cd "$tmp" && mvn -B -ntp -Dstyle.color=never "$DEPENDENCY_PLUGIN:copy-dependencies" -DincludeScope=runtime -DoutputDirectory=lib |
    grep -E '^\[(INFO|ERROR)\] (Copying|BUILD|Downloading|ERROR)' | sed 's/^/  /' || true)
  [ -f "$tmp/lib/temporal-test-server-$VERSION.jar" ] || fail "fetching temporal-test-server failed (see the Maven output above)"
  mv "$tmp" "$dest"
}

# libfaketime starts the server's clock at a chosen instant, so tests replay the seed's real
# dates (2017-01-03 ...) on a server that otherwise starts at today's date.
find_faketime() {
  local lib
  for lib in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
    [ -f "$lib" ] && { echo "$lib"; return; }
  done
}
install_faketime() {
  if [ -n "$(find_faketime)" ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "duban: installing libfaketime (Debian package faketime)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime) >/dev/null ||
      fail "apt-get could not install the faketime package"
  else
    fail "libfaketime is needed for the tests: install it (Debian/Ubuntu: 'sudo apt-get install faketime')."
  fi
}

with_lock temporal-test-server install_server
with_lock faketime install_faketime
# The SDK spawns this file directly and kills it with SIGKILL: exec, so the JVM is that process.
cat >"$DUBAN_TOOLS/temporal-test-server" <<LAUNCHER
#!/bin/sh
# Usage: temporal-test-server <port> [--start-at 2017-01-03T01:00:00Z]
# --start-at starts the server's clock at that UTC instant (through libfaketime).
port=\$1; shift
if [ "\${1:-}" = --start-at ]; then
  # The JVM needs real monotonic time and timed waits: fake only the wall clock.
  export TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 LD_PRELOAD='$(find_faketime)'
  # A relative offset (not libfaketime's "@" start mode, which slows the JVM's timed waits).
  export FAKETIME="-\$(( \$(date -u +%s) - \$(date -u -d "\$2" +%s) ))"
  shift 2
fi
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp '$dest/lib/*' io.temporal.testserver.TestServer "\$port" "\$@"
LAUNCHER
chmod +x "$DUBAN_TOOLS/temporal-test-server"
