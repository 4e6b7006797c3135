"""Unit tests for ``Indexed(target=...)``: checks at class creation, the DDL each
target renders, how live index targets are recognised when planning, and which
filters each target serves."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest

from coodie_core.document import Document
from coodie_core.errors import IncompatibleSchemaChange, InvalidQuery, ModelDefinitionError
from coodie_core.fields import Frozen, Indexed, PartitionKey
from coodie_core.lookups import filtering_problem, index_serves
from coodie_core.meta import ColumnMeta
from coodie_core.schema import (
    create_index_cql,
    index_key,
    index_target_key,
    live_table_from_rows,
    plan_sync,
)
from coodie_core.statements import Table


class Tagged(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    by_key: Annotated[dict[str, int], Indexed(target="keys")] = {}
    by_value: Annotated[dict[str, int], Indexed(target="values")] = {}
    by_entry: Annotated[dict[str, int], Indexed(target="entries")] = {}
    plain_map: Annotated[dict[str, int], Indexed()] = {}
    Mixed: Annotated[dict[str, int], Indexed(target="keys", name="by_mixed")] = {}
    tags: Annotated[list[str], Indexed()] = []
    labels: Annotated[set[str], Indexed(target="values")] = set()
    whole: Annotated[list[int], Frozen(), Indexed(target="full")] = []
    whole_map: Annotated[dict[str, int], Frozen(), Indexed()] = {}
    pair: Annotated[tuple[int, int] | None, Indexed()] = None
    score: Annotated[int, Indexed(using="sai")] = 0
    loose: dict[str, int] = {}

    class Settings:
        keyspace = "ks"
        name = "tagged"


T = Table("ks", "tagged")
META = Tagged.table_meta()


def col(name: str) -> ColumnMeta:
    return META.column(name)


# -- class creation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "marker", "message"),
    [
        (list[str], Indexed(target="keys"),
         "Bad.v: index target 'keys' needs a non-frozen map column, not list<text>"),
        (set[int], Indexed(target="entries"),
         "Bad.v: index target 'entries' needs a non-frozen map column, not set<bigint>"),
        (Annotated[dict[str, int], Frozen()], Indexed(target="keys"),
         "Bad.v: index target 'keys' needs a non-frozen map column, not frozen<map<text, bigint>>"),
        (Annotated[list[int], Frozen()], Indexed(target="values"),
         "Bad.v: index target 'values' needs a non-frozen list, set or map column, "
         "not frozen<list<bigint>>"),
        (int, Indexed(target="values"),
         "Bad.v: index target 'values' needs a non-frozen list, set or map column, not bigint"),
        (list[int], Indexed(target="full"),
         "Bad.v: index target 'full' needs a frozen list, set or map column, not list<bigint>"),
        (str, Indexed(target="full"),
         "Bad.v: index target 'full' needs a frozen list, set or map column, not text"),
        (tuple[int, str], Indexed(target="full"),
         "Bad.v: index target 'full' needs a frozen list, set or map column, "
         "not tuple<bigint, text>"),
        (dict[str, int], Indexed(target="kyes"),  # type: ignore[arg-type]
         "Bad.v: invalid index target 'kyes'; use one of keys, values, entries, full, "
         "or none to index the column itself"),
        (dict[str, int], Indexed(target="KEYS"),  # type: ignore[arg-type]
         "Bad.v: invalid index target 'KEYS'; use one of keys, values, entries, full, "
         "or none to index the column itself"),
    ],
)  # fmt: skip
def test_targets_are_checked_against_the_column_at_class_creation(
    annotation: Any, marker: Indexed, message: str
) -> None:
    with pytest.raises(ModelDefinitionError) as info:

        class Bad(Document):
            id: Annotated[int, PartitionKey()]
            v: Annotated[annotation, marker]

    assert str(info.value) == message


def test_a_column_takes_one_index_marker() -> None:
    with pytest.raises(
        ModelDefinitionError, match=r"^Two\.m: one Indexed marker per column, not 2"
    ):

        class Two(Document):
            id: Annotated[int, PartitionKey()]
            m: Annotated[dict[str, int], Indexed(target="keys"), Indexed(target="values")] = {}


def test_index_target_of_each_column() -> None:
    targets = {c.name: c.index_target for c in META.columns}
    assert targets == {
        "id": None,
        "by_key": "keys",
        "by_value": "values",
        "by_entry": "entries",
        "plain_map": "values",  # Cassandra reads a bare collection column as values
        "Mixed": "keys",
        "tags": "values",
        "labels": "values",
        "whole": "full",
        "whole_map": "full",  # the only index Cassandra takes on a frozen collection
        "pair": "column",  # a tuple (always frozen) is indexed as one value
        "score": "column",
        "loose": None,
    }


# -- DDL ------------------------------------------------------------------------------


def test_each_target_renders_its_create_index() -> None:
    prefix = "CREATE INDEX IF NOT EXISTS "
    rendered = {c.name: create_index_cql(META, c, T) for c in META.columns if c.index}
    assert all(ddl.startswith(prefix) for ddl in rendered.values())
    assert {name: ddl.removeprefix(prefix) for name, ddl in rendered.items()} == {
        "by_key": "tagged_by_key_idx ON ks.tagged (KEYS(by_key))",
        "by_value": "tagged_by_value_idx ON ks.tagged (VALUES(by_value))",
        "by_entry": "tagged_by_entry_idx ON ks.tagged (ENTRIES(by_entry))",
        "plain_map": "tagged_plain_map_idx ON ks.tagged (plain_map)",
        "Mixed": 'by_mixed ON ks.tagged (KEYS("Mixed"))',
        "tags": "tagged_tags_idx ON ks.tagged (tags)",
        "labels": "tagged_labels_idx ON ks.tagged (VALUES(labels))",
        "whole": "tagged_whole_idx ON ks.tagged (FULL(whole))",
        "whole_map": "tagged_whole_map_idx ON ks.tagged (FULL(whole_map))",
        "pair": "tagged_pair_idx ON ks.tagged (pair)",
        "score": "tagged_score_idx ON ks.tagged (score) USING 'sai'",
    }


# -- live targets and planning ----------------------------------------------------------


@pytest.mark.parametrize(
    ("live", "key"),
    [
        ("m", "m"),
        ("values(m)", "m"),
        ("keys(m)", "keys(m)"),
        ("entries(m)", "entries(m)"),
        ("full(f)", "full(f)"),
        ('"Mixed"', "Mixed"),
        ('keys("Mixed")', "keys(Mixed)"),
        ('values("Mixed")', "Mixed"),
        ("KEYS(m)", "keys(m)"),
        (" keys( m ) ", "keys(m)"),
        ('"a(b)"', "a(b)"),  # a quoted name is a bare column, whatever it holds
        ('"say ""hi"""', 'say "hi"'),
    ],
)
def test_live_targets_are_normalised(live: str, key: str) -> None:
    assert index_target_key(live) == key


