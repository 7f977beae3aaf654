#!/usr/bin/env bash
# Installs what the extension's tests run in: code-server 4.100.3 (VS Code 1.100.3, the last release whose
# engines.node is 20) and Debian's chromium. Nothing here downloads a VS Code or browser build; only the npm
# registry and Debian are reached. The traps are in ../shared/notes/vscode-offline-testing.md.
# Prints the code-server directory on stdout. Usage: install-code-server.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.100.3
prefix="${TEAMSHARK_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/teamshark/code-server-$version}"
binary="$prefix/node_modules/code-server/out/node/entry.js"

bash scripts/ensure-tool.sh chromium chromium
if [ -f "$binary" ]; then
  echo "$prefix"
  exit 0
fi

# kerberos (a code-server dependency) compiles from source: it needs the Kerberos headers.
if ! [ -e /usr/include/gssapi/gssapi.h ] && ! [ -e /usr/include/krb5.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "teamshark setup: installing Debian's libkrb5-dev (code-server's kerberos module builds against it)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq libkrb5-dev >/dev/null
  else
    echo "teamshark setup: code-server needs the Kerberos headers. Install them with: sudo apt-get install -y libkrb5-dev" >&2
    exit 1
  fi
fi

echo "teamshark setup: installing code-server $version into $prefix (about a minute)…" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# @vscode/ripgrep's postinstall fetches rg from GitHub unless its cache already holds the archive: build that
# archive from the rg binary the npm registry ships in @vscode/ripgrep-linux-x64.
(cd "$work" && npm pack --silent @vscode/ripgrep-linux-x64 >/dev/null && tar -xzf vscode-ripgrep-linux-x64-*.tgz)
mkdir -p "$work/tmp/vscode-ripgrep-cache-1.15.11" "$work/rg"
cp "$work/package/bin/rg" "$work/rg/rg"
tar -czf "$work/tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg

mkdir -p "$prefix"
[ -f "$prefix/package.json" ] || echo '{ "private": true }' >"$prefix/package.json"
# unsafe_perm: the postinstall refuses root otherwise; yes: node-pty's postinstall runs `npx node-gyp`.
TMPDIR="$work/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "code-server@$version" >&2
test -f "$binary"
echo "$prefix"
