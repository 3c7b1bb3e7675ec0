#!/usr/bin/env bash
# Throughput of GET /api/directory/member-states (about 28 KB of JSON), measured in one run:
#   ceiling   - a bare YARP proxy -> Kestrel hop returning the same bytes as a constant
#   gateway   - the real system, Release build, through the gateway (rate limit raised for the run)
#   directory - the same request straight to the Directory service
# wrk runs on the same 2 cores as the servers. Usage: benchmarks/gateway-throughput.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections="${2:-32}"

command -v wrk >/dev/null || { echo "Installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
state=$(mktemp -d /tmp/pocdir-throughput-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$state"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
url_of() { scripts/resources.py url "$state/resources.json" "$1"; }
all_running() { scripts/resources.py all-running "$state/resources.json"; }

# The system, in Release, with the per-client limit raised so that the load is not refused.
RateLimiting__PermitsPerMinute=1000000000 ./run.sh --configuration Release --isolated --state-dir "$state" --no-console-logs >"$state/run.out" 2>&1 &
pids+=($!)
until all_running; do
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the AppHost exited"; cat "$state/run.out"; exit 1; }
  sleep 0.5
done
path="/api/directory/member-states"
gateway="$(url_of gateway)$path"
directory="$(url_of directory)$path"
curl -sf "$gateway" -o "$state/body.json"

# The ceiling, from the benchmark program (built by run.sh's Release build of the solution).
bench="benchmarks/PocDirectory.Benchmarks/bin/Release/net10.0/PocDirectory.Benchmarks.dll"
backend_port=$(free_port)
proxy_port=$(free_port)
dotnet "$bench" ceiling-backend "$backend_port" "$state/body.json" >"$state/backend.out" 2>&1 &
pids+=($!)
dotnet "$bench" ceiling-proxy "$proxy_port" "http://127.0.0.1:$backend_port" >"$state/proxy.out" 2>&1 &
pids+=($!)
ceiling="http://127.0.0.1:$proxy_port$path"
until curl -sf "$ceiling" -o /dev/null; do sleep 0.2; done

echo "GET $path: $(wc -c <"$state/body.json") bytes from the gateway, $(curl -s "$ceiling" | wc -c) from the ceiling"
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 5 s warm-up; $(nproc) cores shared"
printf '%-10s %12s %10s %10s\n' target requests/s p50 p99
declare -A rate
for target in ceiling gateway directory; do
  url="${!target}"
  wrk -t1 -c"$connections" -d5s "$url" >/dev/null
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$url")
  rate[$target]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-10s %12s %10s %10s %s\n' "$target" "${rate[$target]}" "$p50" "$p99" "$errors"
done
python3 -c "print(f'gateway / ceiling: {${rate[gateway]} / ${rate[ceiling]} * 100:.0f} %')"
