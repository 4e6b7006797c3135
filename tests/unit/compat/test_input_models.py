"""Bad input to compat models, offline (issue 9): named, typed, refused before sending.

``connection.execute`` is replaced by a function that fails the test, so every
refusal here is proven to happen before anything could be sent.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import pytest

from coodie_compat import CQLEngineException, ValidationError, columns, connection
from coodie_compat._input_errors import InvalidKey
from coodie_compat._instance_state import load_eagerly
from coodie_compat._model_meta import InvalidTableName, InvalidTableOptions
from coodie_compat.models import Model, ModelDefinitionException
from coodie_core.errors import CoodieError, InvalidIdentifier, InvalidTableOption
from coodie_core.errors import InvalidKey as CoreInvalidKey

V4 = uuid.UUID("4d1b4f7e-2f6a-4c1e-9a55-6f2b8d7c0e11")


@pytest.fixture(autouse=True)
def _nothing_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a statement was sent: {args[0]}")

    monkeypatch.setattr(connection, "execute", refuse)
    monkeypatch.setattr(connection, "udt_by_keyspace", defaultdict(dict))


class Item(Model):
    __keyspace__ = "ks"
    id = columns.UUID(partition_key=True)
    seq = columns.Integer(primary_key=True, default=0)
    tiny = columns.TinyInt()
    tu = columns.TimeUUID()
    at = columns.DateTime()
    body = columns.Text(max_length=5)
    data = columns.Blob()
    attrs = columns.Map(columns.Text, columns.Integer)


class Tag(Model):
    __keyspace__ = "ks"
    name = columns.Text(partition_key=True)
    n = columns.Integer()


class Pair(Model):
    __keyspace__ = "ks"
    a = columns.Text(partition_key=True)
    b = columns.Blob(partition_key=True)
    c = columns.Integer(primary_key=True)


class Hits(Model):
    __keyspace__ = "ks"
    page = columns.Text(partition_key=True)
    n = columns.Counter()


class Eager(Model):
    """A model with its own ``__init__``: cqlengine's eager construction path."""

    __keyspace__ = "ks"
    id = columns.Integer(primary_key=True)
    v = columns.Text()
    at = columns.DateTime()

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)


def message(call: Any) -> str:
    with pytest.raises(CQLEngineException) as info:
        call()
    return str(info.value)


@pytest.mark.parametrize(
    ("call", "parts"),
    [
        (lambda: Item(id=V4, tiny=300).save(), ("Item.tiny", "300", "tinyint")),
        (lambda: Item(id=V4, tu=V4).save(), ("Item.tu", str(V4), "version 4")),
        (lambda: Item(id=V4, body="abcdef").save(), ("Item.body", "'abcdef'", "5")),
        (lambda: Item(id=V4, body=7).save(), ("Item.body", "(got 7)")),
        (lambda: Item(id=V4, data="x").save(), ("Item.data", "'x'")),
        (lambda: Item(id=V4, seq="abc"), ("Item.seq", "abc")),
        (lambda: Item(id="nope"), ("Item.id", "nope")),
        (lambda: Item.create(id=V4, tiny=-129), ("Item.tiny", "-129")),
    ],
)
def test_value_errors_name_model_column_and_value(call: Any, parts: tuple[str, ...]) -> None:
    text = message(call)
    assert all(part in text for part in parts), text


def test_datetime_text_in_the_constructor_is_typed_both_ways() -> None:
    with pytest.raises(TypeError) as info:
        Item(id=V4, at="yesterday")
    assert isinstance(info.value, ValidationError)
    assert str(info.value).startswith("Item.at 'yesterday'")
    with pytest.raises(TypeError) as info:
        Eager(id=1, at="soon")
    assert isinstance(info.value, ValidationError)
    assert str(info.value).startswith("Eager.at 'soon'")


def test_unknown_constructor_keywords_are_refused_on_both_paths() -> None:
    for model, values in ((Item, {"id": V4}), (Eager, {"id": 1})):
        with pytest.raises(ValidationError) as info:
            model(**values, bodyy="typo")
        assert str(info.value) == f"{model.__name__}: no column named bodyy='typo'"
    with pytest.raises(ValidationError, match=r"^Item: Incorrect columns passed: \{'nope'\}$"):
        Item.create(id=V4, nope=1)


def test_rows_with_columns_the_model_lacks_still_load() -> None:
    row = {"id": 3, "v": "x", "dropped_later": 1}
    loaded = load_eagerly(Eager, dict(row))
    assert (loaded.id, loaded.v, loaded._is_persisted) == (3, "x", True)
    lazy = Tag._construct_instance({"name": "a", "n": 1, "extra": 2})
    assert (lazy.name, lazy.n) == ("a", 1)


def test_map_none_value_is_refused_on_insert_only() -> None:
    text = message(lambda: Item(id=V4, attrs={"a": None}).save())
    assert "Item.attrs" in text and "None" in text and "INSERT" in text


