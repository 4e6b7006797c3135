"""Exercise the whole ``coodie_compat`` facade on a node, then report cqlengine imports.

Run by ``test_never_imports_cqlengine.py`` in a fresh interpreter:
``python facade_walkthrough.py HOST PORT KEYSPACE``.  A meta path finder
records every attempt to import ``cassandra.cqlengine`` (even one that
would be caught), and the last line printed is a JSON report:
``{"attempted": [...], "loaded": [...], "checks": n}``.  Any failed
check ends the script with an ``AssertionError`` (non-zero exit).
"""

from __future__ import annotations

import importlib.abc
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any
from uuid import UUID, uuid1, uuid4

STOCK = "cassandra.cqlengine"


class ImportRecorder(importlib.abc.MetaPathFinder):
    """Records attempted imports of ``cassandra.cqlengine*``; finds nothing itself."""

    def __init__(self) -> None:
        self.attempted: list[str] = []

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if fullname == STOCK or fullname.startswith(STOCK + "."):
            self.attempted.append(fullname)
        return None


RECORDER = ImportRecorder()
sys.meta_path.insert(0, RECORDER)

# Imported only now, so the recorder sees everything the facade imports.
from coodie_compat import columns, connection, management  # noqa: E402
from coodie_compat.functions import Token  # noqa: E402
from coodie_compat.models import Model  # noqa: E402
from coodie_compat.named import NamedKeyspace  # noqa: E402
from coodie_compat.query import BatchQuery, ContextQuery, LWTException  # noqa: E402
from coodie_compat.usertype import UserType  # noqa: E402

CHECKS = 0


def check(condition: Any, what: str) -> None:
    """Assert ``condition``; count it."""
    global CHECKS
    assert condition, what
    CHECKS += 1


class Address(UserType):
    street = columns.Text()
    zipcode = columns.Integer()


class Person(Model):
    id = columns.UUID(primary_key=True, default=uuid4)
    name = columns.Text()
    address = columns.UserDefinedType(Address)
    tags = columns.Set(columns.Text)
    scores = columns.List(columns.Integer)
    attrs = columns.Map(columns.Text, columns.Integer)
    created = columns.DateTime()


class Visit(Model):
    person = columns.UUID(partition_key=True)
    at = columns.TimeUUID(primary_key=True, clustering_order="DESC", default=uuid1)
    page = columns.Text()


class Hits(Model):
    page = columns.Text(primary_key=True)
    count = columns.Counter()


def schema(keyspace: str) -> None:
    management.create_keyspace_simple(keyspace, 1)
    management.sync_type(keyspace, Address)
    for model in (Person, Visit, Hits):
        management.sync_table(model)
    tables = connection.get_cluster().metadata.keyspaces[keyspace].tables
    check({"person", "visit", "hits"} <= set(tables), "tables created")


def crud() -> UUID:
    created = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    ada = Person.create(name="Ada", address=Address(street="Main", zipcode=1), tags={"a"},
                        scores=[1, 2], attrs={"x": 1}, created=created)
    got = Person.objects.get(id=ada.id)
    check(got.address.street == "Main" and got.tags == {"a"} and got.scores == [1, 2],
          "round trip")
    check(got.created == created.replace(tzinfo=None), "timestamp read back naive UTC")
    got.tags.add("b")
    got.scores.append(3)
    got.save()
    Person.objects(id=ada.id).update(attrs__update={"y": 2}, name="Ada L.")
    got = Person.get(id=ada.id)
    check((got.name, got.tags, got.scores, got.attrs) == (
        "Ada L.", {"a", "b"}, [1, 2, 3], {"x": 1, "y": 2}), "updates")
    got.name = None
    got.save()  # null means delete
    check(Person.objects(id=ada.id).first().name is None, "null deletes")
    return ada.id


def queries(ada: UUID) -> None:
    others = [Person.create(name=f"p{i}").id for i in range(3)]
    check(Person.objects.count() == 4, "count")
    first = Person.objects.limit(1)[0]
    after = list(Person.objects.filter(pk__token__gt=Token(first.id)))
    check(len(after) == 3, "token paging")
    check(len(Person.objects.filter(id__in=[ada, *others])) == 4, "IN")
    for n in range(3):
        Visit.create(person=ada, page=f"/{n}")
    pages = [v.page for v in Visit.objects(person=ada).limit(2)]
    check(pages == ["/2", "/1"], "clustering order DESC and limit")


def batch_and_lwt(ada: UUID) -> None:
    called: list[str] = []
    with BatchQuery() as b:
        b.add_callback(called.append, "done")
        Person.batch(b).create(name="in batch")
        Visit.batch(b).create(person=ada, page="/batched")
    check(called == ["done"] and Person.objects.count() == 5, "batch and callback")
    try:
        Person.if_not_exists().create(id=ada, name="dup")
        raise AssertionError("IF NOT EXISTS applied twice")
    except LWTException as exc:
        check(exc.existing["id"] == ada, "LWT existing row")
    person = Person.get(id=ada)
    try:
        person.iff(name="someone else").update(name="nope")
        raise AssertionError("IF condition ignored")
    except LWTException:
        check(Person.get(id=ada).name is None, "conditional update refused")
    short = Person.ttl(600).create(name="short lived")
    ttl = connection.execute(f"SELECT TTL(name) FROM {Person.column_family_name()} "
                             f"WHERE id = %(0)s", {"0": short.id}).one()["ttl(name)"]
    check(0 < ttl <= 600, "USING TTL")
    Hits.objects(page="/").update(count=1)
    Hits.objects(page="/").update(count=2)
    check(Hits.get(page="/").count == 3, "counter increments")


def named_and_context(host: str, port: int, keyspace: str, ada: UUID) -> None:
    table = NamedKeyspace(keyspace).table("person")
    row = table.objects.filter(id=ada).get()
    check(row["id"] == ada, "named table get")
    check(table.objects.count() == 6, "named table count")
    connection.register_connection("second", [host], cluster_options={"port": port})
    with ContextQuery(Person, connection="second") as on_second:
        check(on_second.objects.count() == 6, "ContextQuery on a named connection")
    Person.objects(id=ada).delete()
    check(Person.objects(id=ada).count() == 0, "delete")
    connection.unregister_connection("second")


def main(host: str, port: int, keyspace: str) -> None:
    connection.setup([host], keyspace, port=port)
    schema(keyspace)
    try:
        ada = crud()
        queries(ada)
        batch_and_lwt(ada)
        named_and_context(host, port, keyspace, ada)
    finally:
        for model in (Person, Visit, Hits):
            management.drop_table(model)
        management.drop_keyspace(keyspace)
        check(keyspace not in connection.get_cluster().metadata.keyspaces, "keyspace dropped")
        connection.unregister_connection("default")
    loaded = sorted(name for name in sys.modules if name.startswith(STOCK))
    print(json.dumps({"attempted": RECORDER.attempted, "loaded": loaded, "checks": CHECKS}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
