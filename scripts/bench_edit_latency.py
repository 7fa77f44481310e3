#!/usr/bin/env python3
"""Edit -> diagnostics latency over stdio: failcast vs `ruff server`, same
10,000-line Python file, same edits, same client, measured in one run.

`--file real` (the default) is real code (standard-library modules joined);
`--file dense` is a generated file of 500 hazard-dense functions (20 lines
each, every one with more hazards than failcast diagnoses per function);
`--file both` measures one after the other in the same run. Each edit toggles
a line `ratio_bench = 1 / <first parameter>` at the top of one function
(added, then removed on the next visit), which changes both servers'
diagnostics (ruff: F841 unused variable; failcast: division by a parameter),
so each edit is answered by a publishDiagnostics. The time is
from writing didChange to reading the publication for that version.

    python3 scripts/bench_edit_latency.py [--edits 200] [--file real|dense|both]
        [--failcast PATH] [--ruff PATH]
"""

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue


def python_file(min_lines: int = 10_000) -> str:
    """Real code: standard-library modules of this Python, joined until the
    file has 10,000 lines (modules with `from __future__` are left out,
    since it is only valid at the top)."""
    lib = pathlib.Path(json.__file__).resolve().parents[1]
    names = ["argparse.py", "_pydecimal.py", "configparser.py", "email/_header_value_parser.py",
             "tarfile.py", "zipfile/__init__.py", "zipfile.py", "inspect.py", "typing.py"]
    parts, lines = [], 0
    for name in names:
        path = lib / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if "from __future__" in text:
            continue
        parts.append(text if text.endswith("\n") else text + "\n")
        lines += text.count("\n")
        if lines >= min_lines + 3000:
            break
    text = "".join(parts)
    # At least 10,000 lines, cut before the next top-level statement so it parses.
    lines = text.split("\n")
    cut = min_lines
    while cut < len(lines) and (not lines[cut].strip() or lines[cut].startswith((" ", "\t", ")", "]", "}", "#"))):
        cut += 1
    return "\n".join(lines[:cut]) + "\n"


def dense_file(functions: int = 500) -> str:
    """Generated code: `functions` handlers of 20 lines, each reading
    decoded JSON, indexing, dividing, parsing and calling the network, so
    every function has more hazards than are diagnosed per function."""
    parts = ["import datetime\nimport json\n\nimport requests\n\n\n"]
    for n in range(functions):
        parts.append(
            f"def handler_{n}(event, items, rates):\n"
            f"    body = json.loads(event[\"body\"])\n"
            f"    user = body[\"user\"]\n"
            f"    first = items[0]\n"
            f"    rate = rates[body[\"currency\"]]\n"
            f"    count = int(body[\"count\"])\n"
            f"    share = body[\"total\"] / count\n"
            f"    name = user[\"name\"].split(\" \")[1]\n"
            f"    reply = requests.get(body[\"url\"])\n"
            f"    data = reply.json()[\"data\"]\n"
            f"    when = datetime.datetime.strptime(body[\"date\"], \"%Y-%m-%d\")\n"
            f"    price = first[\"price\"] / len(items)\n"
            f"    tax = price * rate / data[\"tax\"]\n"
            f"    code = name[0] + str(when.year)\n"
            f"    limit = int(event[\"headers\"][\"x-limit\"]) // count\n"
            f"    if share > limit + {n}:\n"
            f"        return None\n"
            f"    return {{\"share\": share, \"tax\": tax, \"code\": code}}\n"
            f"\n\n"
        )
    return "".join(parts)


def edit_points(text: str):
    """(line, indent, parameter) of each function's first statement, for
    functions with a parameter other than self/cls."""
    import ast

    points = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant):
                if len(node.body) < 2:
                    continue
                first = node.body[1]
            if params and first.lineno > node.lineno:
                points.append((first.lineno - 1, first.col_offset, params[0]))
    points.sort()
    return points


