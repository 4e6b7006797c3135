"""Table sync of the facade's schema management (behind ``management.sync_table``).

A missing table is created with cqlengine's exact ``CREATE TABLE``; an
existing one gets the columns it lacks (``ALTER TABLE ... add``), its
indexes and the ``__options__`` that differ from the live table's.  Primary
keys never change, columns are never dropped, a differing column type only
warns.  The model's layout is read from its core ``TableMeta``
(``Model._table_meta``) and the live table from the driver's metadata.

DDL is sent and the cluster read through :mod:`coodie_compat.management`
(``_run``, ``_run_unless_done``, ``get_cluster``, ``_update_options``), looked
up at call time: tests replace ``management.execute``,
``management.get_cluster`` and ``management._update_options``.
``management`` imports this module, so it is imported inside the functions.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, cast

from cassandra import AlreadyExists

from coodie_compat import CQLEngineException
from coodie_compat import _schema_text as text
from coodie_compat._management_types import _sync_type, _user_types_of
from coodie_compat.connection import format_log_context
from coodie_core.schema import index_target_key

__all__: list[str] = []

# The public module's logger: records keep the name cqlengine users filter on.
log = logging.getLogger("coodie_compat.management")


def _sync_table(model: Any, connection: Any = None) -> None:
    from coodie_compat import management as api

    if not api._allow_schema_modification():
        return
    api._require_model(model)
    if model.__abstract__:
        raise CQLEngineException("cannot create table from abstract model")
    cf_name = model.column_family_name()
    raw_cf_name = model._raw_column_family_name()
    ks_name = model._get_keyspace()
    connection = connection or model._get_connection()
    cluster = api.get_cluster(connection)
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
        api._update_options(model, connection=connection)
    _create_indexes(model, _live_table(cluster, ks_name, raw_cf_name), connection)


def _sync_model_types(model: Any, ks_name: str, connection: Any) -> None:
    synced: set[Any] = set()
    for column in model._columns.values():
        for user_type in _user_types_of(column):
            if user_type not in synced:
                _sync_type(ks_name, user_type, synced, connection=connection)
                synced.add(user_type)


def _create_table(model: Any, connection: Any) -> bool:
    """Create the model's table; False when another client created it first.

    The table is then synced like an existing one (its creator may have had
    another version of the model).
    """
    from coodie_compat import management as api

    try:
        api._run(_get_create_table(model), connection)
    except AlreadyExists:
        log.debug(
            format_log_context("table %s already exists", connection=connection),
            model.column_family_name(),
        )
        api.get_cluster(connection).refresh_table_metadata(
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
    from coodie_compat import management as api

    cluster = api.get_cluster(connection)
    ks_name, raw_cf_name = model._get_keyspace(), model._raw_column_family_name()

    def added_meanwhile() -> bool:
        live = _live_table(cluster, ks_name, raw_cf_name, refresh=True).columns
        if column.name not in live:
            return False
        _warn_type_mismatch(
            model.column_family_name(), column, live[column.name].cql_type, ks_name, connection
        )
        return True

    api._run_unless_done(cql, connection, added_meanwhile)


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
    frozen collections, ``full(col)`` (read as coodie_core reads index targets).
    """
    wanted = {column_name, f"full({column_name})"}
    for index in table.indexes.values():
        target = dict(index.index_options).get("target")
        if target is not None and index_target_key(target) in wanted:
            return cast(str, index.name)  # the driver's metadata is untyped
    return None


def _create_indexes(model: Any, table_meta: Any, connection: Any) -> None:
    from coodie_compat import management as api

    cf_name = model.column_family_name()
    cluster = api.get_cluster(connection)
    ks_name, raw_cf_name = model._get_keyspace(), model._raw_column_family_name()
    for column in model._table_meta.columns:
        if column.index is None or _get_index_name_by_column(table_meta, column.name):
            continue

        def indexed_meanwhile(name: str = column.name) -> bool:
            live = _live_table(cluster, ks_name, raw_cf_name, refresh=True)
            return _get_index_name_by_column(live, name) is not None

        api._run_unless_done(text.create_index(cf_name, column), connection, indexed_meanwhile)


def _get_create_table(model: Any) -> str:
    """The ``CREATE TABLE`` statement cqlengine sends for ``model``."""
    return text.create_table(model._table_meta, model.column_family_name(), model.__options__ or {})


def _get_table_metadata(model: Any, connection: Any = None) -> Any:
    """The driver's ``TableMetadata`` of the model's table (``KeyError`` if absent)."""
    from coodie_compat import management as api

    cluster = api.get_cluster(connection or model._get_connection())
    keyspace = cluster.metadata.keyspaces[model._get_keyspace()]
    return keyspace.tables[model._raw_column_family_name()]


def _update_options(model: Any, connection: Any = None) -> bool:
    """Apply the model's ``__options__`` that differ from the table's with one ALTER.

    Returns True when an ALTER was sent.  An option the table does not have
    raises ``KeyError``.
    """
    from coodie_compat import management as api

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
    api._run(f"ALTER TABLE {model.column_family_name()} WITH {options}", connection)
    return True
