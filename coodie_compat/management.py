"""Schema management of the facade (``cassandra.cqlengine.management``).

Keyspaces, tables and user types are created or extended to match models,
never dropped implicitly.  Every decision is taken against the driver's
schema metadata (``get_cluster(connection).metadata``), which the driver
refreshes itself after each DDL statement it runs, so a second sync of an
unchanged model sends nothing.

The statements keep cqlengine's text (``ALTER TABLE ... add``, unnamed
``CREATE INDEX``, ``CREATE TYPE``, ``ALTER TYPE ... ADD``), which Cassandra
4.0 and ScyllaDB accept; ``IF NOT EXISTS`` on these needs Cassandra 4.1+.
Two processes syncing at once both read "missing" and both send it, so the
loser's statement is refused ("already exists", "duplicate of existing
index"): :func:`_run_unless_done` then re-reads that table or type and, when
the change is in place, carries on instead of failing the sync.

A model's layout is read from the core's :class:`~coodie_core.meta.TableMeta`
that the compat metaclass stores on the class (``Model._table_meta``); the
statement text is rendered by :mod:`coodie_compat._schema_text` (cqlengine's
exact ``CREATE TABLE``) or by :mod:`coodie_core.schema` (keyspaces, ``DROP``).

``execute`` is bound here at import time, as cqlengine does: DDL runs on the
connection's driver session but is invisible to tests that swap
``connection.execute`` to count query round trips.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections import namedtuple
from collections.abc import Callable, Iterator
from itertools import product
from typing import Any

from cassandra import AlreadyExists, InvalidRequest, metadata
from cassandra.metadata import protect_name

from coodie_compat import CQLEngineException, columns, query
from coodie_compat import _schema_text as text
from coodie_compat.connection import execute, format_log_context, get_cluster
from coodie_compat.models import Model
from coodie_compat.named import NamedTable
from coodie_compat.usertype import UserType
from coodie_core.management import DDL_TIMEOUT
from coodie_core.schema import (
    NetworkTopologyStrategy,
    SimpleStrategy,
    create_keyspace_cql,
    drop_keyspace_cql,
    drop_table_cql,
)
from coodie_core.statements import Table

__all__ = [
    "CQLENG_ALLOW_SCHEMA_MANAGEMENT",
    "Field",
    "create_keyspace_network_topology",
    "create_keyspace_simple",
    "drop_keyspace",
    "drop_table",
    "get_create_type",
    "log",
    "schema_columnfamilies",
    "sync_table",
    "sync_type",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += [
    "CQLEngineException",
    "Model",
    "NamedTable",
    "UserType",
    "columns",
    "execute",
    "format_log_context",
    "get_cluster",
    "json",
    "logging",
    "metadata",
    "namedtuple",
    "os",
    "product",
    "query",
    "warnings",
]

#: Environment variable that acknowledges schema management (see ``_allow_schema_modification``).
CQLENG_ALLOW_SCHEMA_MANAGEMENT = "CQLENG_ALLOW_SCHEMA_MANAGEMENT"

#: Kept for compatibility: cqlengine defines it and never uses it.
Field = namedtuple("Field", ["name", "type"])

log = logging.getLogger(__name__)

#: The legacy ``system.schema_columnfamilies`` table, as cqlengine exposes it.
schema_columnfamilies = NamedTable("system", "schema_columnfamilies")

_SCHEMA_WARNING = (
    CQLENG_ALLOW_SCHEMA_MANAGEMENT + " environment variable is not set. Future versions of "
    "this package will require this variable to enable management functions."
)


def _allow_schema_modification() -> bool:
    """Warn (``warnings`` and the log) when the variable is unset; always allow."""
    if not os.getenv(CQLENG_ALLOW_SCHEMA_MANAGEMENT):
        warnings.warn(_SCHEMA_WARNING, stacklevel=3)
        log.warning(_SCHEMA_WARNING)
    return True


def _run(cql: str, connection: Any) -> None:
    """Send one DDL statement on the connection's session."""
    execute(cql, connection=connection, timeout=DDL_TIMEOUT)


def _run_unless_done(cql: str, connection: Any, done: Callable[[], bool]) -> bool:
    """Send DDL another client may send at the same moment; True if this call made the change.

    When the server refuses it, ``done`` re-reads the schema: if the change is
    there, another client made it first and False is returned; otherwise the
    server's error is raised.
    """
    try:
        _run(cql, connection)
    except (AlreadyExists, InvalidRequest):
        if not done():
            raise
        log.debug(
            format_log_context("%s: already done by another client", connection=connection), cql
        )
        return False
    return True


