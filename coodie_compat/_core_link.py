"""Compat's connections, shared with ``coodie_core``'s registry (mixed use).

An application migrating one model at a time has compat models and core
documents side by side.  They share one registry: every compat connection
that has a session is also registered in ``coodie_core.execution`` under the
same name, with ``models.DEFAULT_KEYSPACE`` as its keyspace, and compat's
default connection is core's default too.  So ``connection.setup(...)`` is all
the setup a core ``Document`` without an explicit connection needs.

Only string names are shared (core names are strings).  The core entry is
replaced whenever compat (re)configures the connection and removed when
compat unregisters it, unless core's entry has meanwhile been pointed at
another session, which then belongs to core.

In a forked child, core's entry for a connection compat made from hosts is
made again from compat's connection on first use (:func:`defer_after_fork`),
whichever registry is used first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from coodie_core import execution as core
from coodie_core.errors import ConnectionNotFound, InvalidIdentifier, StaleConnection

__all__ = ["defer_after_fork", "reconnect_core_after_fork", "share", "unshare"]


def _default_keyspace() -> str | None:
    from coodie_compat import models  # models imports connection, which imports this

    return models.DEFAULT_KEYSPACE


def share(name: Any, session: Any, *, default: bool) -> core.Connection | None:
    """Register ``session`` in coodie_core as ``name`` (its default when ``default``)."""
    if not isinstance(name, str) or session is None:
        return None
    keyspace = _default_keyspace()
    try:
        return core.register_connection(name, session, keyspace=keyspace, default=default)
    except InvalidIdentifier:  # a keyspace core cannot name: core falls back to the session's
        return core.register_connection(name, session, default=default)


def unshare(name: Any, session: Any) -> None:
    """Remove ``name`` from coodie_core if it still holds compat's ``session``
    (or, in a forked child, still waits to be made again from compat's)."""
    if not isinstance(name, str):
        return
    if core.is_inherited(name):
        core.unregister_connection(name)
        return
    with contextlib.suppress(ConnectionNotFound):
        if core.get_connection(name).session is session:
            core.unregister_connection(name)


def reconnect_core_after_fork() -> None:
    """Reset coodie_core's registry in a forked child (before compat's own)."""
    core.reconnect_after_fork()


def defer_after_fork(name: str, connected_session: Callable[[], Any]) -> None:
    """In a forked child: let core make ``name`` again from compat's connection,
    whose ``connected_session()`` connects it (sharing it with core) on first use."""

    def rebuild() -> core.Connection:
        session = connected_session()
        conn = share(name, session, default=False)
        if conn is None:
            raise StaleConnection(f"connection {name!r}: compat could not connect it again")
        return conn

    core.defer_after_fork(name, rebuild)
