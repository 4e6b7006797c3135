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
"""

from __future__ import annotations

import contextlib
from typing import Any

from coodie_core import execution as core
from coodie_core.errors import ConnectionNotFound, InvalidIdentifier

__all__ = ["share", "unshare"]


def _default_keyspace() -> str | None:
    from coodie_compat import models  # models imports connection, which imports this

    return models.DEFAULT_KEYSPACE


def share(name: Any, session: Any, *, default: bool) -> None:
    """Register ``session`` in coodie_core as ``name`` (its default when ``default``)."""
    if not isinstance(name, str) or session is None:
        return
    keyspace = _default_keyspace()
    try:
        core.register_connection(name, session, keyspace=keyspace, default=default)
    except InvalidIdentifier:  # a keyspace core cannot name: core falls back to the session's
        core.register_connection(name, session, default=default)


def unshare(name: Any, session: Any) -> None:
    """Remove ``name`` from coodie_core if it still holds compat's ``session``."""
    if not isinstance(name, str):
        return
    with contextlib.suppress(ConnectionNotFound):
        if core.get_connection(name).session is session:
            core.unregister_connection(name)
