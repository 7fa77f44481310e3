#!/usr/bin/env bash
# The workbench end-to-end test: packages the extension (.vsix), installs
# code-server and playwright-core into the cache (install.sh, once per pin),
# and runs workbench.test.mjs against the real failcast binary in
# code-server shown by Debian's chromium. Screenshots go to
# <repo>/target/workbench/ (hover.png, actions.png, failure-*.png).
#
# The server is $FAILCAST_SERVER or <repo>/target/debug/failcast; without it
# the test prints "SKIPPED: binary not found". Chromium comes from
# `scripts/setup.sh --test` (Debian's chromium package).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
extension="$(cd "$here/../.." && pwd)"
repo="$(cd "$extension/../.." && pwd)"
binary="${FAILCAST_SERVER:-$repo/target/debug/failcast}"
chromium="${FAILCAST_CHROMIUM:-/usr/bin/chromium}"
out="$repo/target/workbench"

if [[ ! -x "$binary" ]]; then
    echo "SKIPPED: binary not found ($binary)"
    exit 0
fi
if [[ ! -x "$chromium" ]]; then
    echo "no chromium at $chromium: scripts/setup.sh --test installs Debian's" >&2
    exit 1
fi

deps="$("$here/install.sh")"

mkdir -p "$out"
rm -f "$out"/*.png
cd "$extension"
if [[ ! -d node_modules ]]; then
    npm ci --prefer-offline --no-audit --no-fund --loglevel=error
fi
# vsce runs the production build (vscode:prepublish) and packs what
# .vscodeignore lets through; the .vsix carries no server binary unless
# server/ holds one (package:linux-x64), and FAILCAST_SERVER wins over it.
npx vsce package --no-dependencies --out "$out/failcast.vsix" >/dev/null

FAILCAST_WORKBENCH_DEPS="$deps" \
FAILCAST_VSIX="$out/failcast.vsix" \
FAILCAST_SERVER="$binary" \
FAILCAST_WORKBENCH_OUT="$out" \
FAILCAST_CHROMIUM="$chromium" \
    node --test --test-reporter=spec --test-concurrency=1 "$here/workbench.test.mjs"
