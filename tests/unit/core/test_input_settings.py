"""Unit tests: model definitions checked when the class is created, with errors naming
the model: ``Settings`` names, ``default_ttl``, table option values (over a table of
good and bad values for :func:`check_table_options`), index names, and the
``cql_literal`` guard."""

from __future__ import annotations

import math
from typing import Annotated, Any

import pytest

from coodie_core.document import Document
from coodie_core.errors import (
    CoodieError,
    InvalidIdentifier,
    InvalidTableOption,
    InvalidValue,
    ModelDefinitionError,
)
from coodie_core.fields import Indexed, PartitionKey
from coodie_core.meta import TABLE_OPTIONS
from coodie_core.schema import cql_literal, create_table_cql
from coodie_core.statements import Table
from coodie_core.table_options import KNOWN_OPTIONS, MAX_TTL, check_table_options


def declare(**settings: Any) -> type[Document]:
    """Declare a model ``Bad`` with these ``Settings``."""

    class Bad(Document):
        id: Annotated[int, PartitionKey()]

        class Settings:
            vars().update(settings)

    return Bad


GOOD: list[tuple[str, object]] = [
    ("gc_grace_seconds", 0),
    ("gc_grace_seconds", 864000),
    ("gc_grace_seconds", "2063"),  # cqlengine models give numbers as text
    ("default_time_to_live", 0),
    ("default_time_to_live", MAX_TTL),
    ("memtable_flush_period_in_ms", 0),
    ("min_index_interval", 1),
    ("max_index_interval", 2048),
    ("bloom_filter_fp_chance", 1),
    ("bloom_filter_fp_chance", 0.01),
    ("bloom_filter_fp_chance", "0.76328"),
    ("crc_check_chance", 0),
    ("crc_check_chance", 1.0),
    ("read_repair_chance", 0.1),
    ("dclocal_read_repair_chance", "0.5"),
    ("comment", "it's fine"),
    ("comment", ""),
    ("caching", {"keys": "ALL", "rows_per_partition": "NONE"}),
    ("caching", {"keys": "none", "rows_per_partition": 100}),
    ("caching", {"rows_per_partition": "120"}),
    ("caching", {}),
    ("compaction", {"class": "LeveledCompactionStrategy", "sstable_size_in_mb": "64"}),
    ("compaction", {"class": "SizeTieredCompactionStrategy", "min_threshold": 4}),
    ("compression", {"class": "LZ4Compressor", "chunk_length_in_kb": 64}),
    ("compression", {"enabled": False}),
    ("compression", {"enabled": "false"}),
    ("compression", {}),
    ("speculative_retry", "99p"),
    ("speculative_retry", "99.5PERCENTILE"),
    ("speculative_retry", "50ms"),
    ("speculative_retry", "ALWAYS"),
    ("speculative_retry", "NONE"),
    ("speculative_retry", "MIN(99p,50ms)"),
    ("additional_write_policy", "max(90p, 10ms)"),
    ("read_repair", "BLOCKING"),
    ("read_repair", "none"),
    ("cdc", True),
    ("cdc", "false"),
    ("allow_auto_snapshot", False),
    ("incremental_backups", "true"),
    ("memtable", "default"),
    ("gc_grace_seconds", None),  # unset
]

