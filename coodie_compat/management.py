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

This module holds the entry points, keyspace DDL and the DDL runner; table
sync lives in :mod:`coodie_compat._management_tables` and user type sync in
:mod:`coodie_compat._management_types`.  Both read ``execute``,
``get_cluster``, ``_run``, ``_run_unless_done`` and ``_update_options`` from
this module at call time, so replacing them here (as tests do) reaches them.
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

from coodie_compat import CQLEngineException, columns, query
from coodie_compat._management_tables import _get_create_table as _get_create_table
from coodie_compat._management_tables import (
    _get_index_name_by_column as _get_index_name_by_column,
)
from coodie_compat._management_tables import _get_table_metadata as _get_table_metadata
from coodie_compat._management_tables import _sync_table
from coodie_compat._management_tables import _update_options as _update_options
from coodie_compat._management_types import _sync_type, get_create_type
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
