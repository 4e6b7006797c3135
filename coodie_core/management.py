"""Schema management fronts: keyspaces and ``sync_table``, sync and asyncio.

The live table is read from ``system_schema`` with ordinary (prepared, async-able)
queries, so the asyncio twins never block the loop on a metadata refresh. Planning
is pure (:mod:`coodie_core.schema`); an incompatible change raises before any DDL
is sent. The asyncio twin of each function has an ``a`` prefix (``async_table`` is
the twin of ``sync_table``).

Every schema change sent here empties the prepared-statement caches once it
succeeds (:func:`~coodie_core.execution.forget_prepared`). Core statements name
their columns (never ``SELECT *``), so a column added by ``sync_table`` cannot make
a cached statement return other columns; but a table dropped and created again,
or a user type given new fields, changes the bind types a cached statement would
serialize values with.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from cassandra import InvalidRequest

from coodie_core.cqltypes import user_types_in
from coodie_core.document import Document
from coodie_core.errors import InvalidQuery
from coodie_core.execution import arun, forget_prepared, get_connection, resolve_table, run
from coodie_core.meta import TableMeta
from coodie_core.operations import Operation, Options, ResultPage, list_of
from coodie_core.polymorphism import read_table
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
from coodie_core.type_schema import live_type_from_row, plan_type_sync, user_types_of
from coodie_core.usertype import UserType
from coodie_core.view_schema import create_view_cql, drop_view_cql

__all__ = [
    "DDL_TIMEOUT",
    "acreate_keyspace",
    "adrop_keyspace",
    "adrop_table",
    "async_table",
    "async_type",
    "create_keyspace",
    "describe_ops",
    "drop_keyspace",
    "drop_table",
    "sync_table",
    "sync_type",
]

#: Client timeout for schema statements (seconds); DDL waits for schema agreement.
DDL_TIMEOUT = 60.0

Replication = SimpleStrategy | NetworkTopologyStrategy


def _ddl(cql: str, connection: str | None) -> Operation[None]:
    return Operation(Ddl(cql), _schema_changed, Options(timeout=DDL_TIMEOUT), connection)


def _schema_changed(page: ResultPage) -> None:
    """Result reader of schema changes: cached prepared statements may be stale."""
    forget_prepared()


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
    return [_schema_read(name, cols, where, meta.settings.connection) for name, cols in reads]


def _schema_read(
    name: str, cols: tuple[str, ...], where: tuple[Where, ...], connection: str | None
) -> Operation[list[dict[str, Any]]]:
    return Operation(
        Select(Table("system_schema", name), cols, where),
        list_of(ValuesDecoder(None, cols)),
        Options(timeout=DDL_TIMEOUT),
        connection,
        fetch_all=True,
    )


def _live(results: list[list[dict[str, Any]]]) -> LiveTable | None:
    columns, tables, indexes = results
    return live_table_from_rows(columns, tables[0] if tables else None, indexes)


# Schema work is written once, as generators that yield operations and receive
# their results; _drive runs them with run(), _adrive with arun().
Steps = Generator[Operation[Any], Any, list[str]]


# A failed operation is thrown into the steps, which decide whether it is fatal.


def _drive(steps: Steps) -> list[str]:
    try:
        op = next(steps)
        while True:
            try:
                result = run(op)
            except Exception as exc:
                op = steps.throw(exc)
            else:
                op = steps.send(result)
    except StopIteration as done:
        return list(done.value)


async def _adrive(steps: Steps) -> list[str]:
    try:
        op = next(steps)
        while True:
            try:
                result = await arun(op)
            except Exception as exc:
                op = steps.throw(exc)
            else:
                op = steps.send(result)
    except StopIteration as done:
        return list(done.value)


def _change_steps(
    cql: str, connection: str | None, replan: Callable[[], Steps]
) -> Generator[Operation[Any], Any, None]:
    """Send one planned schema change. ScyllaDB and Cassandra before 4.1 have no
    ``ALTER ... ADD IF NOT EXISTS``, so additions are sent plainly, and another
    client may make the same change first: when the server refuses a change, the
    schema is read again (``replan``) and the refusal stands only if the change
    is still planned."""
    try:
        yield _ddl(cql, connection)
    except InvalidRequest:
        if cql in (yield from replan()):
            raise


def _type_steps(
    user_type: type[UserType], keyspace: str, connection: str | None, dry_run: bool
) -> Steps:
    where = (Where("keyspace_name", "=", keyspace), Where("type_name", "=", user_type.type_name()))
    read = _schema_read("types", ("field_names", "field_types"), where, connection)
    rows = yield read
    plan = plan_type_sync(keyspace, user_type, live_type_from_row(rows[0] if rows else None))
    if dry_run:
        return plan

    def replan() -> Steps:
        fresh = yield read
        return plan_type_sync(keyspace, user_type, live_type_from_row(fresh[0] if fresh else None))

    for cql in plan:
        yield from _change_steps(cql, connection, replan)
    if rows:
        return plan
    # CREATE TYPE IF NOT EXISTS does nothing when another client (perhaps with
    # an older model) created the type after the read: add what it lacks.
    rest = yield from replan()
    for cql in rest:
        yield from _change_steps(cql, connection, replan)
    return plan + rest


def _table_steps(model: type[Document], dry_run: bool) -> Steps:
    meta = read_table(model)  # a polymorphic root: every subclass's columns
    table = resolve_table(meta)
    connection = meta.settings.connection
    if meta.settings.view_of is not None:
        return (yield from _view_steps(meta, table, dry_run))
    plan: list[str] = []
    for user_type in user_types_of(meta):
        plan += yield from _type_steps(user_type, table.keyspace, connection, dry_run)
    live = yield from _describe_steps(meta, table)
    table_plan = plan_sync(meta, table, live)
    if dry_run:
        return plan + table_plan
    if live is None:
        # Create the table alone, then plan the rest against what the server now
        # holds: CREATE TABLE IF NOT EXISTS does nothing when another client
        # (perhaps with an older model) created the table after the read.
        create = table_plan[0]
        yield _ddl(create, connection)
        plan.append(create)
        live = yield from _describe_steps(meta, table)
        table_plan = plan_sync(meta, table, live)

    def replan() -> Steps:
        return plan_sync(meta, table, (yield from _describe_steps(meta, table)))

    for cql in table_plan:
        yield from _change_steps(cql, connection, replan)
    return plan + table_plan


def _describe_steps(
    meta: TableMeta, table: Table
) -> Generator[Operation[Any], Any, LiveTable | None]:
    results = []
    for op in describe_ops(meta, table):
        results.append((yield op))
    return _live(results)


def _view_steps(meta: TableMeta, table: Table, dry_run: bool) -> Steps:
    where = (Where("keyspace_name", "=", table.keyspace), Where("view_name", "=", table.name))
    rows = yield _schema_read("views", ("view_name",), where, meta.settings.connection)
    if rows:
        return []
    base = resolve_table(meta.settings.view_of.table_meta())
    plan = [create_view_cql(meta, table, base)]
    for cql in [] if dry_run else plan:
        yield _ddl(cql, meta.settings.connection)
    return plan


def sync_table(model: type[Document], *, dry_run: bool = False) -> list[str]:
    """Create or alter ``model``'s table to match it; return the CQL run (or planned).

    User-defined types the table uses are created (or given new fields) first,
    in dependency order. Adds new columns, creates missing indexes and applies
    changed options; never drops anything. Raises IncompatibleSchemaChange
    (changing nothing) when a key or a column type differs. For a polymorphic
    root the table holds every subclass's columns; a materialized view
    (``Settings.view_of``) is created when missing. After creating a type or
    table the schema is read again, so fields and columns are still added when
    another client (perhaps with an older model) created it first.
    """
    return _drive(_table_steps(model, dry_run))


async def async_table(model: type[Document], *, dry_run: bool = False) -> list[str]:
    """Asyncio twin of :func:`sync_table`."""
    return await _adrive(_table_steps(model, dry_run))


def _type_keyspace(keyspace: str | None, connection: str | None) -> str:
    name = keyspace or get_connection(connection).default_keyspace()
    if name is None:
        raise InvalidQuery("sync_type needs a keyspace (or a connection keyspace)")
    return name


def sync_type(
    user_type: type[UserType],
    *,
    keyspace: str | None = None,
    connection: str | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Create a user-defined type (and those it uses) or add its new fields."""
    ks = _type_keyspace(keyspace, connection)
    return _drive(_types_steps(user_type, ks, connection, dry_run))


async def async_type(
    user_type: type[UserType],
    *,
    keyspace: str | None = None,
    connection: str | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Asyncio twin of :func:`sync_type`."""
    ks = _type_keyspace(keyspace, connection)
    return await _adrive(_types_steps(user_type, ks, connection, dry_run))


def _types_steps(
    user_type: type[UserType], keyspace: str, connection: str | None, dry_run: bool
) -> Steps:
    plan: list[str] = []
    for each in user_types_in(user_type):
        plan += yield from _type_steps(each, keyspace, connection, dry_run)
    return plan


def _drop_cql(model: type[Document]) -> str:
    meta = model.table_meta()
    if meta.settings.view_of is not None:
        return drop_view_cql(resolve_table(meta))
    return drop_table_cql(resolve_table(meta))


def drop_table(model: type[Document]) -> None:
    """Drop ``model``'s table (or materialized view) if it exists."""
    run(_ddl(_drop_cql(model), model.table_meta().settings.connection))


async def adrop_table(model: type[Document]) -> None:
    """Asyncio twin of :func:`drop_table`."""
    await arun(_ddl(_drop_cql(model), model.table_meta().settings.connection))
