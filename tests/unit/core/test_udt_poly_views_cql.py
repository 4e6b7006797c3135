"""Unit tests: user-defined types (CQL types, DDL planning, decoding), single-table
inheritance (shared table, discriminator filter, subclass decoding) and materialized
views (checks, DDL, read-only); exact CQL and values."""

from __future__ import annotations

import uuid
from collections import namedtuple
from collections.abc import Callable
from typing import Annotated

import pytest

from coodie_core.document import Document, MaterializedView
from coodie_core.errors import IncompatibleSchemaChange, InvalidQuery, ModelDefinitionError
from coodie_core.fields import ClusteringKey, Indexed, PartitionKey
from coodie_core.polymorphism import read_table
from coodie_core.rows import DocumentDecoder
from coodie_core.schema import create_table_cql
from coodie_core.statements import Table, render
from coodie_core.type_schema import create_type_cql, plan_type_sync, user_types_of
from coodie_core.usertype import UserType
from coodie_core.view_schema import create_view_cql


def cql(op: object) -> tuple[str, tuple[object, ...]]:
    return render(op.statement)  # type: ignore[attr-defined]


UID = uuid.UUID("12345678-1234-5678-1234-567812345678")


class Geo(UserType):
    lat: float
    lon: float


class Address(UserType):
    street: str
    geo: Geo | None = None
    lines: list[str] = []

    class Settings:
        name = "postal_address"


