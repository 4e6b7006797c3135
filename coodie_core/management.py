"""Schema management fronts: keyspaces and ``sync_table``, sync and asyncio.

The live table is read from ``system_schema`` with ordinary (prepared, async-able)
queries, so the asyncio twins never block the loop on a metadata refresh. Planning
is pure (:mod:`coodie_core.schema`); an incompatible change raises before any DDL
is sent. The asyncio twin of each function has an ``a`` prefix (``async_table`` is
the twin of ``sync_table``).
"""

from __future__ import annotations

from typing import Any

from coodie_core.document import Document
from coodie_core.execution import arun, resolve_table, run
from coodie_core.meta import TableMeta
from coodie_core.operations import Operation, Options, ignore, list_of
from coodie_core.rows import ValuesDecoder
from coodie_core.schema import (
    LiveTable,
    NetworkTopologyStrategy,
    SimpleStrategy,
    create_keyspace_cql,
    drop_keyspace_cql,
    drop_table_cql,
    live_table_from_rows,
    plan_sync,
)
from coodie_core.statements import Ddl, Select, Table, Where

__all__ = [
    "DDL_TIMEOUT",
    "acreate_keyspace",
    "adrop_keyspace",
    "adrop_table",
    "async_table",
    "create_keyspace",
    "describe_ops",
    "drop_keyspace",
    "drop_table",
    "sync_table",
]

#: Client timeout for schema statements (seconds); DDL waits for schema agreement.
DDL_TIMEOUT = 60.0

Replication = SimpleStrategy | NetworkTopologyStrategy


def _ddl(cql: str, connection: str | None) -> Operation[None]:
    return Operation(Ddl(cql), ignore, Options(timeout=DDL_TIMEOUT), connection)


def create_keyspace(
    name: str,
    replication: Replication | None = None,
    *,
    durable_writes: bool = True,
    connection: str | None = None,
) -> None:
    """Create a keyspace if missing (default ``SimpleStrategy``, factor 1)."""
    cql = create_keyspace_cql(name, replication or SimpleStrategy(), durable_writes)
    run(_ddl(cql, connection))


async def acreate_keyspace(
    name: str,
    replication: Replication | None = None,
    *,
    durable_writes: bool = True,
    connection: str | None = None,
) -> None:
    """Asyncio twin of :func:`create_keyspace`."""
    cql = create_keyspace_cql(name, replication or SimpleStrategy(), durable_writes)
    await arun(_ddl(cql, connection))


def drop_keyspace(name: str, *, connection: str | None = None) -> None:
    """Drop a keyspace if it exists."""
    run(_ddl(drop_keyspace_cql(name), connection))


async def adrop_keyspace(name: str, *, connection: str | None = None) -> None:
    """Asyncio twin of :func:`drop_keyspace`."""
    await arun(_ddl(drop_keyspace_cql(name), connection))


def describe_ops(meta: TableMeta, table: Table) -> list[Operation[list[dict[str, Any]]]]:
    """The three ``system_schema`` reads that describe a live table.

    Only the options the model sets are read, so servers lacking other option
    columns (ScyllaDB, older Cassandra) are not a problem.
    """
    where = (Where("keyspace_name", "=", table.keyspace), Where("table_name", "=", table.name))
    reads = [
        ("columns", ("column_name", "kind", "position", "clustering_order", "type")),
        ("tables", tuple(sorted(meta.settings.options)) or ("table_name",)),
        ("indexes", ("index_name", "options")),
    ]
    return [
        Operation(
            Select(Table("system_schema", name), cols, where),
            list_of(ValuesDecoder(None, cols)),
            Options(timeout=DDL_TIMEOUT),
            meta.settings.connection,
            fetch_all=True,
        )
        for name, cols in reads
    ]


def _live(results: list[list[dict[str, Any]]]) -> LiveTable | None:
    columns, tables, indexes = results
    return live_table_from_rows(columns, tables[0] if tables else None, indexes)


def sync_table(model: type[Document], *, dry_run: bool = False) -> list[str]:
    """Create or alter ``model``'s table to match it; return the CQL run (or planned).

    Adds new columns, creates missing indexes and applies changed options; never
    drops anything. Raises IncompatibleSchemaChange (changing nothing) when a key or
    a column type differs.
    """
    meta = model.table_meta()
    table = resolve_table(meta)
    plan = plan_sync(meta, table, _live([run(op) for op in describe_ops(meta, table)]))
    if not dry_run:
        for cql in plan:
            run(_ddl(cql, meta.settings.connection))
    return plan


async def async_table(model: type[Document], *, dry_run: bool = False) -> list[str]:
    """Asyncio twin of :func:`sync_table`."""
    meta = model.table_meta()
    table = resolve_table(meta)
    plan = plan_sync(meta, table, _live([await arun(op) for op in describe_ops(meta, table)]))
    if not dry_run:
        for cql in plan:
            await arun(_ddl(cql, meta.settings.connection))
    return plan


def drop_table(model: type[Document]) -> None:
    """Drop ``model``'s table if it exists."""
    meta = model.table_meta()
    run(_ddl(drop_table_cql(resolve_table(meta)), meta.settings.connection))


async def adrop_table(model: type[Document]) -> None:
    """Asyncio twin of :func:`drop_table`."""
    meta = model.table_meta()
    await arun(_ddl(drop_table_cql(resolve_table(meta)), meta.settings.connection))
