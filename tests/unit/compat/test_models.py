"""coodie_compat.models and usertype without a database.

Class construction (layout, errors, naming, polymorphism, per-model errors),
instance state (value managers, change tracking, dict protocol) and the hand-off
to ``__dmlquery__``, checked with a recording DML class that sends nothing.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from coodie_compat import CQLEngineException, ValidationError, columns, connection, models, query
from coodie_compat.models import (
    ColumnQueryEvaluator,
    Model,
    ModelDefinitionException,
    ModelException,
    PolymorphicModelException,
    _clone_model_class,
)
from coodie_compat.usertype import UserType, UserTypeDefinitionException
from coodie_core import errors as core_errors

FIXED = UUID("12345678-1234-5678-1234-567812345678")


@pytest.fixture(autouse=True)
def _offline_udts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep user-type registrations made by these tests out of the real registry."""
    monkeypatch.setattr(connection, "udt_by_keyspace", defaultdict(dict))


class Recorder(query.DMLQuery):  # type: ignore[misc]
    """A DMLQuery that records what a model asked of it and sends nothing."""

    calls: list[tuple[str, dict[str, Any]]] = []

    def __init__(self, model: Any, instance: Any = None, **options: Any) -> None:
        self.options = options
        self.instance = instance

    def save(self) -> None:
        self.calls.append(("save", self.options))

    def update(self) -> None:
        self.calls.append(("update", self.options))

    def delete(self) -> None:
        self.calls.append(("delete", self.options))


class Row(Model):
    __dmlquery__ = Recorder
    part = columns.Integer(partition_key=True)
    part2 = columns.Text(partition_key=True)
    clust = columns.Integer(primary_key=True, clustering_order="DESC")
    name = columns.Text(db_field="full_name", default="anon")
    tags = columns.Set(columns.Text)


@pytest.fixture
def calls() -> list[tuple[str, dict[str, Any]]]:
    Recorder.calls = []
    return Recorder.calls


# ---------------------------------------------------------------- layout


def test_layout_of_a_model() -> None:
    assert list(Row._columns) == ["part", "part2", "clust", "name", "tags"]
    assert list(Row._primary_keys) == ["part", "part2", "clust"]
    assert list(Row._partition_keys) == ["part", "part2"]
    assert list(Row._clustering_keys) == ["clust"]
    assert Row._db_map == {"full_name": "name"}
    assert Row._partition_key_index == {"part": 0, "part2": 1}
    assert Row._pk_name is None
    assert Row._has_counter is False
    assert Row._dynamic_columns == {}
    assert Row._is_polymorphic is False
    assert Row._discriminator_map is None
    assert Row.__abstract__ is False
    assert Model.__abstract__ is True


def test_first_primary_key_becomes_the_partition_key() -> None:
    class Simple(Model):
        a = columns.Integer(primary_key=True)
        b = columns.Integer(primary_key=True)

    assert list(Simple._partition_keys) == ["a"]
    assert list(Simple._clustering_keys) == ["b"]
    assert Simple._pk_name == "a"
    assert Simple.pk is Simple.a
    assert isinstance(Simple.a, ColumnQueryEvaluator)
    assert Simple(a=3).pk == 3


def test_composite_pk_property_reads_and_writes_every_part() -> None:
    row = Row(part=1, part2="x")
    assert row.pk == (1, "x")
    row.pk = (2, "y")
    assert (row.part, row.part2) == (2, "y")


