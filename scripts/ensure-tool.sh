#!/usr/bin/env bash
# Makes sure a command from a Debian package is installed: as root on Debian/Ubuntu it installs the package;
# otherwise it prints the command to run and fails.
# Usage: ensure-tool.sh COMMAND PACKAGE
set -euo pipefail
command_name="$1"
package="$2"
if command -v "$command_name" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "teamshark setup: $command_name is missing; installing Debian's $package (apt-get install -y $package)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$package" >/dev/null
  command -v "$command_name" >/dev/null 2>&1 && exit 0
fi
echo "teamshark setup: $command_name is missing. Install it with: sudo apt-get install -y $package" >&2
exit 1
