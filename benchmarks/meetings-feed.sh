#!/usr/bin/env bash
# The public calendar feed of a year with 200 meetings (FeedBenchmarks), in one run: the bare YARP -> Kestrel
# ceiling returning the feed's bytes, the feed through the gateway, and straight from the Meetings service.
# Usage: benchmarks/meetings-feed.sh [seconds per target] [connections]   (CONFIGURATION=Release advised)
set -euo pipefail
command -v wrk >/dev/null || { echo "Installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
export POCDIR_BENCH_SECONDS="${1:-15}" POCDIR_BENCH_CONNECTIONS="${2:-32}"
exec "$(dirname "$0")/end-to-end.sh" FeedBenchmarks