class Server:
    def __init__(self, command, root: pathlib.Path, env=None):
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(os.environ["BENCH_STDERR"], "ab") if os.environ.get("BENCH_STDERR") else subprocess.DEVNULL,
            cwd=root,
            env=env,
        )
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.next_id = 1
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = stream.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def request(self, method: str, params) -> dict:
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            _, message = self.messages.get(timeout=60)
            if message.get("id") == rid and "method" not in message:
                return message
            self.answer(message)

    def notify(self, method: str, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def answer(self, message: dict):
        # Server-to-client requests (configuration, progress, registration).
        if "id" in message and "method" in message:
            result = None
            if message["method"] == "workspace/configuration":
                result = [None for _ in message["params"]["items"]]
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def diagnostics(self, uri: str, version: int, timeout: float = 60) -> float:
        """Time at which diagnostics for `version` of `uri` arrived."""
        deadline = time.perf_counter() + timeout
        while True:
            at, message = self.messages.get(timeout=max(0.01, deadline - time.perf_counter()))
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version", version) == version:
                    return at
            else:
                self.answer(message)

    def close(self):
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def run(name, command, root: pathlib.Path, text: str, edits: int, env=None):
    server = Server(command, root, env)
    server.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": "bench"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "textDocument": {"publishDiagnostics": {"versionSupport": True}},
            },
        },
    )
    server.notify("initialized", {})
    path = root / "handlers.py"
    uri = path.as_uri()
    start = time.perf_counter()
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    first = server.diagnostics(uri, 1) - start
    points = edit_points(text)
    inserted = set()
    samples = []
    version = 1
    for n in range(edits):
        point = (n * 37) % len(points)
        line0, indent, param = points[point]
        # Lines move as lines are added above: count the insertions before.
        line = line0 + sum(1 for p in inserted if p < point)
        version += 1
        if point in inserted:
            change = {
                "range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}},
                "text": "",
            }
            inserted.discard(point)
        else:
            change = {
                "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                "text": " " * indent + f"ratio_bench = 1 / {param}\n",
            }
            inserted.add(point)
        sent = time.perf_counter()
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        samples.append((server.diagnostics(uri, version) - sent) * 1000)
        # Typing speed: a keystroke every 30 ms at most.
        time.sleep(0.03)
    server.close()
    return first * 1000, samples


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    repo = pathlib.Path(__file__).resolve().parents[1]
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--file", choices=["real", "dense", "both"], default="real")
    parser.add_argument("--failcast", default=str(repo / "target/release/failcast"))
    parser.add_argument("--ruff", default=shutil.which("ruff") or "ruff")
    args = parser.parse_args()
    if not pathlib.Path(args.failcast).exists():
        sys.exit(f"no failcast binary at {args.failcast} (cargo build --release -p failcast)")
    files = {"real": python_file, "dense": dense_file}
    names = ["real", "dense"] if args.file == "both" else [args.file]
    ratios = []
    for file in names:
        text = files[file]()
        results = {}
        with tempfile.TemporaryDirectory() as tmp:
            root = pathlib.Path(tmp)
            (root / "handlers.py").write_text(text)
            env = {**os.environ, "FAILCAST_MODEL_BACKEND": "off", "FAILCAST_LOG": os.environ.get("FAILCAST_LOG", "warn")}
            results["failcast"] = run("failcast", [args.failcast, "lsp"], root, text, args.edits, env)
            results["ruff server"] = run("ruff", [args.ruff, "server"], root, text, args.edits)
        kind = "real" if file == "real" else "generated hazard-dense"
        print(f"edit -> diagnostics on a {text.count(chr(10))}-line {kind} Python file, {args.edits} edits")
        print(f"{'server':<14}{'open (ms)':>11}{'p50 (ms)':>10}{'p90 (ms)':>10}{'p99 (ms)':>10}{'max (ms)':>10}")
        for name, (first, samples) in results.items():
            print(
                f"{name:<14}{first:>11.1f}{statistics.median(samples):>10.2f}"
                f"{percentile(samples, 90):>10.2f}{percentile(samples, 99):>10.2f}{max(samples):>10.2f}"
            )
        fc, rf = results["failcast"][1], results["ruff server"][1]
        print(
            f"ratio ruff/failcast: p50 {statistics.median(rf) / statistics.median(fc):.2f}x,"
            f" p90 {percentile(rf, 90) / percentile(fc, 90):.2f}x"
        )

if __name__ == "__main__":
    main()