_NOT_INT = "must be an int"
_LITERAL = "not a CQL literal (use a str, int, float, bool or a dict of them)"
_RETRY = (
    "must be 'ALWAYS', 'NEVER', 'NONE', '<0..100>p' (percentile), '<n>ms', "
    "or MIN/MAX of two of those"
)
_NAME = "use letters, digits and underscores only"
BAD: list[tuple[str, object, str]] = [
    ("gc_grace_seconds", -1, "must be an int in 0..2147483647"),
    ("gc_grace_seconds", "abc", _NOT_INT),
    ("gc_grace_seconds", 1.5, _NOT_INT),
    ("gc_grace_seconds", True, _NOT_INT),
    ("gc_grace_seconds", 2**31, "must be an int in 0..2147483647"),
    ("gc_grace_seconds", object(), _LITERAL),
    ("gc_grace_seconds", [1], _LITERAL),
    ("default_time_to_live", MAX_TTL + 1, "must be an int in 0..630720000"),
    ("default_time_to_live", -5, "must be an int in 0..630720000"),
    ("memtable_flush_period_in_ms", -1, "must be an int in 0..2147483647"),
    ("min_index_interval", 0, "must be an int in 1..2147483647"),
    ("bloom_filter_fp_chance", 0, "must be a number in (0, 1]"),
    ("bloom_filter_fp_chance", 2.0, "must be a number in (0, 1]"),
    ("bloom_filter_fp_chance", float("nan"), "not a finite number"),
    ("bloom_filter_fp_chance", float("inf"), "not a finite number"),
    ("bloom_filter_fp_chance", "lots", "must be a number"),
    ("crc_check_chance", -0.1, "must be a number in [0, 1]"),
    ("read_repair_chance", 1.5, "must be a number in [0, 1]"),
    ("comment", 5, "must be a str"),
    ("caching", "KEYS_ONLY", "must be a map (dict) of sub-options"),
    ("caching", {"keys": "SOME"}, "keys must be 'ALL' or 'NONE', not 'SOME'"),
    ("caching", {"rows_per_partition": -1},
     "rows_per_partition must be 'ALL', 'NONE' or an int >= 0, not -1"),
    ("caching", {"rows_per_partition": "-1"},
     "rows_per_partition must be 'ALL', 'NONE' or an int >= 0, not '-1'"),
    ("caching", {"rows": 1},
     "unknown caching sub-option(s) ['rows']; use keys, rows_per_partition"),
    ("caching", {"keys": float("nan")}, "not a finite number in the map"),
    ("compaction", {"sstable_size_in_mb": "64"},
     "needs a 'class' sub-option naming the compaction strategy"),
    ("compaction", "LeveledCompactionStrategy", "must be a map (dict) of sub-options"),
    ("compaction", {1: "x"}, "map keys must be str"),
    ("compression", {"chunk_length_in_kb": 64}, "needs a 'class' sub-option (or 'enabled': false)"),
    ("compression", {"enabled": False, "class": "LZ4Compressor"},
     "with 'enabled': false no other sub-option is allowed"),
    ("compression", {"class": object()}, f"{_LITERAL} in the map"),
    ("speculative_retry", "sometimes", _RETRY),
    ("speculative_retry", "100p", _RETRY),
    ("speculative_retry", 99, _RETRY),
    ("read_repair", "ALWAYS", "must be one of BLOCKING, NONE"),
    ("cdc", "maybe", "must be a bool (or 'true'/'false')"),
    ("memtable", 3, "must be a str"),
]  # fmt: skip


@pytest.mark.parametrize(("option", "value"), GOOD)
def test_check_table_options_accepts(option: str, value: object) -> None:
    check_table_options("Owner", {option: value})


@pytest.mark.parametrize(("option", "value", "reason"), BAD)
def test_check_table_options_refuses(option: str, value: object, reason: str) -> None:
    with pytest.raises(InvalidTableOption) as info:
        check_table_options("Owner", {option: value})
    error = info.value
    assert isinstance(error, ModelDefinitionError) and isinstance(error, CoodieError)
    assert str(error) == f"Owner: table option {option} = {value!r}: {reason}"
    assert (error.owner, error.option, error.value, error.reason) == (
        "Owner",
        option,
        value,
        reason,
    )


def test_unknown_options_are_named_with_their_value() -> None:
    with pytest.raises(InvalidTableOption) as info:
        check_table_options("BadC", {"gc_grace_secs": 5})
    assert str(info.value).startswith(
        "BadC: table option gc_grace_secs = 5: unknown table option; known: "
        "additional_write_policy, allow_auto_snapshot, bloom_filter_fp_chance, caching,"
    )
    with pytest.raises(InvalidTableOption, match=r"^BadC: table option 3 = 'x': unknown"):
        check_table_options("BadC", {3: "x"})  # type: ignore[dict-item]


def test_index_intervals_are_checked_together() -> None:
    check_table_options("Owner", {"min_index_interval": 64, "max_index_interval": "128"})
    with pytest.raises(InvalidTableOption) as info:
        check_table_options("Owner", {"min_index_interval": 128, "max_index_interval": 64})
    assert str(info.value) == (
        "Owner: table option max_index_interval = 64: must be >= min_index_interval (128)"
    )


def test_core_settings_options_are_known_options() -> None:
    assert TABLE_OPTIONS <= KNOWN_OPTIONS
    assert {"read_repair_chance", "dclocal_read_repair_chance"} <= KNOWN_OPTIONS - TABLE_OPTIONS


# -- at class creation --------------------------------------------------------------


