#!/usr/bin/env bash
# Directory search with 10,000 listed points of contact, measured in one run:
#   ceiling         - a bare YARP proxy -> Kestrel hop returning the search's bytes as a constant
#   gateway+token   - the real search through the gateway with a machine client's token (checked by
#                     the gateway and again by the Directory), Release build
#   directory+token - the same request straight to the Directory service
# The system is started with the demo data set, 52 points of contact for each of the 195 States
# (10,140), and the limits for machine clients raised so the load is not refused.
# The ceiling and the gateway are measured in turn, three pairs (PAIRS=N for more), and the ratio given per pair and
# as their median. wrk runs on the same cores as the servers. Usage: benchmarks/directory-search.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
pairs="${PAIRS:-3}"
connections="${2:-32}"
per_state=52
source benchmarks/common.sh

start_demo_system "$per_state"
expected=$((per_state * 195))

# A search a CERT would make in a crisis: the technical points of contact reachable 24/7 in one regional group.
path="/api/directory/pocs?type=technical&available247=true&regionalGroup=AG&pageSize=20"
curl -sf "${auth[@]}" "$gateway$path" -o "$state/body.json"
start_ceiling "$path" "$state/body.json"

echo "$expected points of contact listed; GET $path"
echo "$(wc -c <"$state/body.json") bytes ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], "matches,", len(d["items"]), "on the page")' "$state/body.json"))"
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 10 s warm-up; $(nproc) cores shared"
printf '%-16s %12s %10s %10s\n' target requests/s p50 p99
alternate "$ceiling" gateway+token "$gateway$path" "${auth[@]}"
measure directory+token "$directory$path" "${auth[@]}"
echo "gateway with a token / ceiling, per pair (ceiling then gateway, ${pairs:-3} pairs): see above; median $median_ratio %"
