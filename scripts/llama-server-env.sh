#!/usr/bin/env bash
# Installs llama-cpp-python's OpenAI-compatible server (PyPI, built from its
# source distribution: PyPI has no Linux wheels) into a cached virtualenv and
# prints the path of its python. Idempotent: a finished install is reused.
#
# Used by server/model/tests/it/shared_server.rs, the test of `backend = "openai"`
# against a real server, and run by scripts/setup.sh so `make test` builds it
# before the tests start. The build compiles llama.cpp once: 2 min 18 s on
# two cores here.
set -euo pipefail

VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.16}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/failcast"
VENV="${FAILCAST_LLAMA_SERVER_VENV:-$CACHE/llama-server-venv}"
STAMP="$VENV/.installed-$VERSION"

if [[ ! -f "$STAMP" ]]; then
    python3 -m venv "$VENV"
    echo "llama-server-env: building llama-cpp-python[server]==$VERSION into $VENV" >&2
    # CPU only, no examples or tests: only the shared library the server loads.
    CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_CURL=OFF}" \
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}" \
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        "llama-cpp-python[server]==$VERSION" >&2
    touch "$STAMP"
fi
echo "$VENV/bin/python"
