"""Schema safety of ``sync_table``.

- It never drops a column or a table: a field removed from the model stays in
  the table with its data.
- Core refuses key, clustering-order, type and static changes with
  ``IncompatibleSchemaChange`` naming the table and each problem, and sends no
  DDL; compat, like cqlengine, refuses key changes (``CQLEngineException``) and
  only warns about a type change (documented in docs/reliability.md).
- Two processes running ``sync_table`` on the same model at the same moment both
  succeed and leave one correct schema (core and compat): for creating a user
  type, a table and an index, and for adding ten columns, an index and two type
  fields to an existing table. Core sends ``IF NOT EXISTS`` DDL; compat keeps
  cqlengine's statements and, when one is refused because the other process
  made that change first, re-reads the schema and carries on.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path
from typing import Annotated, Any

import pytest

from coodie_compat import CQLEngineException, columns
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_core import (
    ClusteringKey,
    Document,
    IncompatibleSchemaChange,
    PartitionKey,
    Static,
    sync_table,
)
from coodie_core.testing.provider import Database
from tests.reliability import schema_worker
from tests.reliability.support import (
    RELIABILITY,
    RELIABILITY_COMPAT,
    RequestCounter,
    reliability_keyspace,
)

KS = reliability_keyspace()
WORKER = Path(__file__).with_name("schema_worker.py")
DDL_WORDS = ("CREATE", "ALTER", "DROP")


def columns_of(session: Any, table: str) -> dict[str, tuple[str, str]]:
    """name -> (type, kind) as the server describes ``table``."""
    rows = session.execute(
        "SELECT column_name, type, kind FROM system_schema.columns "
        "WHERE keyspace_name = %s AND table_name = %s",
        (KS, table),
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def indexes_of(session: Any, table: str) -> set[str]:
    """The index names of ``table``."""
    rows = session.execute(
        "SELECT index_name FROM system_schema.indexes WHERE keyspace_name = %s AND table_name = %s",
        (KS, table),
    )
    return {r[0] for r in rows}


# -- core: never drop, refuse incompatible changes -------------------------------------


class Keep1(Document):
    id: Annotated[int, PartitionKey()]
    at: Annotated[int, ClusteringKey()]
    a: str | None = None
    b: str | None = None

    class Settings:
        name = "keep"
        connection = RELIABILITY


class Keep2(Document):
    """``Keep1`` with ``a`` removed and ``c`` added."""

    id: Annotated[int, PartitionKey()]
    at: Annotated[int, ClusteringKey()]
    b: str | None = None
    c: int | None = None

    class Settings:
        name = "keep"
        connection = RELIABILITY


@pytest.fixture(scope="module", autouse=True)
def keyspace(rel_keyspace: str, compat_rel: Any) -> None:
    """The dev-node keyspace and compat connection."""


def test_core_sync_never_drops_a_column(cassandra_session: Any) -> None:
    assert sync_table(Keep1)[0].startswith("CREATE TABLE")
    Keep1(id=1, at=1, a="kept", b="b").save()
    plan = sync_table(Keep2)
    assert plan == [f"ALTER TABLE {KS}.keep ADD c bigint"]
    assert set(columns_of(cassandra_session, "keep")) == {"id", "at", "a", "b", "c"}
    row = cassandra_session.execute(f"SELECT a, b FROM {KS}.keep WHERE id = 1 AND at = 1").one()
    assert tuple(row) == ("kept", "b")
    assert Keep2.get(id=1, at=1).b == "b"
    assert sync_table(Keep1) == []  # back to the first model: nothing to do, nothing dropped


def _incompatible(change: str) -> type[Document]:
    """A model of table ``keep`` with one incompatible ``change``."""
    if change == "partition-key":

        class PartitionChanged(Document):
            at: Annotated[int, PartitionKey()]
            id: Annotated[int, ClusteringKey()]
            b: str | None = None

            class Settings:
                name = "keep"
                connection = RELIABILITY

        return PartitionChanged
    if change == "clustering-order":

        class OrderChanged(Document):
            id: Annotated[int, PartitionKey()]
            at: Annotated[int, ClusteringKey(order="DESC")]

            class Settings:
                name = "keep"
                connection = RELIABILITY

        return OrderChanged
    if change == "type":

        class TypeChanged(Document):
            id: Annotated[int, PartitionKey()]
            at: Annotated[int, ClusteringKey()]
            b: int | None = None

            class Settings:
                name = "keep"
                connection = RELIABILITY

        return TypeChanged

    class StaticChanged(Document):
        id: Annotated[int, PartitionKey()]
        at: Annotated[int, ClusteringKey()]
        b: Annotated[str | None, Static()] = None

        class Settings:
            name = "keep"
            connection = RELIABILITY

    return StaticChanged


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("partition-key", "partition key is ['id'], model has ['at']"),
        ("clustering-order", "clustering key is [('at', 'ASC')], model has [('at', 'DESC')]"),
        ("type", "column b is text, model has bigint"),
        ("static", "column b static differs"),
    ],
)
def test_core_refuses_incompatible_changes(
    change: str, problem: str, cassandra_session: Any, counter: RequestCounter
) -> None:
    sync_table(Keep2)
    before = columns_of(cassandra_session, "keep")
    counter.reset()
    with pytest.raises(IncompatibleSchemaChange) as caught:
        sync_table(_incompatible(change))
    sent = list(counter.texts)
    assert caught.value.table == f"{KS}.keep"
    assert problem in str(caught.value) and "nothing was changed" in str(caught.value)
    assert not [t for t in sent if t.split(" ", 1)[0].upper() in DDL_WORDS], sent
    assert columns_of(cassandra_session, "keep") == before


# -- compat: like cqlengine --------------------------------------------------------------


def _compat(name: str, **attrs: Any) -> Any:
    base = {
        "__keyspace__": KS,
        "__connection__": RELIABILITY_COMPAT,
        "__table_name__": "ckeep",
        "id": columns.Integer(partition_key=True),
        "at": columns.Integer(primary_key=True),
    }
    return type(name, (Model,), {**base, **attrs})  # fmt: skip


def test_compat_never_drops_refuses_key_changes_and_warns_on_types(
    cassandra_session: Any,
) -> None:
    compat_sync_table(_compat("CKeep1", a=columns.Text(), b=columns.Text()))
    cassandra_session.execute(f"INSERT INTO {KS}.ckeep (id, at, a, b) VALUES (1, 1, 'kept', 'b')")
    compat_sync_table(_compat("CKeep2", b=columns.Text(), c=columns.Integer()))
    assert set(columns_of(cassandra_session, "ckeep")) == {"id", "at", "a", "b", "c"}
    row = cassandra_session.execute(f"SELECT a FROM {KS}.ckeep WHERE id = 1 AND at = 1").one()
    assert row[0] == "kept"
    before = columns_of(cassandra_session, "ckeep")
    swapped = {"__keyspace__": KS, "__connection__": RELIABILITY_COMPAT,
               "__table_name__": "ckeep", "at": columns.Integer(partition_key=True),
               "id": columns.Integer(primary_key=True)}  # fmt: skip
    with pytest.raises(CQLEngineException, match="PRIMARY KEY composition does not match"):
        compat_sync_table(type("CKeepKeys", (Model,), swapped))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compat_sync_table(_compat("CKeepType", b=columns.Integer()))
    assert any("differing from the model type" in str(w.message) for w in caught)
    assert columns_of(cassandra_session, "ckeep") == before


# -- two processes at once -------------------------------------------------------------


def _race(api: str, stage: str, table: str, node: Database, tmp: Path) -> list[dict[str, Any]]:
    """Start two workers, release them together, return their reports."""
    go = tmp / f"{api}-{stage}-go"
    readies = [tmp / f"{api}-{stage}-ready{i}" for i in range(2)]
    host, port = node.contact_points[0], str(node.port)
    commands = [
        [sys.executable, str(WORKER), api, stage, host, port, KS, table, str(r), str(go)]
        for r in readies
    ]
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    workers = [subprocess.Popen(c, cwd=str(WORKER.parents[2]), **pipes) for c in commands]
    deadline = time.monotonic() + 90
    while not all(r.exists() for r in readies):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            for w in workers:
                w.kill()
            raise AssertionError(
                "workers did not get ready: " + " | ".join(w.communicate()[1] for w in workers)
            )
        time.sleep(0.05)
    go.write_text("go")
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    return reports


def type_fields(session: Any, name: str) -> dict[str, str]:
    """field -> type of the user type ``name``."""
    row = session.execute(
        "SELECT field_names, field_types FROM system_schema.types "
        "WHERE keyspace_name = %s AND type_name = %s",
        (KS, name),
    ).one()
    return dict(zip(row[0], row[1], strict=True)) if row else {}


def _home_type(api: str, table: str) -> str:
    """How system_schema names the ``home`` column's type (compat freezes UDTs)."""
    name = schema_worker.type_name(table)
    return name if api == "core" else f"frozen<{name}>"