def _check_sequence(value: Any, what: str) -> None:
    if value and not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list or a tuple.")


def _get_context(keyspaces: Any, connections: Any) -> Iterator[tuple[Any, Any]]:
    """Every ``(connection, keyspace)`` pair to act on (None meaning the model's own)."""
    _check_sequence(keyspaces, "keyspaces")
    _check_sequence(connections, "connections")
    return product(connections or [None], keyspaces or [None])


# --- keyspaces ---------------------------------------------------------------------------


def create_keyspace_simple(
    name: str,
    replication_factor: int,
    durable_writes: bool = True,
    connections: list[Any] | tuple[Any, ...] | None = None,
) -> None:
    """Create keyspace ``name`` unless it exists: NetworkTopologyStrategy, one factor for all DCs.

    Like the ScyllaDB fork of cqlengine, this uses ``NetworkTopologyStrategy``
    with ``replication_factor`` (Cassandra 4.0+ or ScyllaDB).  ``connections``
    lists connection names (default: the default connection).
    """
    _create_keyspace(
        name,
        durable_writes,
        "NetworkTopologyStrategy",
        {"replication_factor": replication_factor},
        connections=connections,
    )


def create_keyspace_network_topology(
    name: str,
    dc_replication_map: dict[str, int],
    durable_writes: bool = True,
    connections: list[Any] | tuple[Any, ...] | None = None,
) -> None:
    """Create keyspace ``name`` unless it exists, with a replication factor per datacenter."""
    _create_keyspace(
        name, durable_writes, "NetworkTopologyStrategy", dc_replication_map, connections=connections
    )


def _replication(strategy_class: str, strategy_options: dict[str, Any]) -> Any:
    if strategy_class == "SimpleStrategy":
        return SimpleStrategy(int(strategy_options["replication_factor"]))
    if strategy_class == "NetworkTopologyStrategy":
        return NetworkTopologyStrategy(dict(strategy_options))
    raise CQLEngineException(f"Unsupported replication strategy class: {strategy_class}")


def _create_keyspace(
    name: str,
    durable_writes: bool,
    strategy_class: str,
    strategy_options: dict[str, Any],
    connections: Any = None,
) -> None:
    if not _allow_schema_modification():
        return
    _check_sequence(connections, "Connections")
    cql = create_keyspace_cql(name, _replication(strategy_class, strategy_options), durable_writes)
    for connection in connections or [None]:
        if name in get_cluster(connection).metadata.keyspaces:
            log.info(
                format_log_context(
                    "Not creating keyspace %s because it already exists", connection=connection
                ),
                name,
            )
            continue
        log.info(format_log_context("Creating keyspace %s", connection=connection), name)
        _run(cql, connection)


def drop_keyspace(name: str, connections: list[Any] | tuple[Any, ...] | None = None) -> None:
    """Drop keyspace ``name`` if the cluster metadata shows it (on each connection)."""
    if not _allow_schema_modification():
        return
    _check_sequence(connections, "Connections")
    for connection in connections or [None]:
        if name in get_cluster(connection).metadata.keyspaces:
            _run(drop_keyspace_cql(name), connection)


# --- tables ------------------------------------------------------------------------------


def sync_table(
    model: Any,
    keyspaces: list[str] | tuple[str, ...] | None = None,
    connections: list[Any] | tuple[Any, ...] | None = None,
) -> None:
    """Create the model's table, or add its missing columns, indexes and option changes.

    With ``keyspaces`` (``connections``) the table is synced in each of them,
    ignoring ``__keyspace__`` (``__connection__``).  User types the model uses
    are synced first.  Primary keys cannot change; columns missing from the
    model are left in the table; a column whose type differs from the model
    only produces a warning.
    """
    context = _get_context(keyspaces, connections)
    _require_model(model)
    for connection, keyspace in context:
        with query.ContextQuery(model, keyspace=keyspace) as clone:
            _sync_table(clone, connection=connection)


def _require_model(model: Any) -> None:
    if not (isinstance(model, type) and issubclass(model, Model)):
        raise CQLEngineException("Models must be derived from base Model.")


