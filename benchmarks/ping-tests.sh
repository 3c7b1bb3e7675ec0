#!/usr/bin/env bash
# Ping tests measured, each on a system of its own started by the test host
# (tests/PocDirectory.EndToEndTests/Benchmarks/PingBenchmarks.cs):
#   - a campaign to COUNT points of contact: time from the start until the SMTP sink has accepted
#     every message; then every one acknowledging through the gateway (per second, p99);
#   - a campaign to KILL_COUNT points of contact while the Directory is killed (SIGKILL) once and
#     Notifications three times: how many messages each point of contact got (must be exactly 1).
# Prints the figures at the end. Usage: benchmarks/ping-tests.sh [count] [kill_count]
#   (defaults 10000 and 2000; CONFIGURATION=Release for a Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
export POCDIR_BENCH_PING_COUNT="${1:-10000}"
export POCDIR_BENCH_PING_KILL_COUNT="${2:-2000}"
configuration="${CONFIGURATION:-Debug}"
scripts/prerequisites.sh
dotnet build PocDirectory.sln -c "$configuration" -nologo -clp:ErrorsOnly
rm -rf TestResults/benchmarks
status=0
dotnet test tests/PocDirectory.EndToEndTests -c "$configuration" --no-build --nologo \
  --filter "Category=Benchmark&FullyQualifiedName~PingBenchmarks" --logger "console;verbosity=normal" || status=$?
cat TestResults/benchmarks/*.txt 2>/dev/null || echo "No figures were written."
exit "$status"
