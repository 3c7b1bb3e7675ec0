#!/usr/bin/env bash
# Invitations measured (MeetingsBenchmarks): every Permanent Mission given ADDRESSES addresses, a meeting
# for Member States and observers invited, then moved: the time from each request until the SMTP sink has
# accepted every e-mail (each with its own calendar entry).
# Usage: benchmarks/meetings.sh [addresses per mission]   (default 2: 390 e-mails per version)
set -euo pipefail
export POCDIR_BENCH_MISSION_ADDRESSES="${1:-2}"
exec "$(dirname "$0")/end-to-end.sh" MeetingsBenchmarks
