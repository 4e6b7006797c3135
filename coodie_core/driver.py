"""The cassandra-driver adapter: prepare, bind, execute one page; sync and asyncio.

The asyncio side is bridged on the driver's own ``ResponseFuture``: callbacks run
on the driver's I/O thread and hand the outcome to the event loop with
``loop.call_soon_threadsafe``. No thread pool is involved and nothing blocks the
loop. Each call returns a :class:`~coodie_core.operations.ResultPage` carrying its
own paging state, so concurrent queries never share a cursor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from cassandra.cluster import ResponseFuture, ResultSet, Session
from cassandra.protocol import PrepareMessage
from cassandra.query import BatchStatement, BatchType, PreparedStatement, SimpleStatement

from coodie_core.operations import Options, ResultPage

__all__ = [
    "aexecute",
    "aprepare",
    "bind",
    "bind_batch",
    "execute",
    "prepare",
    "simple",
]

Request = Any  # a driver Statement: bound, batch or simple


def prepare(session: Session, cql: str) -> PreparedStatement:
    """Prepare ``cql`` (blocking; for the sync front)."""
    return session.prepare(cql)


async def aprepare(session: Session, cql: str) -> PreparedStatement:
    """Prepare ``cql`` without blocking the event loop.

    ``Session.prepare`` only exists as a blocking call, so this sends the same
    PREPARE message through a ``ResponseFuture`` and builds the statement the way
    the driver does. Other nodes re-prepare on demand (the driver handles an
    UNPREPARED answer by preparing and retrying).
    """
    future = ResponseFuture(
        session, PrepareMessage(query=cql), query=None, timeout=session.default_timeout
    )
    future.send_request()
    response = await _await(future)
    statement = PreparedStatement.from_message(
        response.query_id,
        response.bind_metadata,
        response.pk_indexes,
        session.cluster.metadata,
        cql,
        None,
        session._protocol_version,
        response.column_metadata,
        response.result_metadata_id,
        session.cluster.column_encryption_policy,
    )
    session.cluster.add_prepared(response.query_id, statement)
    return statement


def _apply(statement: Any, options: Options) -> Any:
    if options.consistency is not None:
        statement.consistency_level = options.consistency
    if options.serial_consistency is not None:
        statement.serial_consistency_level = options.serial_consistency
    if options.page_size is not None:
        statement.fetch_size = options.page_size
    return statement


def bind(prepared: PreparedStatement, values: Sequence[object], options: Options) -> Request:
    """Bind values (``UNSET_VALUE`` allowed) and apply per-request options."""
    return _apply(prepared.bind(tuple(values)), options)


def bind_batch(
    kind: str, parts: Sequence[tuple[PreparedStatement, Sequence[object]]], options: Options
) -> Request:
    """A driver ``BatchStatement`` of bound prepared statements."""
    batch_type = {
        "LOGGED": BatchType.LOGGED,
        "UNLOGGED": BatchType.UNLOGGED,
        "COUNTER": BatchType.COUNTER,
    }[kind]
    batch = BatchStatement(batch_type=batch_type)
    for prepared, values in parts:
        batch.add(prepared, tuple(values))
    return _apply(batch, options)


def simple(cql: str, options: Options) -> Request:
    """An unprepared statement, for DDL only (DDL takes no bind markers)."""
    return _apply(SimpleStatement(cql), options)


def _kwargs(options: Options) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"paging_state": options.paging_state}
    if options.timeout is not None:  # omitted means the session default
        kwargs["timeout"] = options.timeout
    return kwargs


def execute(session: Session, request: Request, options: Options) -> ResultPage:
    """Execute and return the first page (blocking; for the sync front)."""
    result = session.execute(request, **_kwargs(options))
    return ResultPage(list(result.current_rows), result.paging_state)


async def aexecute(session: Session, request: Request, options: Options) -> ResultPage:
    """Execute and await the first page without blocking the event loop."""
    future = session.execute_async(request, **_kwargs(options))
    rows = await _await(future)
    if rows is None:
        return ResultPage([], None)
    return ResultPage(list(rows), ResultSet(future, rows).paging_state)


def _await(future: ResponseFuture) -> asyncio.Future[Any]:
    """An asyncio future completed by the driver's callbacks (any thread)."""
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any) -> None:
        if not waiter.done():
            waiter.set_result(result)

    def fail(exc: BaseException) -> None:
        if not waiter.done():
            waiter.set_exception(exc)

    future.add_callbacks(
        lambda result: loop.call_soon_threadsafe(settle, result),
        lambda exc: loop.call_soon_threadsafe(fail, exc),
    )
    return waiter
