"""Integration: ``__like`` filters against a SASI index (the dev node enables SASI), each
body through the sync and the asyncio front."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest

from coodie_core.document import Document
from coodie_core.fields import Indexed, PartitionKey
from coodie_core.management import sync_table

SASI = "org.apache.cassandra.index.sasi.SASIIndex"


class Person(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    name: Annotated[str, Indexed(using=SASI)] = ""
    city: str = ""


NAMES = ["alice", "alfred", "bob", "al'x; --", "Albert"]


@pytest.fixture(scope="module", autouse=True)
def people(core_keyspace: str) -> dict[str, uuid.UUID]:
    sync_table(Person)
    ids = {name: uuid.uuid4() for name in NAMES}
    for name, key in ids.items():
        Person(id=key, name=name, city="x").save()
    return ids


def test_sasi_index_is_created_as_custom(cassandra_session: Any, core_keyspace: str) -> None:
    rows = cassandra_session.execute(
        "SELECT kind, options FROM system_schema.indexes WHERE keyspace_name = %s "
        "AND table_name = %s",
        (core_keyspace, Person.table_meta().name),
    )
    kinds = {(row.kind, dict(row.options)["class_name"]) for row in rows}
    assert kinds == {("CUSTOM", SASI)}


async def test_prefix_like_returns_matching_rows(front: Any) -> None:
    found = await front(Person.find(name__like="al%"), "all")
    assert sorted(p.name for p in found) == ["al'x; --", "alfred", "alice"]


async def test_like_is_case_sensitive_and_exact_without_wildcard(front: Any) -> None:
    assert [p.name for p in await front(Person.find(name__like="Al%"), "all")] == ["Albert"]
    assert [p.name for p in await front(Person.find(name__like="bob"), "all")] == ["bob"]
    assert await front(Person.find(name__like="zz%"), "all") == []


async def test_hostile_pattern_is_bound_as_data(front: Any, people: dict[str, uuid.UUID]) -> None:
    found = await front(Person.find(name__like="al'x; --%"), "all")
    assert [(p.id, p.name) for p in found] == [(people["al'x; --"], "al'x; --")]
    assert await front(Person.find(name__like="alice'; DROP TABLE person; --%"), "all") == []
    assert len(await front(Person.find(), "all")) == len(NAMES)
