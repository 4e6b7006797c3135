"""Parity ledger: match each upstream cqlengine test to its ported twin and result.

Each upstream id ``tests/<rest>`` (listed in
``tests_cqlengine_ported/upstream_test_ids.txt``) has exactly one twin,
``tests_cqlengine_ported/<rest>``.  A twin is *ported* when pytest would
collect it from the ported files (decided statically, see
:mod:`tools.upstream_ids`) or when it appears in the JUnit XML; its result
comes from that XML (``pytest --junitxml``).  A twin that exists but has no
result is *not run*.  The ledger is written to ``tests_cqlengine_ported/PARITY.md``.

Usage::

    .venv/bin/python -m tools.parity --run            # run the ported suite, write the ledger
    .venv/bin/python -m tools.parity --junit out.xml  # use an existing run
    .venv/bin/python -m tools.parity --run --check    # also exit 1 unless full parity

``--check`` fails when any upstream test is missing a twin, or any twin
failed (an error or an xfail counts as a failure) or did not run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    from tools.upstream_ids import (
        Collector,
        DirSource,
        UnsupportedConstruct,
        is_test_file,
        read_id_file,
        source_commit,
    )
except ModuleNotFoundError:  # run as a script: python tools/parity.py
    from upstream_ids import (  # type: ignore[no-redef,import-not-found]
        Collector,
        DirSource,
        UnsupportedConstruct,
        is_test_file,
        read_id_file,
        source_commit,
    )

REPO_ROOT = Path(__file__).resolve().parent.parent
PORTED_DIR = "tests_cqlengine_ported"
UPSTREAM_PREFIX = "tests/"
DEFAULT_IDS = REPO_ROOT / PORTED_DIR / "upstream_test_ids.txt"
DEFAULT_OUTPUT = REPO_ROOT / PORTED_DIR / "PARITY.md"

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
NOT_RUN = "not run"
MISSING = "missing"
_SEVERITY = {PASSED: 0, SKIPPED: 1, FAILED: 2}


@dataclass(frozen=True)
class Outcome:
    """The result of one test in a JUnit report."""

    status: str
    detail: str = ""


@dataclass(frozen=True)
class JunitRun:
    """What a JUnit report says: outcomes by (classname, name), and run facts."""

    outcomes: dict[tuple[str, str], Outcome]
    collection_errors: dict[str, str]
    seconds: float | None = None
    timestamp: str = ""


@dataclass(frozen=True)
class Row:
    """One ledger row: an upstream test, its twin and the twin's result."""

    upstream: str
    twin: str
    ported: bool
    status: str
    detail: str = ""


@dataclass(frozen=True)
class Counts:
    """The ledger totals."""

    upstream: int
    ported: int
    passed: int
    failed: int
    skipped: int
    not_run: int
    missing: int

    @property
    def complete(self) -> bool:
        """True when every upstream test has a twin that ran and did not fail."""
        return not (self.missing or self.failed or self.not_run)


# -------------------------------------------------------------------- mapping


def twin_id(upstream_id: str) -> str:
    """Map ``tests/<rest>`` to ``tests_cqlengine_ported/<rest>``."""
    if not upstream_id.startswith(UPSTREAM_PREFIX):
        raise ValueError(f"not an upstream test id: {upstream_id!r}")
    return f"{PORTED_DIR}/{upstream_id[len(UPSTREAM_PREFIX) :]}"


def junit_key(nodeid: str) -> tuple[str, str]:
    """The (classname, name) pytest's junitxml plugin writes for ``nodeid``."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def module_key(nodeid: str) -> str:
    """The dotted module of ``nodeid`` as the junit classname of a collection error."""
    return re.sub(r"\.py$", "", nodeid.split("::")[0].replace("/", "."))


# ---------------------------------------------------------------------- junit


def _outcome(case: ET.Element) -> Outcome:
    """Classify one ``<testcase>`` element."""
    for tag in ("failure", "error"):
        child = case.find(tag)
        if child is not None:
            return Outcome(FAILED, f"{tag}: {child.get('message', '')}".strip())
    skipped = case.find("skipped")
    if skipped is not None:
        message = skipped.get("message", "")
        if skipped.get("type") == "pytest.xfail":
            return Outcome(FAILED, f"xfail: {message}".strip())
        return Outcome(SKIPPED, message)
    return Outcome(PASSED)


def _merge(old: Outcome | None, new: Outcome) -> Outcome:
    """Combine two reports of one test (e.g. a pass then a teardown error)."""
    if old is None:
        return new
    worst = max(old, new, key=lambda o: _SEVERITY[o.status])
    details = "; ".join(d for d in (old.detail, new.detail) if d)
    return Outcome(worst.status, details)


def _collection_error(case: ET.Element) -> str:
    """The last ``E   ...`` line of a collection error's traceback, if any."""
    child = case.find("error")
    text = child.text if child is not None and child.text else ""
    lines = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
    return f"error: {lines[-1]}" if lines else ""


