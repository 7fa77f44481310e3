#!/usr/bin/env bash
# Runs the Neovim tests in a real headless Neovim (Debian's 0.7.2 here):
#   1. config_spec.lua — the configuration itself, no server needed;
#   2. e2e.lua + check.py — failcast attached to a Python buffer, asserting on
#      the diagnostics, hover, code actions and code lenses Neovim received.
# The server is $FAILCAST_SERVER or <repo>/target/debug/failcast; without it
# step 2 prints "SKIPPED: binary not found" (and only then is skipped).
# Exits non-zero on any failure or timeout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin="$(dirname "$here")"
repo="$(cd "$plugin/../.." && pwd)"
nvim="${NVIM:-nvim}"
limit="${FAILCAST_E2E_LIMIT_S:-120}"

if ! command -v "$nvim" >/dev/null 2>&1; then
  echo "neovim: $nvim not found" >&2
  exit 1
fi

export FAILCAST_PLUGIN_DIR="$plugin"
echo "== neovim: config checks ($("$nvim" --version | head -1))"
timeout "$limit" "$nvim" --headless --clean -u NONE --cmd "set rtp^=$plugin" -c "luafile $here/config_spec.lua"

binary="${FAILCAST_SERVER:-$repo/target/debug/failcast}"
echo "== neovim: e2e against $binary"
if [[ ! -e "$binary" ]]; then
  echo "SKIPPED: binary not found: $binary (set FAILCAST_SERVER or build target/debug/failcast)"
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/failcast-nvim-e2e.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$here/fixtures" "$work/workspace"
out="$work/out.json"

set +e
FAILCAST_SERVER="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")" \
FAILCAST_E2E_WORKSPACE="$work/workspace" \
FAILCAST_E2E_OUT="$out" \
FAILCAST_LOG="${FAILCAST_LOG:-info}" \
  timeout "$limit" "$nvim" --headless --clean -u NONE --cmd "set rtp^=$plugin" -c "luafile $here/e2e.lua" \
  >"$work/nvim.log" 2>&1
status=$?
set -e
if [[ $status -eq 124 ]]; then
  echo "FAIL: headless Neovim did not finish within ${limit}s"
  tail -n 40 "$work/nvim.log"
  exit 1
fi
if [[ ! -s "$out" ]]; then
  echo "FAIL: Neovim exited with $status and wrote no results"
  tail -n 40 "$work/nvim.log"
  exit 1
fi
if ! python3 "$here/check.py" "$out"; then
  echo "-- Neovim output (tail):"
  tail -n 40 "$work/nvim.log"
  echo "-- LSP log: ${XDG_CACHE_HOME:-$HOME/.cache}/nvim/lsp.log"
  exit 1
fi
