#!/usr/bin/env bash
# Writes Aspire's deployment manifest of the AppHost's model to deploy/aspire-manifest.json, and the
# Kubernetes manifests derived from it to deploy/kubernetes/ (or to $1/aspire-manifest.json and $1/kubernetes/).
# Needs a build first: dotnet build PocDirectory.sln [-c Release].
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${CONFIGURATION:-Debug}"
folder="$(realpath -m "${1:-deploy}")"
mkdir -p "$folder"
dotnet "AppHost/bin/$configuration/net10.0/PocDirectory.AppHost.dll" --publisher manifest \
  --output-path "$folder/aspire-manifest.json" --kubernetes-output "$folder/kubernetes" | grep '^Wrote' || true
echo "Wrote $folder/aspire-manifest.json"
