#!/usr/bin/env bash
# Installs what PocDirectory needs from Debian's packages, only when it is missing.
# Usage: scripts/prerequisites.sh [--browser]
set -euo pipefail

# The monitoring too: Prometheus (with promtool), Alertmanager (with amtool) and the PostgreSQL and Redis exporters.
monitoring=(prometheus prometheus-alertmanager prometheus-postgres-exporter prometheus-redis-exporter)
packages=(postgresql redis-server rabbitmq-server python3-aiosmtpd "${monitoring[@]}")
if [[ "${1:-}" == "--browser" ]]; then
  # The tests' own tools: Chromium, Node.js for the Kubernetes schema check (deploy/kubernetes-check) and for
  # ical.js (tests/calendar-check), and python3-icalendar, the calendar files' second independent reader.
  packages+=(chromium python3-icalendar)
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "Installing: ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # The packages' own system services are never used: the AppHost runs private instances. They are kept from
  # starting while they install (policy-rc.d, unless one is already in place): Debian's monitoring packages
  # would listen on every interface until disabled below.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Nor at boot: the AppHost runs its own monitoring.
  for service in "${monitoring[@]}"; do
    if [[ " ${missing[*]} " == *" $service "* ]]; then
      if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
        $sudo systemctl disable --now "$service" >/dev/null 2>&1 || true
      else
        $sudo service "$service" stop >/dev/null 2>&1 || true
        $sudo update-rc.d "$service" disable >/dev/null 2>&1 || true
      fi
    fi
  done
fi

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required: https://dotnet.microsoft.com/download" >&2; exit 1; }

check="$(dirname "$0")/../deploy/kubernetes-check"
if [[ "${1:-}" == "--browser" && ! -d "$check/node_modules" ]]; then
  echo "Installing the Kubernetes schema check (npm ci in deploy/kubernetes-check)"
  npm ci --prefix "$check" --no-audit --no-fund --silent
fi

calendars="$(dirname "$0")/../tests/calendar-check"
if [[ "${1:-}" == "--browser" && ! -d "$calendars/node_modules" ]]; then
  echo "Installing the calendar file reader (npm ci in tests/calendar-check)"
  npm ci --prefix "$calendars" --no-audit --no-fund --silent
fi
