#!/usr/bin/env bash
# What the metrics cost the directory search, measured in one run: the search through the gateway with a machine
# client's token (10,140 listed points of contact, Release build) while Prometheus scrapes every service every second
# (15 times as often as the default), against the same search while Prometheus is stopped (SIGSTOP: nothing scrapes;
# the services still record their measurements, which is the part scraping does not change). The two alternate, three
# pairs in alternating order, so that background load on the shared cores moves both alike; prints each pair and the
# median ratio.
# Usage: benchmarks/metrics-overhead.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
connections="${2:-32}"
per_state=52
source benchmarks/common.sh

start_demo_system "$per_state" Monitoring__ScrapeInterval=00:00:01
expected=$((per_state * 195))
prometheus=$(url_of prometheus)
prometheus_pid=$(scripts/resources.py pid "$state/resources.json" prometheus)
resume() { kill -CONT "$prometheus_pid" 2>/dev/null || true; cleanup; }
trap resume EXIT

# Scrapes of the Directory so far, from Prometheus itself: the marker that it does scrape every second.
scrapes() { curl -sf "$prometheus/api/v1/query" --data-urlencode 'query=count_over_time(up{job="directory"}[1m])' \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'; }
until (($(scrapes) >= 50)); do sleep 2; done

path="/api/directory/pocs?type=technical&available247=true&regionalGroup=AG&pageSize=20"
echo "$expected points of contact listed; GET $path through the gateway with a token"
echo "Prometheus scraping every service every second ($(scrapes) scrapes of the Directory in the last minute)"
echo "wrk, 1 thread, $connections connections, ${duration} s each after a 10 s warm-up; $(nproc) cores shared"
printf '%-16s %12s %10s %10s\n' target requests/s p50 p99
ratios=()
unscraped() { kill -STOP "$prometheus_pid"; measure "unscraped-$1" "$gateway$path" "${auth[@]}"; kill -CONT "$prometheus_pid"; }
for pair in 1 2 3; do
  # The order alternates from pair to pair, so that a drift in the background load favours neither.
  if ((pair % 2)); then
    measure "scraped-$pair" "$gateway$path" "${auth[@]}"; unscraped "$pair"
  else
    unscraped "$pair"; measure "scraped-$pair" "$gateway$path" "${auth[@]}"
  fi
  ratios+=("$(python3 -c "print(${rate[scraped-$pair]} / ${rate[unscraped-$pair]})")")
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
ratios = sorted(float(r) for r in sys.argv[1:])
print("scraped / unscraped, per pair: " + ", ".join(f"{r * 100:.1f} %" for r in ratios))
print(f"median {statistics.median(ratios) * 100:.1f} % (spread {ratios[0] * 100:.1f}-{ratios[-1] * 100:.1f} %)")
PY
