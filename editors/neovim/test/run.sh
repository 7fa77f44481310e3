#!/usr/bin/env bash
# Runs the Neovim tests in a real headless Neovim (Debian's 0.7.2 here):
#   1. config_spec.lua — the configuration itself, no server needed;
#   2. e2e.lua + check.py — failcast attached to a Python buffer, asserting on
#      the diagnostics, hover, code actions and code lenses Neovim received.
# The server is $FAILCAST_SERVER or <repo>/target/debug/failcast; without it
# step 2 prints "SKIPPED: binary not found" (and only then is skipped).
#
# $NVIM picks the Neovim (default: nvim on PATH). $FAILCAST_NVIM_EXTRA may
# name more Neovim binaries (space-separated), e.g. a 0.11 build: each runs
# the same checks, and on 0.11+ the e2e also runs through lsp/failcast.lua
# with vim.lsp.enable('failcast').
# Exits non-zero on any failure or timeout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin="$(dirname "$here")"
repo="$(cd "$plugin/../.." && pwd)"
limit="${FAILCAST_E2E_LIMIT_S:-120}"
binary="${FAILCAST_SERVER:-$repo/target/debug/failcast}"
export FAILCAST_PLUGIN_DIR="$plugin"

work="$(mktemp -d "${TMPDIR:-/tmp}/failcast-nvim-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT

config_checks() {
  local nvim="$1"
  echo "== neovim: config checks ($("$nvim" --version | head -1))"
  timeout "$limit" "$nvim" --headless --clean -u NONE --cmd "set rtp^=$plugin" -c "luafile $here/config_spec.lua"
}

e2e() {
  local nvim="$1" mode="$2"
  local run="$work/e2e-$RANDOM"
  mkdir -p "$run"
  cp -R "$here/fixtures" "$run/workspace"
  echo "== neovim: e2e ($("$nvim" --version | head -1), $mode) against $binary"
  local status=0
  FAILCAST_SERVER="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")" \
  FAILCAST_E2E_WORKSPACE="$run/workspace" \
  FAILCAST_E2E_OUT="$run/out.json" \
  FAILCAST_E2E_MODE="$mode" \
  FAILCAST_LOG="${FAILCAST_LOG:-info}" \
    timeout "$limit" "$nvim" --headless --clean -u NONE --cmd "set rtp^=$plugin" -c "luafile $here/e2e.lua" \
    >"$run/nvim.log" 2>&1 || status=$?
  if [[ $status -eq 124 ]]; then
    echo "FAIL: headless Neovim did not finish within ${limit}s"
    tail -n 40 "$run/nvim.log"
    return 1
  fi
  if [[ ! -s "$run/out.json" ]]; then
    echo "FAIL: Neovim exited with $status and wrote no results"
    tail -n 40 "$run/nvim.log"
    return 1
  fi
  if ! python3 "$here/check.py" "$run/out.json"; then
    echo "-- Neovim output (tail):"
    tail -n 40 "$run/nvim.log"
    echo "-- LSP log: ${XDG_STATE_HOME:-$HOME/.local/state}/nvim/lsp.log or ${XDG_CACHE_HOME:-$HOME/.cache}/nvim/lsp.log"
    return 1
  fi
}

is_011_or_later() {
  "$1" --headless --clean -u NONE -c 'lua io.stdout:write(vim.fn.has("nvim-0.11"))' -c 'qa!' 2>/dev/null | grep -q 1
}

nvims=("${NVIM:-nvim}")
for extra in ${FAILCAST_NVIM_EXTRA:-}; do nvims+=("$extra"); done

failed=0
for nvim in "${nvims[@]}"; do
  if ! command -v "$nvim" >/dev/null 2>&1; then
    echo "neovim: $nvim not found" >&2
    failed=1
    continue
  fi
  config_checks "$nvim" || failed=1
done

if [[ ! -e "$binary" ]]; then
  echo "SKIPPED: binary not found: $binary (set FAILCAST_SERVER or build target/debug/failcast)"
  exit "$failed"
fi

for nvim in "${nvims[@]}"; do
  command -v "$nvim" >/dev/null 2>&1 || continue
  e2e "$nvim" setup || failed=1
  if is_011_or_later "$nvim"; then
    e2e "$nvim" enable || failed=1
  fi
done
exit "$failed"
