#!/usr/bin/env bash
# The README's test command: restores, builds and runs every test in the solution.
# Anything the tests need beyond the .NET SDK is installed and started from here, so the same command
# passes on a fresh machine, and .ci/run calls it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser spec drives Debian's Chromium (the machine cannot download a browser build).
bash scripts/ensure-chromium.sh

dotnet test ActorSessions.sln -c Release --logger "console;verbosity=normal" "$@"
