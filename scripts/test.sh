#!/usr/bin/env bash
# The README's test command: restores, builds and runs every test in the solution.
# Anything the tests need beyond the .NET SDK is installed and started from here, so the same command
# passes on a fresh machine, and .ci/run calls it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser spec drives Debian's Chromium (the machine cannot download a browser build).
bash scripts/ensure-chromium.sh

# A throwaway PostgreSQL server for the store tests (installed with apt-get when missing); sourced so
# its connection string reaches dotnet test, and stopped by its EXIT trap when this script ends.
source scripts/ensure-postgres.sh

# Every project, the benchmark harnesses too: dotnet test alone builds only the test projects and what
# they reference, so a harness no spec runs would otherwise go uncompiled.
dotnet build ActorSessions.sln -c Release --nologo

results="$PWD/TestResults"
rm -rf "$results"
status=0
# One test project at a time (-m:1): several start servers, clusters and load of their own, and two at
# once on a two-core machine slowed a child server's first answer past its spec's wait (CI, 2026-12-02).
# Run so, this script took 5 min 48 s here on a built tree.
dotnet test ActorSessions.sln -c Release -m:1 --results-directory "$results" \
  --logger "console;verbosity=normal" --logger trx "$@" || status=$?

# One closing line over every test project, from the TRX reports.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# CI shows only the tail of the log, so the failures are named again here, with their messages.
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ {
        name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
        print "  " name; failing = 1; lines = 0
      }
      failing && /<Message>/ { inmsg = 1 }
      inmsg && lines < 12 { line = $0; gsub(/<\/?Message>/, "", line); sub(/^[ \t]*/, "", line); print "      " line; lines++ }
      inmsg && /<\/Message>/ { inmsg = 0; failing = 0 }
      /<\/UnitTestResult>/ { failing = 0; inmsg = 0 }
    ' "$trx"
  done
fi
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
