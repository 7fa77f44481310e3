#!/usr/bin/env bash
# Runs every editor test: VS Code (unit + e2e against the real binary, then
# the packaged extension in a real workbench: code-server shown by Debian's
# chromium, see vscode/test/workbench/run.sh), Neovim (headless 0.7+: config
# checks + e2e), Helix (languages.toml).
# The e2e parts use $FAILCAST_SERVER or <repo>/target/debug/failcast and print
# "SKIPPED: binary not found" only when it is missing.
#
# Idempotent and quick on a second run: `npm ci` runs only when
# node_modules is older than package-lock.json (or missing). Every suite runs
# even if an earlier one failed; the exit status is non-zero if any failed.
set -uo pipefail

editors="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$editors")"
if [[ -z "${FAILCAST_SERVER:-}" && -e "$repo/target/debug/failcast" ]]; then
  export FAILCAST_SERVER="$repo/target/debug/failcast"
fi

# Each suite's output is also kept in target/editors/, and a failed suite's
# last lines are printed again at the very end: a CI log that keeps only its
# tail then still says what failed and why.
logs="$repo/target/editors"
mkdir -p "$logs"
failed=()
slug() { tr -cs 'a-z0-9' '-' <<<"$1" | sed 's/-$//'; }
run() {
  local name="$1"
  shift
  local log
  log="$logs/$(slug "$name").log"
  echo
  echo "==== $name"
  if "$@" 2>&1 | tee "$log"; then
    echo "==== $name: ok"
  else
    echo "==== $name: FAILED"
    failed+=("$name")
  fi
}

vscode_tests() (
  set -e
  cd "$editors/vscode"
  # npm ci writes node_modules/.package-lock.json; when it is newer than the
  # committed lock, the install is current and npm ci (a full reinstall) is skipped.
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  fi
  npm test --silent
)

run "vscode (npm test)" vscode_tests
run "vscode workbench (code-server + chromium)" bash "$editors/vscode/test/workbench/run.sh"
run "neovim (test/run.sh)" bash "$editors/neovim/test/run.sh"
run "helix (test_languages.py)" python3 "$editors/helix/test_languages.py"

echo
if ((${#failed[@]})); then
  for name in "${failed[@]}"; do
    echo "==== the end of $name's output (all of it in $logs/$(slug "$name").log):"
    tail -n 60 "$logs/$(slug "$name").log"
  done
  echo "editor tests FAILED: ${failed[*]}"
  exit 1
fi
echo "editor tests: all passed"
