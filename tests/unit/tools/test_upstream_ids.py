"""Tests for tools/upstream_ids.py: the static collector must agree with pytest."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
upstream_ids = importlib.import_module("tools.upstream_ids")

HELPERS = """\
    import unittest


    class Base(unittest.TestCase):
        def helper(self): ...


    class Shared(Base):
        def test_shared(self): ...
        def test_overridden(self): ...


    class NotATest:
        __test__ = False

        def test_nope(self): ...
"""

TEST_ONE = """\
    import unittest

    import pytest

    from tests import helpers
    from tests.helpers import Base, NotATest, Shared

    from .mixins import Mixin


    class Derived(Mixin, helpers.Shared):
        test_overridden = None


    Alias = Derived


    class TestPlain:
        def test_a(self): ...

        @pytest.mark.parametrize("x", [1, "b", None, 2.5, (1, 2)])
        def test_p(self, x): ...

        @pytest.fixture
        def test_fixture_like(self): ...


    class TestWithInit:
        def __init__(self): ...

        def test_never(self): ...


    class TestDisabled(unittest.TestCase):
        __test__ = False

        def test_never(self): ...


    class Runner(unittest.TestCase):
        def runTest(self): ...


    class TestInherited(TestPlain):
        def test_b(self): ...


    def test_dup(): ...


    def test_dup(): ...


    @pytest.mark.parametrize(("a", "b"), [(1, 2), pytest.param(3, 4, id="named")])
    @pytest.mark.parametrize("c", [True, False], ids=["yes", None])
    def test_stack(a, b, c): ...


    def helper_not_collected(): ...
"""

MIXINS = """\
    class Mixin:
        def test_from_mixin(self): ...
"""

TEST_TWO = """\
    from tests.suite import test_one
    from tests.suite.test_one import TestPlain


    class Local(test_one.Shared):
        def test_local(self): ...
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small suite exercising the collection rules the upstream suite relies on."""
    _write(
        tmp_path,
        {
            "pytest.ini": "[pytest]\n",
            "tests/__init__.py": "",
            "tests/helpers.py": HELPERS,
            "tests/suite/__init__.py": "",
            "tests/suite/mixins.py": MIXINS,
            "tests/suite/test_one.py": TEST_ONE,
            "tests/suite/test_two.py": TEST_TWO,
            "tests/suite/conftest.py": "",
        },
    )
    return tmp_path


def _pytest_ids(root: Path) -> list[str]:
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    cmd = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*cmd, "tests/suite"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted(line for line in done.stdout.splitlines() if "::" in line)


def test_static_collection_matches_pytest(tree: Path) -> None:
    static = upstream_ids.collect_ids(upstream_ids.DirSource(tree), dirs=("tests/suite",))
    assert static == _pytest_ids(tree)
    assert "tests/suite/test_one.py::test_stack[yes-1-2]" in static
    assert "tests/suite/test_one.py::TestPlain::test_p[x4]" in static
    assert "tests/suite/test_one.py::Runner::runTest" in static


def test_unresolvable_base_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, {"tests/test_x.py": "class TestX(make_base()):\n    def test_a(self): ...\n"})
    with pytest.raises(upstream_ids.UnsupportedConstruct, match="cannot resolve base"):
        upstream_ids.collect_ids(upstream_ids.DirSource(tmp_path), dirs=("tests",))


def test_non_literal_parametrize_is_an_error() -> None:
    deco = ast.parse("pytest.mark.parametrize('x', VALUES)", mode="eval").body
    assert isinstance(deco, ast.Call)
    with pytest.raises(upstream_ids.UnsupportedConstruct, match="non-literal"):
        upstream_ids.parametrize_ids(deco, "t.py::test")


def test_id_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text(upstream_ids.render_id_file(["b::t", "a::t"], "abc"), encoding="utf-8")
    ids, meta = upstream_ids.read_id_file(path)
    assert ids == ["b::t", "a::t"]
    assert upstream_ids.source_commit(meta) == "abc"
    assert meta["count"].startswith("2 ")
