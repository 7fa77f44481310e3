#!/usr/bin/env python3
"""Lays out the real-bug benchmark's cases from the registries' releases.

Each case (benchmark/cases/<language>/<id>.toml, see benchmark/README.md)
names the release that shipped a bug and the one that fixed it. This script
downloads both with the registry's own client, checks each file's sha256 and
writes target/realbugs/<id>/before/<file name> and after/<file name> plus
case.json, which `failcast eval` reads. Packages are cached under ~/.cache/failcast/realbugs,
so a second run downloads nothing.

    scripts/realbugs.py fetch [--id ID] [--language L] [--split dev|test] [--limit N] [--quiet]
    scripts/realbugs.py list          # counts per language, class and split
    scripts/realbugs.py split         # which split each repository is in
    scripts/realbugs.py noise         # lays out benchmark/noise.toml under target/noise
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "benchmark" / "cases"
OUT = ROOT / "target" / "realbugs"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "failcast" / "realbugs"

LANGUAGES = {"python", "javascript", "typescript", "go", "java", "rust"}
CLASSES = {
    "index_out_of_range", "null_or_none", "key_missing", "division_by_zero",
    "parse_error", "type_error", "timeout", "network_error", "race_condition",
    "overflow", "encoding", "timezone_dst", "resource_exhaustion", "assertion", "other",
}
REQUIRED = ["id", "language", "repository", "commit", "license", "function", "class",
            "error", "trigger", "evidence", "before", "after"]


class CaseError(Exception):
    pass


def split_of(repository: str) -> str:
    """The split a repository's cases belong to, fixed once for all: even
    first byte of sha256(repository) is `test`."""
    return "test" if hashlib.sha256(repository.encode()).digest()[0] % 2 == 0 else "dev"


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES.glob("*/*.toml")):
        with path.open("rb") as f:
            case = tomllib.load(f)
        case["_path"] = path
        cases.append(case)
    return cases


def validate(case: dict) -> None:
    missing = [k for k in REQUIRED if k not in case]
    if missing:
        raise CaseError(f"missing fields: {', '.join(missing)}")
    if case["language"] not in LANGUAGES:
        raise CaseError(f"unknown language {case['language']!r}")
    if case["_path"].parent.name != case["language"]:
        raise CaseError(f"in {case['_path'].parent.name}/ but language is {case['language']}")
    if case["_path"].stem != case["id"]:
        raise CaseError(f"file name {case['_path'].stem} differs from id {case['id']}")
    if case["class"] not in CLASSES:
        raise CaseError(f"unknown class {case['class']!r}")
    for side in ("before", "after"):
        spec = case[side]
        for key in ("source", "file", "sha256", "line"):
            if key not in spec:
                raise CaseError(f"[{side}] lacks {key}")
        if not isinstance(spec["line"], int) or spec["line"] < 1:
            raise CaseError(f"[{side}].line must be a positive integer")


# --- registries -------------------------------------------------------------

def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> None:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise CaseError(f"`{' '.join(cmd)}` failed: {' / '.join(tail)}")


def unpack(archive: Path, dest: Path, strip_top: bool) -> None:
    """Unpacks a zip or tarball; with `strip_top`, drops a single top folder."""
    tmp = Path(tempfile.mkdtemp(dir=dest.parent))
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(tmp)
    else:
        with tarfile.open(archive) as t:
            t.extractall(tmp, filter="data")
    entries = list(tmp.iterdir())
    top = entries[0] if strip_top and len(entries) == 1 and entries[0].is_dir() else tmp
    shutil.move(str(top), str(dest))
    shutil.rmtree(tmp, ignore_errors=True)


def fetch_pypi(spec: str, dest: Path) -> None:
    dl = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        base = [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                "--disable-pip-version-check", "-d", str(dl)]
        try:
            run(base + ["--only-binary=:all:", "--platform", "any", "--python-version", "3.11",
                        "--implementation", "py", spec])
        except CaseError:
            # An sdist's metadata is read with the build tools at hand,
            # which need `wheel` (old setup.py files import it).
            if subprocess.run([sys.executable, "-c", "import wheel"], capture_output=True).returncode:
                run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "wheel"])
            run(base + ["--no-binary=:all:", "--no-build-isolation", spec])
        (archive,) = list(dl.iterdir())
        unpack(archive, dest, strip_top=not archive.name.endswith(".whl"))
    finally:
        shutil.rmtree(dl, ignore_errors=True)


def fetch_npm(spec: str, dest: Path) -> None:
    dl = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        run(["npm", "pack", "--silent", "--pack-destination", str(dl), spec], cwd=dl)
        (archive,) = list(dl.glob("*.tgz"))
        unpack(archive, dest, strip_top=True)
    finally:
        shutil.rmtree(dl, ignore_errors=True)


def fetch_crate(spec: str, dest: Path) -> None:
    name, version = spec.split("@", 1)
    project = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        (project / "src").mkdir()
        (project / "src" / "lib.rs").write_text("")
        (project / "Cargo.toml").write_text(
            '[package]\nname = "realbugs-probe"\nversion = "0.0.0"\nedition = "2021"\n\n'
            f'[dependencies]\n{name} = "={version}"\n\n[workspace]\n')
        run(["cargo", "fetch", "--quiet"], cwd=project)
        cargo_home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
        found = sorted(cargo_home.glob(f"registry/src/*/{name}-{version}"))
        if not found:
            raise CaseError(f"cargo fetch left no {name}-{version} in the registry cache")
        shutil.copytree(found[0], dest)
    finally:
        shutil.rmtree(project, ignore_errors=True)


def apt_config() -> list[str]:
    """apt options for a private list of bookworm, bookworm-backports and
    trixie (binary and source), built from the mirror the machine already
    uses, so the system's own apt configuration is left alone."""
    home = CACHE / "apt"
    sources = home / "sources.list"
    lists = home / "lists"
    options = ["-o", f"Dir::Etc::SourceList={sources}", "-o", "Dir::Etc::SourceParts=/dev/null",
               "-o", f"Dir::State::Lists={lists}", "-o", f"Dir::Cache={home / 'cache'}"]
    if (lists / ".updated").exists():
        return options
    mirror = system_debian_mirror()
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    lines = [f"{kind} [signed-by={keyring}] {mirror} {suite} main"
             for kind in ("deb", "deb-src") for suite in ("bookworm", "bookworm-backports", "trixie")]
    (lists / "partial").mkdir(parents=True, exist_ok=True)
    (home / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    sources.write_text("\n".join(lines) + "\n")
    run(["apt-get", "-q", *options, "update"])
    (lists / ".updated").touch()
    return options


def system_debian_mirror() -> str:
    for path in [Path("/etc/apt/sources.list"), *Path("/etc/apt/sources.list.d").glob("*")]:
        if not path.is_file():
            continue
        for line in path.read_text(errors="replace").splitlines():
            words = line.split()
            if line.startswith("URIs:") and len(words) > 1 and words[1].rstrip("/").endswith("/debian"):
                return words[1]
            if words[:1] == ["deb"]:
                uri = next((w for w in words[1:] if "://" in w), "")
                if uri.rstrip("/").endswith("/debian"):
                    return uri
    raise CaseError("no Debian mirror configured in /etc/apt")


def fetch_debian(spec: str, dest: Path) -> None:
    options = apt_config()
    dl = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        run(["apt-get", "-q", *options, "download", spec], cwd=dl)
        (deb,) = list(dl.glob("*.deb"))
        run(["dpkg-deb", "-x", str(deb), str(dest)])
    finally:
        shutil.rmtree(dl, ignore_errors=True)


def fetch_debian_src(spec: str, dest: Path) -> None:
    options = apt_config()
    dl = Path(tempfile.mkdtemp(dir=dest.parent))
    try:
        run(["apt-get", "-q", *options, "source", "--download-only", spec], cwd=dl)
        (dsc,) = list(dl.glob("*.dsc"))
        run(["dpkg-source", "--no-check", "-x", str(dsc), str(dest)], cwd=dl)
    finally:
        shutil.rmtree(dl, ignore_errors=True)


FETCHERS = {
    "pypi": fetch_pypi,
    "npm": fetch_npm,
    "crates": fetch_crate,
    "debian": fetch_debian,
    "debian-src": fetch_debian_src,
}


def package_tree(source: str) -> Path:
    kind, _, spec = source.partition(":")
    if kind not in FETCHERS or not spec:
        raise CaseError(f"unknown source {source!r}")
    safe = spec.replace("/", "_").replace("=", "_").replace("@", "_")
    dest = CACHE / kind / safe
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        FETCHERS[kind](spec, dest)
    return dest


def read_side(case: dict, side: str) -> bytes:
    spec = case[side]
    tree = package_tree(spec["source"])
    path = tree / spec["file"]
    if not path.is_file():
        raise CaseError(f"[{side}] {spec['source']} has no file {spec['file']}")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec["sha256"]:
        raise CaseError(f"[{side}] sha256 of {spec['file']} is {digest}, case says {spec['sha256']}")
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if spec["line"] > lines:
        raise CaseError(f"[{side}].line {spec['line']} is past the file's {lines} lines")
    return data


def excerpt(data: bytes, line: int) -> str:
    lines = data.decode("utf-8", errors="replace").splitlines()
    out = []
    for n in range(max(1, line - 2), min(len(lines), line + 2) + 1):
        mark = ">" if n == line else " "
        out.append(f"  {mark}{n:5} | {lines[n - 1]}")
    return "\n".join(out)


# Source files of one language family, for the callers laid out beside a case.
FAMILIES = {
    "python": (".py",),
    "javascript": (".js", ".mjs", ".cjs", ".ts", ".tsx"),
    "typescript": (".ts", ".tsx", ".js", ".mjs", ".cjs"),
    "go": (".go",),
    "java": (".java",),
    "rust": (".rs",),
}
MAX_CALLERS = 25
MAX_CALLER_BYTES = 512 * 1024


def callers_in_release(case: dict, side: str) -> list[tuple[str, bytes]]:
    """The other files of the release that call the case's function by
    name (its last segment followed by `(`), test files aside: what a
    workspace around the file would hold. At most MAX_CALLERS, by path.
    The release is the one whose failing file's sha256 was just checked,
    and registry releases do not change, so the files are not listed in
    the case."""
    spec = case[side]
    tree = package_tree(spec["source"])
    name = re.split(r"\.|::", case["function"])[-1]
    call = re.compile(rb"(?<![A-Za-z0-9_$])" + re.escape(name.encode()) + rb"\s*\(")
    suffixes = FAMILIES.get(case["language"], ())
    found = []
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree).as_posix()
        if (relative == spec["file"] or path.suffix not in suffixes or not path.is_file()
                or path.stat().st_size > MAX_CALLER_BYTES
                or re.search(r"(^|/)(tests?|__tests__|testdata|spec)/|(^|/)test_|_test\.|\.(test|spec)\.", relative)):
            continue
        data = path.read_bytes()
        if call.search(data):
            found.append((relative, data))
            if len(found) == MAX_CALLERS:
                break
    return found


