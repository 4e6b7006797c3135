"""coodie_compat.management when another client changes the schema at the same
moment (no database).

The driver's metadata is a stale copy of a fake server's schema until
management asks for a refresh; the fake ``execute`` refuses statements the way
Cassandra does when the other client got there first. Management keeps
cqlengine's statement text, so it must re-read the table or type, accept a
change that is now in place, and raise the server's error otherwise.
"""

from __future__ import annotations

import copy
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.metadata import ColumnMetadata, IndexMetadata, KeyspaceMetadata, TableMetadataV3
from cassandra.metadata import UserType as UserTypeMetadata

from coodie_compat import columns, connection, management
from coodie_compat.models import Model
from coodie_compat.usertype import UserType


def table_meta(name: str, cols: dict[str, str], indexes: dict[str, str] | None = None) -> Any:
    """A driver ``TableMetadataV3`` in ``ks`` keyed on ``k``."""
    table = TableMetadataV3("ks", name, options={})
    table.columns = OrderedDict((n, ColumnMetadata(table, n, t)) for n, t in cols.items())
    table.partition_key = [table.columns["k"]]
    table.clustering_key = []
    for index_name, target in (indexes or {}).items():
        table.indexes[index_name] = IndexMetadata("ks", name, index_name, "COMPOSITES",
                                                  {"target": target})  # fmt: skip
    return table


@dataclass
class Server:
    """What the server holds; ``refuse`` maps a statement to the error it gets."""

    tables: dict[str, Any] = field(default_factory=dict)
    types: dict[str, Any] = field(default_factory=dict)
    refuse: dict[str, Exception] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)

    def execute(self, cql: str, connection: Any = None, timeout: Any = None) -> None:
        self.sent.append(cql)
        if cql in self.refuse:
            raise self.refuse[cql]


@dataclass
class StaleCluster:
    """Driver metadata that only learns the server's schema when refreshed."""

    server: Server
    metadata: Any = None
    refreshed: list[str] = field(default_factory=list)

    def refresh_table_metadata(self, keyspace: str, table: str) -> None:
        self.refreshed.append(table)
        self.metadata.keyspaces[keyspace].tables[table] = copy.copy(self.server.tables[table])

    def refresh_user_type_metadata(self, keyspace: str, name: str) -> None:
        self.refreshed.append(name)
        types = self.metadata.keyspaces[keyspace].user_types
        if name in self.server.types:
            types[name] = self.server.types[name]
        else:
            types.pop(name, None)


@dataclass
class _Metadata:
    keyspaces: dict[str, Any]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Server:
    fake = Server()
    keyspace = KeyspaceMetadata("ks", True, "SimpleStrategy", {"replication_factor": "1"})
    cluster = StaleCluster(fake, _Metadata({"ks": keyspace}))
    monkeypatch.setattr(management, "get_cluster", lambda connection=None: cluster)
    monkeypatch.setattr(management, "execute", fake.execute)
    monkeypatch.setattr(connection, "udt_by_keyspace", defaultdict(dict))
    monkeypatch.setattr(connection, "get_cluster", lambda connection=None: None)
    monkeypatch.setenv(management.CQLENG_ALLOW_SCHEMA_MANAGEMENT, "1")
    fake.cluster = cluster  # type: ignore[attr-defined]
    return fake


def _metadata(server: Server) -> Any:
    return server.cluster.metadata.keyspaces["ks"]  # type: ignore[attr-defined]


class Wide(Model):
    __keyspace__ = "ks"
    __table_name__ = "wide"
    k = columns.Integer(primary_key=True)
    v = columns.Text(index=True)
    w = columns.Integer()
    x = columns.Integer()


class Address(UserType):
    __type_name__ = "address"
    street = columns.Text()
    zip = columns.Integer(db_field="zipcode")


ADD_W = 'ALTER TABLE ks.wide add "w" int '
ADD_X = 'ALTER TABLE ks.wide add "x" int '
INDEX_V = 'CREATE INDEX ON ks.wide ("v")'
CREATE_WIDE = 'CREATE TABLE ks.wide ("k" int , "v" text , "w" int , "x" int , PRIMARY KEY (("k")))'
CREATE_ADDRESS = "CREATE TYPE ks.address (street text, zipcode int)"
ADD_ZIPCODE = 'ALTER TYPE ks.address ADD "zipcode" int '


def _column_exists(name: str) -> InvalidRequest:
    return InvalidRequest(f"Error from server: code=2200 [Invalid query] message=\"Column with "
                          f"name '{name}' already exists\"")  # fmt: skip


