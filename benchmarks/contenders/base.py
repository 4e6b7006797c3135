"""What a contender is: named operations over its own cluster, session and keyspace."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cassandra.cluster import Session

__all__ = ["Contender", "OpFn", "Unavailable"]

OpFn = Callable[[Any], Any]


class Unavailable(Exception):
    """A contender (or one of its operations) cannot run yet; the message says why."""


class Contender:
    """A library under test: one callable per operation, each taking one argument.

    Subclasses fill ``ops`` in ``__init__``; an operation missing from ``ops`` is
    reported with the reason in ``missing`` (or a generic one).
    """

    name: str = ""

    def __init__(self, name: str, keyspace: str) -> None:
        self.name = name
        self.keyspace = keyspace
        self.ops: dict[str, OpFn] = {}
        self.missing: dict[str, str] = {}

    def operation(self, op: str) -> OpFn:
        """The callable for ``op``, or :class:`Unavailable` with the reason."""
        try:
            return self.ops[op]
        except KeyError:
            raise Unavailable(self.missing.get(op, f"{self.name} has no {op!r}")) from None

    def sessions(self) -> list[Session]:
        """The driver sessions this contender sends requests on (for counting)."""
        raise NotImplementedError

    def describe(self) -> Mapping[str, str]:
        """Free-form notes for the report (row factory, how concurrency is done...)."""
        return {}

    def close(self) -> None:
        """Shut the contender's cluster down."""
        raise NotImplementedError
