"""Unit tests (no database) of ``sync_table`` losing a create race.

``CREATE TYPE/TABLE IF NOT EXISTS`` does nothing when another client (perhaps
running an older model) created the object after ``sync_table`` read the schema.
``sync_table`` then reads the schema again and adds what the object lacks; the
CQL it returns is the CQL it sent. ``dry_run`` sends reads only. Both fronts
(``sync_table`` and ``async_table``) run the same steps.

A small fake server answers the ``system_schema`` reads from its state and
applies the DDL it is sent; ``before_create`` lets "another client" change that
state just before the first ``CREATE`` arrives.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Annotated, Any

import pytest
from cassandra import InvalidRequest

from coodie_core import Document, Indexed, PartitionKey, UserType, management
from coodie_core.operations import Operation
from coodie_core.statements import Ddl, Select


class Addr(UserType):
    street: str | None = None
    zip: int | None = None

    class Settings:
        name = "addr"


class Thing(Document):
    id: Annotated[int, PartitionKey()]
    a: str | None = None
    home: Addr | None = None
    b: Annotated[str | None, Indexed()] = None

    class Settings:
        keyspace = "ks"
        name = "t"


class FakeServer:
    """``system_schema`` state of keyspace ``ks`` and the DDL that changes it."""

    def __init__(
        self,
        before_create: Callable[[FakeServer], None] | None = None,
        other_client_first: bool = False,
    ) -> None:
        self.types: dict[str, dict[str, str]] = {}
        self.columns: dict[str, dict[str, str]] = {}  # table -> column -> type
        self.keys: dict[str, str] = {}  # table -> partition key column
        self.indexes: dict[str, set[str]] = {}  # table -> indexed columns
        self.sent: list[str] = []
        self.reads: list[str] = []
        self._before_create = before_create
        self.other_client_first = other_client_first

    def run(self, op: Operation[Any]) -> Any:
        """Answer a read or apply a DDL statement, as ``execution.run`` would."""
        statement = op.statement
        if isinstance(statement, Select):
            assert statement.table.keyspace == "system_schema"
            self.reads.append(statement.table.name)
            return self._read(statement.table.name, {w.column: w.value for w in statement.where})
        assert isinstance(statement, Ddl), statement
        if statement.cql.startswith("CREATE") and self._before_create is not None:
            hook, self._before_create = self._before_create, None
            hook(self)
        if statement.cql.startswith("ALTER") and self.other_client_first:
            self.apply(statement.cql)  # another client's identical change arrives first
        self.sent.append(statement.cql)
        self.apply(statement.cql)
        return None

    async def arun(self, op: Operation[Any]) -> Any:
        """The asyncio twin of :meth:`run`."""
        return self.run(op)

    def _read(self, name: str, where: dict[str, Any]) -> list[dict[str, Any]]:
        if name == "types":
            fields = self.types.get(where["type_name"])
            if fields is None:
                return []
            return [{"field_names": list(fields), "field_types": list(fields.values())}]
        table = where["table_name"]
        if table not in self.columns:
            return []
        if name == "columns":
            key = self.keys[table]
            return [_column_row(c, t, c == key) for c, t in self.columns[table].items()]
        if name == "tables":
            return [{"table_name": table}]
        assert name == "indexes"
        return [
            {"index_name": f"{table}_{c}_idx", "options": {"target": c}}
            for c in sorted(self.indexes[table])
        ]

    def apply(self, cql: str) -> None:
        """Apply the DDL forms ``sync_table`` sends (CREATE ... IF NOT EXISTS; a
        plain ADD of what exists is refused, as ScyllaDB and Cassandra do)."""
        if m := re.fullmatch(r"CREATE TYPE IF NOT EXISTS ks\.(\w+) \((.*)\)", cql):
            self.types.setdefault(m[1], dict(_pairs(m[2])))
        elif m := re.fullmatch(r"ALTER TYPE ks\.(\w+) ADD (\w+) (\w+)", cql):
            if m[2] in self.types[m[1]]:
                raise InvalidRequest(f"Cannot add new field {m[2]} to type ks.{m[1]}: exists")
            self.types[m[1]][m[2]] = m[3]
        elif m := re.fullmatch(
            r"CREATE TABLE IF NOT EXISTS ks\.(\w+) \((.*), PRIMARY KEY \(\((\w+)\)\)\)", cql
        ):
            self.create_table(m[1], dict(_pairs(m[2])), m[3])
        elif m := re.fullmatch(r"ALTER TABLE ks\.(\w+) ADD (\w+) (\w+)", cql):
            if m[2] in self.columns[m[1]]:
                raise InvalidRequest(f"Column with name '{m[2]}' already exists")
            self.columns[m[1]][m[2]] = m[3]
        elif m := re.fullmatch(r"CREATE INDEX IF NOT EXISTS \w+ ON ks\.(\w+) \((\w+)\)", cql):
            assert m[2] in self.columns[m[1]], f"Undefined column name {m[2]}"
            self.indexes[m[1]].add(m[2])
        else:
            raise AssertionError(f"the fake server does not know {cql!r}")

    def create_table(self, name: str, columns: dict[str, str], key: str) -> None:
        """Create table ``name`` unless it exists."""
        if name not in self.columns:
            self.columns[name], self.keys[name], self.indexes[name] = dict(columns), key, set()


def _column_row(name: str, cql: str, is_key: bool) -> dict[str, Any]:
    kind, position = ("partition_key", 0) if is_key else ("regular", -1)
    return {"column_name": name, "type": cql, "kind": kind, "position": position,
            "clustering_order": "none"}  # fmt: skip


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(name, cql) for name, cql in (part.split() for part in text.split(", "))]


def older_client_creates_all(server: FakeServer) -> None:
    """An older model's sync: type ``addr`` with only ``street``, table ``t``
    without ``b`` (so without its index)."""
    server.apply("CREATE TYPE IF NOT EXISTS ks.addr (street text)")
    server.create_table("t", {"id": "bigint", "a": "text", "home": "addr"}, "id")


@pytest.fixture(params=["sync", "async"])
def sync(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``sync(model, server, dry_run=False)`` through the front under test."""

    def call(model: type[Document], server: FakeServer, dry_run: bool = False) -> list[str]:
        monkeypatch.setattr(management, "run", server.run)
        monkeypatch.setattr(management, "arun", server.arun)
        if request.param == "sync":
            return management.sync_table(model, dry_run=dry_run)
        return asyncio.run(management.async_table(model, dry_run=dry_run))

    return call


