#!/usr/bin/env bash
# The points of contact's two measurements, each on a system of its own started by the test host
# (tests/PocDirectory.EndToEndTests/Benchmarks): approval -> visible in a directory search (p50/p99),
# and nominations through two kill -9 of the Directory and one of RabbitMQ (counts: every approved
# point of contact listed exactly once, every history complete). Prints the figures at the end.
# Usage: benchmarks/points-of-contact.sh [count]   (default 1000 nominations for each)
set -euo pipefail
cd "$(dirname "$0")/.."
export POCDIR_BENCH_COUNT="${1:-1000}"
configuration="${CONFIGURATION:-Debug}"
scripts/prerequisites.sh
dotnet build PocDirectory.sln -c "$configuration" -nologo -clp:ErrorsOnly
rm -rf TestResults/benchmarks
status=0
dotnet test tests/PocDirectory.EndToEndTests -c "$configuration" --no-build --nologo \
  --filter "Category=Benchmark&FullyQualifiedName~PointsOfContactBenchmarks" --logger "console;verbosity=normal" || status=$?
cat TestResults/benchmarks/*.txt 2>/dev/null || echo "No figures were written."
exit "$status"