def test_a_column_added_meanwhile_is_accepted(server: Server) -> None:
    _metadata(server).tables["wide"] = table_meta("wide", {"k": "int", "v": "text"}, {"i": "v"})
    server.tables["wide"] = table_meta("wide", {"k": "int", "v": "text", "w": "int"}, {"i": "v"})
    server.refuse[ADD_W] = _column_exists("w")
    management.sync_table(Wide)
    assert server.sent == [ADD_W, ADD_X]
    assert "wide" in server.cluster.refreshed  # type: ignore[attr-defined]


def test_a_column_added_meanwhile_with_another_type_warns(server: Server) -> None:
    _metadata(server).tables["wide"] = table_meta("wide", {"k": "int", "v": "text"}, {"i": "v"})
    server.tables["wide"] = table_meta("wide", {"k": "int", "v": "text", "w": "text"}, {"i": "v"})
    server.refuse[ADD_W] = _column_exists("w")
    with pytest.warns(UserWarning, match='column "w" with a type \\(text\\) differing'):
        management.sync_table(Wide)


def test_a_refusal_that_is_not_a_race_is_raised(server: Server) -> None:
    """The server refused the column and it is still not there: its error stands."""
    _metadata(server).tables["wide"] = table_meta("wide", {"k": "int", "v": "text"}, {"i": "v"})
    server.tables["wide"] = table_meta("wide", {"k": "int", "v": "text"}, {"i": "v"})
    refusal = InvalidRequest('Error from server: code=2200 [Invalid query] message="nope"')
    server.refuse[ADD_W] = refusal
    with pytest.raises(InvalidRequest) as caught:
        management.sync_table(Wide)
    assert caught.value is refusal
    assert server.sent == [ADD_W]


def test_an_index_created_meanwhile_is_accepted(server: Server) -> None:
    full = {"k": "int", "v": "text", "w": "int", "x": "int"}
    _metadata(server).tables["wide"] = table_meta("wide", full)
    server.tables["wide"] = table_meta("wide", full, {"wide_v_idx": "v"})
    server.refuse[INDEX_V] = InvalidRequest(
        'Error from server: code=2200 [Invalid query] message="Index wide_v_idx_1 is a '
        'duplicate of existing index wide_v_idx"'
    )
    management.sync_table(Wide)
    assert server.sent == [INDEX_V]


def test_losing_the_create_table_race_to_an_older_model_adds_the_rest(server: Server) -> None:
    server.tables["wide"] = table_meta("wide", {"k": "int", "v": "text"})
    server.refuse[CREATE_WIDE] = AlreadyExists(keyspace="ks", table="wide")
    management.sync_table(Wide)
    assert server.sent == [CREATE_WIDE, ADD_W, ADD_X, INDEX_V]


def test_losing_the_create_type_race_adds_the_missing_fields(server: Server) -> None:
    server.types["address"] = UserTypeMetadata("ks", "address", ["street"], ["text"])
    server.refuse[CREATE_ADDRESS] = InvalidRequest(
        'Error from server: code=2200 [Invalid query] message="A user type with name '
        "'address' already exists\""
    )
    management.sync_type("ks", Address)
    assert server.sent == [CREATE_ADDRESS, ADD_ZIPCODE]
    assert connection.udt_by_keyspace["ks"]["address"] is Address


def test_a_type_field_added_meanwhile_is_accepted(server: Server) -> None:
    _metadata(server).user_types["address"] = UserTypeMetadata("ks", "address", ["street"],
                                                               ["text"])  # fmt: skip
    server.types["address"] = UserTypeMetadata("ks", "address", ["street", "zipcode"],
                                               ["text", "int"])  # fmt: skip
    server.refuse[ADD_ZIPCODE] = InvalidRequest(
        'Error from server: code=2200 [Invalid query] message="Cannot add field zipcode to '
        'type ks.address: a field with name zipcode already exists"'
    )
    management.sync_type("ks", Address)
    assert server.sent == [ADD_ZIPCODE]
    assert connection.udt_by_keyspace["ks"]["address"] is Address


def test_a_type_refusal_that_is_not_a_race_is_raised(server: Server) -> None:
    refusal = InvalidRequest('Error from server: code=2200 [Invalid query] message="nope"')
    server.refuse[CREATE_ADDRESS] = refusal
    with pytest.raises(InvalidRequest) as caught:
        management.sync_type("ks", Address)
    assert caught.value is refusal
