#!/usr/bin/env bash
# How long the sign-in page takes to refuse an address without an account, a known account's wrong
# password, and a locked account: the three must not be told apart by their time (no enumeration).
# Starts its own isolated system (Release) on free loopback ports and stops it at the end.
# Usage: benchmarks/sign-in-timing.sh [ROUNDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-60}"
state=$(mktemp -d /tmp/pocdir-sign-in-XXXXXX)
pid=""
cleanup() {
  [[ -n "$pid" ]] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$state"
}
trap cleanup EXIT

# The per-address and per-account limits would stop the measurement itself: lifted for this system only.
RateLimiting__SignInPermitsPerMinute=1000000000 SignIn__AttemptsPerAccount=1000000000 \
  ./run.sh --configuration Release --isolated --state-dir "$state" --no-console-logs >"$state/run.out" 2>&1 &
pid=$!
until scripts/resources.py all-running "$state/resources.json"; do
  kill -0 "$pid" 2>/dev/null || { echo "the AppHost exited"; cat "$state/run.out"; exit 1; }
  sleep 0.5
done
gateway=$(scripts/resources.py url "$state/resources.json" gateway)
invite() {
  until link=$(CONFIGURATION=Release scripts/identity.sh --state-dir "$state" invitation create --email "$1" --name "Timing Person" \
    --roles chair-office 2>/dev/null | grep -o 'http[^ ]*invitation?token=[A-Za-z0-9_-]*') && [[ -n "$link" ]]; do
    sleep 1 # until Identity has its copy of the Member States
  done
  echo "$link"
}
python3 benchmarks/sign_in_timing.py "$gateway" "$rounds" "$(invite timing-open@example.org)" "$(invite timing-locked@example.org)"
