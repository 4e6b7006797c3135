"""The state every :class:`~coodie_core.queryset.QuerySet` wraps, and its bulk writes.

:class:`QueryState` is the frozen value a query is made of. :class:`QuerySetBase`
holds what reads and writes share (state handling, the model's table, building
operations) and the writes over the matched rows: ``update`` and ``delete`` with
TTL, ``USING TIMESTAMP`` and ``IF`` conditions (``iff``/``if_exists``), each
returning an :class:`~coodie_core.lwt.LWTResult`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from coodie_core.errors import InvalidQuery
from coodie_core.execution import arun, resolve_table, run
from coodie_core.lwt import LWTResult, conditions, lwt_reader
from coodie_core.meta import TableMeta
from coodie_core.operations import DEFAULT_OPTIONS, Operation, Options
from coodie_core.polymorphism import implicit_where, read_table
from coodie_core.statements import Condition, Delete, Select, TokenWhere, Update, Where
from coodie_core.writes import assignments, write_timestamp, write_ttl

if TYPE_CHECKING:
    from typing_extensions import Self

    from coodie_core.document import Document

__all__ = ["QuerySetBase", "QueryState", "evolve"]

D = TypeVar("D", bound="Document")


@dataclass(frozen=True)
class QueryState:
    """Everything a query is made of; QuerySets are thin wrappers around one."""

    where: tuple[Condition, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    per_partition_limit: int | None = None
    allow_filtering: bool = False
    columns: tuple[str, ...] | None = None  # None: every column
    options: Options = DEFAULT_OPTIONS
    connection: str | None = None
    ttl: int | None = None
    timestamp: int | None = None
    if_exists: bool = False
    conditions: tuple[Where, ...] = ()
    raise_on_failure: bool = False


_EMPTY_STATE = QueryState()
_STATE_FIELDS = frozenset(f.name for f in fields(QueryState))
_OPTION_FIELDS = frozenset(f.name for f in fields(Options))


def evolve(value: Any, names: frozenset[str], changes: dict[str, Any]) -> Any:
    """``dataclasses.replace`` for the frozen, cache-free values of the query path
    (``QueryState``, ``Options``), without re-running ``__init__`` field by field.
    Unknown names fall back to ``replace``, which raises."""
    if not changes:
        return value
    if not changes.keys() <= names:
        return replace(value, **changes)
    new = object.__new__(type(value))
    new.__dict__.update(value.__dict__)
    new.__dict__.update(changes)
    return new


class QuerySetBase(Generic[D]):
    """State handling and bulk writes shared by every QuerySet."""

    __slots__ = ("model", "state")

    def __init__(self, model: type[D], state: QueryState | None = None) -> None:
        self.model = model
        self.state = state or _EMPTY_STATE

    def __repr__(self) -> str:
        return f"QuerySet({self.model.__name__}, {self.state!r})"

    @property
    def _table(self) -> TableMeta:
        return read_table(self.model)

    def _with(self, **changes: Any) -> Self:
        return type(self)(self.model, evolve(self.state, _STATE_FIELDS, changes))

    def _with_options(self, **changes: Any) -> Self:
        return self._with(options=evolve(self.state.options, _OPTION_FIELDS, changes))

    def _where(self) -> tuple[Condition, ...]:
        """The caller's conditions plus a subclass's discriminator filter."""
        return self.state.where + implicit_where(self.model)

    def _op(
        self,
        statement: Select | Update | Delete,
        result: Any,
        *,
        fetch_all: bool = False,
        **options: Any,
    ) -> Operation[Any]:
        state = self.state
        return Operation(
            statement,
            result,
            evolve(state.options, _OPTION_FIELDS, options),
            state.connection or self.model.table_meta().settings.connection,
            fetch_all=fetch_all,
        )

    # -- write settings -------------------------------------------------------------

    def ttl(self, seconds: int) -> Self:
        """Send ``USING TTL`` with :meth:`update` (default: ``Settings.default_ttl``)."""
        return self._with(ttl=write_ttl(self._table, seconds))

    def timestamp(self, when: int | datetime.datetime) -> Self:
        """Send ``USING TIMESTAMP`` (microseconds or an aware datetime) with writes."""
        return self._with(timestamp=write_timestamp(self._table, when))

    def iff(self, **lookups: object) -> Self:
        """Make :meth:`update`/:meth:`delete` conditional: ``score=3``, ``score__ne=3``,
        ``score__in=[..]``, ``score__gt/gte/lt/lte``."""
        return self._with(conditions=self.state.conditions + conditions(self._table, lookups))

    def if_exists(self) -> Self:
        """Make :meth:`update`/:meth:`delete` apply only to an existing row."""
        return self._with(if_exists=True)

    def raise_on_failure(self) -> Self:
        """Raise :class:`~coodie_core.errors.LWTException` when a condition fails."""
        return self._with(raise_on_failure=True)

    def serial_consistency(self, level: int) -> Self:
        """Use this serial ``ConsistencyLevel`` for conditional writes."""
        return self._with_options(serial_consistency=level)

    # -- bulk writes ----------------------------------------------------------------

    def _write_where(self, what: str, full_key: bool) -> tuple[Condition, ...]:
        """The conditions of a bulk write: keys only, partition key (and for an
        update every clustering column) pinned with ``=`` or ``IN``."""
        if implicit_where(self.model):
            raise InvalidQuery(
                f"{self.model.__name__}: a bulk {what} cannot filter on the discriminator; "
                "use the base class's queryset or the documents themselves"
            )
        where = self.state.where
        pinned = {c.column for c in where if isinstance(c, Where) and c.op in ("=", "IN")}
        keys = self._table.primary_key if full_key else self._table.partition_key
        missing = [c.name for c in keys if c.name not in pinned]
        others = [
            c.column if isinstance(c, Where) else "token"
            for c in where
            if isinstance(c, TokenWhere) or not self._table.column(c.column).is_key
        ]
        if missing or others:
            raise InvalidQuery(
                f"{self.model.__name__}: {what} needs = or IN on {[c.name for c in keys]} "
                f"and no other filters (missing {missing}, other {others})"
            )
        return self.state.where

    def _check_lwt(self) -> None:
        state = self.state
        if (state.if_exists or state.conditions) and state.timestamp is not None:
            raise InvalidQuery(f"{self.model.__name__}: a conditional write cannot use timestamp()")
        if state.if_exists and state.conditions:
            raise InvalidQuery(f"{self.model.__name__}: use if_exists() or iff(), not both")

    def delete_op(self) -> Operation[LWTResult]:
        """The operation behind :meth:`delete` (rows of the pinned partitions)."""
        self._check_lwt()
        delete = Delete(
            resolve_table(self._table, self.state.connection),
            self._write_where("delete", False),
            timestamp=self.state.timestamp,
            if_exists=self.state.if_exists,
            if_conditions=self.state.conditions,
        )
        return self._op(delete, lwt_reader(self.state.raise_on_failure))

    def update_op(self, **values: object) -> Operation[LWTResult]:
        """The operation behind :meth:`update` (``UPDATE ... SET``, every key pinned);
        accepts the collection operations of :func:`coodie_core.writes.assignments`."""
        self._check_lwt()
        table = self._table
        update = Update(
            resolve_table(table, self.state.connection),
            assignments(table, values),
            self._write_where("update", True),
            ttl=write_ttl(table, self.state.ttl),
            timestamp=self.state.timestamp,
            if_exists=self.state.if_exists,
            if_conditions=self.state.conditions,
        )
        return self._op(update, lwt_reader(self.state.raise_on_failure))

    def delete(self) -> LWTResult:
        """Delete the matching rows (the partition key must be pinned)."""
        return run(self.delete_op())

    async def adelete(self) -> LWTResult:
        """Delete the matching rows (the partition key must be pinned)."""
        return await arun(self.delete_op())

    def update(self, **values: object) -> LWTResult:
        """Set fields on the matching rows (the whole primary key must be pinned)."""
        return run(self.update_op(**values))

    async def aupdate(self, **values: object) -> LWTResult:
        """Set fields on the matching rows (the whole primary key must be pinned)."""
        return await arun(self.update_op(**values))
