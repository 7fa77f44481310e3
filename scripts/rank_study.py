#!/usr/bin/env python3
"""Re-ranks the benchmark's candidate pools offline, to test a ranking idea
before writing it: `failcast eval --split dev --json F --pool` keeps every
scenario and candidate of each case's function, before and after, with its
class, rule and likelihood; this script replays the ranking the server does
(scenarios and candidates merged by likelihood, a candidate at a scenario's
class and line dropped) and scores recall@3 and paired accuracy.

    python3 scripts/rank_study.py F              # replay: must equal eval's figures
    python3 scripts/rank_study.py F --fit class  # per-class multipliers, 5-fold by repository

`--fit` fits a likelihood multiplier per key (`class`, `language,class`,
`class,kind`) by coordinate ascent on four folds of repositories and scores
the fifth, so what it reports is what a calibration would do on code it was
not fitted on. Fit on `dev` only; `test` is for reporting.
"""

import argparse
import json
import random

GRID = [0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0, 3.0]
KEYS = {
    "class": lambda case, c: c["class"],
    "language,class": lambda case, c: (case["language"], c["class"]),
    "class,kind": lambda case, c: (c["class"], c["scenario"]),
}


def ranked(pool, weight):
    """The server's order: scenarios, then candidates not at a scenario's
    class and line, merged by (weighted) likelihood, a scenario first on ties."""
    scenarios = [c for c in pool if c["scenario"]]
    taken = {(c["class"], c["start"]) for c in scenarios}
    candidates = [c for c in pool if not c["scenario"] and (c["class"], c["start"]) not in taken]
    items = [(c["likelihood"] * weight(c), 0 if c["scenario"] else 1, i, c)
             for i, c in enumerate(scenarios + candidates)]
    items.sort(key=lambda t: (-t[0], t[1], t[2]))
    return [t[3] for t in items]


def score(cases, weights, key):
    found = paired = 0
    for case in cases:
        weight = lambda c: weights.get(key(case, c), 1.0)
        if any(c["hit"] for c in ranked(case.get("pool", []), weight)[:3]):
            found += 1
            if not any(c["hit"] for c in ranked(case.get("pool_after", []), weight)[:3]):
                paired += 1
    return found, paired


def fit(cases, key):
    keys = sorted({key(case, c) for case in cases for c in case.get("pool", [])}, key=str)
    weights = {}
    best = sum(score(cases, weights, key))
    for k in keys:
        chosen = 1.0
        for g in GRID:
            weights[k] = g
            value = sum(score(cases, weights, key))
            # On a tie, the multiplier nearer 1 (no change) wins.
            if value > best or (value == best and abs(g - 1) < abs(chosen - 1)):
                best, chosen = value, g
        weights[k] = chosen
    return weights


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", help="the output of `failcast eval --json F --pool`")
    parser.add_argument("--fit", choices=sorted(KEYS))
    args = parser.parse_args()
    cases = json.load(open(args.json))["cases"]
    if not any(case.get("pool") for case in cases):
        raise SystemExit("no pools in the file: run `failcast eval` with --pool")
    found, paired = score(cases, {}, KEYS["class"])
    print(f"replayed: {len(cases)} cases, recall@3 {found}, paired {paired}")
    if not args.fit:
        return
    key = KEYS[args.fit]
    repositories = sorted({case["repository"] for case in cases})
    random.Random(7).shuffle(repositories)
    before, after = [0, 0], [0, 0]
    for fold in range(5):
        held = set(repositories[fold::5])
        train = [c for c in cases if c["repository"] not in held]
        test = [c for c in cases if c["repository"] in held]
        weights = fit(train, key)
        a, b = score(test, {}, key), score(test, weights, key)
        before = [before[0] + a[0], before[1] + a[1]]
        after = [after[0] + b[0], after[1] + b[1]]
        print(f"fold {fold}: {len(test)} cases, as ranked {a}, calibrated {b}")
    print(f"held-out folds: as ranked recall@3 {before[0]}, paired {before[1]}; "
          f"calibrated by {args.fit}: recall@3 {after[0]}, paired {after[1]}")


if __name__ == "__main__":
    main()
