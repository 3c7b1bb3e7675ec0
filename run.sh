#!/usr/bin/env bash
# Brings the whole PocDirectory system up on this machine: servers, services, gateway and web.
# Usage: ./run.sh [--reset]      (--reset wipes .pocdir/ data first). Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")"

scripts/prerequisites.sh
configuration="${CONFIGURATION:-Debug}"
dotnet build PocDirectory.sln -c "$configuration" -nologo -clp:ErrorsOnly
exec dotnet "AppHost/bin/$configuration/net10.0/PocDirectory.AppHost.dll" --configuration "$configuration" "$@"