def lay_out(case: dict, quiet: bool, out: Path, callers: bool = False) -> None:
    dest = out / case["id"]
    if dest.exists():
        shutil.rmtree(dest)
    meta = {k: v for k, v in case.items() if not k.startswith("_")}
    meta["split"] = split_of(case["repository"])
    for side in ("before", "after"):
        data = read_side(case, side)
        # The file keeps its own name: languages are told by extension, and
        # test-file and generated-file rules look at the name.
        name = f"{side}/{Path(case[side]['file']).name}"
        (dest / side).mkdir(parents=True)
        (dest / name).write_bytes(data)
        meta[side] = dict(case[side], path=name)
        if callers:
            # Beside the file, under callers/: the call index of `eval`
            # reads the whole side's folder, only the file is analysed.
            laid = []
            for relative, data in callers_in_release(case, side):
                target = dest / side / "callers" / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                laid.append(relative)
            meta[side]["callers"] = laid
        if not quiet:
            print(f"  {side}: {case[side]['source']} {case[side]['file']}")
            print(excerpt(data, case[side]["line"]))
    (dest / "case.json").write_text(json.dumps(meta, indent=2) + "\n")


def selected(args) -> list[dict]:
    cases = load_cases()
    if args.id:
        ids = set(args.id.split(","))
        cases = [c for c in cases if c.get("id") in ids]
    if args.language:
        cases = [c for c in cases if c.get("language") == args.language]
    if args.split:
        cases = [c for c in cases if split_of(c.get("repository", "")) == args.split]
    if args.limit:
        cases = cases[: args.limit]
    return cases


