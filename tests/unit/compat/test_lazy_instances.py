"""Lazy value managers (coodie_compat._instance_state) behave as cqlengine's eager ones.

Every scenario runs twice: on a model that takes the lazy path, and on the
same model with a user ``__init__``, which takes cqlengine's eager path.  The
value managers must come out identical (value, previous value, explicit,
changed, deleted), whatever was read or assigned in between.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from coodie_compat import columns, connection
from coodie_compat.models import Model
from coodie_compat.usertype import UserType


@pytest.fixture(autouse=True)
def _offline_udts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "udt_by_keyspace", defaultdict(dict))


class Address(UserType):
    street = columns.Text()
    number = columns.Integer()


class Lazy(Model):
    __keyspace__ = "ks"
    id = columns.UUID(primary_key=True)
    seq = columns.Integer(primary_key=True, db_field="sequence")
    name = columns.Text(default="anon")
    score = columns.Double()
    at = columns.DateTime()
    day = columns.Date()
    blob = columns.Blob()
    tags = columns.List(columns.Text)
    flags = columns.Set(columns.Integer)
    prefs = columns.Map(columns.Text, columns.Integer)
    home = columns.UserDefinedType(Address)


class Eager(Lazy):
    """The same columns; a user ``__init__`` makes it take the eager path."""

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)


class Tally(Model):
    __keyspace__ = "ks"
    id = columns.Integer(primary_key=True)
    hits = columns.Counter()


class EagerTally(Tally):
    def __init__(self, **values: Any) -> None:
        super().__init__(**values)


KEY = uuid.UUID(int=7)
AT = datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)


def state(instance: Any) -> dict[str, tuple[Any, ...]]:
    return {name: (type(m).__name__, m.value, m.previous_value, m.explicit, m.changed,
                   m.deleted) for name, m in instance._values.items()}


def both(make: Any) -> Iterator[Any]:
    for model in (Lazy, Eager):
        yield make(model)


def row(**overrides: Any) -> dict[str, Any]:
    values = {"id": KEY, "sequence": 1, "name": "n", "score": 1.5, "at": AT,
              "day": None, "blob": b"\x01", "tags": ["a"], "flags": {1}, "prefs": {"k": 1},
              "home": None}
    values.update(overrides)
    return values


def test_the_models_take_the_paths_the_test_expects() -> None:
    assert "_values" not in vars(Lazy(id=KEY, seq=1))
    assert "_values" in vars(Eager(id=KEY, seq=1))
    assert "_values" not in vars(Lazy._construct_instance(row()))
    assert "_values" in vars(Eager._construct_instance(row()))


@pytest.mark.parametrize("values", [
    {"id": KEY, "seq": 1},
    {"id": str(KEY), "seq": "2", "name": None, "tags": None, "score": 3, "at": AT},
    {"id": KEY, "seq": 1, "day": datetime.date(2020, 1, 1), "prefs": {"a": 1},
     "home": Address(street="x", number=1), "blob": bytearray(b"z")},
])
def test_constructed_instances(values: dict[str, Any]) -> None:
    lazy, eager = both(lambda model: model(**values))
    assert dict(lazy) == dict(eager)
    assert state(lazy) == state(eager)
    assert lazy == Lazy(**values) and repr(lazy).startswith("Lazy(")


@pytest.mark.parametrize("values", [
    row(),
    row(name=None, tags=None, flags=None, prefs=None, score=None),
    {"id": KEY, "sequence": 3},  # the columns not selected get their defaults
    row(extra="ignored", sequence="4", seq="5", score=2),  # renamed and converted as cqlengine does
    row(home=Address(street="s", number=2), day=datetime.date(2021, 5, 6)),
])
def test_loaded_instances(values: dict[str, Any]) -> None:
    lazy, eager = both(lambda model: model._construct_instance(dict(values)))
    assert lazy._is_persisted and eager._is_persisted
    assert {k: getattr(lazy, k) for k in Lazy._columns} == {
        k: getattr(eager, k) for k in Lazy._columns}
    assert state(lazy) == state(eager)


@pytest.mark.parametrize("change", [
    lambda i: i.tags.append("b"),
    lambda i: i.prefs.update(z=2),
    lambda i: setattr(i, "name", None),
    lambda i: setattr(i, "score", 1.5),
    lambda i: setattr(i, "score", 9.0),
    lambda i: delattr(i, "tags"),
    lambda i: i.home.__setattr__("number", 5) if i.home else None,
    lambda i: None,
])
def test_changes_after_loading(change: Any) -> None:
    values = row(home=Address(street="s", number=2))
    lazy, eager = both(lambda model: model._construct_instance(dict(values)))
    change(lazy)
    change(eager)
    assert state(lazy) == state(eager)
    assert lazy.get_changed_columns() == eager.get_changed_columns()


def test_truncated_datetimes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns.DateTime, "truncate_microseconds", True)
    lazy, eager = both(lambda model: model._construct_instance(row()))
    assert lazy.at == eager.at == AT.replace(microsecond=678000)
    constructed = Lazy(id=KEY, seq=1, at=AT)
    assert constructed.at == AT.replace(microsecond=678000)


def test_counters_start_at_zero() -> None:
    for model in (Tally, EagerTally):
        assert model(id=1).hits == 0
    loaded = [m._construct_instance({"id": 1, "hits": None}) for m in (Tally, EagerTally)]
    assert state(loaded[0]) == state(loaded[1])
    assert loaded[0].hits == 0


def test_subclasses_get_their_own_loader() -> None:
    class Parent(Model):
        __keyspace__ = "ks"
        id = columns.Integer(primary_key=True)

    assert isinstance(Parent._construct_instance({"id": 1}), Parent)

    class Child(Parent):
        extra = columns.Text()

    child = Child._construct_instance({"id": 2, "extra": "x"})
    assert type(child) is Child and child.extra == "x"
    assert type(Parent._construct_instance({"id": 3})) is Parent


def test_a_user_loader_is_kept() -> None:
    class Custom(Model):
        __keyspace__ = "ks"
        id = columns.Integer(primary_key=True)

        @classmethod
        def _construct_instance(cls, values: dict[str, Any]) -> Any:
            return ("custom", values["id"])

    assert Custom._construct_instance({"id": 1}) == ("custom", 1)
    assert Custom._construct_instance({"id": 2}) == ("custom", 2)


def test_deferred_values_the_caller_holds_are_snapshotted_at_once() -> None:
    key = bytearray(b"k")

    class Keyed(Model):
        __keyspace__ = "ks"
        k = columns.Blob(primary_key=True)
        v = columns.Text()

    queryset = Keyed.objects.filter(k=key)
    construct = queryset._maybe_inject_deferred(queryset._get_result_constructor())
    loaded = construct({"v": "x"})
    assert "_values" in vars(loaded)
    key.extend(b"!")  # the caller changes its own object afterwards
    assert loaded._values["k"].previous_value == bytearray(b"k")