def _sync_table(model: Any, connection: Any = None) -> None:
    if not _allow_schema_modification():
        return
    _require_model(model)
    if model.__abstract__:
        raise CQLEngineException("cannot create table from abstract model")
    cf_name = model.column_family_name()
    raw_cf_name = model._raw_column_family_name()
    ks_name = model._get_keyspace()
    connection = connection or model._get_connection()
    cluster = get_cluster(connection)
    keyspace = cluster.metadata.keyspaces.get(ks_name)
    if keyspace is None:
        msg = format_log_context(
            "Keyspace '{0}' for model {1} does not exist.", connection=connection
        )
        raise CQLEngineException(msg.format(ks_name, model))
    _sync_model_types(model, ks_name, connection)
    created = False
    if raw_cf_name not in keyspace.tables:
        log.debug(
            format_log_context(
                "sync_table creating new table %s", keyspace=ks_name, connection=connection
            ),
            cf_name,
        )
        created = _create_table(model, connection)
    if not created:
        log.debug(
            format_log_context(
                "sync_table checking existing table %s", keyspace=ks_name, connection=connection
            ),
            cf_name,
        )
        _add_columns(model, _live_table(cluster, ks_name, raw_cf_name), connection)
        _update_options(model, connection=connection)
    _create_indexes(model, _live_table(cluster, ks_name, raw_cf_name), connection)


def _sync_model_types(model: Any, ks_name: str, connection: Any) -> None:
    synced: set[Any] = set()
    for column in model._columns.values():
        for user_type in _user_types_of(column):
            if user_type not in synced:
                _sync_type(ks_name, user_type, synced, connection=connection)
                synced.add(user_type)


def _user_types_of(column: Any) -> list[Any]:
    found: list[Any] = []
    columns.resolve_udts(column, found)
    return found


def _create_table(model: Any, connection: Any) -> bool:
    """Create the model's table; False when another client created it first.

    The table is then synced like an existing one (its creator may have had
    another version of the model).
    """
    try:
        _run(_get_create_table(model), connection)
    except AlreadyExists:
        log.debug(
            format_log_context("table %s already exists", connection=connection),
            model.column_family_name(),
        )
        get_cluster(connection).refresh_table_metadata(
            model._get_keyspace(), model._raw_column_family_name()
        )
        return False
    return True


def _live_table(cluster: Any, ks_name: str, table_name: str, refresh: bool = False) -> Any:
    """The driver's metadata of a table, refreshed first when asked or when the driver
    has not read it yet."""
    tables = cluster.metadata.keyspaces[ks_name].tables
    if refresh or table_name not in tables:
        cluster.refresh_table_metadata(ks_name, table_name)
        tables = cluster.metadata.keyspaces[ks_name].tables
    return tables[table_name]


def _validate_pk(model: Any, table_meta: Any) -> None:
    """Refuse a model whose partition or clustering keys differ from the table's."""
    meta = model._table_meta
    model_partition = [c.name for c in meta.partition_key]
    model_clustering = [c.name for c in meta.clustering_key]
    table_partition = [c.name for c in table_meta.partition_key]
    table_clustering = [c.name for c in table_meta.clustering_key]
    if model_partition == table_partition and model_clustering == table_clustering:
        return
    raise CQLEngineException(
        f"Model {model} PRIMARY KEY composition does not match existing table "
        f"{model.column_family_name()}. "
        f"Model: {text.primary_key_text(model_partition, model_clustering, False)}; "
        f"Table: {text.primary_key_text(table_partition, table_clustering, False)}. "
        "Update model or drop the table."
    )


def _add_columns(model: Any, table_meta: Any, connection: Any) -> None:
    """Add the model's columns the table lacks; warn about differing types."""
    _validate_pk(model, table_meta)
    cf_name = model.column_family_name()
    ks_name = model._get_keyspace()
    live = table_meta.columns
    for column in model._table_meta.columns:
        if column.name in live:
            _warn_type_mismatch(cf_name, column, live[column.name].cql_type, ks_name, connection)
            continue
        if column.is_key:
            msg = format_log_context(
                "Cannot add primary key '{0}' (with db_field '{1}') to existing table {2}",
                keyspace=ks_name,
                connection=connection,
            )
            attribute = model._db_map.get(column.name, column.name)
            raise CQLEngineException(msg.format(attribute, column.name, cf_name))
        definition = text.column_definition(column.name, column.cql_type, column.static)
        _add_column(model, column, f"ALTER TABLE {cf_name} add {definition}", connection)
    unreferenced = set(live) - set(model._table_meta.names)
    if unreferenced:
        msg = format_log_context(
            "Table {0} has fields not referenced by model: {1}",
            keyspace=ks_name,
            connection=connection,
        )
        log.info(msg.format(cf_name, unreferenced))