def test_inherited_columns_come_first_and_redefinition_keeps_the_place() -> None:
    class Parent(Model):
        __abstract__ = True
        key = columns.Integer(primary_key=True)
        body = columns.Text()

    class Child(Parent):
        extra = columns.Integer()
        body = columns.Text(db_field="b")

    assert list(Child._columns) == ["key", "body", "extra"]
    assert Child._columns["body"].position == Parent._columns["body"].position
    assert Child._db_map == {"b": "body"}
    assert Child.__abstract__ is False


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        ({"x": columns.Integer()}, ModelDefinitionException, "At least 1 primary key is required."),
        (
            {"k": columns.Integer(primary_key=True), "timestamp": columns.Integer()},
            ModelDefinitionException,
            "column 'timestamp' conflicts with built-in attribute/method",
        ),
        (
            {"k": columns.Integer(primary_key=True), "v": columns.Text(db_field="k")},
            ModelException,
            "Bad defines the column 'k' more than once",
        ),
        (
            {"k": columns.Integer(primary_key=True), "c": columns.Counter(), "t": columns.Text()},
            ModelDefinitionException,
            "counter models may not have data columns",
        ),
        (
            {"k": columns.Integer(primary_key=True, clustering_order="asc")},
            ModelException,
            "clustering_order may be specified only for clustering primary keys",
        ),
        (
            {
                "k": columns.Integer(primary_key=True),
                "c": columns.Integer(primary_key=True, clustering_order="up"),
            },
            ModelException,
            "invalid clustering order 'up' for column 'c'",
        ),
        (
            {"k": columns.Integer(primary_key=True), "d": columns.Set(columns.Integer,
                                                                       discriminator_column=True)},
            ModelDefinitionException,
            "counter and container columns cannot be used as discriminator columns",
        ),
        (
            {"k": columns.Integer(primary_key=True),
             "a": columns.Integer(discriminator_column=True),
             "b": columns.Integer(discriminator_column=True)},
            ModelDefinitionException,
            "only one discriminator_column can be defined in a model, 2 found",
        ),
        (
            {"__discriminator_value__": 1, "k": columns.Integer(primary_key=True)},
            ModelDefinitionException,
            "__discriminator_value__ specified, but no base columns defined with "
            "discriminator_column=True",
        ),
    ],
)
def test_definition_errors(body: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        type("Bad", (Model,), body)
    # The class name leads every message, once.
    expected = message if message.startswith("Bad ") else f"Bad: {message}"
    assert str(info.value) == expected


def test_counter_models_and_default_ttl() -> None:
    class Hits(Model):
        __options__ = {"default_time_to_live": 20}
        k = columns.Integer(primary_key=True)
        n = columns.Counter()

    assert Hits._has_counter is True
    assert Hits.__default_ttl__ == 20
    assert Row.__default_ttl__ is None


def test_defining_models_emits_no_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        class Quiet(Model):
            __table_name__ = "MixedCase"
            validate_ = columns.Integer(primary_key=True)
            json = columns.Text()
            copy = columns.Text()

    assert caught == []
    assert Quiet._table_meta is not None


def test_each_model_gets_its_own_errors() -> None:
    class Base(Model):
        k = columns.Integer(primary_key=True)

    class Sub(Base):
        pass

    assert Base.DoesNotExist is not Row.DoesNotExist
    assert issubclass(Sub.DoesNotExist, Base.DoesNotExist)
    assert not issubclass(Base.DoesNotExist, Row.DoesNotExist)
    for error in (Sub.DoesNotExist, Sub.MultipleObjectsReturned):
        assert issubclass(error, CQLEngineException)
    assert issubclass(Sub.DoesNotExist, query.DoesNotExist)
    assert issubclass(Sub.DoesNotExist, core_errors.DoesNotExist)
    assert issubclass(Sub.MultipleObjectsReturned, query.MultipleObjectsReturned)
    assert issubclass(Sub.MultipleObjectsReturned, core_errors.MultipleObjectsReturned)
    assert Sub.DoesNotExist.__qualname__.endswith("Sub.DoesNotExist")


def test_routing_key_serialisation() -> None:
    class Keyed(Model):
        k = columns.Integer(partition_key=True)
        t = columns.Text(partition_key=True)

    class Unrouted(Model):
        __compute_routing_key__ = False
        k = columns.Integer(primary_key=True)

    assert Keyed._routing_key_from_values([1, "ab"], 4) == [b"\x00\x00\x00\x01", b"ab"]
    assert Unrouted._routing_key_from_values([1], 4) is None
    assert Unrouted._partition_key_index == {}


# ---------------------------------------------------------------- naming


def test_derived_table_names() -> None:
    class TestTTLModel(Model):
        k = columns.Integer(primary_key=True)

    class _Leading(Model):
        k = columns.Integer(primary_key=True)

    assert TestTTLModel.column_family_name(include_keyspace=False) == "test_ttlmodel"
    assert _Leading.column_family_name(include_keyspace=False) == "leading"
    assert Row.column_family_name(include_keyspace=False) == "row"


def test_table_name_warnings_fire_once_per_class() -> None:
    class Mixed(Model):
        __table_name__ = "Mixed_Name"
        k = columns.Integer(primary_key=True)

    class Sensitive(Model):
        __table_name__ = "Sensitive_Name"
        __table_name_case_sensitive__ = True
        k = columns.Integer(primary_key=True)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert Mixed.column_family_name(include_keyspace=False) == "mixed_name"
        assert Mixed.column_family_name(include_keyspace=False) == "mixed_name"
        assert Sensitive.column_family_name(include_keyspace=False) == '"Sensitive_Name"'
        clone = _clone_model_class(Sensitive, {"__keyspace__": "other"})
        assert clone.column_family_name() == 'other."Sensitive_Name"'
    assert [(w.category, str(w.message)) for w in caught] == [
        (
            UserWarning,
            "Model __table_name__ will be case sensitive by default in 4.0. You should fix "
            "the __table_name__ value of the 'Mixed' model.",
        ),
        (PendingDeprecationWarning, "Model __table_name_case_sensitive__ will be removed in 4.0."),
    ]


def test_subclass_does_not_reuse_the_parents_cached_name() -> None:
    class Parent(Model):
        k = columns.Integer(primary_key=True)

    assert Parent.column_family_name(include_keyspace=False) == "parent"

    class Child(Parent):
        pass

    assert Child.column_family_name(include_keyspace=False) == "child"


def test_column_family_name_reads_default_keyspace_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models, "DEFAULT_KEYSPACE", "keyspace")
    assert Row.column_family_name() == '"keyspace".row'
    monkeypatch.setattr(models, "DEFAULT_KEYSPACE", None)
    with pytest.raises(CQLEngineException):
        Row.column_family_name()