def test_model_targets_match_their_live_form() -> None:
    live_forms = {
        "by_key": "keys(by_key)",
        "by_value": "values(by_value)",
        "by_entry": "entries(by_entry)",
        "plain_map": "values(plain_map)",
        "Mixed": 'keys("Mixed")',
        "tags": "values(tags)",
        "labels": "values(labels)",
        "whole": "full(whole)",
        "whole_map": "full(whole_map)",
        "pair": "pair",
        "score": "score",
    }
    for name, live in live_forms.items():
        assert index_key(col(name)) == index_target_key(live), name
    assert index_key(col("loose")) is None


def _column_rows() -> list[dict[str, Any]]:
    rows = [{"column_name": "id", "kind": "partition_key", "position": 0,
             "clustering_order": "none", "type": "uuid"}]  # fmt: skip
    rows += [
        {"column_name": c.name, "kind": "regular", "position": -1,
         "clustering_order": "none", "type": c.cql_type}
        for c in META.columns if not c.is_key
    ]  # fmt: skip
    return rows


def _index_rows(**overrides: str | None) -> list[dict[str, Any]]:
    """One ``system_schema.indexes`` row per indexed column, as Cassandra stores it."""
    targets: dict[str, str | None] = {
        "tagged_by_key_idx": "keys(by_key)",
        "tagged_by_value_idx": "values(by_value)",
        "tagged_by_entry_idx": "entries(by_entry)",
        "tagged_plain_map_idx": "values(plain_map)",
        "by_mixed": 'keys("Mixed")',
        "tagged_tags_idx": "values(tags)",
        "tagged_labels_idx": "values(labels)",
        "tagged_whole_idx": "full(whole)",
        "tagged_whole_map_idx": "full(whole_map)",
        "tagged_pair_idx": "pair",
        "tagged_score_idx": "score",
    }
    targets.update(overrides)
    return [
        {"index_name": name, "options": {"target": target}}
        for name, target in targets.items()
        if target is not None
    ]


def test_every_target_in_place_plans_nothing() -> None:
    live = live_table_from_rows(_column_rows(), {}, _index_rows())
    assert live is not None
    assert plan_sync(META, T, live) == []


def test_an_index_of_another_name_on_the_same_target_is_enough() -> None:
    rows = _index_rows(tagged_by_key_idx=None, other_name="keys(by_key)")
    live = live_table_from_rows(_column_rows(), {}, rows)
    assert plan_sync(META, T, live) == []


