# What the load benchmarks share; sourced by them (not run alone). Each starts a private system in a
# temporary state folder, measures with wrk on this machine only, and stops everything on exit.

command -v wrk >/dev/null || { echo "Installing wrk"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
state=$(mktemp -d /tmp/pocdir-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$state"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
url_of() { scripts/resources.py url "$state/resources.json" "$1"; }

# start_ceiling PATH BODY_FILE: a bare YARP proxy -> Kestrel pair returning BODY_FILE's bytes as a
# constant (from the benchmark program, built by run.sh's Release build); sets $ceiling to its URL.
start_ceiling() {
  local bench="benchmarks/PocDirectory.Benchmarks/bin/Release/net10.0/PocDirectory.Benchmarks.dll"
  local backend_port proxy_port
  backend_port=$(free_port)
  proxy_port=$(free_port)
  dotnet "$bench" ceiling-backend "$backend_port" "$2" >"$state/backend.out" 2>&1 &
  pids+=($!)
  dotnet "$bench" ceiling-proxy "$proxy_port" "http://127.0.0.1:$backend_port" >"$state/proxy.out" 2>&1 &
  pids+=($!)
  ceiling="http://127.0.0.1:$proxy_port$1"
  until curl -sf "$ceiling" -o /dev/null; do sleep 0.2; done
}

# measure NAME URL [wrk options...]: a 10 s warm-up (connections, tiered JIT), then $duration seconds
# with $connections connections; prints a row and keeps the rate in ${rate[NAME]}.
declare -A rate
measure() {
  local name="$1" url="$2"
  shift 2
  wrk -t1 -c"$connections" -d10s "$@" "$url" >/dev/null
  local out p50 p99 errors
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$@" "$url")
  rate[$name]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  printf '%-16s %12s %10s %10s %s\n' "$name" "${rate[$name]}" "$p50" "$p99" "$errors"
}

# alternate CEILING_URL TARGET_NAME TARGET_URL [wrk options for the target...]: background load on these shared cores moves
# any one figure, so the ceiling and the target are measured in turn, $pairs times (default 3), each after its own
# warm-up; prints every pair's ratio, then their median with the lowest and highest, and keeps the median in $median_ratio.
alternate() {
  local ceiling_url="$1" name="$2" url="$3"
  shift 3
  local ratios=()
  for ((pair = 1; pair <= ${pairs:-3}; pair++)); do
    measure "ceiling #$pair" "$ceiling_url"
    measure "$name #$pair" "$url" "$@"
    ratios+=("$(python3 -c "print(${rate[$name #$pair]} / ${rate[ceiling #$pair]} * 100)")")
  done
  median_ratio=$(python3 - "${ratios[@]}" <<'PY'
import statistics, sys
ratios = [float(r) for r in sys.argv[1:]]
print(f"{statistics.median(ratios):.0f}")
print(" / ".join(f"{r:.0f} %" for r in ratios), f"(median {statistics.median(ratios):.0f} %, lowest {min(ratios):.0f} %, highest {max(ratios):.0f} %)", file=sys.stderr)
PY
  )
}

# start_demo_system PER_STATE [NAME=VALUE...]: the system in Release with the demo data set (PER_STATE points of contact
# for each of the 195 States), the given settings and the limits for machine clients raised so the load is not refused;
# returns once it runs, its demo accounts are written, every point of contact is listed and Identity's invitations to
# them (the four with demo accounts excepted) are out, so that the load measured is the search alone. Sets $gateway,
# $directory and $auth (a machine client's token).
start_demo_system() {
  local per_state="$1"
  shift
  env RateLimiting__PermitsPerMinute=1000000000 Directory__MachineRequestsPerMinute=1000000000 "$@" \
    ./run.sh --configuration Release --isolated --state-dir "$state" --no-console-logs --demo-pocs-per-state "$per_state" >"$state/run.out" 2>&1 &
  pids+=($!)
  until grep -q "Everything is running" "$state/run.out"; do
    kill -0 "${pids[0]}" 2>/dev/null || { echo "the AppHost exited"; tail -20 "$state/run.out"; exit 1; }
    sleep 1
  done
  gateway=$(url_of gateway)
  directory=$(url_of directory)
  # The demo's accounts are made once everything runs.
  until [[ -s "$state/demo-accounts.json" ]]; do sleep 1; done
  auth=(-H "Authorization: Bearer $(scripts/demo.py --state-dir "$state" machine-token demo-cert-fra)")
  local expected=$((per_state * 195))
  until [[ "$(curl -sf "${auth[@]}" "$gateway/api/directory/pocs?pageSize=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null)" == "$expected" ]]; do
    sleep 1 # the Directory lists the demo's points of contact as their events arrive
  done
  until (($(find "$state/data/mail/maildir/new" -type f | wc -l) >= expected - 4)); do sleep 2; done
}
