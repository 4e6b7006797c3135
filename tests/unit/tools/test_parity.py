"""Tests for the parity ledger (tools/parity.py) and the checked-in upstream id list."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
parity = importlib.import_module("tools.parity")
upstream_ids = importlib.import_module("tools.upstream_ids")

ID_LIST = REPO_ROOT / "tests_cqlengine_ported" / "upstream_test_ids.txt"
UP = "tests/unit/cqlengine"
PORTED = "tests_cqlengine_ported.unit.cqlengine"
COMMIT = "0123456789abcdef0123456789abcdef01234567"

UPSTREAM = [
    f"{UP}/test_a.py::TestA::test_pass",
    f"{UP}/test_a.py::TestA::test_fail",
    f"{UP}/test_a.py::TestA::test_skip",
    f"{UP}/test_a.py::TestA::test_not_run",
    f"{UP}/test_a.py::TestA::test_xfail",
    f"{UP}/test_a.py::test_module_func",
    f"{UP}/test_b.py::TestB::test_missing",
    f"{UP}/test_c.py::TestC::test_broken",
]

PORTED_A = """\
    import unittest


    class TestA(unittest.TestCase):
        def test_pass(self): ...
        def test_fail(self): ...
        def test_skip(self): ...
        def test_not_run(self): ...
        def test_xfail(self): ...
        def test_extra(self): ...


    def test_module_func(): ...
"""

PORTED_C = """\
    import unittest

    import does_not_exist


    class TestC(unittest.TestCase):
        def test_broken(self): ...
"""

COLLECTION_TRACEBACK = """\
ImportError while importing test module.
E   ModuleNotFoundError: No module named 'does_not_exist'"""


def write_junit(path: Path, cases: list[tuple[str, str, str]]) -> Path:
    """Write a pytest-style JUnit XML with (classname, name, inner xml) cases."""
    body = "".join(
        f"<testcase classname={quoteattr(c)} name={quoteattr(n)} time='0.01'>{inner}</testcase>"
        for c, n, inner in cases
    )
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?><testsuites>"
        "<testsuite name='pytest' time='1.250' timestamp='2026-01-01T00:00:00'>"
        f"{body}</testsuite></testsuites>",
        encoding="utf-8",
    )
    return path


def write_ids(path: Path, ids: list[str]) -> Path:
    """Write an id list in the checked-in format."""
    path.write_text(upstream_ids.render_id_file(ids, COMMIT), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A tiny repository: an id list and two ported files (one unimportable)."""
    ported = tmp_path / "tests_cqlengine_ported" / "unit" / "cqlengine"
    ported.mkdir(parents=True)
    (ported / "test_a.py").write_text(textwrap.dedent(PORTED_A), encoding="utf-8")
    (ported / "test_c.py").write_text(textwrap.dedent(PORTED_C), encoding="utf-8")
    write_ids(tmp_path / "tests_cqlengine_ported" / "upstream_test_ids.txt", UPSTREAM)
    return tmp_path


@pytest.fixture
def junit(tmp_path: Path) -> Path:
    """A report with every kind of outcome, a collection error and an extra test."""
    cls = f"{PORTED}.test_a.TestA"
    return write_junit(
        tmp_path / "junit.xml",
        [
            (
                "",
                f"{PORTED}.test_c",
                f"<error message='collection failure'>{COLLECTION_TRACEBACK}</error>",
            ),
            (cls, "test_pass", ""),
            (cls, "test_fail", "<failure message='assert 0'>trace</failure>"),
            (cls, "test_skip", "<skipped type='pytest.skip' message='needs 2 | nodes'>x</skipped>"),
            (cls, "test_xfail", "<skipped type='pytest.xfail' message='bug 12'/>"),
            (cls, "test_extra", ""),
            (f"{PORTED}.test_a", "test_module_func", ""),
        ],
    )


EXPECTED_ROWS = [
    ("test_a.py::TestA::test_pass", True, "passed", ""),
    ("test_a.py::TestA::test_fail", True, "failed", "failure: assert 0"),
    ("test_a.py::TestA::test_skip", True, "skipped", "needs 2 | nodes"),
    ("test_a.py::TestA::test_not_run", True, "not run", ""),
    ("test_a.py::TestA::test_xfail", True, "failed", "xfail: bug 12"),
    ("test_a.py::test_module_func", True, "passed", ""),
    ("test_b.py::TestB::test_missing", False, "missing", ""),
    (
        "test_c.py::TestC::test_broken",
        True,
        "not run",
        "collection error: ModuleNotFoundError: No module named 'does_not_exist'",
    ),
]


def _rows(repo: Path, junit: Path) -> list[object]:
    in_files, problems = parity.ported_ids(repo)
    assert problems == []
    return list(parity.build_rows(UPSTREAM, in_files, parity.parse_junit(junit)))


def test_twin_id_maps_the_tests_prefix() -> None:
    upstream = "tests/integration/cqlengine/query/test_queryset.py::TestQuerySetOperation::test_x"
    expected = (
        "tests_cqlengine_ported/integration/cqlengine/query/test_queryset.py"
        "::TestQuerySetOperation::test_x"
    )
    assert parity.twin_id(upstream) == expected
    with pytest.raises(ValueError):
        parity.twin_id("other/test_x.py::test_y")


@pytest.mark.parametrize(
    ("nodeid", "key"),
    [
        ("a/b/test_m.py::C::test_x", ("a.b.test_m.C", "test_x")),
        ("a/b/test_m.py::test_f", ("a.b.test_m", "test_f")),
        ("a/test_m.py::C::test_p[1-a.b/c]", ("a.test_m.C", "test_p[1-a.b/c]")),
    ],
)
def test_junit_key_mirrors_pytest(nodeid: str, key: tuple[str, str]) -> None:
    assert parity.junit_key(nodeid) == key


