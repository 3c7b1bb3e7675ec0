#!/usr/bin/env bash
# Directory search with 10,000 listed points of contact, measured in one run:
#   ceiling        - a bare YARP proxy -> Kestrel hop returning the search's bytes as a constant
#   gateway+token  - the real search through the gateway with a machine client's token (checked by the
#                    gateway and again by the Directory), Release build
#   directory+token - the same request straight to the Directory service
# The system is started with the demo data set, 52 points of contact for each of the 195 States
# (10,140), and the limits for machine clients raised so the load is not refused.
# wrk runs on the same cores as the servers. Usage: benchmarks/directory-search.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections="${2:-32}"
per_state=52

command -v wrk >/dev/null || { echo "Installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
state=$(mktemp -d /tmp/pocdir-search-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$state"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
url_of() { scripts/resources.py url "$state/resources.json" "$1"; }

RateLimiting__PermitsPerMinute=1000000000 Directory__MachineRequestsPerMinute=1000000000 \
  ./run.sh --configuration Release --isolated --state-dir "$state" --no-console-logs --demo-pocs-per-state "$per_state" >"$state/run.out" 2>&1 &
pids+=($!)
until grep -q "Everything is running" "$state/run.out"; do
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the AppHost exited"; tail -20 "$state/run.out"; exit 1; }
  sleep 1
done
gateway=$(url_of gateway)
directory=$(url_of directory)
token=$(scripts/demo.py --state-dir "$state" machine-token demo-cert-fra)
auth=(-H "Authorization: Bearer $token")
expected=$((per_state * 195))
until [[ "$(curl -sf "${auth[@]}" "$gateway/api/directory/pocs?pageSize=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')" == "$expected" ]]; do
  sleep 1 # the Directory lists the demo's points of contact as their events arrive
done
# Identity invites each listed point of contact (the four with demo accounts excepted): let those
# e-mails go out before measuring, so the load is the search alone.
until (($(find "$state/data/mail/maildir/new" -type f | wc -l) >= expected - 4)); do sleep 2; done

# A search a CERT would make in a crisis: the technical points of contact reachable 24/7 in one regional group.
path="/api/directory/pocs?type=technical&available247=true&regionalGroup=AG&pageSize=20"
curl -sf "${auth[@]}" "$gateway$path" -o "$state/body.json"
bench="benchmarks/PocDirectory.Benchmarks/bin/Release/net10.0/PocDirectory.Benchmarks.dll"
backend_port=$(free_port)
proxy_port=$(free_port)
dotnet "$bench" ceiling-backend "$backend_port" "$state/body.json" >"$state/backend.out" 2>&1 &
pids+=($!)
dotnet "$bench" ceiling-proxy "$proxy_port" "http://127.0.0.1:$backend_port" >"$state/proxy.out" 2>&1 &
pids+=($!)
ceiling="http://127.0.0.1:$proxy_port$path"
until curl -sf "$ceiling" -o /dev/null; do sleep 0.2; done

echo "$expected points of contact listed; GET $path"
echo "$(wc -c <"$state/body.json") bytes ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], "matches,", len(d["items"]), "on the page")' "$state/body.json"))"
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 10 s warm-up; $(nproc) cores shared"
printf '%-16s %12s %10s %10s\n' target requests/s p50 p99
declare -A rate
for target in ceiling gateway+token directory+token; do
  case "$target" in
    ceiling) url="$ceiling"; header=() ;;
    gateway+token) url="$gateway$path"; header=("${auth[@]}") ;;
    directory+token) url="$directory$path"; header=("${auth[@]}") ;;
  esac
  wrk -t1 -c"$connections" -d10s "${header[@]}" "$url" >/dev/null
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "${header[@]}" "$url")
  rate[$target]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-16s %12s %10s %10s %s\n' "$target" "${rate[$target]}" "$p50" "$p99" "$errors"
done
python3 -c "print(f'gateway with a token / ceiling: {${rate[gateway+token]} / ${rate[ceiling]} * 100:.0f} %')"