def test_clone_keeps_flags_and_gets_a_new_keyspace() -> None:
    clone = _clone_model_class(Row, {"__keyspace__": "ks2"})
    assert issubclass(clone, Row)
    assert clone.__name__ == "Row"
    assert clone._get_keyspace() == "ks2"
    assert clone.__abstract__ is False
    assert list(clone._columns) == list(Row._columns)
    assert issubclass(clone.DoesNotExist, Row.DoesNotExist)


# ---------------------------------------------------------------- polymorphism


class Animal(Model):
    key = columns.Integer(primary_key=True)
    kind = columns.Text(discriminator_column=True)


class Cat(Animal):
    __discriminator_value__ = "cat"
    lives = columns.Integer()


class Dog(Animal):
    __discriminator_value__ = "dog"


def test_polymorphic_flags() -> None:
    assert (Animal._is_polymorphic, Animal._is_polymorphic_base) == (True, True)
    assert (Cat._is_polymorphic, Cat._is_polymorphic_base) == (True, False)
    assert Cat._polymorphic_base is Animal
    assert Cat._discriminator_column is Cat._columns["kind"]
    assert Cat._discriminator_column_name == "kind"
    assert Cat._discriminator_map is None
    assert Cat.column_family_name(include_keyspace=False) == "animal"

    class Kitten(Cat):
        pass

    assert Kitten.__discriminator_value__ is None


def test_rows_become_their_subclass() -> None:
    cat = Animal._construct_instance({"key": 1, "kind": "cat", "lives": 9})
    assert type(cat) is Cat
    assert cat.lives == 9
    assert cat._is_persisted
    dog = Animal._construct_instance({"key": 2, "kind": "dog", "lives": None})
    assert type(dog) is Dog
    assert Animal._discriminator_map == {"cat": Cat, "dog": Dog}
    with pytest.raises(PolymorphicModelException):
        Cat._construct_instance({"key": 2, "kind": "dog"})
    with pytest.raises(PolymorphicModelException):
        Animal._construct_instance({"key": 3, "kind": "bird"})
    with pytest.raises(PolymorphicModelException):
        Animal._construct_instance({"key": 3})
    with pytest.raises(ModelException):
        Cat._discover_polymorphic_submodels()


def test_saving_a_polymorphic_base_fails() -> None:
    with pytest.raises(PolymorphicModelException, match="cannot save polymorphic base model"):
        Animal(key=1).save()
    with pytest.raises(PolymorphicModelException, match="cannot update polymorphic base model"):
        Animal(key=1).update()


