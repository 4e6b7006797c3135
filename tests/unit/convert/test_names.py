"""Table and type names: the converted classes name exactly what stock cqlengine names."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import warnings
from pathlib import Path
from types import ModuleType

import pytest

from coodie_compat.convert import convert_source
from coodie_compat.convert.resolve import cqlengine_name

SOURCE = textwrap.dedent(
    """
    from cassandra.cqlengine import columns
    from cassandra.cqlengine.models import Model
    from cassandra.cqlengine.usertype import UserType


    class HTTPLogEntry(UserType):
        code = columns.Integer()


    class Named(UserType):
        __type_name__ = "MixedCase"
        code = columns.Integer()


    class TestTTLModel(Model):
        id = columns.Integer(primary_key=True)
        log = columns.UserDefinedType(HTTPLogEntry)
        named = columns.UserDefinedType(Named)


    class _PrivateThing(Model):
        id = columns.Integer(primary_key=True)


    class AVeryLongModelNameThatGoesOnAndOnPastTheCassandraLimitOfFortyEight(Model):
        id = columns.Integer(primary_key=True)


    class Lowered(Model):
        __table_name__ = "MiXeD"
        id = columns.Integer(primary_key=True)


    class Sensitive(Model):
        __table_name__ = "MiXeD"
        __table_name_case_sensitive__ = True
        id = columns.Integer(primary_key=True)


    class InheritsName(Lowered):
        extra = columns.Text()


    class OwnName(TestTTLModel):
        extra = columns.Text()


    class Base(Model):
        id = columns.Integer(partition_key=True)
        kind = columns.Text(discriminator_column=True, primary_key=True)


    class Sub(Base):
        __discriminator_value__ = "sub"
    """
)


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("names")
    (folder / "legacy.py").write_text(SOURCE)
    (folder / "converted.py").write_text(convert_source(SOURCE, "legacy").code or "")
    return folder


@pytest.fixture
def both(folder: Path, request: pytest.FixtureRequest) -> tuple[ModuleType, ModuleType]:
    """Fresh imports, so that no other class's table name was computed (and cached) first."""
    suffix = request.node.name.replace("[", "_").replace("]", "")
    return _load(folder / "legacy.py", f"names_legacy_{suffix}"), _load(
        folder / "converted.py", f"names_converted_{suffix}"
    )


TABLES = [
    "TestTTLModel",
    "_PrivateThing",
    "AVeryLongModelNameThatGoesOnAndOnPastTheCassandraLimitOfFortyEight",
    "Lowered",
    "Sensitive",
    "InheritsName",
    "OwnName",
    "Base",
    "Sub",
]


@pytest.mark.parametrize("name", TABLES)
def test_table_name_is_cqlengines(both: tuple[ModuleType, ModuleType], name: str) -> None:
    legacy, converted = both
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mixed-case __table_name__ warnings
        expected = getattr(legacy, name)._raw_column_family_name()
    assert getattr(converted, name).table_meta().name == expected


@pytest.mark.parametrize("name", ["HTTPLogEntry", "Named"])
def test_type_name_is_cqlengines(both: tuple[ModuleType, ModuleType], name: str) -> None:
    legacy, converted = both
    assert getattr(converted, name).type_name() == getattr(legacy, name).type_name()


@pytest.mark.parametrize(
    ("class_name", "table"),
    [
        ("TestTTLModel", "test_ttlmodel"),
        ("TestDefaultTTLModel", "test_default_ttlmodel"),
        ("TestQueryUpdateModel", "test_query_update_model"),
        ("HTTPLogEntry", "httplog_entry"),
        ("__Hidden", "hidden"),
        ("x" * 30 + "Tail" * 6, ("x" * 30 + "_tail" * 6)[-48:]),
    ],
)
def test_cqlengine_default_name_rule(class_name: str, table: str) -> None:
    assert cqlengine_name(class_name) == table
