#!/usr/bin/env bash
# Measures, on an already built tree: seconds from starting the AppHost to every resource Running,
# and each process's resident memory after it has been idle for a while. Uses --isolated (free
# ports, a temporary state folder), so it runs beside a developer's own system.
# Usage: scripts/measure-startup.sh [idle-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
idle="${1:-30}"
configuration="${CONFIGURATION:-Debug}"
state=$(mktemp -d /tmp/pocdir-measure-XXXXXX)

start=$(date +%s.%N)
dotnet "AppHost/bin/$configuration/net10.0/PocDirectory.AppHost.dll" --isolated --state-dir "$state" \
  --configuration "$configuration" --no-console-logs >"$state/apphost.out" 2>&1 &
apphost=$!
trap 'kill -INT $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$state"' EXIT

all_running() {
  /usr/bin/python3 - "$state/resources.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))["resources"]
except Exception:
    sys.exit(1)
sys.exit(0 if r and all(x["state"] == "Running" for x in r) else 1)
PY
}
until all_running; do
  kill -0 $apphost 2>/dev/null || { echo "AppHost exited"; cat "$state/apphost.out"; exit 1; }
  sleep 0.2
done
ready=$(date +%s.%N)
/usr/bin/python3 -c "print(f\"every resource Running after {$ready - $start:.1f} s\")"

sleep "$idle"
echo "resident memory after ${idle} s idle:"
/usr/bin/python3 - "$state/resources.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["resources"]:
    pid = r.get("pid")
    if not pid:
        continue
    try:
        rss = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:"))
        print(f"  {r['name']:<14} {rss / 1024:7.1f} MiB")
    except (FileNotFoundError, StopIteration):
        print(f"  {r['name']:<14} (gone)")
PY