def test_option_values_fail_the_class_definition() -> None:
    with pytest.raises(InvalidTableOption) as info:
        declare(gc_grace_seconds="abc")
    assert str(info.value) == "Bad: table option gc_grace_seconds = 'abc': must be an int"
    with pytest.raises(
        InvalidTableOption, match=r"^Bad: table option caching = \{'keys': 'SOME'\}"
    ):
        declare(caching={"keys": "SOME"})
    with pytest.raises(
        InvalidTableOption, match=r"^Bad: table option bloom_filter_fp_chance = nan"
    ):
        declare(bloom_filter_fp_chance=math.nan)


def test_options_are_inherited_and_none_unsets_them() -> None:
    class Base(Document):
        class Settings:
            abstract = True
            gc_grace_seconds = 10
            comment = "base"

    class Child(Base):
        id: Annotated[int, PartitionKey()]

        class Settings:
            comment = None

    assert dict(Child.table_meta().settings.options) == {"gc_grace_seconds": 10}
    assert create_table_cql(Child.table_meta(), Table("ks", "child")) == (
        "CREATE TABLE IF NOT EXISTS ks.child (id bigint, PRIMARY KEY ((id))) "
        "WITH gc_grace_seconds = 10"
    )


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"name": "t; DROP TABLE x"},
            "Bad.Settings.name: invalid table name 't; DROP TABLE x': use letters, digits "
            "and underscores only",
        ),
        (
            {"keyspace": "ks'--"},
            'Bad.Settings.keyspace: invalid keyspace name "ks\'--": use letters, digits and '
            "underscores only",
        ),
        (
            {"name": "t" * 49},
            f"Bad.Settings.name: invalid table name {'t' * 49!r}: longer than 48 characters",
        ),
    ],
)
def test_settings_names_name_the_model(settings: dict[str, object], expected: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        declare(**settings)
    assert str(info.value) == expected


@pytest.mark.parametrize("ttl", [-5, MAX_TTL + 1, 1.5, True])
def test_default_ttl_names_the_value(ttl: object) -> None:
    with pytest.raises(ModelDefinitionError) as info:
        declare(default_ttl=ttl)
    assert str(info.value) == (
        f"Bad.Settings.default_ttl must be an int in 0..630720000, not {ttl!r}"
    )
    assert declare(default_ttl=MAX_TTL).table_meta().settings.default_ttl == MAX_TTL


def test_a_long_model_name_names_the_model() -> None:
    with pytest.raises(InvalidIdentifier) as info:

        class AVeryLongModelNameThatMakesATableNameLongerThanCassandraAllows(Document):
            id: Annotated[int, PartitionKey()]

    assert str(info.value).startswith(
        "AVeryLongModelNameThatMakesATableNameLongerThanCassandraAllows: invalid table name "
    )


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        (Indexed(name="x y"), f"Idx.v: invalid index name 'x y': {_NAME}"),
        (Indexed(name="a;DROP"), f"Idx.v: invalid index name 'a;DROP': {_NAME}"),
        (Indexed(using="sai'--"), "Idx.v: invalid index class \"sai'--\""),
    ],
)  # fmt: skip
def test_index_markers_are_checked_at_class_creation(marker: Indexed, expected: str) -> None:
    with pytest.raises(CoodieError) as info:

        class Idx(Document):
            id: Annotated[int, PartitionKey()]
            v: Annotated[int, marker] = 0

    assert str(info.value) == expected


def test_a_good_index_name_is_kept() -> None:
    class Named(Document):
        id: Annotated[int, PartitionKey()]
        v: Annotated[int, Indexed(name="by_v", using="sai")] = 0

    index = Named.table_meta().column("v").index
    assert index is not None and (index.name, index.using) == ("by_v", "sai")


# -- the cql_literal guard --------------------------------------------------------------


def test_cql_literal_names_the_option_and_owner() -> None:
    with pytest.raises(InvalidValue) as info:
        cql_literal(math.inf, "bloom_filter_fp_chance", "Bad")
    assert str(info.value) == (
        "Bad.bloom_filter_fp_chance: invalid value inf: not a CQL option literal"
    )
    with pytest.raises(InvalidValue, match=r"^Bad\.caching: invalid value None"):
        cql_literal({"keys": None}, "caching", "Bad")
    assert cql_literal({"keys": "ALL"}, "caching", "Bad") == "{'keys': 'ALL'}"
