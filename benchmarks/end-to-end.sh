#!/usr/bin/env bash
# Runs one class of the end-to-end benchmarks (tests/PocDirectory.EndToEndTests/Benchmarks, category
# Benchmark, left out of ./test.sh): each of its measurements starts a system of its own. Prints the
# figures they wrote to TestResults/benchmarks/ at the end.
# Usage: benchmarks/end-to-end.sh CLASS   (CONFIGURATION=Release for a Release build)
set -euo pipefail
cd "$(dirname "$0")/.."
class="${1:?Usage: benchmarks/end-to-end.sh CLASS}"
configuration="${CONFIGURATION:-Debug}"
scripts/prerequisites.sh
dotnet build PocDirectory.sln -c "$configuration" -nologo -clp:ErrorsOnly
rm -rf TestResults/benchmarks
status=0
dotnet test tests/PocDirectory.EndToEndTests -c "$configuration" --no-build --nologo \
  --filter "Category=Benchmark&FullyQualifiedName~$class" --logger "console;verbosity=normal" || status=$?
cat TestResults/benchmarks/*.txt 2>/dev/null || echo "No figures were written."
exit "$status"
