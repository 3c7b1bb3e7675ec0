#!/usr/bin/env bash
# Runs an Identity administrative command against the local system started by ./run.sh.
#   scripts/identity.sh machine-client add --client-id cert-fra --state FRA --scopes directory.read
#   scripts/identity.sh machine-client revoke --client-id cert-fra
#   scripts/identity.sh signing-key rotate
#   scripts/identity.sh invitation create --email a.person@example.org --name "A Person" --roles directory-manager
# Usage: scripts/identity.sh [--state-dir PATH] COMMAND...   (default state folder: .pocdir)
set -euo pipefail
cd "$(dirname "$0")/.."
state=.pocdir
if [[ "${1:-}" == "--state-dir" ]]; then
  state="$2"
  shift 2
fi
configuration="${CONFIGURATION:-Debug}"
[[ -f "$state/resources.json" ]] || { echo "No system in $state: start it with ./run.sh first." >&2; exit 1; }
url=$(scripts/resources.py url "$state/resources.json" postgres) # postgresql://127.0.0.1:PORT
# As Identity's own role, with its password from the state folder.
[[ -f "$state/secrets/postgres-identity-password" ]] || { echo "No $state/secrets/postgres-identity-password: start the system once with ./run.sh." >&2; exit 1; }
export ConnectionStrings__identitydb="Host=127.0.0.1;Port=${url##*:};Username=identity;Password=$(cat "$state/secrets/postgres-identity-password");Database=identitydb"
# Links in e-mails (invitations) point at the gateway, the one public origin, named as browsers reach it.
gateway=$(scripts/resources.py url "$state/resources.json" gateway)
export services__gateway__http__0="$gateway"
export Authentication__Issuer="${gateway/127.0.0.1/localhost}/"
# The audit log's key and checkpoints, outside the database (audit verify).
export Audit__ChainKey="$(cat "$state/secrets/audit-chain-key")"
export Audit__CheckpointFile="$state/audit/checkpoints.jsonl"
# Identity's key-encryption key (signing-key rotate writes the new key encrypted under it).
export KeyEncryption__Key="$(cat "$state/secrets/identity-key-encryption-key")"
exec dotnet "services/Identity/bin/$configuration/net10.0/PocDirectory.Identity.dll" "$@"
