"""The compat-model -> core TableMeta bridge: exact metadata per model shape."""

from __future__ import annotations

import warnings
from collections import defaultdict
from types import MappingProxyType
from typing import Any

import pytest

from coodie_compat import _bridge, columns, connection
from coodie_compat.models import Model, _clone_model_class
from coodie_compat.usertype import UserType
from coodie_core.fields import Indexed
from coodie_core.meta import ColumnMeta, TableMeta, TableSettings


@pytest.fixture(autouse=True)
def _offline_udts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "udt_by_keyspace", defaultdict(dict))


def _col(name: str, cql_type: str, **extra: Any) -> ColumnMeta:
    return ColumnMeta(model_name=extra.pop("model", "Reading"), name=name, cql_type=cql_type,
                      annotation=Any, **extra)


class Address(UserType):
    street = columns.Text()


class Reading(Model):
    __keyspace__ = "metrics"
    __options__ = {"comment": "x", "default_time_to_live": 20}
    sensor = columns.Text(partition_key=True)
    day = columns.Date(partition_key=True, db_field="d")
    at = columns.TimeUUID(primary_key=True, clustering_order="DESC")
    seq = columns.Integer(primary_key=True)
    unit = columns.Text(static=True)
    value = columns.Double(index=True)
    tags = columns.Set(columns.Text)
    history = columns.List(columns.Integer, frozen=True)
    extra = columns.Map(columns.Text, columns.Tuple(columns.Integer, columns.Text))
    where = columns.UserDefinedType(Address)
    note = columns.Text(custom_index=True)


def test_full_table_meta() -> None:
    assert Reading._table_meta == TableMeta(
        model_name="Reading",
        name="reading",
        columns=(
            _col("sensor", "text", partition_position=0),
            _col("d", "date", partition_position=1),
            _col("at", "timeuuid", clustering_position=0, clustering_order="DESC"),
            _col("seq", "int", clustering_position=1, clustering_order="ASC"),
            _col("unit", "text", static=True),
            _col("value", "double", index=Indexed()),
            _col("tags", "set<text>"),
            _col("history", "frozen<list<int>>"),
            _col("extra", "map<text, frozen<tuple<int, text>>>"),
            _col("where", "frozen<address>"),
            _col("note", "text"),
        ),
        settings=TableSettings(
            name="reading",
            options=MappingProxyType({"comment": "x", "default_time_to_live": 20}),
        ),
    )
    # keyspace and connection are resolved at call time, never frozen here
    assert Reading._table_meta.keyspace is None
    assert [c.name for c in Reading._table_meta.primary_key] == ["sensor", "d", "at", "seq"]


def test_first_primary_key_is_the_partition_key() -> None:
    class Pair(Model):
        a = columns.Integer(primary_key=True)
        b = columns.Integer(primary_key=True)
        n = columns.Counter()

    assert Pair._table_meta.columns == (
        _col("a", "int", model="Pair", partition_position=0),
        _col("b", "int", model="Pair", clustering_position=0),
        _col("n", "counter", model="Pair"),
    )
    assert Pair._table_meta.is_counter_table


def test_names_follow_cqlengine_without_warning() -> None:
    class Base(Model):
        k = columns.Integer(primary_key=True)
        kind = columns.Integer(discriminator_column=True)

    class Sub(Base):
        __discriminator_value__ = 1
        extra = columns.Text()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        class Mixed(Model):
            __table_name__ = "Mixed_Name"
            k = columns.Integer(primary_key=True)

        class Sensitive(Model):
            __table_name__ = "Sensitive_Name"
            __table_name_case_sensitive__ = True
            k = columns.Integer(primary_key=True)

    assert caught == []
    assert Mixed._table_meta.name == "mixed_name"
    assert Sensitive._table_meta.name == "Sensitive_Name"
    assert Sub._table_meta.name == "base"
    assert Sub._table_meta.names == ("k", "kind", "extra")
    assert Base._table_meta.names == ("k", "kind")
    # the lazily cached name used for queries is still unset: warnings come on first use
    assert Mixed._table_name is None


def test_abstract_models_have_no_table_meta() -> None:
    class Abstract(Model):
        __abstract__ = True
        k = columns.Integer(primary_key=True)

    class Concrete(Abstract):
        v = columns.Text()

    assert Abstract._table_meta is None
    assert _clone_model_class(Abstract, {"__keyspace__": "ks"})._table_meta is None
    assert Model._table_meta is None
    assert Concrete._table_meta is not None
    assert Concrete._table_meta.names == ("k", "v")


def test_table_meta_is_computed_once_per_class() -> None:
    meta = Reading._table_meta
    assert Reading._table_meta is meta
    assert _bridge.table_meta(Reading) == meta


def test_clones_describe_the_same_table() -> None:
    clone = _clone_model_class(Reading, {"__keyspace__": "elsewhere"})
    assert clone._table_meta == Reading._table_meta
    assert clone._table_meta is not Reading._table_meta
