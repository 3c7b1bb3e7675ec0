#!/usr/bin/env bash
# Measures, on an already built tree: seconds from `./run.sh` to every resource Running (including
# run.sh's own checks and its up-to-date build), and each resource's memory (PSS, with its child processes) and CPU
# use while idle. Runs with --isolated (free ports, a temporary state folder), so it can run beside a
# developer's own system.
# Usage: scripts/measure-startup.sh [idle-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
idle="${1:-60}"
state=$(mktemp -d /tmp/pocdir-measure-XXXXXX)

start=$(date +%s.%N)
./run.sh --isolated --state-dir "$state" --no-console-logs >"$state/run.out" 2>&1 &
apphost=$! # run.sh execs the AppHost: the same pid
# A background job has SIGINT ignored; SIGTERM stops the AppHost in the same orderly way.
trap 'kill -TERM $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$state"' EXIT

all_running() { scripts/resources.py all-running "$state/resources.json"; }
until all_running; do
  kill -0 $apphost 2>/dev/null || { echo "the AppHost exited"; cat "$state/run.out"; exit 1; }
  sleep 0.2
done
ready=$(date +%s.%N)
python3 -c "print(f\"./run.sh to every resource Running: {$ready - $start:.1f} s\")"
grep -o 'Everything is running ([0-9.]* s)' "$state/run.out" | sed 's/^/AppHost alone: /' || true
# Where the AppHost's time went: when each resource started and became Running.
grep -E ': (Starting|Running) at ' "$state/run.out" | sed -E 's/^\[apphost\] /  /; s/ \(pid.*//' || true

# Let start-up work (JIT, first cache fills, the copy bootstrap) settle, then sample an idle window.
# Each resource counts with its child processes (PostgreSQL's backends, RabbitMQ's Erlang node).
sleep 15
python3 - "$state/resources.json" "$idle" <<'PY'
import json, os, sys, time
resources = [r for r in json.load(open(sys.argv[1]))["resources"] if r.get("pid")]
idle = int(sys.argv[2])
hz = os.sysconf("SC_CLK_TCK")

def stat(pid):
    text = open(f"/proc/{pid}/stat").read()
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])  # ppid, utime + stime

def tree(root):
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = stat(entry)[0]
            except (OSError, ValueError):
                pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return found

def cpu(pids):
    total = 0
    for pid in pids:
        try:
            total += stat(pid)[1]
        except OSError:
            pass
    return total

def memory_kib(pids):
    # Proportional set size: shared pages (PostgreSQL's shared buffers) are split among their users
    # instead of being counted once per process.
    total = 0
    for pid in pids:
        try:
            total += next(int(l.split()[1]) for l in open(f"/proc/{pid}/smaps_rollup") if l.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total

def cmdline(pid):
    try:
        return open(f"/proc/{pid}/cmdline").read().replace("\0", " ")
    except OSError:
        return ""

# Aspire's own processes: the AppHost, its orchestrator (DCP: the API server, the controllers and one
# monitor per child, chained by --monitor PID) and the dashboard the controllers start.
apphost = json.load(open(sys.argv[1]))["appHostPid"]
pids = [int(e) for e in os.listdir("/proc") if e.isdigit()]
def monitored_by(pid):
    return [p for p in pids if f"--monitor {pid} " in cmdline(p) + " " and "/tools/dcp" in cmdline(p)]
apiserver = monitored_by(apphost)
controllers = [c for a in apiserver for c in monitored_by(a)]
monitors = [m for c in controllers for m in monitored_by(c)]
dashboard = [p for p in pids if "Aspire.Dashboard" in cmdline(p)]
orchestration = {"apphost": [apphost], "dcp": apiserver + controllers + monitors, "dashboard": dashboard}

trees = {r["name"]: tree(r["pid"]) for r in resources}
trees.update({f"({name})": group for name, group in orchestration.items() if group})
before = {name: cpu(pids) for name, pids in trees.items()}
time.sleep(idle)
print(f"idle for {idle} s     memory (PSS)     CPU  processes")
for name, pids in trees.items():
    used = (cpu(pids) - before[name]) / hz / idle * 100
    print(f"  {name:<14} {memory_kib(pids) / 1024:10.1f} MiB  {used:5.1f} %  {len(pids):5}")
PY
