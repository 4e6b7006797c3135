"""The import-layer check catches a forbidden import."""

from __future__ import annotations

from pathlib import Path

from tools.check_layers import violations


def test_clean_tree_has_no_violations(tmp_path: Path) -> None:
    (tmp_path / "coodie_core").mkdir()
    (tmp_path / "coodie_core" / "a.py").write_text("import cassandra.cluster\n")
    (tmp_path / "coodie_compat").mkdir()
    (tmp_path / "coodie_compat" / "b.py").write_text("from coodie_core import a\n")
    assert violations(tmp_path) == []


def test_forbidden_imports_are_listed(tmp_path: Path) -> None:
    (tmp_path / "coodie_core").mkdir()
    (tmp_path / "coodie_core" / "a.py").write_text("from coodie_compat.models import Model\n")
    (tmp_path / "coodie_compat").mkdir()
    (tmp_path / "coodie_compat" / "b.py").write_text("\nimport cassandra.cqlengine.columns\n")
    (tmp_path / "coodie_compat" / "c.py").write_text("from cassandra import cqlengine\n")
    assert violations(tmp_path) == [
        "coodie_core/a.py:1: imports coodie_compat.models",
        "coodie_core/a.py:1: imports coodie_compat.models.Model",
        "coodie_compat/b.py:2: imports cassandra.cqlengine.columns",
        "coodie_compat/c.py:1: imports cassandra.cqlengine",
    ]


def test_the_repository_respects_its_layers() -> None:
    assert violations() == []