def _add_column(model: Any, column: Any, cql: str, connection: Any) -> None:
    """Send ``ALTER TABLE ... add``; a column another client just added is accepted
    (with the usual warning if its type differs)."""
    cluster = get_cluster(connection)
    ks_name, raw_cf_name = model._get_keyspace(), model._raw_column_family_name()

    def added_meanwhile() -> bool:
        live = _live_table(cluster, ks_name, raw_cf_name, refresh=True).columns
        if column.name not in live:
            return False
        _warn_type_mismatch(
            model.column_family_name(), column, live[column.name].cql_type, ks_name, connection
        )
        return True

    _run_unless_done(cql, connection, added_meanwhile)


def _warn_type_mismatch(
    cf_name: str, column: Any, live_type: str, ks_name: str, connection: Any
) -> None:
    if text.same_cql_type(live_type, column.cql_type):
        return
    msg = format_log_context(
        'Existing table {0} has column "{1}" with a type ({2}) differing '
        "from the model type ({3}). Model should be updated.",
        keyspace=ks_name,
        connection=connection,
    )
    msg = msg.format(cf_name, column.name, live_type, column.cql_type)
    warnings.warn(msg, stacklevel=5)
    log.warning(msg)


def _get_index_name_by_column(table: Any, column_name: str) -> str | None:
    """The name of the index on ``column_name`` in a driver ``TableMetadata``, or None.

    Matches the targets cqlengine creates: ``col``, ``values(col)`` and, for
    frozen collections, ``full(col)``.
    """
    protected = protect_name(column_name)
    targets = {protected, f"values({protected})", f"full({protected})"}
    for index in table.indexes.values():
        if dict(index.index_options).get("target") in targets:
            return index.name  # type: ignore[no-any-return]
    return None


def _create_indexes(model: Any, table_meta: Any, connection: Any) -> None:
    cf_name = model.column_family_name()
    cluster = get_cluster(connection)
    ks_name, raw_cf_name = model._get_keyspace(), model._raw_column_family_name()
    for column in model._table_meta.columns:
        if column.index is None or _get_index_name_by_column(table_meta, column.name):
            continue

        def indexed_meanwhile(name: str = column.name) -> bool:
            live = _live_table(cluster, ks_name, raw_cf_name, refresh=True)
            return _get_index_name_by_column(live, name) is not None

        _run_unless_done(text.create_index(cf_name, column), connection, indexed_meanwhile)


def _get_create_table(model: Any) -> str:
    """The ``CREATE TABLE`` statement cqlengine sends for ``model``."""
    return text.create_table(model._table_meta, model.column_family_name(), model.__options__ or {})


def _get_table_metadata(model: Any, connection: Any = None) -> Any:
    """The driver's ``TableMetadata`` of the model's table (``KeyError`` if absent)."""
    cluster = get_cluster(connection or model._get_connection())
    keyspace = cluster.metadata.keyspaces[model._get_keyspace()]
    return keyspace.tables[model._raw_column_family_name()]


def _update_options(model: Any, connection: Any = None) -> bool:
    """Apply the model's ``__options__`` that differ from the table's with one ALTER.

    Returns True when an ALTER was sent.  An option the table does not have
    raises ``KeyError``.
    """
    ks_name = model._get_keyspace()
    log.debug(
        format_log_context(
            "Checking %s for option differences", keyspace=ks_name, connection=connection
        ),
        model,
    )
    declared = model.__options__ or {}
    existing = text.normalized_options(_get_table_metadata(model, connection=connection).options)
    changed = {}
    for name, wanted in text.normalized_options(declared).items():
        if name not in existing:
            msg = format_log_context(
                "Invalid table option: '%s'; known options: %s",
                keyspace=ks_name,
                connection=connection,
            )
            raise KeyError(msg % (name, sorted(existing)))
        if text.option_differs(name, wanted, existing[name]):
            changed[name] = declared[name]
    if not changed:
        return False
    options = " AND ".join(text.option_strings(changed))
    _run(f"ALTER TABLE {model.column_family_name()} WITH {options}", connection)
    return True


def drop_table(
    model: Any,
    keyspaces: list[str] | tuple[str, ...] | None = None,
    connections: list[Any] | tuple[Any, ...] | None = None,
) -> None:
    """Drop the model's table if the cluster metadata shows it.

    ``keyspaces`` and ``connections`` work as in :func:`sync_table`.
    """
    for connection, keyspace in _get_context(keyspaces, connections):
        with query.ContextQuery(model, keyspace=keyspace) as clone:
            _drop_table(clone, connection=connection)


