#!/usr/bin/env bash
# The points of contact's two measurements (PointsOfContactBenchmarks): approval -> visible in a
# directory search (p50/p99), and nominations through two kill -9 of the Directory and one of RabbitMQ
# (counts: every approved point of contact listed exactly once, every history complete).
# Usage: benchmarks/points-of-contact.sh [count]   (default 1000 nominations for each)
set -euo pipefail
export POCDIR_BENCH_COUNT="${1:-1000}"
exec "$(dirname "$0")/end-to-end.sh" PointsOfContactBenchmarks
