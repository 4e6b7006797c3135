"""User type sync of the facade's schema management (behind ``management.sync_type``).

A type missing from the keyspace is created (``CREATE TYPE``), an existing
one gets the fields it lacks (``ALTER TYPE ... ADD``); nested types are synced
first, and the class is then registered with the driver for the keyspace.

DDL is sent and the cluster read through :mod:`coodie_compat.management`
(``_run_unless_done``, ``get_cluster``), looked up at call time: tests replace
``management.execute`` and ``management.get_cluster``.  ``management`` imports
this module, so it is imported inside the functions.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

from cassandra.metadata import protect_name

from coodie_compat import _schema_text as text
from coodie_compat import columns
from coodie_compat.connection import format_log_context

__all__ = ["get_create_type"]

# The public module's logger: records keep the name cqlengine users filter on.
log = logging.getLogger("coodie_compat.management")


def _user_types_of(column: Any) -> list[Any]:
    """The user type classes ``column`` uses, nested ones included."""
    found: list[Any] = []
    columns.resolve_udts(column, found)
    return found


def _sync_type(
    ks_name: str, type_model: Any, omit_subtypes: set[Any] | None = None, connection: Any = None
) -> None:
    from coodie_compat import management as api

    synced = omit_subtypes if omit_subtypes is not None else set()
    for field in type_model._fields.values():
        for user_type in _user_types_of(field):
            if user_type not in synced:
                _sync_type(ks_name, user_type, synced, connection=connection)
                synced.add(user_type)
    type_name = type_model.type_name()
    cluster = api.get_cluster(connection)
    defined = cluster.metadata.keyspaces[ks_name].user_types
    if type_name not in defined:
        log.debug(
            format_log_context(
                "sync_type creating new type %s", keyspace=ks_name, connection=connection
            ),
            f"{ks_name}.{type_name}",
        )
        if api._run_unless_done(
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
    from coodie_compat import management as api

    qualified = f"{protect_name(ks_name)}.{protect_name(type_model.type_name())}"
    defined = list(type_meta.field_names)
    wanted = [(f.db_field_name, f.db_type) for f in type_model._fields.values()]
    cluster = api.get_cluster(connection)
    for name, cql_type in wanted:
        if name not in defined:

            def field_added_meanwhile(field: str = name) -> bool:
                live = _live_type(cluster, ks_name, type_model.type_name())
                return live is not None and field in live.field_names

            api._run_unless_done(
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
