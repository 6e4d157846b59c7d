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

with_lock temporal-test-server install_server
# The SDK spawns this file directly and kills it with SIGKILL: exec, so the JVM is that process.
cat >"$DUBAN_TOOLS/temporal-test-server" <<LAUNCHER
#!/bin/sh
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp '$dest/lib/*' io.temporal.testserver.TestServer "\$@"
LAUNCHER
chmod +x "$DUBAN_TOOLS/temporal-test-server"