def _drop_table(model: Any, connection: Any = None) -> None:
    if not _allow_schema_modification():
        return
    connection = connection or model._get_connection()
    metadata = get_cluster(connection).metadata
    ks_name = model._get_keyspace()
    raw_cf_name = model._raw_column_family_name()
    keyspace = metadata.keyspaces.get(ks_name)
    if keyspace is None or raw_cf_name not in keyspace.tables:
        return
    _run(drop_table_cql(Table(ks_name, raw_cf_name)), connection)


# --- user types --------------------------------------------------------------------------


def sync_type(ks_name: str, type_model: Any, connection: Any = None) -> None:
    """Create the user type in ``ks_name``, or add the fields it lacks; then register it.

    Fields removed from the class stay in the database; a field whose type
    differs only produces a warning.  User types it nests are synced first.
    """
    if not _allow_schema_modification():
        return
    if not (isinstance(type_model, type) and issubclass(type_model, UserType)):
        raise CQLEngineException("Types must be derived from base UserType.")
    _sync_type(ks_name, type_model, connection=connection)


def _sync_type(
    ks_name: str, type_model: Any, omit_subtypes: set[Any] | None = None, connection: Any = None
) -> None:
    synced = omit_subtypes if omit_subtypes is not None else set()
    for field in type_model._fields.values():
        for user_type in _user_types_of(field):
            if user_type not in synced:
                _sync_type(ks_name, user_type, synced, connection=connection)
                synced.add(user_type)
    type_name = type_model.type_name()
    cluster = get_cluster(connection)
    defined = cluster.metadata.keyspaces[ks_name].user_types
    if type_name not in defined:
        log.debug(
            format_log_context(
                "sync_type creating new type %s", keyspace=ks_name, connection=connection
            ),
            f"{ks_name}.{type_name}",
        )
        if _run_unless_done(
            get_create_type(type_model, ks_name),
            connection,
            lambda: _live_type(cluster, ks_name, type_name) is not None,
        ):
            cluster.refresh_user_type_metadata(ks_name, type_name)
            type_model.register_for_keyspace(ks_name, connection=connection)
            return
        defined = cluster.metadata.keyspaces[ks_name].user_types  # created by another client
    _extend_type(ks_name, type_model, defined[type_name], connection)


def _live_type(cluster: Any, ks_name: str, type_name: str) -> Any:
    """The driver's metadata of a user type, read again from the server (None if absent)."""
    cluster.refresh_user_type_metadata(ks_name, type_name)
    return cluster.metadata.keyspaces[ks_name].user_types.get(type_name)


def _extend_type(ks_name: str, type_model: Any, type_meta: Any, connection: Any) -> None:
    qualified = f"{protect_name(ks_name)}.{protect_name(type_model.type_name())}"
    defined = list(type_meta.field_names)
    wanted = [(f.db_field_name, f.db_type) for f in type_model._fields.values()]
    cluster = get_cluster(connection)
    for name, cql_type in wanted:
        if name not in defined:

            def field_added_meanwhile(field: str = name) -> bool:
                live = _live_type(cluster, ks_name, type_model.type_name())
                return live is not None and field in live.field_names

            _run_unless_done(
                f"ALTER TYPE {qualified} ADD {text.column_definition(name, cql_type)}",
                connection,
                field_added_meanwhile,
            )
            continue
        live_type = type_meta.field_types[defined.index(name)]
        if not text.same_cql_type(live_type, cql_type):
            msg = format_log_context(
                'Existing user type {0} has field "{1}" with a type ({2}) '
                "differing from the model user type ({3}). UserType should "
                "be updated.",
                keyspace=ks_name,
                connection=connection,
            )
            msg = msg.format(qualified, name, live_type, cql_type)
            warnings.warn(msg, stacklevel=4)
            log.warning(msg)
    type_model.register_for_keyspace(ks_name, connection=connection)
    unreferenced = set(defined) - {name for name, _ in wanted}
    if unreferenced:
        log.info(
            format_log_context(
                "Type %s has fields not referenced by model: %s",
                keyspace=ks_name,
                connection=connection,
            ),
            qualified,
            unreferenced,
        )
    elif len(defined) == len(wanted):
        log.info(
            format_log_context(
                "Type %s did not require synchronization", keyspace=ks_name, connection=connection
            ),
            qualified,
        )


def get_create_type(type_model: Any, keyspace: str) -> str:
    """The ``CREATE TYPE`` statement for a user type in ``keyspace``."""
    fields = ((f.db_field_name, f.db_type) for f in type_model._fields.values())
    return text.create_type(keyspace, type_model.type_name(), fields)
