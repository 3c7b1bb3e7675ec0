#!/usr/bin/env bash
# Where the directory search's CPU goes, measured on the system directory-search.sh measures (Release, 10,140 points of
# contact, the search through the gateway with a machine client's token):
#   - the CPU each process spends per search: the gateway, the Directory, the dashboard (which takes in the spans the
#     services record) and Redis, from /proc over 10 s of load;
#   - 10 s of the kernel's CPU samples of the gateway, then of the Directory, under the same load (dotnet-trace
#     collect-linux, from the repository's tool manifest), and the frames most often on their stacks (dotnet-trace
#     report): the share of each step of a request (authentication, authorization, limits, forwarding, telemetry).
# The traces stay in TestResults/profile/ for PerfView or `dotnet-trace report`. Usage: benchmarks/profile.sh [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections="${1:-32}"
source benchmarks/common.sh
dotnet tool restore >/dev/null

start_demo_system 52
path="/api/directory/pocs?type=technical&available247=true&regionalGroup=AG&pageSize=20"
pid_of() { scripts/resources.py pid "$state/resources.json" "$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# This system's dashboard: the process listening on the port run.sh printed (another system may run beside it).
dashboard_port=$(grep -oE 'Dashboard: http://127\.0\.0\.1:[0-9]+' "$state/run.out" | head -1 | grep -oE '[0-9]+$' || true)
dashboard=$(python3 - "${dashboard_port:-0}" <<'PY'
import os, sys
port = int(sys.argv[1])
# The listening socket's inode (/proc/net/tcp: local address in hex, state 0A = LISTEN), then the process holding it.
inodes = {line.split()[9] for line in open("/proc/net/tcp").readlines()[1:]
          if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A"}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if any(os.readlink(f"/proc/{pid}/fd/{fd}") in {f"socket:[{i}]" for i in inodes} for fd in os.listdir(f"/proc/{pid}/fd")):
            print(pid)
            break
    except OSError:
        pass
PY
)
[[ -n "$dashboard" ]] || { echo "This system's Aspire.Dashboard process was not found"; exit 1; }
declare -A pid=([gateway]=$(pid_of gateway) [directory]=$(pid_of directory) [cache]=$(pid_of cache) [dashboard]=$dashboard)
ticks_per_second=$(getconf CLK_TCK)
out=TestResults/profile
mkdir -p "$out"

wrk -t1 -c"$connections" -d10s "${auth[@]}" "$gateway$path" >/dev/null # warm-up
declare -A before
for name in "${!pid[@]}"; do before[$name]=$(cpu_ticks "${pid[$name]}"); done
per_second=$(wrk -t1 -c"$connections" -d"${duration}s" "${auth[@]}" "$gateway$path" | awk '/^Requests\/sec/ {print $2}')
echo "search through the gateway with a token: $per_second requests/s ($connections connections, ${duration} s, $(nproc) cores shared)"
for name in gateway directory dashboard cache; do
  ticks=$(($(cpu_ticks "${pid[$name]}") - ${before[$name]}))
  python3 -c "import sys; s = int(sys.argv[2]) / $ticks_per_second; print(f'{sys.argv[1]:>10}: {s:5.1f} s of CPU, {s * 1e6 / (float(sys.argv[3]) * $duration):6.1f} us per search')" "$name" "$ticks" "$per_second"
done

# Frames of the request's path worth reading; the rest (the kernel's, the runtime's) is in the trace.
steps='HostingApplication::CreateContext|AuthenticationMiddleware::Invoke|AuthenticationServiceImpl::AuthenticateAsync|CachedTokenHandler::HandleAuthenticateAsync|OpenIddictValidationAspNetCoreHandler|AuthorizationMiddleware::Invoke|RateLimitingMiddleware\+<InvokeInternal>|HttpForwarder\+<SendAsync>|DiagnosticsHandler\+<SendAsyncCore>|MetricsHandler\+<SendAsyncWithMetrics>|ReadRetryHandler\+<SendAsync>|SecurityHeadersMiddleware|UseForwardedClient|PointsOfContactApi\+<SearchAsync>|DirectoryReader\+<CurrentAsync>|MeterProviderSdk::MeasurementRecorded|ProtobufOtlpTraceSerializer::WriteTraceData|SocketConnection\+<DoSend>|SocketConnection\+<DoReceive>|ThreadPoolWorkQueue::Dispatch|finish_task_switch'
for name in gateway directory; do
  wrk -t1 -c"$connections" -d25s "${auth[@]}" "$gateway$path" >/dev/null &
  load=$!
  pids+=("$load")
  sleep 5
  # The kernel's sampler: root and Linux 6.4 or later.
  dotnet tool run dotnet-trace collect-linux -p "${pid[$name]}" --profile cpu-sampling --duration 00:00:00:10 -o "$out/$name.nettrace" >"$out/$name.log" 2>&1 \
    || { echo "dotnet-trace could not sample $name:"; cat "$out/$name.log"; exit 1; }
  wait "$load"
  echo "== $name: share of its CPU samples with the frame on the stack (inclusive)"
  dotnet tool run dotnet-trace report "$out/$name.nettrace" topN -n 400 --inclusive | { grep -E "$steps" || echo "(no frame of the request's path among the 400 most frequent: see the trace)"; } \
    | sed -E 's/^ *[0-9]+\. +//; s/ +[0-9.]+% *$//'
done
