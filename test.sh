#!/usr/bin/env bash
# Runs every test: unit, integration (real PostgreSQL, RabbitMQ, Redis) and end-to-end (the whole
# system through the AppHost, and the web front end in Chromium). Each suite starts its own servers
# on free loopback ports. Ends with "Tests: N passed, N failed, N skipped" from the TRX results.
set -uo pipefail
cd "$(dirname "$0")"

scripts/prerequisites.sh --browser || exit 1
configuration="${CONFIGURATION:-Debug}"
dotnet build PocDirectory.sln -c "$configuration" -nologo -clp:ErrorsOnly || exit 1

results="TestResults/trx"
rm -rf "$results"
status=0
for suite in UnitTests IntegrationTests EndToEndTests; do
  echo "== $suite"
  # The measurements (category Benchmark) are not tests: benchmarks/points-of-contact.sh runs them.
  dotnet test "tests/PocDirectory.$suite" -c "$configuration" --no-build --nologo --filter "Category!=Benchmark" \
    --logger "trx;LogFileName=$suite.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$(value total); executed=$(value executed); ok=$(value passed)
  bad=$(( $(value failed) + $(value error) + $(value timeout) + $(value aborted) ))
  passed=$((passed + ok)); failed=$((failed + bad)); skipped=$((skipped + total - executed))
done
# The failures again, at the end where they are seen: name, message and the start of the stack.
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for tag in ("Message", "StackTrace"):
            node = result.find(f".//t:ErrorInfo/t:{tag}", ns)
            if node is not None and node.text:
                print("\n".join("    " + line for line in node.text.strip().splitlines()[:25]))
PY
if ((files < 3)); then
  echo "Only $files of 3 suites produced results." >&2
  status=1
fi
((failed == 0)) || status=1
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
