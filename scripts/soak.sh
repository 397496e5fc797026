#!/usr/bin/env bash
# Soak (not in CI): producer processes killed and restarted at random against one JVM ring file,
# then a BPF producer on test_run against a kernel ring. Usage: scripts/soak.sh [SECONDS] [PRODUCERS]
# Needs root (for the kernel part) and a JDK 25.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
producers=${2:-3}
java=""
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/java" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then java=$home/bin/java; break; fi
  fi
done
[ -n "$java" ] || { echo "soak.sh: no JDK 25 found" >&2; exit 1; }
mvn -q -B -ntp -pl jringbuf test-compile
# Run from a private copy of the classes, so that a build in this checkout during a long soak
# cannot pull them from under the producer processes it restarts.
cp_dir=$(mktemp -d /tmp/jringbuf-soak-classes.XXXXXX)
trap 'rm -rf "$cp_dir"' EXIT
cp -r jringbuf/target/classes "$cp_dir/main"
cp -r jringbuf/target/test-classes "$cp_dir/test"
"$java" --enable-native-access=ALL-UNNAMED -cp "$cp_dir/main:$cp_dir/test" io.jringbuf.soak.Soak "$seconds" "$producers"