# ---------------------------------------------------------------- instances


def test_construction_applies_defaults_and_to_python() -> None:
    class Typed(Model):
        k = columns.UUID(primary_key=True)
        n = columns.Integer(default=7)
        nums = columns.List(columns.Integer)

    row = Typed(k=str(FIXED))
    assert row.k == FIXED
    assert row.n == 7
    assert row.nums == []
    assert row.get_changed_columns() == ["k"]
    assert {n: v.previous_value for n, v in row._values.items()} == {
        "k": None, "n": None, "nums": None,
    }
    assert Typed(k=FIXED, n=None).n is None


def test_unknown_constructor_kwargs_and_create_are_refused_naming_the_model() -> None:
    with pytest.raises(ValidationError, match=r"^Row: no column named bogus=2$"):
        Row(part=1, bogus=2)
    with pytest.raises(ValidationError, match=r"^Row: Incorrect columns passed: \{'bogus'\}$"):
        Row.create(part=1, bogus=2)


def test_dict_protocol_repr_and_str() -> None:
    row = Row(part=1, part2="a", clust=3)
    assert row.keys() == ["part", "part2", "clust", "name", "tags"]
    assert row.values() == [1, "a", 3, "anon", set()]
    assert row.items()[0] == ("part", 1)
    assert row["name"] == "anon"
    row["name"] = "bob"
    assert row.name == "bob"
    with pytest.raises(TypeError):
        row[0]
    with pytest.raises(KeyError):
        row["nope"] = 1
    assert len(row) == 5
    assert row._len == 5
    assert repr(row) == "Row(part=1, part2='a', clust=3, name='bob', tags=set())"
    assert str(row) == "Row <part=1, part2=a, clust=3>"
    assert row._as_dict() == {"part": 1, "part2": "a", "clust": 3, "name": "bob", "tags": set()}


def test_equality_and_hashing() -> None:
    a, b = Row(part=1, part2="a", clust=1), Row(part=1, part2="a", clust=1)
    assert a == b
    b.name = "other"
    assert a != b
    assert a != Animal(key=1)
    with pytest.raises(TypeError):
        hash(a)


def test_deleting_attributes() -> None:
    row = Row(part=1, part2="a", clust=1, name="x")
    del row.name
    assert row.name is None
    with pytest.raises(AttributeError, match="cannot delete part columns"):
        del row.part


def test_validate_reapplies_defaults_only_to_implicit_nones() -> None:
    row = Row(part=1, part2="a", clust=1)
    row._values["name"].value = None
    row.validate()
    assert row.name == "anon"
    explicit = Row(part=1, part2="a", clust=1, name=None)
    explicit.validate()
    assert explicit.name is None


def test_persisted_state_and_can_update() -> None:
    row = Row._construct_instance({"part": 1, "part2": "a", "clust": 2, "full_name": "n"})
    assert row.name == "n"
    assert row._is_persisted and row._can_update()
    assert row.get_changed_columns() == []
    row.name = "m"
    assert row._can_update()
    row.clust = 3
    assert not row._can_update()
    assert Row(part=1)._can_update() is False


def test_save_update_delete_hand_options_to_the_dml_query(
    calls: list[tuple[str, dict[str, Any]]],
) -> None:
    row = Row(part=1, part2="a", clust=1)
    returned = row.ttl(30).timestamp(5).if_not_exists().consistency("ONE").save()
    assert returned is row
    kind, options = calls[-1]
    assert kind == "save"
    assert options == {
        "batch": None, "timestamp": 5, "consistency": "ONE", "conditional": None,
        "timeout": connection.NOT_SET, "if_exists": False, "ttl": 30, "if_not_exists": True,
    }
    assert row._timestamp is None and row._ttl == 30
    assert row._is_persisted and row.get_changed_columns() == []
    row.if_exists().update(name="z")
    assert calls[-1][0] == "update"
    assert calls[-1][1]["if_exists"] is True and "if_not_exists" not in calls[-1][1]
    row.timeout(2).delete()
    assert calls[-1] == ("delete", {
        "batch": None, "timestamp": None, "consistency": "ONE", "conditional": None,
        "timeout": 2, "if_exists": True,
    })


