#!/usr/bin/env bash
# Installs what the workbench test drives (package.json beside this file:
# code-server, a real VS Code workbench, and playwright-core) into a cache
# directory outside the repository, and prints that directory:
#
#   ${FAILCAST_WORKBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/failcast-workbench}/<key>
#
# <key> names the pinned code-server and hashes the lock, this script and
# the Node major version, so a new pin installs afresh and a second run does
# nothing; installs unused for a week are removed. The install is made in a
# scratch directory and renamed into place when complete: an interrupted one
# is never taken for done.
#
# Everything comes from the npm registry; nothing may be downloaded from
# anywhere else, so no package's own install script runs (--ignore-scripts):
# - code-server's postinstall would `npm install` VS Code's dependencies,
#   whose scripts download ripgrep and prebuilt binaries from GitHub. This
#   script does the rest of that postinstall itself (the install, the
#   node_modules.asar link, the bin links) and builds from source, against
#   the installed Node's headers, only the native modules the test needs:
#   argon2 (code-server imports it at start), native-watchdog (with which
#   the extension host watches its parent process) and @vscode/spdlog (VS
#   Code's logs).
# - Left out, unused by the test: node-pty (terminals), kerberos (proxy
#   authentication), ripgrep (text search and Quick Open's file search) and
#   the typescript package of the built-in TypeScript extension.
# - playwright-core drives Debian's chromium and downloads no browser.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${FAILCAST_WORKBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/failcast-workbench}"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
version="$(node -p 'require(process.argv[1]).packages["node_modules/code-server"].version' "$here/package-lock.json")"
hash="$(cat "$here/package-lock.json" "$here/install.sh" | sha256sum | cut -c1-12)"
dir="$root/code-server-$version-node$node_major-$hash"

if [[ -f "$dir/.complete" ]]; then
    # Its time is the last use, which tells old installs from live ones.
    touch "$dir/.complete"
    echo "$dir"
    exit 0
fi

# node-gyp builds against these headers instead of downloading Node's.
nodedir="$(dirname "$(dirname "$(command -v node)")")"
if [[ ! -f "$nodedir/include/node/node.h" ]]; then
    echo "install.sh: no Node headers at $nodedir/include/node (Debian: apt-get install nodejs; the tarballs ship them)" >&2
    exit 1
fi
export npm_config_nodedir="$nodedir"

mkdir -p "$root"
# Installs of other pins unused for a week, and scratch directories a killed
# run left: another checkout on this machine may still use a recent pin.
for other in "$root"/code-server-*; do
    if [[ -e "$other" && -z "$(find "$other/.complete" -mtime -7 2>/dev/null)" ]]; then
        rm -rf "$other"
    fi
done
find "$root" -mindepth 1 -maxdepth 1 -name '.install.*' -mmin +60 -exec rm -rf {} +
scratch="$(mktemp -d "$root/.install.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
npm_quiet=(--ignore-scripts --no-audit --no-fund --loglevel=error)

echo "install.sh: installing code-server $version and playwright-core into $dir" >&2
cp "$here/package.json" "$here/package-lock.json" "$scratch/"
(cd "$scratch" && npm ci "${npm_quiet[@]}" >&2)
(cd "$scratch" && npm rebuild argon2 --build-from-source --loglevel=error >&2)

vscode="$scratch/node_modules/code-server/lib/vscode"
# npm install as its postinstall does: npm 11 finds the shrinkwrap out of
# sync (tslib) and npm ci would refuse it.
(cd "$vscode" && npm install --omit=dev "${npm_quiet[@]}" >&2)
(cd "$vscode" && npm rebuild native-watchdog @vscode/spdlog --loglevel=error >&2)
ln -s node_modules "$vscode/node_modules.asar"
ln -s code-linux.sh "$vscode/bin/remote-cli/code-server"
ln -s browser-linux.sh "$vscode/bin/helpers/browser.sh"

touch "$scratch/.complete"
if mv -T "$scratch" "$dir" 2>/dev/null; then
    trap - EXIT
elif [[ ! -f "$dir/.complete" ]]; then
    echo "install.sh: could not move the install to $dir" >&2
    exit 1
fi
# else another run finished the same install first; its copy is as good.
echo "$dir"
