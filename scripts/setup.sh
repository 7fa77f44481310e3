#!/usr/bin/env bash
# Installs what building failcast needs, once: a C toolchain with cmake and
# libclang (llama.cpp and its bindings build from source) and Python with
# pip (the default model ships in a PyPI wheel). With --test, also what
# only the tests need: Neovim (the editor end-to-end test), Node.js (the VS
# Code extension), Chromium (the VS Code workbench test, on Debian/Ubuntu),
# PostgreSQL's server binaries (the shared corpus tests, on Debian/Ubuntu),
# Go, a JDK and JUnit 5 and the tsx loader (generated tests run in every
# language), cargo-fuzz, pytest and pytest-lsp, and llama-cpp-python's
# server in a cached virtualenv. Safe to run again: it only installs what
# is missing.
set -euo pipefail

tests=false
[[ "${1:-}" == "--test" ]] && tests=true

need=()
have() { command -v "$1" >/dev/null 2>&1; }

if [[ "$(uname -s)" == "Darwin" ]]; then
    have brew || { echo "setup: Homebrew is required on macOS (https://brew.sh)" >&2; exit 1; }
    have cmake || need+=(cmake)
    have python3 || need+=(python)
    if $tests; then
        have nvim || need+=(neovim)
        have node || need+=(node)
    fi
    if ((${#need[@]})); then
        echo "setup: brew install ${need[*]}" >&2
        brew install "${need[@]}"
    fi
else
    have cmake || need+=(cmake)
    have clang || need+=(clang)
    # bindgen loads libclang at build time.
    if ! ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 && ! ldconfig -p 2>/dev/null | grep -q libclang; then
        need+=(libclang-dev)
    fi
    have python3 || need+=(python3 python3-pip)
    have g++ || need+=(g++)
    if $tests; then
        have nvim || need+=(neovim)
        # The shared-model-server test builds llama-cpp-python in a virtualenv.
        if have python3 && ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
            need+=(python3-venv)
        fi
        have node || need+=(nodejs npm)
        # The VS Code workbench test shows code-server in Debian's browser.
        have chromium || need+=(chromium)
        # The PostgreSQL corpus tests start their own server from these.
        ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
        # Generated tests run in every language (tests/tests/it/repro.rs):
        # Go tests with `go test`, JUnit 5 tests with the console launcher.
        have go || need+=(golang-go)
        have javac || need+=(default-jdk-headless)
        [[ -f /usr/share/java/junit-platform-console-standalone.jar ]] || need+=(junit5)
    fi
    if ((${#need[@]})); then
        sudo=""
        [[ $(id -u) -ne 0 ]] && sudo="sudo"
        echo "setup: apt-get install ${need[*]}" >&2
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
    fi
fi

have cargo || { echo "setup: Rust is required (https://rustup.rs)" >&2; exit 1; }
python3 -m pip --version >/dev/null 2>&1 || { echo "setup: pip is required for python3" >&2; exit 1; }
$tests || exit 0

# The fuzz targets (`make fuzz`, and briefly in `make test`) run through
# cargo-fuzz; building it takes about half a minute on two cores.
if ! have cargo-fuzz; then
    echo "setup: cargo install cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
# Python packages the tests use: pytest runs the tests failcast writes,
# requests is what the Python fixtures import, pytest-lsp drives the server
# as a client we did not write.
missing_py=()
for module in pytest requests pytest_lsp; do
    python3 -c "import $module" >/dev/null 2>&1 || missing_py+=("${module//_/-}")
done
if ((${#missing_py[@]})); then
    echo "setup: pip install ${missing_py[*]}" >&2
    python3 -m pip install -q --disable-pip-version-check "${missing_py[@]}"
fi

# Node 20 cannot strip TypeScript types: generated TypeScript tests run
# under node's test runner with the tsx loader, kept in target/ (pinned).
tsx_dir="$(cd "$(dirname "$0")/.." && pwd)/target/repro-tools/node"
if [[ ! -f "$tsx_dir/node_modules/tsx/dist/esm/index.mjs" ]]; then
    echo "setup: npm install tsx (for generated TypeScript tests)" >&2
    mkdir -p "$tsx_dir"
    (cd "$tsx_dir" && npm install --silent --no-audit --no-fund --save-exact tsx@4.23.15 >/dev/null)
fi

# llama-cpp-python's OpenAI-compatible server, the real model server the
# `backend = "openai"` test talks to (built once into a cached virtualenv,
# about two minutes on two cores).
"$(dirname "$0")/llama-server-env.sh" >/dev/null