def _count_collisions(reports: list[dict[str, Any]], figures: Any) -> None:
    """Record how often both processes sent the same DDL, and how many compat statements
    the server refused because the other process had just made that change."""
    first, second = ({" ".join(cql.split()) for cql in r["ddl"]} for r in reports)
    figures.add("concurrent sync_table races run")
    figures.add("DDL statements both racing processes sent", len(first & second))
    figures.add(
        "compat DDL refused as already done, then re-read", sum(r["refused"] for r in reports)
    )


def _assert_v2_schema(api: str, table: str, session: Any, reports: list[dict[str, Any]]) -> None:
    """Both workers succeeded and the table, its index and its type are the v2 model's."""
    assert [r["error"] for r in reports] == ["", ""], reports
    number = "bigint" if api == "core" else "int"
    live = {n: t for n, (t, _) in columns_of(session, table).items()}
    assert live == {
        "id": number, "a": "text", "home": _home_type(api, table), "b": "text",
        **{f"c{i}": number for i in range(10)},
    }  # fmt: skip
    assert len(indexes_of(session, table)) == 1
    assert type_fields(session, schema_worker.type_name(table)) == {
        "street": "text",
        "zip": number,
        "city": "text",
    }


@pytest.mark.parametrize("api", ["core", "compat"])
def test_two_processes_create_the_same_table_at_once(
    api: str, cassandra_node: Database, cassandra_session: Any, tmp_path: Path, figures: Any
) -> None:
    """A new user type, table and index, two processes at once."""
    table = f"race_{api}_{uuid.uuid4().hex[:6]}"
    reports = _race(api, "v2", table, cassandra_node, tmp_path)
    _count_collisions(reports, figures)
    _assert_v2_schema(api, table, cassandra_session, reports)


