"""Batches and model contexts: ``BatchType``, ``BatchQuery`` and ``ContextQuery``.

A batch collects DML statements instead of sending them, then sends them all
through ``connection.execute`` (one round trip: a driver batch of prepared
statements, or cqlengine's ``BEGIN ... BATCH`` text when it cannot be
prepared), checks the conditional result and runs the registered callbacks.
It also takes ``coodie_core`` write operations, sent in the same batch.
Public names are re-exported by :mod:`coodie_compat.query`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from cassandra.cluster import _NOT_SET
from cassandra.query import BatchType as DriverBatchType

from coodie_compat import CQLEngineException
from coodie_compat import connection as conn
from coodie_compat._input_errors import shown
from coodie_compat._prepared import BatchRequest
from coodie_compat._query_base import check_applied
from coodie_compat.statements import BaseCQLStatement
from coodie_core import execution as core_execution
from coodie_core.operations import Operation, ResultPage
from coodie_core.statements import Delete, Insert, Update

__all__ = ["BatchQuery", "BatchType", "ContextQuery"]

_CORE_WRITES = (Insert, Update, Delete)


class BatchType:
    """Batch kinds besides the default logged batch (the driver's ``BatchType`` works too)."""

    Unlogged = "UNLOGGED"
    Counter = "COUNTER"


def _microseconds(timestamp: int | datetime | timedelta) -> int:
    """A batch timestamp in microseconds; datetimes are local time, timedeltas from now."""
    if isinstance(timestamp, int):
        return timestamp
    if isinstance(timestamp, timedelta):
        timestamp = datetime.now() + timestamp
    elif not isinstance(timestamp, datetime):
        raise ValueError("Batch expects a long, a timedelta, or a datetime")
    return int(time.mktime(timestamp.timetuple()) * 1e6 + timestamp.microsecond)


class BatchQuery:
    """Collects inserts, updates and deletes and sends them as one CQL batch.

    Use it as a context manager (``with BatchQuery() as b: M.batch(b).create(...)``)
    or call :meth:`execute`.  Inside a ``with`` block that raises, nothing
    is sent unless ``execute_on_exception`` is true.  ``timestamp`` must be
    a datetime or a timedelta; ``timeout`` and ``consistency`` apply to the
    whole batch; ``connection`` names the connection (otherwise the first
    statement's model chooses it).
    """

    #: Warn when a batch is executed more than once.
    warn_multiple_exec = True

    _consistency: Any = None
    _connection: str | None = None
    _connection_explicit = False

    def __init__(self, batch_type: Any = None, timestamp: datetime | timedelta | None = None,
                 consistency: Any = None, execute_on_exception: bool = False,
                 timeout: Any = _NOT_SET, connection: str | None = None) -> None:
        if timestamp is not None and not isinstance(timestamp, (datetime, timedelta)):
            raise CQLEngineException("BatchQuery timestamp object must be an instance of "
                                     f"datetime, got {shown(timestamp)}")
        self.queries: list[BaseCQLStatement] = []
        self.batch_type = batch_type
        self.timestamp: Any = timestamp
        self._consistency = consistency
        self._execute_on_exception = execute_on_exception
        self._timeout = timeout
        self._callbacks: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self._core_ops: list[Operation[Any]] = []
        self._executed = False
        self._context_entered = False
        self._connection = connection
        if connection:
            self._connection_explicit = True

    def add_query(self, query: BaseCQLStatement | Operation[Any]) -> None:
        """Queue a statement: a ``BaseCQLStatement``, or a ``coodie_core`` write.

        Core writes are the operations of documents and querysets
        (``doc.save_op()``, ``update_op(...)``, ``delete_op()``...); they go in
        the same driver batch, on the same session, and their effects on the
        documents apply once the batch is applied (mixed use).
        """
        if isinstance(query, BaseCQLStatement):
            self.queries.append(query)
        elif isinstance(query, Operation) and isinstance(query.statement, _CORE_WRITES):
            self._core_ops.append(query)
        else:
            raise CQLEngineException("only BaseCQLStatements can be added to a batch query")

    def consistency(self, consistency: Any) -> None:
        """Set the consistency level of the batch (in place)."""
        self._consistency = consistency

    def add_callback(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Call ``fn(*args, **kwargs)`` after the batch has executed successfully.

        Callbacks run in the order they were added, each time the batch runs.
        """
        if not callable(fn):
            raise ValueError(f"Value for argument 'fn' is {type(fn)} and is not a callable object.")
        self._callbacks.append((fn, args, kwargs))

    def _execute_callbacks(self) -> None:
        for callback, args, kwargs in self._callbacks:
            callback(*args, **kwargs)

    def _warn_if_repeated(self) -> None:
        if self._executed and self.warn_multiple_exec:
            message = "Batch executed multiple times."
            if self._context_entered:
                message += (" If using the batch as a context manager, there is no need"
                            " to call execute directly.")
            warnings.warn(message, stacklevel=3)
        self._executed = True

    def _opener(self) -> str:
        kind = None if self.batch_type is DriverBatchType.LOGGED else self.batch_type
        opener = "BEGIN " + (f"{kind} " if kind else "") + " BATCH"
        if self.timestamp:
            opener += f" USING TIMESTAMP {_microseconds(self.timestamp)}"
        return opener

    def _request(self) -> BatchRequest:
        timestamp = _microseconds(self.timestamp) if self.timestamp else None
        return BatchRequest(self.queries, self.batch_type, timestamp, self._opener,
                            self._core_ops)

    def _text_and_params(self) -> tuple[str, dict[str, Any]]:
        """Render every queued statement, numbered one after the other."""
        return self._request().text_and_params()

    def _batch_connection(self) -> str | None:
        """The connection of the batch; core writes must use the very same session."""
        if not self._core_ops:
            return self._connection
        # Compat statements run on the batch's connection (None: the default); a batch
        # of core writes only, on the compat connection of the core writes' name.
        chosen = self.queries or self._connection_explicit
        name = self._connection if chosen else self._core_ops[0].connection
        session = conn.get_connection(name).session
        for op in self._core_ops:
            if core_execution.get_connection(op.connection).session is not session:
                raise CQLEngineException(
                    "BatchQuery queries must be executed on the same connection")
        return name

    def execute(self) -> None:
        """Send the queued statements as one batch, then run the callbacks.

        An empty batch sends nothing but still runs the callbacks.  A
        conditional batch the server did not apply raises ``LWTException``.
        The batch goes through ``connection.execute`` as one request: one
        driver batch of prepared statements, or cqlengine's text batch.
        """
        self._warn_if_repeated()
        if not self.queries and not self._core_ops:
            self._execute_callbacks()
            return
        connection = self._batch_connection()
        result = conn.execute(self._request(), None, self._consistency, self._timeout,
                              connection=connection)
        check_applied(result)
        self.queries = []
        core_ops, self._core_ops = self._core_ops, []
        for op in core_ops:  # the documents' own effects (new values, snapshots)
            op.result(ResultPage([]))
        self._execute_callbacks()

    def __enter__(self) -> BatchQuery:
        self._context_entered = True
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                 exc_tb: TracebackType | None) -> None:
        if exc_type is not None and not self._execute_on_exception:
            return
        self.execute()


class ContextQuery:
    """Run models against another keyspace or connection inside a ``with`` block.

    ``with ContextQuery(M, keyspace='ks2') as M2:`` yields a clone of ``M``
    bound to ``ks2`` (a tuple of clones for several models); the models
    themselves are untouched.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from coodie_compat import models  # models imports this module

        if not args:
            raise ValueError("No model provided.")
        keyspace = kwargs.pop("keyspace", None)
        connection = kwargs.pop("connection", None)
        if kwargs:
            raise ValueError(f"Unknown keyword argument(s): {','.join(kwargs)}")
        self.models: list[Any] = []
        for model in args:
            try:
                issubclass(model, models.Model)
            except TypeError:
                raise ValueError("Models must be derived from base Model.") from None
            clone = models._clone_model_class(model, {})
            if keyspace:
                clone.__keyspace__ = keyspace
            if connection:
                clone.__connection__ = connection
            self.models.append(clone)

    def __enter__(self) -> Any:
        if len(self.models) > 1:
            return tuple(self.models)
        return self.models[0]

    def __exit__(self, exc_type: type[BaseException] | None, exc_val: BaseException | None,
                 exc_tb: TracebackType | None) -> None:
        return None
