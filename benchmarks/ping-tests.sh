#!/usr/bin/env bash
# Ping tests measured (PingBenchmarks):
#   - a campaign to COUNT points of contact: time from the start until the SMTP sink has accepted
#     every message; then every one acknowledging through the gateway (per second, p99);
#   - a campaign to KILL_COUNT points of contact while the Directory is killed (SIGKILL) once and
#     Notifications three times, at whatever moment: how many messages each point of contact got.
# Usage: benchmarks/ping-tests.sh [count] [kill_count]   (defaults 10000 and 2000)
set -euo pipefail
export POCDIR_BENCH_PING_COUNT="${1:-10000}"
export POCDIR_BENCH_PING_KILL_COUNT="${2:-2000}"
exec "$(dirname "$0")/end-to-end.sh" PingBenchmarks
