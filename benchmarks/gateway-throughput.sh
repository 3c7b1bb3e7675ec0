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
source benchmarks/common.sh

# The system, in Release, with the per-client limit raised so that the load is not refused.
RateLimiting__PermitsPerMinute=1000000000 ./run.sh --configuration Release --isolated --state-dir "$state" --no-console-logs >"$state/run.out" 2>&1 &
pids+=($!)
until scripts/resources.py all-running "$state/resources.json"; do
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

start_ceiling "$path" "$state/body.json"
echo "GET $path: $(wc -c <"$state/body.json") bytes from the gateway, $(curl -s "$ceiling" | wc -c) from the ceiling"
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 10 s warm-up; $(nproc) cores shared"
printf '%-16s %12s %10s %10s\n' target requests/s p50 p99
measure ceiling "$ceiling"
measure gateway "$gateway"
measure gateway+token "$gateway" -H "Authorization: Bearer $token"
measure directory "$directory"
python3 -c "print(f'gateway / ceiling: {${rate[gateway]} / ${rate[ceiling]} * 100:.0f} %; with a token: {${rate[gateway+token]} / ${rate[ceiling]} * 100:.0f} %')"