FULL_CREATE = [
    "CREATE TYPE IF NOT EXISTS ks.addr (street text, zip bigint)",
    "CREATE TABLE IF NOT EXISTS ks.t (id bigint, a text, home addr, b text, PRIMARY KEY ((id)))",
    "CREATE INDEX IF NOT EXISTS t_b_idx ON ks.t (b)",
]


def test_an_empty_keyspace_gets_the_type_table_and_index(sync: Any) -> None:
    server = FakeServer()
    assert sync(Thing, server) == FULL_CREATE
    assert server.sent == FULL_CREATE
    assert server.types == {"addr": {"street": "text", "zip": "bigint"}}
    assert server.columns["t"] == {"id": "bigint", "a": "text", "home": "addr", "b": "text"}
    assert server.indexes["t"] == {"b"}


def test_dry_run_sends_reads_only(sync: Any) -> None:
    server = FakeServer(before_create=older_client_creates_all)
    assert sync(Thing, server, dry_run=True) == FULL_CREATE
    assert server.sent == []
    assert server.reads == ["types", "columns", "tables", "indexes"]
    assert server.types == {} and server.columns == {}


def test_losing_the_type_race_adds_the_missing_fields_and_columns(sync: Any) -> None:
    server = FakeServer(before_create=older_client_creates_all)
    expected = [
        "CREATE TYPE IF NOT EXISTS ks.addr (street text, zip bigint)",
        "ALTER TYPE ks.addr ADD zip bigint",
        "ALTER TABLE ks.t ADD b text",
        "CREATE INDEX IF NOT EXISTS t_b_idx ON ks.t (b)",
    ]
    assert sync(Thing, server) == expected
    assert server.sent == expected
    assert server.types == {"addr": {"street": "text", "zip": "bigint"}}
    assert server.columns["t"] == {"id": "bigint", "a": "text", "home": "addr", "b": "text"}
    assert server.indexes["t"] == {"b"}


def test_losing_the_table_race_adds_the_missing_columns_and_index(sync: Any) -> None:
    def older_creates_table(server: FakeServer) -> None:
        server.create_table("t", {"id": "bigint", "a": "text"}, "id")

    server = FakeServer(before_create=older_creates_table)
    server.types["addr"] = {"street": "text", "zip": "bigint"}
    expected = [
        FULL_CREATE[1],
        "ALTER TABLE ks.t ADD home addr",
        "ALTER TABLE ks.t ADD b text",
        FULL_CREATE[2],
    ]
    assert sync(Thing, server) == expected
    assert server.sent == expected
    assert server.reads == ["types"] + ["columns", "tables", "indexes"] * 2
    assert server.columns["t"] == {"id": "bigint", "a": "text", "home": "addr", "b": "text"}
    assert server.indexes["t"] == {"b"}


def test_an_existing_type_and_table_are_read_once(sync: Any) -> None:
    server = FakeServer()
    server.types["addr"] = {"street": "text"}
    server.create_table("t", {"id": "bigint", "a": "text", "home": "addr"}, "id")
    expected = [
        "ALTER TYPE ks.addr ADD zip bigint",
        "ALTER TABLE ks.t ADD b text",
        FULL_CREATE[2],
    ]
    assert sync(Thing, server) == expected
    assert server.reads == ["types", "columns", "tables", "indexes"]


def test_an_addition_another_client_made_first_is_taken_as_done(sync: Any) -> None:
    server = FakeServer(other_client_first=True)
    server.types["addr"] = {"street": "text"}
    server.create_table("t", {"id": "bigint", "a": "text", "home": "addr"}, "id")
    expected = [
        "ALTER TYPE ks.addr ADD zip bigint",
        "ALTER TABLE ks.t ADD b text",
        FULL_CREATE[2],
    ]
    assert sync(Thing, server) == expected
    # both additions were sent and refused (the other client's came first), then
    # the schema was read again and each found done
    assert server.sent == expected
    assert server.reads == ["types", "types"] + ["columns", "tables", "indexes"] * 2
    assert server.types["addr"] == {"street": "text", "zip": "bigint"}
    assert server.indexes["t"] == {"b"}


def test_a_refused_addition_that_is_still_missing_raises_the_servers_error(sync: Any) -> None:
    class Refusing(FakeServer):
        def apply(self, cql: str) -> None:
            if cql.startswith("ALTER TABLE"):
                raise InvalidRequest("Cannot add a column: refused for another reason")
            super().apply(cql)

    server = Refusing()
    server.types["addr"] = {"street": "text", "zip": "bigint"}
    server.create_table("t", {"id": "bigint", "a": "text", "home": "addr"}, "id")
    with pytest.raises(InvalidRequest, match="refused for another reason"):
        sync(Thing, server)
    assert "b" not in server.columns["t"] and server.indexes["t"] == set()