def test_rows_cover_every_outcome(repo: Path, junit: Path) -> None:
    rows = _rows(repo, junit)
    got = [(r.upstream, r.ported, r.status, r.detail) for r in rows]
    assert got == [(f"{UP}/{u}", p, s, d) for u, p, s, d in EXPECTED_ROWS]
    assert rows[0].twin == f"tests_cqlengine_ported/unit/cqlengine/{EXPECTED_ROWS[0][0]}"


def test_counts(repo: Path, junit: Path) -> None:
    counts = parity.count_rows(_rows(repo, junit))
    assert counts == parity.Counts(
        upstream=8, ported=7, passed=2, failed=2, skipped=1, not_run=2, missing=1
    )
    assert not counts.complete


def test_extra_ids_lists_tests_without_upstream_twin(repo: Path, junit: Path) -> None:
    in_files, _ = parity.ported_ids(repo)
    extras = parity.extra_ids(UPSTREAM, in_files, parity.parse_junit(junit))
    assert extras == ["tests_cqlengine_ported/unit/cqlengine/test_a.py::TestA::test_extra"]


def test_duplicate_reports_keep_the_worst_outcome(tmp_path: Path) -> None:
    cls = f"{PORTED}.test_a.TestA"
    path = write_junit(
        tmp_path / "dup.xml",
        [(cls, "test_x", ""), (cls, "test_x", "<error message='teardown boom'>t</error>")],
    )
    outcomes = parity.parse_junit(path).outcomes
    assert outcomes == {(cls, "test_x"): parity.Outcome("failed", "error: teardown boom")}


def test_main_writes_the_ledger_and_check_fails(repo: Path, junit: Path) -> None:
    out = repo / "PARITY.md"
    base = ["--junit", str(junit), "--root", str(repo), "--output", str(out)]
    ids = ["--ids", str(repo / "tests_cqlengine_ported" / "upstream_test_ids.txt")]
    assert parity.main([*base, *ids]) == 0
    assert parity.main([*base, *ids, "--check"]) == 1
    text = out.read_text(encoding="utf-8")
    assert "| 8 | 7 | 2 | 2 | 1 | 2 | 1 |" in text
    assert f"@ `{COMMIT}`" in text
    assert f"| `{UP}/test_a.py::TestA::test_skip` | yes | skipped: needs 2 \\| nodes |" in text
    assert f"| `{UP}/test_b.py::TestB::test_missing` | no | missing |" in text
    assert "- `tests_cqlengine_ported/unit/cqlengine/test_a.py::TestA::test_extra`" in text
    assert "1.2 s (JUnit)" in text


def test_check_passes_on_full_parity(repo: Path, tmp_path: Path) -> None:
    ids = write_ids(tmp_path / "ids.txt", UPSTREAM[:1] + UPSTREAM[2:3])
    cls = f"{PORTED}.test_a.TestA"
    report = write_junit(
        tmp_path / "ok.xml",
        [(cls, "test_pass", ""), (cls, "test_skip", "<skipped message='no dc2'/>")],
    )
    args = ["--junit", str(report), "--root", str(repo), "--ids", str(ids), "--check"]
    assert parity.main([*args, "--output", str(tmp_path / "P.md")]) == 0


def test_run_invokes_pytest_on_the_ported_tree(tmp_path: Path) -> None:
    ported = tmp_path / "tests_cqlengine_ported" / "unit" / "cqlengine"
    ported.mkdir(parents=True)
    (ported / "test_a.py").write_text(
        "import pytest\n\ndef test_pass():\n    pass\n\n"
        "def test_skip():\n    pytest.skip('only on scylla')\n",
        encoding="utf-8",
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    ids = write_ids(
        tmp_path / "ids.txt", [f"{UP}/test_a.py::test_pass", f"{UP}/test_a.py::test_skip"]
    )
    out = tmp_path / "PARITY.md"
    args = ["--run", "--root", str(tmp_path), "--ids", str(ids), "--output", str(out), "--check"]
    assert parity.main([*args, "--pytest-arg=-rN"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| 2 | 2 | 1 | 0 | 1 | 0 | 0 |" in text
    assert "skipped: only on scylla" in text


# ------------------------------------------------------------ the checked-in list


def test_checked_in_id_list_is_sorted_unique_and_counted() -> None:
    ids, meta = upstream_ids.read_id_file(ID_LIST)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert ids == sorted(ids)
    assert meta["count"].split()[0] == str(len(ids))
    assert all(i.startswith(("tests/unit/cqlengine/", "tests/integration/cqlengine/")) for i in ids)
    assert upstream_ids.source_commit(meta)


def _mirror_has(commit: str) -> bool:
    if not (upstream_ids.DEFAULT_GIT_DIR / "HEAD").exists():
        return False
    probe = ["git", "--git-dir", str(upstream_ids.DEFAULT_GIT_DIR), "cat-file", "-e", commit]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def test_checked_in_id_list_matches_upstream_source() -> None:
    _, meta = upstream_ids.read_id_file(ID_LIST)
    commit = upstream_ids.source_commit(meta)
    assert commit
    if not _mirror_has(commit):
        pytest.skip(f"upstream mirror {upstream_ids.DEFAULT_GIT_DIR} lacks commit {commit}")
    source = upstream_ids.GitSource(upstream_ids.DEFAULT_GIT_DIR, commit)
    expected = upstream_ids.render_id_file(upstream_ids.collect_ids(source), commit)
    assert ID_LIST.read_text(encoding="utf-8") == expected
