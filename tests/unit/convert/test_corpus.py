"""The converted corpus passes ruff, imports cleanly, and describes exactly the tables
and types stock cqlengine describes for the legacy models (no database needed)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from coodie_compat.convert.cli import main
from coodie_core.cqltypes import normalize_type
from coodie_core.document import Document
from coodie_core.usertype import UserType

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "integration" / "convert" / "corpus"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus_out")
    assert main(["convert", str(CORPUS), "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def modules(out: Path) -> Iterator[dict[str, tuple[ModuleType, ModuleType]]]:
    """``{name: (legacy module on stock cqlengine, converted module)}``."""
    loaded = {}
    names = []
    for stem in ("legacy_models", "legacy_star"):
        legacy = _load(CORPUS / f"{stem}.py", f"unit_legacy_{stem}")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the converted module imports without a warning
            converted = _load(out / f"{stem}.py", f"unit_converted_{stem}")
        loaded[stem] = (legacy, converted)
        names += [legacy.__name__, converted.__name__]
    yield loaded
    for name in names:
        sys.modules.pop(name, None)


def test_generated_corpus_passes_ruff_with_the_project_rules(out: Path) -> None:
    # run from the output folder: there coodie_core is a third-party package, as it is
    # in the projects that run the converter
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--config",
            str(ROOT / "pyproject.toml"),
            ".",
        ],
        cwd=out,
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def _legacy_table(model: Any) -> dict[str, Any]:
    columns = model._columns.values()
    return {
        "name": model._raw_column_family_name(),
        "keyspace": model.__keyspace__,
        "columns": {c.db_field_name: normalize_type(c.db_type) for c in columns},
        "partition_key": [c.db_field_name for c in model._partition_keys.values()],
        "clustering_key": [
            (c.db_field_name, (c.clustering_order or "asc").upper())
            for c in model._clustering_keys.values()
        ],
        "static": sorted(c.db_field_name for c in columns if c.static),
        "indexed": sorted(c.db_field_name for c in columns if c.index),
        "options": dict(model.__options__ or {}),
    }


def _core_table(document: type[Document]) -> dict[str, Any]:
    meta = document.table_meta()
    return {
        "name": meta.name,
        "keyspace": meta.keyspace,
        "columns": {c.name: normalize_type(c.cql_type) for c in meta.columns},
        "partition_key": [c.name for c in meta.partition_key],
        "clustering_key": [(c.name, c.clustering_order) for c in meta.clustering_key],
        "static": sorted(c.name for c in meta.columns if c.static),
        "indexed": sorted(c.name for c in meta.columns if c.index is not None),
        "options": dict(meta.settings.options),
    }


def test_every_converted_table_matches_stock_cqlengine(
    modules: dict[str, tuple[ModuleType, ModuleType]],
) -> None:
    from cassandra.cqlengine.models import Model

    compared = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the corpus uses deprecated table naming on purpose
        for legacy, converted in modules.values():
            for name, model in vars(legacy).items():
                is_model = isinstance(model, type) and issubclass(model, Model)
                if not is_model or model is Model or model.__abstract__:
                    continue
                assert _core_table(getattr(converted, name)) == _legacy_table(model), name
                compared.append(name)
    assert sorted(compared) == [
        "AllTypes",
        "AltNote",
        "CamelTable",
        "Cat",
        "Collections",
        "Dog",
        "Event",
        "Note",
        "PageViews",
        "Pet",
        "Reading",
    ]


def test_every_converted_user_type_matches_stock_cqlengine(
    modules: dict[str, tuple[ModuleType, ModuleType]],
) -> None:
    from cassandra.cqlengine.usertype import UserType as LegacyUserType

    from coodie_core.cqltypes import user_type_fields

    legacy, converted = modules["legacy_models"]
    found = {}
    for name, udt in vars(legacy).items():
        if isinstance(udt, type) and issubclass(udt, LegacyUserType) and udt is not LegacyUserType:
            mine = getattr(converted, name)
            assert issubclass(mine, UserType)
            legacy_fields = [
                (c.db_field_name, normalize_type(c.db_type)) for c in udt._fields.values()
            ]
            fields = [(n, normalize_type(t)) for n, t in user_type_fields(mine)]
            assert (mine.type_name(), fields) == (udt.type_name(), legacy_fields)
            found[name] = mine.type_name()
    assert found == {"Address": "address", "Person": "person_info"}
