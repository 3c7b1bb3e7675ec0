#!/usr/bin/env bash
# Silence at its expiry (SilenceBenchmarks): 193 objections within the last second and the Meetings service
# killed at the expiry (the outcome and the objections that counted); then silence kept, with and without a
# kill at the expiry: the time until the SMTP sink accepted every mission's adoption letter, one each.
# Usage: benchmarks/silence.sh
set -euo pipefail
exec "$(dirname "$0")/end-to-end.sh" SilenceBenchmarks