def parse_junit(path: Path) -> JunitRun:
    """Read a pytest JUnit XML report."""
    root = ET.parse(path).getroot()
    outcomes: dict[tuple[str, str], Outcome] = {}
    errors: dict[str, str] = {}
    for case in root.iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        outcome = _outcome(case)
        if not classname and outcome.status == FAILED:
            errors[name] = _collection_error(case) or outcome.detail
            continue
        outcomes[(classname, name)] = _merge(outcomes.get((classname, name)), outcome)
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    seconds = float(suite.get("time", "0")) if suite is not None else None
    stamp = suite.get("timestamp", "") if suite is not None else ""
    return JunitRun(outcomes, errors, seconds, stamp)


# --------------------------------------------------------------- ported files


def ported_ids(root: Path, directory: str = PORTED_DIR) -> tuple[set[str], list[str]]:
    """Ids pytest would collect from the ported files, and per-file problems."""
    source = DirSource(root)
    collector = Collector(source, packages=(directory.split("/")[0], "tests"))
    ids: set[str] = set()
    problems: list[str] = []
    for path in source.list_files(directory):
        if not is_test_file(path):
            continue
        try:
            ids.update(collector.module_ids(path))
        except (UnsupportedConstruct, SyntaxError) as exc:
            problems.append(f"{path}: {exc}")
    return ids, problems


# ----------------------------------------------------------------------- rows


def build_rows(upstream: Iterable[str], in_files: set[str], run: JunitRun) -> list[Row]:
    """One row per upstream id, in the given order."""
    rows = []
    for up in upstream:
        twin = twin_id(up)
        outcome = run.outcomes.get(junit_key(twin))
        if outcome is not None:
            rows.append(Row(up, twin, True, outcome.status, outcome.detail))
        elif twin in in_files:
            error = run.collection_errors.get(module_key(twin), "")
            detail = f"collection {error}" if error else ""
            rows.append(Row(up, twin, True, NOT_RUN, detail))
        else:
            rows.append(Row(up, twin, False, MISSING))
    return rows


def extra_ids(upstream: Iterable[str], in_files: set[str], run: JunitRun) -> list[str]:
    """Ported tests (in files or in the report) that twin no upstream test."""
    twins = {twin_id(up) for up in upstream}
    twin_keys = {junit_key(t) for t in twins}
    extras = {t for t in in_files if t not in twins}
    file_keys = {junit_key(t) for t in in_files}
    for classname, name in run.outcomes:
        key = (classname, name)
        if classname.startswith(f"{PORTED_DIR}.") and key not in twin_keys | file_keys:
            extras.add(f"{classname}::{name}")
    return sorted(extras)


def count_rows(rows: Sequence[Row]) -> Counts:
    """Totals of a ledger."""
    statuses = [r.status for r in rows]
    return Counts(
        upstream=len(rows),
        ported=sum(r.ported for r in rows),
        passed=statuses.count(PASSED),
        failed=statuses.count(FAILED),
        skipped=statuses.count(SKIPPED),
        not_run=statuses.count(NOT_RUN),
        missing=statuses.count(MISSING),
    )


# ------------------------------------------------------------------- markdown