def test_an_index_on_another_target_of_the_column_does_not_count() -> None:
    rows = _index_rows(tagged_by_key_idx=None, tagged_by_value_idx=None, other="keys(by_value)")
    live = live_table_from_rows(_column_rows(), {}, rows)
    assert plan_sync(META, T, live) == [
        "CREATE INDEX IF NOT EXISTS tagged_by_key_idx ON ks.tagged (KEYS(by_key))",
        "CREATE INDEX IF NOT EXISTS tagged_by_value_idx ON ks.tagged (VALUES(by_value))",
    ]


def test_the_models_index_name_on_another_target_is_refused() -> None:
    """``CREATE INDEX IF NOT EXISTS`` would keep the old index silently, and every
    later sync would plan it again."""
    rows = _index_rows(tagged_by_key_idx="values(by_key)", tagged_plain_map_idx="keys(plain_map)")
    live = live_table_from_rows(_column_rows(), {}, rows)
    with pytest.raises(IncompatibleSchemaChange) as info:
        plan_sync(META, T, live)
    assert info.value.problems == (
        "index tagged_by_key_idx is on values(by_key), model has keys(by_key)",
        "index tagged_plain_map_idx is on keys(plain_map), model has values(plain_map)",
    )


def test_a_new_table_gets_each_index_on_its_target() -> None:
    plan = plan_sync(META, T, None)
    assert plan[0].startswith("CREATE TABLE IF NOT EXISTS ks.tagged ")
    assert plan[1:] == [create_index_cql(META, c, T) for c in META.columns if c.index]


# -- which filters each target serves -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "op", "served"),
    [
        ("by_key", "CONTAINS KEY", True),
        ("by_key", "CONTAINS", False),
        ("by_value", "CONTAINS", True),
        ("by_value", "CONTAINS KEY", False),
        ("plain_map", "CONTAINS", True),
        ("plain_map", "CONTAINS KEY", False),
        ("by_entry", "CONTAINS", False),
        ("by_entry", "CONTAINS KEY", False),
        ("by_entry", "=", False),
        ("tags", "CONTAINS", True),
        ("labels", "CONTAINS", True),
        ("whole", "=", True),
        ("whole", "CONTAINS", False),
        ("whole_map", "CONTAINS KEY", False),
        ("pair", "=", True),
        ("score", "=", True),
        ("score", ">", True),
        ("loose", "CONTAINS", False),
    ],
)
def test_index_serves(name: str, op: Any, served: bool) -> None:
    assert index_serves(col(name), op) is served
    assert (filtering_problem(col(name), op) is None) is served


@pytest.mark.parametrize(
    ("name", "op", "message"),
    [
        ("by_key", "CONTAINS", "CONTAINS needs an index with target=\"values\", not its index "
         "with target 'keys'; change the target or use allow_filtering()"),
        ("by_value", "CONTAINS KEY", "CONTAINS KEY needs an index with target=\"keys\", not its "
         "index with target 'values'; change the target or use allow_filtering()"),
        ("by_entry", "CONTAINS KEY", "CONTAINS KEY needs an index with target=\"keys\", not its "
         "index with target 'entries'; change the target or use allow_filtering()"),
        ("whole", "CONTAINS", "no index serves CONTAINS on a frozen<list<bigint>> column; "
         "use allow_filtering()"),
        ("loose", "CONTAINS", "filtering on a column that is neither a key nor indexed needs "
         "allow_filtering()"),
    ],
)  # fmt: skip
def test_filtering_problem_says_what_would_serve(name: str, op: Any, message: str) -> None:
    assert filtering_problem(col(name), op) == message


def test_keys_are_served_whatever_their_index() -> None:
    assert filtering_problem(col("id"), "=") is None


def test_queries_the_index_serves_are_built() -> None:
    select = Tagged.find(by_key__contains_key="a", by_value__contains=1)._select()
    assert select.where[0].op == "CONTAINS KEY" and select.where[1].op == "CONTAINS"
    assert Tagged.find(by_key__contains=1).allow_filtering()._select().allow_filtering


class NotRefused(Exception):
    """The query was built although its index cannot serve it."""


@pytest.mark.parametrize(
    ("lookups", "message"),
    [
        ({"by_key__contains": 1}, 'Tagged.by_key: CONTAINS needs an index with target="values"'),
        ({"by_value__contains_key": "a"},
         'Tagged.by_value: CONTAINS KEY needs an index with target="keys"'),
        ({"by_entry__contains": 1},
         'Tagged.by_entry: CONTAINS needs an index with target="values"'),
    ],
)  # fmt: skip
def test_a_filter_its_index_cannot_serve_is_refused_before_sending(
    lookups: dict[str, object], message: str
) -> None:
    query = Tagged.find(**lookups)
    try:
        query._select()
    except InvalidQuery as exc:
        assert str(exc).startswith(message)
    else:
        raise NotRefused(f"{lookups} was built without allow_filtering()")
