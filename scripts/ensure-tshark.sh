#!/usr/bin/env bash
# Makes sure tshark (Teamshark's decoder) is installed. As root on Debian/Ubuntu it installs the distribution's
# package; otherwise it prints the command to run and fails.
set -euo pipefail
tshark="${TEAMSHARK_TSHARK:-tshark}"
if command -v "$tshark" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "teamshark setup: tshark is missing; installing Debian's package (apt-get install -y tshark)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq tshark >/dev/null
  command -v tshark >/dev/null 2>&1 && exit 0
fi
echo "teamshark setup: tshark is missing. Install it with: sudo apt-get install -y tshark" >&2
exit 1