@pytest.mark.parametrize(
    ("call", "parts"),
    [
        (lambda: Tag(name="", n=1).save(), ("Tag.name", "''", "empty")),
        (lambda: Tag(name="k" * 70000).save(), ("Tag.name", "70000", "65535")),
        (lambda: Tag(name="é" * 40000).save(), ("Tag.name", "80000", "65535")),
        (lambda: Tag(name="").delete(), ("Tag.name", "''")),
        (lambda: Pair(a="k" * 40000, b=b"b" * 30000, c=1).save(), ("Pair.a", "70006")),
        (lambda: Hits(page="").update(), ("Hits.page", "''")),
    ],
)
def test_partition_keys_empty_or_over_65535_bytes_are_refused(
    call: Any, parts: tuple[str, ...]
) -> None:
    text = message(call)
    assert all(part in text for part in parts), text


def test_composite_keys_may_have_empty_components() -> None:
    Pair(a="", b=b"", c=1).validate()
    Pair(a="k" * 65000, b=b"", c=1).validate()


class Named(Model):
    """Text keys under other column names, and a text clustering column."""

    __keyspace__ = "ks"
    key = columns.Text(partition_key=True, db_field="k")
    step = columns.Text(primary_key=True, db_field="s")


def test_key_errors_are_the_facades_and_cores_and_name_the_attribute() -> None:
    with pytest.raises(InvalidKey) as info:
        Named(key="", step="a").save()
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, CoreInvalidKey) and isinstance(info.value, CoodieError)
    assert (info.value.model, info.value.field, info.value.value) == ("Named", "key", "")
    assert str(info.value) == (
        "Named.key: invalid key value '': Cassandra refuses an empty partition key"
    )


def test_clustering_values_over_65535_bytes_are_refused() -> None:
    Named(key="a", step="s" * 65535).validate()
    text = message(lambda: Named(key="a", step="s" * 65536).save())
    assert text.startswith("Named.step: ") and "the clustering value is 65536 bytes" in text


def test_models_without_text_or_blob_keys_skip_the_key_check() -> None:
    assert Item._sized_keys == () and Named._sized_keys == (("key", "k"), ("step", "s"))


def test_counter_changes_must_fit_a_bigint() -> None:
    hits = Hits(page="p")
    hits.n = 2**62
    hits.validate()
    hits._values["n"].previous_value = -(2**62) - 1
    with pytest.raises(ValidationError, match=r"^Hits\.n: the counter change"):
        hits.validate()


def test_table_names_are_checked_when_the_class_is_created() -> None:
    for bad in ("t; DROP", "a-b", "t" * 49, "ünï"):
        with pytest.raises(InvalidTableName) as info:
            type(
                "BadName", (Model,), {"__table_name__": bad, "k": columns.Integer(primary_key=True)}
            )
        assert isinstance(info.value, ModelDefinitionException)
        assert isinstance(info.value, InvalidIdentifier)
        assert str(info.value).startswith("BadName: invalid __table_name__") and bad in str(
            info.value
        )
    body = {"__table_name__": "Mixed_Case_1", "__table_name_case_sensitive__": True,
            "k": columns.Integer(primary_key=True)}  # fmt: skip
    good = type("Good", (Model,), body)
    with pytest.warns(PendingDeprecationWarning):  # cqlengine's warning, kept
        name = good.column_family_name(include_keyspace=False)
    assert name == '"Mixed_Case_1"'


def test_definition_errors_name_the_model() -> None:
    with pytest.raises(
        ModelDefinitionException, match=r"^NoKey: At least 1 primary key is required\.$"
    ):
        type("NoKey", (Model,), {"v": columns.Integer()})


@pytest.mark.parametrize(
    ("options", "parts"),
    [
        ({"gc_grace_seconds": "abc"}, ("BadOpts", "gc_grace_seconds", "'abc'")),
        ({"gc_grace_secs": 5}, ("BadOpts", "gc_grace_secs", "unknown")),
        ({"default_time_to_live": -5}, ("BadOpts", "default_time_to_live", "-5")),
        ({"caching": {"keys": "SOME"}}, ("BadOpts", "caching", "SOME")),
    ],
)
def test_table_options_are_checked_when_the_class_is_created(
    options: dict[str, Any], parts: tuple[str, ...]
) -> None:
    body = {"__options__": options, "k": columns.Integer(primary_key=True)}
    with pytest.raises(InvalidTableOptions) as info:
        type("BadOpts", (Model,), body)
    assert isinstance(info.value, ModelDefinitionException)
    assert isinstance(info.value, InvalidTableOption)
    assert all(part in str(info.value) for part in parts), str(info.value)


def test_options_that_must_be_a_dict() -> None:
    body = {"__options__": ["gc_grace_seconds"], "k": columns.Integer(primary_key=True)}
    with pytest.raises(ModelDefinitionException, match=r"^BadOpts: __options__ must be a dict"):
        type("BadOpts", (Model,), body)


def test_cqlengine_style_options_are_accepted() -> None:
    options = {
        "bloom_filter_fp_chance": "0.76328",
        "gc_grace_seconds": "2063",
        "comment": "it's",
        "compaction": {"class": "LeveledCompactionStrategy", "sstable_size_in_mb": "64"},
        "default_time_to_live": None,
    }
    good = type(
        "GoodOpts", (Model,), {"__options__": options, "k": columns.Integer(primary_key=True)}
    )
    assert good.__options__ is options