class Person(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    home: Address | None = None
    past: list[Address] = []
    by_name: dict[str, Address] = {}

    class Settings:
        keyspace = "ks"


def test_udt_cql_types_frozen_where_cql_requires() -> None:
    types = {c.name: c.cql_type for c in Person.table_meta().columns}
    assert types == {
        "id": "uuid",
        "home": "postal_address",
        "past": "list<frozen<postal_address>>",
        "by_name": "map<text, frozen<postal_address>>",
    }


def test_udt_ddl_in_dependency_order() -> None:
    assert user_types_of(Person.table_meta()) == [Geo, Address]
    assert create_type_cql("ks", Address) == (
        "CREATE TYPE IF NOT EXISTS ks.postal_address "
        "(street text, geo frozen<geo>, lines frozen<list<text>>)"
    )
    assert plan_type_sync("ks", Geo, None) == [
        "CREATE TYPE IF NOT EXISTS ks.geo (lat double, lon double)"
    ]


def test_udt_sync_adds_fields_and_refuses_type_changes() -> None:
    live = {"street": "text", "geo": "frozen<geo>"}
    assert plan_type_sync("ks", Address, live) == [
        "ALTER TYPE ks.postal_address ADD lines frozen<list<text>>"
    ]
    with pytest.raises(IncompatibleSchemaChange, match="field street is int"):
        plan_type_sync("ks", Address, {"street": "int"})


def test_udt_values_are_checked_and_decoded() -> None:
    with pytest.raises(ValueError, match="street"):
        Address(street=None)  # type: ignore[arg-type]
    GeoRow = namedtuple("GeoRow", ["lat", "lon"])
    AddressRow = namedtuple("AddressRow", ["street", "geo", "lines"])
    row = {
        "id": UID,
        "home": AddressRow("Main", GeoRow(1.0, 2.0), ["a"]),
        "past": [AddressRow("Old", None, None)],
        "by_name": None,
    }
    doc = DocumentDecoder(Person, Person.table_meta(), tuple(row))(row)
    assert doc.home == Address(street="Main", geo=Geo(lat=1.0, lon=2.0), lines=["a"])
    assert doc.past == [Address(street="Old")]
    assert hash(Geo(lat=1, lon=2)) == hash(Geo(lat=1, lon=2))  # usable in sets


def test_udt_in_a_key_is_frozen() -> None:
    class Located(Document):
        where: Annotated[Geo, PartitionKey()]

        class Settings:
            keyspace = "ks"

    assert Located.table_meta().column("where").cql_type == "frozen<geo>"


class Pet(Document):
    owner: Annotated[uuid.UUID, PartitionKey()]
    name: Annotated[str, ClusteringKey()]
    kind: Annotated[str, Indexed()] = "pet"

    class Settings:
        keyspace = "ks"
        discriminator = "kind"


class Cat(Pet):
    lives: int = 9

    class Settings:
        discriminator_value = "cat"


class Dog(Pet):
    good: bool = True

    class Settings:
        discriminator_value = "dog"


def test_subclasses_share_the_root_table() -> None:
    assert Cat.table_meta().name == "pet"
    assert Cat(owner=UID, name="tom").kind == "cat"
    with pytest.raises(ValueError, match="kind must be 'cat'"):
        Cat(owner=UID, name="tom", kind="dog")
    assert read_table(Pet).names == ("owner", "name", "kind", "lives", "good")
    assert create_table_cql(read_table(Pet), Table("ks", "pet")) == (
        "CREATE TABLE IF NOT EXISTS ks.pet (owner uuid, name text, kind text, lives bigint, "
        "good boolean, PRIMARY KEY ((owner), name)) WITH CLUSTERING ORDER BY (name ASC)"
    )


def test_querying_a_subclass_filters_by_its_discriminator() -> None:
    assert cql(Cat.find(owner=UID).all_op()) == (
        "SELECT owner, name, kind, lives FROM ks.pet WHERE owner = ? AND kind = ?",
        (UID, "cat"),
    )
    assert cql(Pet.find(owner=UID).all_op()) == (
        "SELECT owner, name, kind, lives, good FROM ks.pet WHERE owner = ?",
        (UID,),
    )
    with pytest.raises(InvalidQuery, match="cannot filter on the discriminator"):
        Cat.find(owner=UID).delete_op()


def test_reading_through_the_root_builds_subclasses() -> None:
    decode = Pet.find(owner=UID)._decoder()
    cat = decode({"owner": UID, "name": "a", "kind": "cat", "lives": 3, "good": None})
    dog = decode({"owner": UID, "name": "b", "kind": "dog", "lives": None, "good": False})
    other = decode({"owner": UID, "name": "c", "kind": "fish", "lives": None, "good": None})
    assert (cat, dog) == (Cat(owner=UID, name="a", lives=3), Dog(owner=UID, name="b", good=False))
    assert type(other) is Pet


class Post(Document):
    author: Annotated[str, PartitionKey()]
    id: Annotated[int, ClusteringKey()]
    title: str = ""
    body: str = ""

    class Settings:
        keyspace = "ks"


class PostByTitle(MaterializedView):
    title: Annotated[str, PartitionKey()]
    author: Annotated[str, ClusteringKey()]
    id: Annotated[int, ClusteringKey(1, order="DESC")]
    body: str = ""

    class Settings:
        view_of = Post
        keyspace = "ks"


def test_view_ddl() -> None:
    meta = PostByTitle.table_meta()
    assert create_view_cql(meta, Table("ks", "post_by_title"), Table("ks", "post")) == (
        "CREATE MATERIALIZED VIEW IF NOT EXISTS ks.post_by_title AS SELECT title, author, id, "
        "body FROM ks.post WHERE title IS NOT NULL AND author IS NOT NULL AND id IS NOT NULL "
        "PRIMARY KEY ((title), author, id) WITH CLUSTERING ORDER BY (author ASC, id DESC)"
    )


def test_views_are_read_only_and_checked() -> None:
    view = PostByTitle(title="t", author="a", id=1)
    def update() -> object:
        return view.update_op(body="x")

    writes: list[Callable[[], object]] = [view.save_op, view.delete_op, update]
    for write in writes:
        with pytest.raises(InvalidQuery, match="PostByTitle is a materialized view"):
            write()
    assert cql(PostByTitle.find(title="t").all_op())[0] == (
        "SELECT title, author, id, body FROM ks.post_by_title WHERE title = ?"
    )
    with pytest.raises(ModelDefinitionError, match="lacks base key"):

        class NoKey(MaterializedView):
            title: Annotated[str, PartitionKey()]
            author: Annotated[str, ClusteringKey()]

            class Settings:
                view_of = Post

    with pytest.raises(ModelDefinitionError, match="is bigint, Post has text"):

        class WrongType(MaterializedView):
            title: Annotated[int, PartitionKey()]

            class Settings:
                view_of = Post
