#!/usr/bin/env bash
# Several replicas and a broker cluster, measured (ReplicaBenchmarks), each run on a system of its own:
#   - ./run.sh --replicas 2: reads through the gateway (32 callers) while each Directory replica in turn is killed
#     (SIGKILL): reads failed, each replica's recovery time, audit rows against reads sent; then a ping test while each
#     Notifications replica in turn is killed: e-mails per point of contact;
#   - ./run.sh --replicas 2 --broker-nodes 3: EVENTS audited reads while the first broker node is killed: events lost,
#     effects duplicated, the node's time to rejoin.
# Usage: benchmarks/replicas.sh [seconds of load around each kill] [events] [recipients]   (defaults 20, 10000, 2000)
set -euo pipefail
export POCDIR_BENCH_REPLICA_SECONDS="${1:-20}"
export POCDIR_BENCH_BROKER_EVENTS="${2:-10000}"
export POCDIR_BENCH_REPLICA_RECIPIENTS="${3:-2000}"
exec "$(dirname "$0")/end-to-end.sh" ReplicaBenchmarks
