#!/usr/bin/env bash
# Brings the whole PocDirectory system up on this machine: servers, services, gateway and web.
# Usage: ./run.sh [--reset] [--isolated] [--state-dir PATH] [--configuration Debug|Release] [--no-console-logs] [--demo [--demo-pocs-per-state N]] [--replicas N] [--broker-nodes 1|3]
# (the AppHost's options; --reset wipes .pocdir/ data first). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"

# Build the configuration the AppHost will run: --configuration X, -c X or --configuration=X.
configuration="${CONFIGURATION:-Debug}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --configuration | -c) configuration="${args[i + 1]:-}" ;;
    --configuration=*) configuration="${args[i]#*=}" ;;
  esac
done
case "${configuration,,}" in
  debug) configuration=Debug ;;
  release) configuration=Release ;;
  *) echo "--configuration must be Debug or Release, not '$configuration'." >&2; exit 2 ;;
esac
scripts/prerequisites.sh
dotnet build PocDirectory.sln -c "$configuration" -nologo -clp:ErrorsOnly
exec dotnet "AppHost/bin/$configuration/net10.0/PocDirectory.AppHost.dll" --configuration "$configuration" "$@"
