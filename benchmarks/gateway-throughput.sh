#!/usr/bin/env bash
# Throughput of GET /api/directory/member-states (about 28 KB of JSON), measured in one run:
#   ceiling   - a bare YARP proxy -> Kestrel hop returning the same bytes as a constant
#   gateway   - the real system, Release build, through the gateway (rate limit raised for the run)
#   gateway+token - the same, carrying a bearer token (the gateway validates it: the cost of a token)
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

# A machine client and a token (10 minutes: longer than the run), as a CERT tool would get one.
until secret=$(CONFIGURATION=Release scripts/identity.sh --state-dir "$state" machine-client add \
  --client-id bench --state FRA --scopes directory.read 2>/dev/null | awk '/^client_secret:/ {print $2}') && [[ -n "$secret" ]]; do
  sleep 1 # until Identity has its copy of the Member States
done
token=$(curl -sf "${gateway%$path}/connect/token" -d grant_type=client_credentials -d client_id=bench \
  -d "client_secret=$secret" -d scope=directory.read | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

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
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 10 s warm-up; $(nproc) cores shared"
printf '%-14s %12s %10s %10s\n' target requests/s p50 p99
declare -A rate
for target in ceiling gateway gateway+token directory; do
  url="${gateway}"
  header=()
  case "$target" in
    ceiling) url="$ceiling" ;;
    directory) url="$directory" ;;
    gateway+token) header=(-H "Authorization: Bearer $token") ;;
  esac
  wrk -t1 -c"$connections" -d10s "${header[@]}" "$url" >/dev/null # warm-up: connections, tiered JIT
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "${header[@]}" "$url")
  rate[$target]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-14s %12s %10s %10s %s\n' "$target" "${rate[$target]}" "$p50" "$p99" "$errors"
done
python3 -c "print(f'gateway / ceiling: {${rate[gateway]} / ${rate[ceiling]} * 100:.0f} %; with a token: {${rate[gateway+token]} / ${rate[ceiling]} * 100:.0f} %')"
