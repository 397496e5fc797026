#!/usr/bin/env bash
# Builds the jcstress jar and runs the litmus tests with a JDK 25+.
#
#   scripts/jcstress.sh [ci|quick|long] [REGEX]
#
#   ci     bounded run for CI ("sanity" preset, 1 iteration of 1 s per configuration), about 3 minutes
#          on 2 cores; catches broken tests and frequent forbidden outcomes, not rare ones
#   quick  jcstress "quick" preset (default)
#   long   jcstress "default" preset: many more samples; budget tens of minutes per test
#   REGEX  jcstress -t test selector (default: every test of the module)
#
# Exits non-zero if a test failed (a FORBIDDEN outcome was observed), errored, or if nothing ran.
# Negative controls mark their bug outcome ACCEPTABLE_INTERESTING, so they never fail the run;
# the summary says, for every test with such an outcome, how often it was observed.
# Logs and the HTML report go to jringbuf-jcstress/target/jcstress-run/.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-quick}
regex=${2:-io.jringbuf.jcstress}
case "$mode" in
  ci)    preset=(-m sanity -iters 1 -time 1000) ;;
  quick) preset=(-m quick) ;;
  long)  preset=(-m default) ;;
  *) echo "usage: scripts/jcstress.sh [ci|quick|long] [REGEX]" >&2; exit 2 ;;
esac

# The same JDK discovery as .ci/run: the first JDK 25+ in $JAVA_HOME or /usr/lib/jvm/*.
jdk25=""
for home in ${JAVA_HOME:-} /usr/lib/jvm/*; do
  if [ -x "$home/bin/javac" ]; then
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then jdk25=$home; break; fi
  fi
done
if [ -z "$jdk25" ]; then
  echo "scripts/jcstress.sh: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)" >&2
  exit 1
fi

mvn -B -q -ntp -pl jringbuf-jcstress -am package -DskipTests
jar=$PWD/jringbuf-jcstress/target/jcstress.jar
out=$PWD/jringbuf-jcstress/target/jcstress-run
rm -rf "$out"
mkdir -p "$out"
log=$out/run.log

echo "scripts/jcstress.sh: mode $mode (${preset[*]}), tests matching '$regex', JDK $jdk25"
start=$(date +%s)
set +e
# Run from $out: jcstress writes its result blob into the working directory.
(cd "$out" && "$jdk25/bin/java" --enable-native-access=ALL-UNNAMED -jar "$jar" -t "$regex" "${preset[@]}" -v \
    -r "$out/report" -jvmArgsPrepend "--enable-native-access=ALL-UNNAMED") > "$log" 2>&1
status=$?
set -e
elapsed=$(( $(date +%s) - start ))

# Per test: observed outcomes with their expectation, from the final "RUN RESULTS" section.
summary=$(awk '
  /^RUN RESULTS:/ { on = 1; next }
  !on { next }
  /\[(OK|FAILED|ERROR)\] / { test = $NF; status = $2; print ""; print status " " test; next }
  test != "" && $0 ~ /(Acceptable|Forbidden|Interesting)  / {
    line = $0; sub(/^ +/, "", line); print "    " line
    if ($0 ~ /Interesting  /) {
      # Columns: RESULT (may hold spaces), SAMPLES, FREQ (ends with %), EXPECT, DESCRIPTION.
      for (i = 2; i <= NF; i++) if ($i ~ /%$/) { n = $(i - 1); gsub(",", "", n); seen[test] += n; break }
    }
  }
  END {
    for (t in seen) {
      if (seen[t] > 0) printf "INTERESTING %s observed %d times\n", t, seen[t]
      else printf "INTERESTING %s NOT observed in this run (this negative control proved nothing this time)\n", t
    }
  }
' "$log")
echo "$summary" | grep -v '^INTERESTING' || true
echo
echo "$summary" | grep '^INTERESTING' | sed 's/^INTERESTING /interesting outcome: /' || true
results=$(grep -o 'Results: [0-9]* planned; [0-9]* passed, [0-9]* failed, [0-9]* soft errs, [0-9]* hard errs' "$log" | tail -1 || true)
echo "jcstress: ${results:-no results line} in ${elapsed}s (exit $status); log $log"
if [ -z "$results" ]; then
  echo "scripts/jcstress.sh: jcstress produced no results: $(grep FATAL "$log" || echo "see $log")" >&2
  exit 1
fi
read -r planned passed failed soft hard < <(echo "$results" | sed 's/[^0-9 ]//g' | awk '{print $1, $2, $3, $4, $5}')
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$soft" -ne 0 ] || [ "$hard" -ne 0 ]; then
  echo "scripts/jcstress.sh: FAILED ($failed failed, $soft soft errors, $hard hard errors, exit $status)" >&2
  exit 1
fi
if [ "$passed" -eq 0 ]; then
  echo "scripts/jcstress.sh: no test ran (does '$regex' match any test that fits $(nproc) CPUs?)" >&2
  exit 1
fi
echo "scripts/jcstress.sh: OK"