@pytest.mark.parametrize("api", ["core", "compat"])
def test_two_processes_add_the_same_columns_at_once(
    api: str, cassandra_node: Database, cassandra_session: Any, tmp_path: Path, figures: Any
) -> None:
    """Ten new columns, an index and two new user type fields on an existing table,
    two processes at once."""
    table = f"race_{api}_{uuid.uuid4().hex[:6]}"
    key = "bigint" if api == "core" else "int"
    user_type = schema_worker.type_name(table)
    cassandra_session.execute(f"CREATE TYPE {KS}.{user_type} (street text)")
    cassandra_session.execute(
        f"CREATE TABLE {KS}.{table} (id {key} PRIMARY KEY, a text, home {_home_type(api, table)})"
    )
    reports = _race(api, "v2", table, cassandra_node, tmp_path)
    _count_collisions(reports, figures)
    _assert_v2_schema(api, table, cassandra_session, reports)


# -- losing the create race to another version of the model ----------------------------
#
# Deterministic: the other process (an older model: no c0-c9, no b, a type with
# only ``street``) runs its sync between this sync's schema read and its first
# CREATE (``first="type"``: on an empty keyspace, so it creates the type and the
# table; ``first="table"``: the type already has its new fields, so it creates
# only the table), as happens when an old and a new release start at once.


def _other_version_first(
    api: str, table: str, first: str, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Make the first ``CREATE`` (``first="type"``) or ``CREATE TABLE`` this process
    sends run after the v1 model's sync; return the list the statements seen are
    appended to."""
    seen: list[str] = []
    prefix = "CREATE TABLE" if first == "table" else "CREATE"
    if api == "core":
        from coodie_core import management

        original_run = management.run
        older = schema_worker.core_model("v1", table, RELIABILITY)

        def run(operation: Any) -> Any:
            cql = getattr(operation.statement, "cql", "")
            if cql.startswith(prefix) and not seen:
                seen.append(cql)
                sync_table(older)
            return original_run(operation)

        monkeypatch.setattr(management, "run", run)
        return seen
    from coodie_compat import management as compat_management

    original_execute = compat_management.execute
    compat_older = schema_worker.compat_model("v1", KS, table, RELIABILITY_COMPAT)

    def execute(cql: Any, *args: Any, **kwargs: Any) -> Any:
        if str(cql).startswith(prefix) and not seen:
            seen.append(str(cql))
            compat_sync_table(compat_older)
        return original_execute(cql, *args, **kwargs)

    monkeypatch.setattr(compat_management, "execute", execute)
    return seen


@pytest.mark.parametrize("first", ["type", "table"])
@pytest.mark.parametrize("api", ["core", "compat"])
def test_an_older_model_creating_the_table_first_loses_nothing(
    api: str, first: str, cassandra_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = f"older_{api}_{uuid.uuid4().hex[:6]}"
    if first == "table":
        number = "bigint" if api == "core" else "int"
        cassandra_session.execute(
            f"CREATE TYPE {KS}.{schema_worker.type_name(table)} "
            f"(street text, zip {number}, city text)"
        )
    seen = _other_version_first(api, table, first, monkeypatch)
    error = ""
    try:
        if api == "core":
            sync_table(schema_worker.core_model("v2", table, RELIABILITY))
        else:
            compat_sync_table(schema_worker.compat_model("v2", KS, table, RELIABILITY_COMPAT))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    assert seen and seen[0].startswith("CREATE TABLE" if first == "table" else "CREATE TYPE")
    _assert_v2_schema(api, table, cassandra_session, [{"error": error}] * 2)
