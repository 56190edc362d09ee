#!/usr/bin/env bash
# The README's test command: restores, builds and runs every test in the solution.
# Anything the tests need beyond the .NET SDK is installed and started from here, so the same command
# passes on a fresh machine, and .ci/run calls it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

# A throwaway PostgreSQL server for the store tests (installed with apt-get when missing); sourced so
# its connection string reaches dotnet test, and stopped when this script exits, pass or fail.
source scripts/ensure-postgres.sh

dotnet test ActorSessions.sln -c Release --logger "console;verbosity=normal" "$@"