def cmd_fetch(args) -> int:
    cases = selected(args)
    out = Path(args.out).resolve() if args.out else OUT
    failed = 0
    for case in cases:
        label = case.get("id", case["_path"].name)
        try:
            validate(case)
            if not args.quiet:
                print(f"{label} [{case['class']}, {split_of(case['repository'])}]")
            lay_out(case, args.quiet, out, callers=getattr(args, "callers", False))
        except (CaseError, OSError, ValueError) as e:
            failed += 1
            print(f"REJECTED {label}: {e}", file=sys.stderr)
    if not (args.id or args.language or args.split or args.limit) and out.exists():
        # A full run leaves only the cases that exist now.
        known = {c.get("id") for c in cases}
        for stale in out.iterdir():
            if stale.is_dir() and stale.name not in known:
                shutil.rmtree(stale)
    print(f"realbugs: {len(cases) - failed} cases laid out in {out}, {failed} rejected",
          file=sys.stderr)
    return 1 if failed else 0


NOISE = ROOT / "benchmark" / "noise.toml"
NOISE_OUT = ROOT / "target" / "noise"


def cmd_noise(args) -> int:
    """Lays out the clean-code corpora: each entry's folders, copied from
    its registry release (through a zip inside the package for a JDK)."""
    with NOISE.open("rb") as f:
        corpora = tomllib.load(f)["corpus"]
    failed = 0
    for corpus in corpora:
        dest = NOISE_OUT / corpus["name"]
        try:
            tree = package_tree(corpus["source"])
            if "archive" in corpus:
                unzipped = tree.parent / (tree.name + ".unzipped")
                if not unzipped.exists():
                    with zipfile.ZipFile(tree / corpus["archive"]) as z:
                        wanted = [n for n in z.namelist()
                                  if any(n == d or n.startswith(d.rstrip("/") + "/") for d in corpus["dirs"])]
                        z.extractall(unzipped, members=wanted)
                tree = unzipped
            if dest.exists():
                shutil.rmtree(dest)
            for d in corpus["dirs"]:
                src = tree / d
                if src.is_dir():
                    shutil.copytree(src, dest / d)
                elif src.is_file():
                    (dest / d).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dest / d)
                else:
                    raise CaseError(f"{corpus['source']} has no {d}")
            print(f"{corpus['name']}: laid out in {dest.relative_to(ROOT)}", file=sys.stderr)
        except (CaseError, OSError, KeyError, zipfile.BadZipFile) as e:
            failed += 1
            print(f"REJECTED {corpus.get('name')}: {e}", file=sys.stderr)
    return 1 if failed else 0


def cmd_list(args) -> int:
    cases = selected(args)
    for key in ("language", "class"):
        counts = Counter(c.get(key, "?") for c in cases)
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    splits = Counter(split_of(c.get("repository", "")) for c in cases)
    print("split: " + ", ".join(f"{k} {v}" for k, v in sorted(splits.items())))
    print(f"total: {len(cases)}")
    return 0


def cmd_split(args) -> int:
    for repo in sorted({c.get("repository", "") for c in selected(args)}):
        print(f"{split_of(repo):4}  {repo}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("fetch", "list", "split", "noise"):
        p = sub.add_parser(name)
        p.add_argument("--id", help="one case, or several separated by commas")
        p.add_argument("--out", help="where to lay the cases out (default: target/realbugs)")
        p.add_argument("--language")
        p.add_argument("--split", choices=["dev", "test"])
        p.add_argument("--limit", type=int)
        p.add_argument("--quiet", action="store_true")
        if name == "fetch":
            p.add_argument("--callers", action="store_true",
                           help="also lay out the release's other files that call the case's function")
    args = parser.parse_args()
    commands = {"fetch": cmd_fetch, "list": cmd_list, "split": cmd_split, "noise": cmd_noise}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
