#!/usr/bin/env python3
"""Asserts on what headless Neovim received from failcast (the JSON e2e.lua wrote).

Usage: python3 check.py OUT.json
"""

import json
import re
import sys

# 0-based lines of test/fixtures/app/users.py.
DEF_LINE = 3  # def get_user(url):
REQUEST_LINE = 4  # data = requests.get(url).json()
SUBSCRIPT_LINE = 5  # return data["user"]["id"]

FAILURE_CLASSES = {
    "index_out_of_range", "null_or_none", "key_missing", "division_by_zero", "parse_error",
    "type_error", "timeout", "network_error", "race_condition", "overflow", "encoding",
    "timezone_dst", "resource_exhaustion", "assertion", "other",
}


def checks(out):
    diagnostics = [d for d in out.get("diagnostics") or [] if d.get("source") == "failcast"]
    summary = "; ".join(f"{d.get('lnum')}:{d.get('code')} {d.get('message')}" for d in diagnostics) or "none"
    hover = out.get("hover") or ""
    actions = [a["title"] for a in out.get("code_actions") or []]
    lenses = out.get("code_lenses") or []
    trace = out.get("trace_float") or ""
    status = out.get("status") or {}

    yield "no errors or timeouts inside Neovim", not out.get("errors"), "\n".join(out.get("errors") or [])
    yield "the buffer has filetype python", out.get("filetype") == "python", out.get("filetype")
    yield "failcast attached to the buffer", out.get("attached") is True, ""
    yield "root_dir is the fixture workspace (pyproject.toml marker)", out.get("root_dir") == out.get("workspace"), f"{out.get('root_dir')} != {out.get('workspace')}"
    yield "failcast diagnostics arrived", len(diagnostics) > 0, summary
    yield "every failcast diagnostic has a failure class as code", all(d.get("code") in FAILURE_CLASSES for d in diagnostics), summary
    yield "every failcast diagnostic is inside get_user's body", all(REQUEST_LINE <= d.get("lnum", -1) <= SUBSCRIPT_LINE for d in diagnostics), summary
    yield f"a timeout diagnostic on line {REQUEST_LINE} (requests.get without timeout=)", any(d.get("lnum") == REQUEST_LINE and d.get("code") == "timeout" for d in diagnostics), summary
    yield f"a key_missing diagnostic on line {SUBSCRIPT_LINE} (data[\"user\"][\"id\"])", any(d.get("lnum") == SUBSCRIPT_LINE and d.get("code") == "key_missing" for d in diagnostics), summary
    yield "failcast/status said static (model backend off, sent in settings)", status.get("state") == "static", json.dumps(status)
    yield "hover on get_user holds a Python traceback", "Traceback (most recent call last):" in hover, hover[:600]
    yield "the hover traceback has a get_user frame", re.search(r"line (5|6), in get_user", hover) is not None, hover[:600]
    yield "code action: failcast: write a test for …", any(t.startswith("failcast: write a test for") for t in actions), json.dumps(actions)
    yield "code action: failcast: ignore this prediction", "failcast: ignore this prediction" in actions, json.dumps(actions)
    yield f"a failcast.showTrace code lens on line {DEF_LINE}", any(l.get("line") == DEF_LINE and l.get("command") == "failcast.showTrace" for l in lenses), json.dumps(lenses)
    yield "running the code lens shows the traceback in a float", "Traceback (most recent call last):" in trace, trace[:600]
    yield "the server stopped when asked", out.get("stopped") is True, ""


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        out = json.load(f)
    print(f"neovim {out.get('nvim')} e2e against failcast")
    passed = failed = 0
    for name, ok, detail in checks(out):
        if ok:
            passed += 1
            print(f"  PASS {name}")
        else:
            failed += 1
            print(f"  FAIL {name}")
            if detail:
                print("       " + str(detail).replace("\n", "\n       "))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
