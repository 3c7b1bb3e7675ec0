#!/usr/bin/env bash
# Directory search with 10,000 listed points of contact, measured in one run:
#   ceiling         - a bare YARP proxy -> Kestrel hop returning the search's bytes as a constant
#   gateway+token   - the real search through the gateway with a machine client's token (checked by
#                     the gateway and again by the Directory), Release build
#   directory+token - the same request straight to the Directory service
# The system is started with the demo data set, 52 points of contact for each of the 195 States
# (10,140), and the limits for machine clients raised so the load is not refused.
# wrk runs on the same cores as the servers. Usage: benchmarks/directory-search.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections="${2:-32}"
per_state=52
source benchmarks/common.sh

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
start_ceiling "$path" "$state/body.json"

echo "$expected points of contact listed; GET $path"
echo "$(wc -c <"$state/body.json") bytes ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], "matches,", len(d["items"]), "on the page")' "$state/body.json"))"
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 10 s warm-up; $(nproc) cores shared"
printf '%-16s %12s %10s %10s\n' target requests/s p50 p99
measure ceiling "$ceiling"
measure gateway+token "$gateway$path" "${auth[@]}"
measure directory+token "$directory$path" "${auth[@]}"
python3 -c "print(f'gateway with a token / ceiling: {${rate[gateway+token]} / ${rate[ceiling]} * 100:.0f} %')"
