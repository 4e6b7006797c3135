"""Driver failures turned into typed coodie errors (used by core and compat).

When too few replicas are alive, the coordinator answers ``Unavailable``; the
driver's default retry policy then tries the next host, and when none is left
the caller gets ``NoHostAvailable`` whose ``errors`` hold the refusals.
:func:`unavailable_error` recognises both forms and builds a
:class:`~coodie_core.errors.NotEnoughReplicas` (or a subclass) naming the
consistency level and the required and alive replicas.
"""

from __future__ import annotations

from typing import TypeVar

from cassandra import OperationTimedOut, Unavailable
from cassandra.cluster import NoHostAvailable
from cassandra.connection import ConnectionException

from coodie_core.errors import NotEnoughReplicas

__all__ = ["unavailable_error"]

E = TypeVar("E", bound=NotEnoughReplicas)

#: Errors that can sit beside an ``Unavailable`` in ``NoHostAvailable.errors``
#: without changing the diagnosis (a host that broke or timed out on the way).
_INCIDENTAL = (ConnectionException, OperationTimedOut)


def unavailable_error(
    exc: BaseException,
    cls: type[E] = NotEnoughReplicas,
) -> E | None:
    """``exc`` as ``cls`` when it reports too few live replicas, else None.

    That is an ``Unavailable``, or a ``NoHostAvailable`` holding at least one
    ``Unavailable`` and otherwise only connection errors and client timeouts.
    """
    if isinstance(exc, NotEnoughReplicas):
        return None
    if isinstance(exc, Unavailable):
        return cls(exc.consistency, exc.required_replicas, exc.alive_replicas, str(exc))
    if not isinstance(exc, NoHostAvailable) or not exc.errors:
        return None
    refusal = None
    for error in exc.errors.values():
        if isinstance(error, Unavailable):
            refusal = error
        elif not isinstance(error, _INCIDENTAL):
            return None
    if refusal is None:
        return None
    return cls(
        refusal.consistency,
        refusal.required_replicas,
        refusal.alive_replicas,
        str(refusal),
        exc.errors,
    )
