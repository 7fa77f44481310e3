#!/usr/bin/env bash
# Times `failcast check --diff` on a generated 1,000-function Python
# repository, cold (no analysis cache, no model answers cached) and warm
# (both caches filled), as whole processes.
#
#   scripts/bench-check-diff.sh [FAILCAST_BINARY] [CHANGED_FUNCTIONS] [RUNS]
#
# Static only unless BENCH_MODEL=1 (then the default model answers, which
# must have been fetched: `failcast model fetch`). Uses hyperfine when it is
# installed, else a plain loop and the median of the runs.
set -euo pipefail
bin=$(realpath "${1:-target/debug/failcast}")
changed=${2:-100}
runs=${3:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
mkdir -p "$repo/svc"

# 50 modules of 20 functions: divisions, key lookups, indexing, parsing,
# guarded twins that must stay silent, and callers across modules.
python3 - "$repo" <<'PY'
import sys, pathlib
root = pathlib.Path(sys.argv[1])
for m in range(50):
    out = ["import json", "import requests", ""]
    if m:
        out.insert(0, f"from svc.mod_{m - 1:02d} import ratio_{m - 1}_0")
    for f in range(20):
        n = f"{m}_{f}"
        kind = f % 5
        out.append("")
        if kind == 0:
            out += [f"def ratio_{n}(done, total):", "    return done / total"]
        elif kind == 1:
            out += [f"def user_{n}(url):", "    body = requests.get(url, timeout=5).json()", f"    return body['id_{f}']"]
        elif kind == 2:
            out += [f"def first_{n}(items):", "    return items[0]"]
        elif kind == 3:
            out += [f"def parse_{n}(raw):", "    return int(json.loads(raw)['count'])"]
        else:
            caller = f"ratio_{m - 1}_0" if m else f"ratio_{m}_0"
            out += [f"def safe_{n}(done, total):", "    if not total:", "        return 0.0", f"    return {caller}(done, total)"]
        out.append("")
    (root / "svc" / f"mod_{m:02d}.py").write_text("\n".join(out))
(root / "svc" / "__init__.py").write_text("")
PY
cd "$repo"
git init -q
git -c user.name=bench -c user.email=bench@failcast.invalid add .
git -c user.name=bench -c user.email=bench@failcast.invalid commit -qm base
functions=$("$bin" index . | wc -l)

# Change the first $changed functions of kind 0 and 2 (their bodies).
python3 - "$repo" "$changed" <<'PY'
import sys, pathlib, re
root, budget = pathlib.Path(sys.argv[1]), int(sys.argv[2])
for path in sorted((root / "svc").glob("mod_*.py")):
    if budget <= 0:
        break
    text = path.read_text()
    for old, new in (("return done / total", "return (done - 1) / total"), ("return items[0]", "return items[0] * 2")):
        count = min(text.count(old), budget)
        text = text.replace(old, new, count)
        budget -= count
    path.write_text(text)
PY
echo "repository: $functions functions, $(git diff --stat | tail -1)"

export XDG_CACHE_HOME=$work/cache
if [ "${BENCH_MODEL:-0}" = 1 ]; then
    export FAILCAST_MODEL_BACKEND=embedded
    export FAILCAST_MODEL_DIR=${FAILCAST_MODEL_DIR:-$HOME/.cache/failcast/models}
    model_args=()
else
    export FAILCAST_MODEL_BACKEND=off
    model_args=(--no-model)
fi
check=("$bin" check --diff HEAD --format json "${model_args[@]}")
reported=$("${check[@]}" --no-cache | python3 -c 'import json,sys; print(sum(len(f["functions"]) for f in json.load(sys.stdin)["files"]))')
echo "functions reported by --diff HEAD: $reported"
cold_prepare="rm -rf $repo/.failcast $work/cache/failcast/predictions"

if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs "$runs" --prepare "$cold_prepare" -n cold "${check[*]}"
    hyperfine -N --warmup 1 --runs "$runs" -n warm "${check[*]}"
    exit 0
fi

# The median of $runs runs, in milliseconds; $1 = 1 empties the caches first.
median() {
    local times=()
    for _ in $(seq "$runs"); do
        [ "$1" = 1 ] && $cold_prepare
        local start end
        start=$(date +%s%N)
        "${check[@]}" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
"${check[@]}" >/dev/null 2>&1   # fill the caches
cold=$(median 1)
warm=$(median 0)
echo "cold: ${cold} ms  warm: ${warm} ms  (median of $runs)  speed-up: $(python3 -c "print(round($cold / max($warm, 1), 1))")x"
