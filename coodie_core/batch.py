"""Batches: several writes applied together in one round trip.

Collect writes with :meth:`BatchWriter.save`, ``insert``, ``update``, ``delete``,
``increment`` and ``decrement`` (or any write operation with :meth:`~BatchWriter.add`),
then :meth:`~BatchWriter.execute` (or ``await aexecute()``); or use the writer as
a context manager (``with`` runs it on success, ``async with`` awaits it). Each
write is the statement the document would send alone, so the batch is one driver
``BatchStatement`` of prepared statements; an empty batch sends nothing.

A batch-level ``timestamp`` is given to every statement that names none (the
driver's prepared batches have no ``USING TIMESTAMP`` of their own). Conditional
writes may be mixed in (Cassandra requires them to share one partition); the
batch then answers one :class:`~coodie_core.lwt.LWTResult` and the documents'
own effects (new values, snapshots) apply only when it was applied.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import replace
from types import TracebackType
from typing import Any, Literal

from coodie_core.document import Document
from coodie_core.errors import InvalidQuery
from coodie_core.execution import arun, run
from coodie_core.lwt import LWTResult, lwt_reader
from coodie_core.operations import DEFAULT_OPTIONS, Operation, Options, ResultPage
from coodie_core.statements import Batch, Delete, Insert, Update
from coodie_core.writes import microseconds

__all__ = ["BatchWriter"]

Kind = Literal["LOGGED", "UNLOGGED", "COUNTER"]
Timestamp = int | datetime.datetime | None


def _conditional(statement: Insert | Update | Delete) -> bool:
    if isinstance(statement, Insert):
        return statement.if_not_exists
    return statement.if_exists or bool(statement.if_conditions)


class BatchWriter:
    """Collects writes for one batch on one connection.

    ``kind`` is ``"LOGGED"`` (default), ``"UNLOGGED"`` or ``"COUNTER"`` (only
    counter increments and deletes); ``consistency``/``serial_consistency`` and
    ``timestamp`` apply to the whole batch.
    """

    def __init__(
        self,
        kind: Kind = "LOGGED",
        *,
        options: Options | None = None,
        timestamp: int | datetime.datetime | None = None,
        consistency: int | None = None,
        serial_consistency: int | None = None,
    ) -> None:
        if kind not in ("LOGGED", "UNLOGGED", "COUNTER"):
            raise InvalidQuery(f"batch kind must be LOGGED, UNLOGGED or COUNTER, not {kind!r}")
        self.kind = kind
        self.options = options or DEFAULT_OPTIONS
        if consistency is not None:
            self.options = replace(self.options, consistency=consistency)
        if serial_consistency is not None:
            self.options = replace(self.options, serial_consistency=serial_consistency)
        self.timestamp = microseconds("BatchWriter", timestamp)
        self._ops: list[Operation[Any]] = []

    def add(
        self, op: Operation[Any], *, counter: bool = False, model: str | None = None
    ) -> BatchWriter:
        """Add any write operation (``*_op()`` of a document or queryset).

        ``counter=True`` marks a counter update (allowed only in a COUNTER batch).
        ``model`` names the write's model in errors (else its table is named); the
        document methods below pass it.
        """
        statement = op.statement
        if not isinstance(statement, (Insert, Update, Delete)):
            raise InvalidQuery(f"a batch takes inserts, updates and deletes, not {statement!r}")
        owner = model or f"table {statement.table.keyspace}.{statement.table.name}"
        if self._ops and op.connection != self._ops[0].connection:
            raise InvalidQuery(f"{owner}: a batch runs on one connection; these writes use two")
        if counter != (self.kind == "COUNTER") and not (
            self.kind == "COUNTER" and isinstance(statement, Delete)
        ):
            what = "a counter update" if counter else "a non-counter write"
            hint = "BatchWriter('COUNTER')" if counter else "a LOGGED or UNLOGGED batch"
            raise InvalidQuery(f"{owner}: {what} cannot go in a {self.kind} batch; use {hint}")
        if self.timestamp is not None and _conditional(statement):
            raise InvalidQuery(f"{owner}: a batch with a timestamp cannot hold conditional writes")
        self._ops.append(op)
        return self

    def save(
        self, doc: Document, *, ttl: int | None = None, timestamp: Timestamp = None
    ) -> BatchWriter:
        """Add ``doc.save()`` (nothing when a loaded document has no change)."""
        op = doc.changes_op(ttl=ttl, timestamp=timestamp)
        return self if op is None else self.add(op, model=type(doc).__name__)

    def insert(self, doc: Document, *, ttl: int | None = None) -> BatchWriter:
        """Add ``doc.insert()`` (``IF NOT EXISTS``)."""
        return self.add(doc.save_op(ttl=ttl, if_not_exists=True), model=type(doc).__name__)

    def update(self, doc: Document, **values: Any) -> BatchWriter:
        """Add ``doc.update(**values)`` (same options); values are set on ``doc``
        once the batch is applied."""
        return self.add(doc.update_op(**values), model=type(doc).__name__)

    def increment(self, doc: Document, **deltas: int) -> BatchWriter:
        """Add ``doc.increment(**deltas)`` (use ``kind="COUNTER"``)."""
        return self.add(doc.increment_op(**deltas), counter=True, model=type(doc).__name__)

    def decrement(self, doc: Document, **deltas: int) -> BatchWriter:
        """Add ``doc.decrement(**deltas)`` (use ``kind="COUNTER"``)."""
        return self.add(doc.decrement_op(**deltas), counter=True, model=type(doc).__name__)

    def delete(self, doc: Document, **options: Any) -> BatchWriter:
        """Add ``doc.delete(**options)``."""
        return self.add(doc.delete_op(**options), model=type(doc).__name__)

    def __len__(self) -> int:
        return len(self._ops)

    def _statements(self) -> tuple[Insert | Update | Delete, ...]:
        statements = []
        for op in self._ops:
            statement = op.statement
            assert isinstance(statement, (Insert, Update, Delete))
            if self.timestamp is not None and statement.timestamp is None:
                statement = replace(statement, timestamp=self.timestamp)
            statements.append(statement)
        return tuple(statements)

    def batch_op(self) -> Operation[LWTResult]:
        """The operation that runs the whole batch."""
        readers: list[Callable[[ResultPage], Any]] = [op.result for op in self._ops]

        def applied() -> None:
            for read in readers:  # per-write effects, e.g. update() setting new values
                read(ResultPage([]))

        connection = self._ops[0].connection if self._ops else None
        batch = Batch(self._statements(), self.kind)
        return Operation(batch, lwt_reader(False, applied), self.options, connection)

    def execute(self) -> LWTResult:
        """Send the batch (nothing is sent for an empty batch)."""
        if not self._ops:
            return LWTResult(True)
        result = run(self.batch_op())
        self._ops.clear()
        return result

    async def aexecute(self) -> LWTResult:
        """Send the batch without blocking the event loop."""
        if not self._ops:
            return LWTResult(True)
        result = await arun(self.batch_op())
        self._ops.clear()
        return result

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
