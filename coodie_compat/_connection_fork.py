"""The facade's fork handling: :func:`reconnect_after_fork` (exported by ``connection``).

The hook is installed with the first registered connection.  In a forked
child it resets coodie_core's registry, then lets every compat connection
drop the parent's driver objects (:meth:`Connection.after_fork`).  The
registry lives in :mod:`coodie_compat.connection`, which imports this module,
so it is read at call time.
"""

from __future__ import annotations

import os

from coodie_compat._core_link import reconnect_core_after_fork

__all__ = ["reconnect_after_fork"]

#: The process that made the connections, and whether the hook is installed.
_fork_state = {"pid": os.getpid(), "hooked": False}


def _hook_fork() -> None:
    if not _fork_state["hooked"] and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=reconnect_after_fork)
        _fork_state["hooked"] = True


def reconnect_after_fork() -> None:
    """Drop the connections inherited from the parent process (in a forked child).

    Runs by itself after ``os.fork()`` (a hook installed with the first
    connection); call it from a server's post-fork hook when the fork does not
    run Python's hooks. Does nothing in the process that made the connections.
    Connections made from hosts connect again on first use; those made from an
    application's session raise :class:`StaleConnection` until registered again.
    coodie_core's registry is reset first (see
    :func:`coodie_core.execution.reconnect_after_fork`).
    """
    from coodie_compat import connection as registry

    pid = os.getpid()
    if pid == _fork_state["pid"]:
        return
    _fork_state["pid"] = pid
    reconnect_core_after_fork()
    seen: set[int] = set()
    for conn in list(registry._connections.values()):
        if id(conn) not in seen:  # the default is registered twice
            seen.add(id(conn))
            conn.after_fork()
    registry._sync_default_globals()