def _cell(text: str) -> str:
    """Make ``text`` safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _result(row: Row) -> str:
    return f"{row.status}: {_cell(row.detail)}" if row.detail else row.status


def _counts_table(counts: Counts) -> list[str]:
    return [
        "| upstream | ported | passed | failed | skipped | not run | missing |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {counts.upstream} | {counts.ported} | {counts.passed} | {counts.failed} "
        f"| {counts.skipped} | {counts.not_run} | {counts.missing} |",
    ]


def _file_table(rows: Sequence[Row]) -> list[str]:
    by_file: dict[str, list[Row]] = {}
    for row in rows:
        by_file.setdefault(row.upstream.split("::")[0], []).append(row)
    lines = [
        "| upstream file | tests | ported | passed | failed | skipped | not run | missing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for path, group in by_file.items():
        c = count_rows(group)
        lines.append(
            f"| `{path}` | {c.upstream} | {c.ported} | {c.passed} | {c.failed} "
            f"| {c.skipped} | {c.not_run} | {c.missing} |"
        )
    return lines


def _run_facts(source: str, run: JunitRun, meta: dict[str, str]) -> list[str]:
    commit = source_commit(meta) or "unknown"
    facts = [
        f"- Upstream: `github:scylladb/python-driver` @ `{commit}`, "
        "`tests/unit/cqlengine` and `tests/integration/cqlengine`.",
        f"- Results: {source}.",
    ]
    if run.seconds is not None:
        facts.append(f"- Run: {run.timestamp or 'unknown time'}, {run.seconds:.1f} s (JUnit).")
    return facts


def render_markdown(
    rows: Sequence[Row],
    extras: Sequence[str],
    problems: Sequence[str],
    run: JunitRun,
    source: str,
    meta: dict[str, str],
) -> str:
    """The text of PARITY.md."""
    counts = count_rows(rows)
    lines = [
        "# cqlengine test-suite parity",
        "",
        "Generated by `tools/parity.py`; do not edit by hand. Each upstream test "
        "`tests/<path>::<name>` has one twin `tests_cqlengine_ported/<path>::<name>`.",
        "",
        *_run_facts(source, run, meta),
        f"- Full parity: {'yes' if counts.complete else 'no'}.",
        "",
        *_counts_table(counts),
        "",
        "## Per file",
        "",
        *_file_table(rows),
        "",
    ]
    if problems:
        lines += ["## Files the ledger could not read", ""]
        lines += [*(f"- {_cell(p)}" for p in problems), ""]
    if extras:
        lines += ["## Ported tests with no upstream twin", "", *[f"- `{e}`" for e in extras], ""]
    lines += ["## Tests", "", "| upstream test | ported | result |", "|---|---|---|"]
    for row in rows:
        ported = "yes" if row.ported else "no"
        lines.append(f"| `{_cell(row.upstream)}` | {ported} | {_result(row)} |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------ run


def pytest_command(root: Path, junit: Path, extra: Sequence[str] = ()) -> list[str]:
    """The command ``--run`` uses to run the ported suite."""
    venv_python = root / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable
    return [
        python,
        "-m",
        "pytest",
        PORTED_DIR,
        f"--junitxml={junit}",
        "--continue-on-collection-errors",
        "-p",
        "no:cacheprovider",
        "-q",
        *extra,
    ]


def run_pytest(root: Path, junit: Path, extra: Sequence[str] = ()) -> int:
    """Run the ported suite, writing ``junit``; return pytest's exit code."""
    command = pytest_command(root, junit, extra)
    print("running:", " ".join(command), flush=True)
    return subprocess.run(command, cwd=root, check=False).returncode


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--junit", type=Path, help="read results from this pytest JUnit XML")
    mode.add_argument("--run", action="store_true", help="run pytest on tests_cqlengine_ported")
    parser.add_argument("--check", action="store_true", help="exit 1 unless full parity")
    parser.add_argument("--ids", type=Path, default=DEFAULT_IDS, help="upstream id list")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="ledger to write")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root")
    parser.add_argument(
        "--pytest-arg", action="append", default=[], help="extra argument for --run (repeatable)"
    )
    return parser.parse_args(argv)


def _load_run(args: argparse.Namespace) -> tuple[JunitRun, str]:
    """Results and a description of where they came from."""
    if args.junit is not None:
        return parse_junit(args.junit), f"JUnit XML `{args.junit}`"
    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        junit = Path(tmp) / "junit.xml"
        code = run_pytest(args.root, junit, args.pytest_arg)
        if not junit.exists():
            raise SystemExit(f"pytest exited {code} without writing {junit}")
        extra = " ".join(args.pytest_arg)
        command = f".venv/bin/python -m pytest {PORTED_DIR} {extra}".strip()
        return parse_junit(junit), f"`{command}` (exit code {code})"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the ledger; with ``--check``, exit 1 unless parity is complete."""
    args = _parse_args(argv)
    upstream, meta = read_id_file(args.ids)
    run, source = _load_run(args)
    in_files, problems = ported_ids(args.root)
    rows = build_rows(upstream, in_files, run)
    extras = extra_ids(upstream, in_files, run)
    args.output.write_text(render_markdown(rows, extras, problems, run, source, meta), "utf-8")
    c = count_rows(rows)
    print(
        f"upstream {c.upstream}, ported {c.ported}, passed {c.passed}, failed {c.failed}, "
        f"skipped {c.skipped}, not run {c.not_run}, missing {c.missing} -> {args.output}"
    )
    return 1 if args.check and not c.complete else 0


if __name__ == "__main__":
    sys.exit(main())
