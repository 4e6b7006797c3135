"""The cassandra-driver adapter: prepare, bind, execute one page; sync and asyncio.

The asyncio side is bridged on the driver's own ``ResponseFuture``: callbacks run
on the driver's I/O thread and hand the outcome to the event loop with
``loop.call_soon_threadsafe``. No thread pool is involved and nothing blocks the
loop. Each call returns a :class:`~coodie_core.operations.ResultPage` carrying its
own paging state, so concurrent queries never share a cursor.

Rows come back as plain tuples, whatever row factory the session's default
profile names: requests carry :class:`TupleRows`, the default profile with
``tuple_factory`` (decoders read by position; the column names travel with the
page). A session in the driver's legacy configuration mode cannot take a profile
per request; there the session's own rows (named tuples, dicts...) are used.

Idempotence is decided once per prepared statement (:func:`mark_prepared`, from
the statement's shape and the column types the server reports for its bind
markers): bound statements inherit the prepared statement's ``is_idempotent``
and ``retry_policy``, so binding costs nothing more. A batch is idempotent when
all its parts are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import cassandra.cluster
from cassandra.cluster import (
    EXEC_PROFILE_DEFAULT,
    ExecutionProfile,
    ResponseFuture,
    ResultSet,
    Session,
)
from cassandra.cqltypes import CounterColumnType, ListType
from cassandra.policies import RetryPolicy
from cassandra.protocol import PrepareMessage
from cassandra.query import (
    BatchStatement,
    BatchType,
    PreparedStatement,
    SimpleStatement,
    tuple_factory,
)

from coodie_core.operations import DEFAULT_OPTIONS as _DEFAULTS
from coodie_core.operations import Options, ResultPage
from coodie_core.statements import Batch, Statement, is_idempotent

__all__ = [
    "TupleRows",
    "accumulating_columns",
    "aexecute",
    "aprepare",
    "bind",
    "bind_batch",
    "execute",
    "mark_prepared",
    "page_of",
    "prepare",
    "profile_for",
    "result_of",
    "send",
    "simple",
    "wait",
]

_LEGACY = getattr(getattr(cassandra.cluster, "_ConfigMode", None), "LEGACY", None)


def _from_default(name: str) -> Any:
    def read(self: TupleRows) -> Any:
        return getattr(self.default, name)

    return property(read, doc=f"The default profile's ``{name}``.")


class TupleRows(ExecutionProfile):  # type: ignore[misc]
    """The cluster's default execution profile with ``tuple_factory`` rows.

    Every other setting is read from the default profile at each request, so
    later changes to it apply to coodie's requests too. It is passed with each
    request, never registered on the cluster (no policy is populated twice).
    """

    row_factory = staticmethod(tuple_factory)
    load_balancing_policy = _from_default("load_balancing_policy")
    retry_policy = _from_default("retry_policy")
    consistency_level = _from_default("consistency_level")
    serial_consistency_level = _from_default("serial_consistency_level")
    request_timeout = _from_default("request_timeout")
    speculative_execution_policy = _from_default("speculative_execution_policy")
    continuous_paging_options = _from_default("continuous_paging_options")

    def __init__(self, cluster: Any) -> None:  # no super().__init__: nothing is copied
        self.cluster = cluster
        self.default = cluster.profile_manager.default


def profile_for(session: Any, tuple_rows: TupleRows | None) -> Any:
    """``tuple_rows`` when the session takes per-request profiles, else the
    driver's default key (legacy configuration mode, or a session without a
    cluster such as a test double)."""
    cluster = getattr(session, "cluster", None)
    if tuple_rows is None or cluster is None or _LEGACY is None:
        return EXEC_PROFILE_DEFAULT
    if getattr(cluster, "_config_mode", _LEGACY) == _LEGACY:
        return EXEC_PROFILE_DEFAULT
    default = cluster.profile_manager.default
    if tuple_rows.default is not default:  # the default profile object was replaced
        tuple_rows.default = default
    return tuple_rows


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


def accumulating_columns(prepared: Any) -> frozenset[str]:
    """The bind markers of ``prepared`` named after a counter or a list column:
    where ``c = c + ?`` and ``c = c - ?`` accumulate instead of setting."""
    names = []
    for spec in getattr(prepared, "column_metadata", None) or ():
        cql_type = spec[3]
        if isinstance(cql_type, type) and issubclass(cql_type, (CounterColumnType, ListType)):
            names.append(spec[2])
    return frozenset(names)


def mark_prepared(
    prepared: Any, statement: Statement | Batch, guard: RetryPolicy | None = None
) -> None:
    """Set ``prepared.is_idempotent`` for ``statement``'s shape; when it is not
    idempotent and ``guard`` is given, make ``guard`` its retry policy."""
    idempotent = is_idempotent(statement, accumulating_columns(prepared))
    try:
        prepared.is_idempotent = idempotent
        if not idempotent and guard is not None:
            prepared.retry_policy = guard
    except AttributeError:  # a test double without these attributes
        pass


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
    bound = prepared.bind(values if type(values) is tuple else tuple(values))
    return bound if options is _DEFAULTS else _apply(bound, options)


_BATCH_TYPES = {
    "LOGGED": BatchType.LOGGED,
    "UNLOGGED": BatchType.UNLOGGED,
    "COUNTER": BatchType.COUNTER,
}


def bind_batch(
    kind: str,
    parts: Sequence[tuple[PreparedStatement, Sequence[object]]],
    options: Options,
    guard: RetryPolicy | None = None,
) -> Request:
    """A driver ``BatchStatement`` of bound prepared statements, idempotent when
    every part is (else carrying ``guard`` as its retry policy, when given)."""
    batch = BatchStatement(batch_type=_BATCH_TYPES[kind])
    idempotent = True
    for prepared, values in parts:
        batch.add(prepared, tuple(values))
        idempotent = idempotent and bool(getattr(prepared, "is_idempotent", False))
    batch.is_idempotent = idempotent
    if not idempotent and guard is not None:
        batch.retry_policy = guard
    return _apply(batch, options)


def simple(cql: str, options: Options, guard: RetryPolicy | None = None) -> Request:
    """An unprepared statement, for DDL only (DDL takes no bind markers). Schema
    changes are not marked idempotent; ``guard``, when given, is its retry policy."""
    statement = SimpleStatement(cql)
    if guard is not None:
        statement.retry_policy = guard
    return _apply(statement, options)


def _kwargs(options: Options, profile: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"paging_state": options.paging_state}
    if options.timeout is not None:  # omitted means the session default
        kwargs["timeout"] = options.timeout
    if profile is not EXEC_PROFILE_DEFAULT:
        kwargs["execution_profile"] = profile
    return kwargs


def execute(
    session: Session, request: Request, options: Options, profile: Any = EXEC_PROFILE_DEFAULT
) -> ResultPage:
    """Execute and return the first page (blocking; for the sync front)."""
    if options is _DEFAULTS and profile is EXEC_PROFILE_DEFAULT:
        result = session.execute(request, paging_state=None)
    else:
        result = session.execute(request, **_kwargs(options, profile))
    rows = result.current_rows
    return ResultPage(
        rows if type(rows) is list else list(rows),
        result.paging_state,
        getattr(result, "column_names", None),
    )


def send(
    session: Session, request: Request, options: Options, profile: Any = EXEC_PROFILE_DEFAULT
) -> ResponseFuture:
    """Start a request; :func:`wait` for its first page without blocking the loop."""
    if options is _DEFAULTS and profile is EXEC_PROFILE_DEFAULT:
        return session.execute_async(request, paging_state=None)
    return session.execute_async(request, **_kwargs(options, profile))


def page_of(future: ResponseFuture, rows: Any) -> ResultPage:
    """The :class:`ResultPage` of a settled request (``rows`` as :func:`wait` gave them)."""
    if rows is None:
        return ResultPage([], None)
    result = ResultSet(future, rows)
    return ResultPage(
        rows if type(rows) is list else list(rows), result.paging_state, result.column_names
    )


def result_of(future: ResponseFuture) -> ResultPage:
    """Block until a request sent with :func:`send` answers; its first page."""
    result = future.result()
    rows = result.current_rows
    return ResultPage(
        rows if type(rows) is list else list(rows), result.paging_state, result.column_names
    )


async def aexecute(
    session: Session, request: Request, options: Options, profile: Any = EXEC_PROFILE_DEFAULT
) -> ResultPage:
    """Execute and await the first page without blocking the event loop."""
    future = send(session, request, options, profile)
    return page_of(future, await wait(future))


def wait(future: ResponseFuture) -> asyncio.Future[Any]:
    """An asyncio future settled with the first page's rows by the driver's callbacks."""
    return _await(future)


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
