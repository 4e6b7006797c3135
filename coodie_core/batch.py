"""Batches: several writes applied together in one round trip.

Collect writes with :meth:`BatchWriter.save`, ``update``, ``delete`` and
``increment``, then :meth:`~BatchWriter.execute` (or ``await aexecute()``); or use
the writer as a context manager (``with`` runs it on success, ``async with``
awaits it). Each write is the same statement the document would send alone, so
the batch is a driver ``BatchStatement`` of prepared statements.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any, Literal

from coodie_core.document import Document
from coodie_core.errors import InvalidQuery
from coodie_core.execution import arun, run
from coodie_core.operations import Operation, Options, ResultPage
from coodie_core.statements import Batch, Delete, Insert, Update

__all__ = ["BatchWriter"]

Kind = Literal["LOGGED", "UNLOGGED", "COUNTER"]


class BatchWriter:
    """Collects writes for one batch on one connection."""

    def __init__(self, kind: Kind = "LOGGED", *, options: Options | None = None) -> None:
        self.kind = kind
        self.options = options or Options()
        self._ops: list[Operation[Any]] = []

    def _add(self, op: Operation[Any]) -> BatchWriter:
        if self._ops and op.connection != self._ops[0].connection:
            raise InvalidQuery("a batch runs on one connection; these writes use two")
        if isinstance(op.statement, Insert) and op.statement.if_not_exists:
            raise InvalidQuery("conditional writes are not supported in batches here")
        self._ops.append(op)
        return self

    def save(
        self, doc: Document, *, ttl: int | None = None, timestamp: int | None = None
    ) -> BatchWriter:
        """Add ``doc.save()``."""
        return self._add(doc.save_op(ttl=ttl, timestamp=timestamp))

    def update(self, doc: Document, **values: Any) -> BatchWriter:
        """Add ``doc.update(**values)``; the values are set on ``doc`` after success."""
        return self._add(doc.update_op(**values))

    def increment(self, doc: Document, **deltas: int) -> BatchWriter:
        """Add ``doc.increment(**deltas)`` (use ``kind="COUNTER"``)."""
        return self._add(doc.increment_op(**deltas))

    def delete(self, doc: Document, *, timestamp: int | None = None) -> BatchWriter:
        """Add ``doc.delete()``."""
        return self._add(doc.delete_op(timestamp=timestamp))

    def __len__(self) -> int:
        return len(self._ops)

    def batch_op(self) -> Operation[None]:
        """The operation that runs the whole batch."""
        statements: list[Insert | Update | Delete] = []
        for op in self._ops:
            assert isinstance(op.statement, (Insert, Update, Delete))
            statements.append(op.statement)
        readers: list[Callable[[ResultPage], Any]] = [op.result for op in self._ops]

        def finish(page: ResultPage) -> None:
            for read in readers:  # per-write effects, e.g. update() setting new values
                read(page)

        connection = self._ops[0].connection if self._ops else None
        return Operation(Batch(tuple(statements), self.kind), finish, self.options, connection)

    def execute(self) -> None:
        """Send the batch (nothing is sent for an empty batch)."""
        if self._ops:
            run(self.batch_op())
        self._ops.clear()

    async def aexecute(self) -> None:
        """Send the batch without blocking the event loop."""
        if self._ops:
            await arun(self.batch_op())
        self._ops.clear()

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.execute()

    async def __aenter__(self) -> BatchWriter:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            await self.aexecute()