def test_update_refuses_unknown_columns_and_key_changes() -> None:
    row = Row(part=1, part2="a", clust=1)
    with pytest.raises(ValidationError, match="Row has no column named: nope"):
        row.update(nope=1)
    with pytest.raises(ValidationError, match="Cannot apply update to primary key 'clust'"):
        row.update(clust=2)


def test_batch_timeout_and_connection_rules() -> None:
    row = Row(part=1)
    with pytest.raises(AssertionError):
        row.batch(object()).timeout(1)
    other = Row(part=1).timeout(1)
    with pytest.raises(AssertionError):
        other.batch(object())
    bound = Row(part=1).using(connection="c2")
    assert bound._get_connection() == "c2"
    assert Row._get_connection() is None
    with pytest.raises(CQLEngineException, match="Cannot specify a connection"):
        bound.batch(object())


def test_class_level_descriptors_build_querysets() -> None:
    assert isinstance(Row.objects, Row.__queryset__)
    assert Row.objects is not Row.objects
    assert Row.ttl(10)._ttl == 10
    assert Row.consistency("ALL")._consistency == "ALL"
    with pytest.raises(CQLEngineException, match="cannot execute queries against abstract"):
        Model.objects  # noqa: B018


def test_user_types_are_registered_at_class_creation() -> None:
    class Address(UserType):
        street = columns.Text()

    class Home(Model):
        __keyspace__ = "ks_home"
        k = columns.Integer(primary_key=True)
        where = columns.UserDefinedType(Address)

    assert connection.udt_by_keyspace["ks_home"] == {"address": Address}
    assert Home._table_meta.column("where").cql_type == "frozen<address>"


# ---------------------------------------------------------------- user types


class Person(UserType):
    age = columns.Integer(db_field="a")
    name = columns.Text(default="nobody")


def test_user_type_layout_and_names() -> None:
    class HTTPLogEntry(UserType):
        x = columns.Integer()

    class Named(UserType):
        __type_name__ = "MyType"
        x = columns.Integer()

    assert list(Person._fields) == ["age", "name"]
    assert Person._db_map == {"a": "age"}
    assert Person.type_name() == "person"
    assert HTTPLogEntry.type_name() == "httplog_entry"
    assert HTTPLogEntry.__type_name__ == "httplog_entry"
    assert Named.type_name() == "mytype"
    assert Named.__type_name__ == "MyType"


def test_user_type_instances() -> None:
    p = Person(a=3)
    assert (p.age, p.a, p.name) == (3, 3, "nobody")
    assert p.keys() == ["age", "name"]
    assert p.items() == [("age", 3), ("name", "nobody")]
    assert len(p) == 2
    assert str(p) == "{'age': 3, 'name': nobody}"
    assert p == Person(age=3)
    assert p != Person(age=4)
    assert p.has_changed_fields()
    p.reset_changed_fields()
    assert not p.has_changed_fields()
    p["age"] = 5
    assert p.has_changed_fields()
    with pytest.raises(AttributeError):
        p.gender  # noqa: B018
    with pytest.raises(KeyError):
        p["gender"]


def test_user_type_validate_applies_defaults() -> None:
    p = Person(age=1)
    p._values["name"].value = None
    p.validate()
    assert p.name == "nobody"


def test_user_type_definition_errors() -> None:
    with pytest.raises(UserTypeDefinitionException, match="conflicts with built-in"):
        type("Bad", (UserType,), {"keys": columns.Integer()})
    with pytest.raises(UserTypeDefinitionException, match="db_field 'x'"):
        type("Bad", (UserType,), {"x": columns.Integer(), "y": columns.Integer(db_field="x")})


def test_register_for_keyspace_records_the_type() -> None:
    Person.register_for_keyspace("ks1")
    assert connection.udt_by_keyspace["ks1"] == {"person": Person}


def test_models_never_import_cqlengine() -> None:
    script = (
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "from coodie_compat import columns, models, usertype\n"
        "class Kind(usertype.UserType):\n"
        "    label = columns.Text()\n"
        "class Thing(models.Model):\n"
        "    k = columns.Integer(primary_key=True)\n"
        "    kind = columns.UserDefinedType(Kind)\n"
        "Thing(k=1).validate()\n"
        "print(sorted(m for m in sys.modules if m.startswith('cassandra.cqlengine')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[3])
    assert done.stdout == "[]\n"
