"""The immutable, chainable :class:`QuerySet`.

Each chained call returns a new QuerySet over a new frozen :class:`QueryState`.
Filters, ordering and values are checked when they are added, and the
index/``ALLOW FILTERING`` rule when the query is built, so bad input raises a
typed error before anything is sent. Every I/O method builds an
:class:`~coodie_core.operations.Operation` and hands it to ``run`` (sync) or
``arun`` (``a``-prefixed twin).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from coodie_core.errors import InvalidQuery
from coodie_core.execution import arun, resolve_table, run
from coodie_core.lookups import (
    LOOKUPS,
    TOKEN_OPS,
    check_filter_value,
    filtering_problem,
    positive,
)
from coodie_core.meta import TableMeta
from coodie_core.operations import (
    Operation,
    Page,
    ResultPage,
    count_of,
    list_of,
    page_of,
)
from coodie_core.polymorphism import decoder_classes
from coodie_core.queryset_base import QuerySetBase, QueryState
from coodie_core.rows import DocumentDecoder, ValuesDecoder, decoder_for
from coodie_core.statements import Condition, Select, TokenWhere, Where

if TYPE_CHECKING:
    from coodie_core.document import Document

__all__ = ["QuerySet", "QueryState"]

D = TypeVar("D", bound="Document")


class QuerySet(QuerySetBase[D]):
    """A lazy query over one document class; see the module docstring."""

    __slots__ = ()

    # -- building ---------------------------------------------------------------

    def filter(self, **lookups: object) -> QuerySet[D]:
        """Add conditions: ``field=v``, ``field__in=[..]``, ``__gt/__gte/__lt/__lte``,
        ``__contains``, ``__contains_key``, ``__like``."""
        table = self._table
        conditions = tuple(self._condition(table, key, value) for key, value in lookups.items())
        return self._with(where=self.state.where + conditions)

    def _condition(self, table: TableMeta, key: str, value: object) -> Where:
        name, _, suffix = key.partition("__")
        column = table.column(name)
        if suffix and suffix not in LOOKUPS:
            raise InvalidQuery(
                f"{self.model.__name__}.{name}: unknown lookup {suffix!r}; "
                f"use one of {', '.join(LOOKUPS)}"
            )
        op = LOOKUPS[suffix or "eq"]
        return Where(name, op, check_filter_value(column, op, value, table))

    def token_range(
        self,
        *,
        gt: object = None,
        gte: object = None,
        lt: object = None,
        lte: object = None,
    ) -> QuerySet[D]:
        """Restrict the partition-key token: an int is a raw token, a tuple holds
        partition key values (``token(k) > token(?)``)."""
        keys = tuple(c.name for c in self._table.partition_key)
        conditions = []
        for suffix, value in (("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte)):
            if value is None:
                continue
            op = TOKEN_OPS[suffix]
            if isinstance(value, int) and not isinstance(value, bool):
                conditions.append(TokenWhere(keys, op, (value,), raw=True))
            elif isinstance(value, tuple) and len(value) == len(keys):
                checked = tuple(
                    c.validate(v) for c, v in zip(self._table.partition_key, value, strict=True)
                )
                conditions.append(TokenWhere(keys, op, checked))
            else:
                raise InvalidQuery(
                    f"{self.model.__name__}: token bound must be an int or a tuple of "
                    f"{len(keys)} partition key value(s), not {value!r}"
                )
        return self._with(where=self.state.where + tuple(conditions))

    def order_by(self, *names: str) -> QuerySet[D]:
        """Order by clustering columns; prefix a name with ``-`` for descending."""
        order = []
        for raw in names:
            name = raw.lstrip("-")
            column = self._table.column(name)
            if column.clustering_position is None:
                raise InvalidQuery(
                    f"{self.model.__name__}.{name}: order_by needs a clustering column"
                )
            order.append((name, raw.startswith("-")))
        return self._with(order_by=tuple(order))

    def limit(self, n: int) -> QuerySet[D]:
        """Return at most ``n`` rows (bound as ``LIMIT ?``)."""
        return self._with(limit=positive(self.model.__name__, "limit", n))

    def per_partition_limit(self, n: int) -> QuerySet[D]:
        """Return at most ``n`` rows per partition (``PER PARTITION LIMIT ?``)."""
        model = self.model.__name__
        return self._with(per_partition_limit=positive(model, "per_partition_limit", n))

    def allow_filtering(self) -> QuerySet[D]:
        """Add ``ALLOW FILTERING`` (lets the query filter on non-key columns)."""
        return self._with(allow_filtering=True)

    def only(self, *names: str) -> QuerySet[D]:
        """Load only these columns; documents come back partial."""
        for name in names:
            self._table.column(name)
        return self._with(columns=tuple(dict.fromkeys(names)))

    def defer(self, *names: str) -> QuerySet[D]:
        """Load every column but these; documents come back partial."""
        for name in names:
            self._table.column(name)
        current = self.state.columns or self._table.names
        return self._with(columns=tuple(c for c in current if c not in names))

    def consistency(self, level: int) -> QuerySet[D]:
        """Use this ``cassandra.ConsistencyLevel`` for the query."""
        return self._with_options(consistency=level)

    def timeout(self, seconds: float) -> QuerySet[D]:
        """Use this client-side request timeout."""
        return self._with_options(timeout=seconds)

    def page_size(self, n: int) -> QuerySet[D]:
        """Fetch this many rows per page when iterating."""
        return self._with_options(page_size=positive(self.model.__name__, "page_size", n))

    def using(self, connection: str) -> QuerySet[D]:
        """Run on the named connection instead of the model's."""
        return self._with(connection=connection)

    # -- statements ---------------------------------------------------------------

    def _check_filtering(self, table: TableMeta, where: tuple[Condition, ...]) -> None:
        if self.state.allow_filtering:
            return
        for cond in where:
            if isinstance(cond, Where):
                problem = filtering_problem(table.column(cond.column), cond.op)
                if problem is not None:
                    raise InvalidQuery(f"{self.model.__name__}.{cond.column}: {problem}")

    def _select(self, **changes: Any) -> Select:
        state, table, where = self.state, self._table, self._where()
        self._check_filtering(table, where)
        parts: dict[str, Any] = {
            "table": resolve_table(table, state.connection),
            "columns": state.columns or table.names,
            "where": where,
            "order_by": state.order_by,
            "limit": state.limit,
            "per_partition_limit": state.per_partition_limit,
            "allow_filtering": state.allow_filtering,
        }
        parts.update(changes)
        return Select(**parts)

    def _decoder(self) -> DocumentDecoder[D]:
        table = self._table
        columns = self.state.columns or table.names
        partial = self.state.columns is not None and set(columns) != set(table.names)
        return decoder_for(self.model, table, columns, partial, decoder_classes(self.model))

    def all_op(self) -> Operation[list[D]]:
        """The operation behind :meth:`all` (every page fetched)."""
        return self._op(self._select(), list_of(self._decoder()), fetch_all=True)

    def first_op(self) -> Operation[D | None]:
        """The operation behind :meth:`first`."""
        decode = self._decoder()
        return self._op(self._select(limit=1), lambda p: decode(p.rows[0]) if p.rows else None)

    def get_op(self) -> Operation[D]:
        """The operation behind :meth:`get` (reads two rows to detect duplicates)."""
        decode, model = self._decoder(), self.model

        def read(page: ResultPage) -> D:
            if not page.rows:
                raise model.DoesNotExist(f"{model.__name__} matching {self._describe()} not found")
            if len(page.rows) > 1:
                raise model.MultipleObjectsReturned(
                    f"more than one {model.__name__} matches {self._describe()}"
                )
            return decode(page.rows[0])

        return self._op(self._select(limit=2), read)

    def count_op(self) -> Operation[int]:
        """The operation behind :meth:`count` (``SELECT COUNT(*)``, no LIMIT)."""
        return self._op(self._select(count=True, limit=None, order_by=()), count_of)

    def page_op(
        self, paging_state: bytes | None = None, size: int | None = None
    ) -> Operation[Page[D]]:
        """The operation behind :meth:`page`."""
        size = size or self.state.options.page_size
        return self._op(
            self._select(), page_of(self._decoder()), paging_state=paging_state, page_size=size
        )

    def distinct_op(self) -> Operation[list[dict[str, Any]]]:
        """The operation behind :meth:`distinct_keys`."""
        keys = tuple(c.name for c in self._table.partition_key)
        select = self._select(columns=keys, distinct=True, order_by=())
        return self._op(select, list_of(ValuesDecoder(self._table, keys)), fetch_all=True)

    def _cell_op(self, function: Literal["TTL", "WRITETIME"], name: str) -> Operation[int | None]:
        column = self._table.column(name)
        if column.is_key or column.is_multicell or column.cql_type == "counter":
            raise InvalidQuery(
                f"{self.model.__name__}.{name}: {function.lower()} is only kept for "
                "non-key, non-collection, non-counter columns"
            )
        select = self._select(columns=(), selectors=((function, name),), limit=1, order_by=())

        def read(page: ResultPage) -> int | None:
            if not page.rows:
                return None
            row = page.rows[0]
            value = next(iter(row.values())) if isinstance(row, dict) else row[0]
            return None if value is None else int(value)

        return self._op(select, read)

    def ttl_of_op(self, name: str) -> Operation[int | None]:
        """The operation behind :meth:`ttl_of` (``SELECT TTL(name) ... LIMIT 1``)."""
        return self._cell_op("TTL", name)

    def writetime_of_op(self, name: str) -> Operation[int | None]:
        """The operation behind :meth:`writetime_of` (``SELECT WRITETIME(name)``)."""
        return self._cell_op("WRITETIME", name)

    def _describe(self) -> str:
        return ", ".join(
            f"{c.column} {c.op} {c.value!r}" for c in self.state.where if isinstance(c, Where)
        )

    # -- execution: sync and async twins ------------------------------------------

    def all(self) -> list[D]:
        """Every matching document (all pages)."""
        return run(self.all_op())

    async def aall(self) -> list[D]:
        """Every matching document (all pages)."""
        return await arun(self.all_op())

    def first(self) -> D | None:
        """The first matching document, or None."""
        return run(self.first_op())

    async def afirst(self) -> D | None:
        """The first matching document, or None."""
        return await arun(self.first_op())

    def get(self, **lookups: object) -> D:
        """The single matching document; raises the model's DoesNotExist or
        MultipleObjectsReturned."""
        return run(self.filter(**lookups).get_op())

    async def aget(self, **lookups: object) -> D:
        """The single matching document (see :meth:`get`)."""
        return await arun(self.filter(**lookups).get_op())

    def count(self) -> int:
        """How many rows match."""
        return run(self.count_op())

    async def acount(self) -> int:
        """How many rows match."""
        return await arun(self.count_op())

    def page(self, paging_state: bytes | None = None, size: int | None = None) -> Page[D]:
        """One page of documents plus the state for the next (None at the end)."""
        return run(self.page_op(paging_state, size))

    async def apage(self, paging_state: bytes | None = None, size: int | None = None) -> Page[D]:
        """One page of documents plus the state for the next (None at the end)."""
        return await arun(self.page_op(paging_state, size))

    def distinct_keys(self) -> list[dict[str, Any]]:
        """The distinct partition keys (``SELECT DISTINCT``), as dicts."""
        return run(self.distinct_op())

    async def adistinct_keys(self) -> list[dict[str, Any]]:
        """The distinct partition keys (``SELECT DISTINCT``), as dicts."""
        return await arun(self.distinct_op())

    def ttl_of(self, name: str) -> int | None:
        """Seconds left before the first matching row's ``name`` cell expires (None: no TTL)."""
        return run(self.ttl_of_op(name))

    async def attl_of(self, name: str) -> int | None:
        """Seconds left before the first matching row's ``name`` cell expires."""
        return await arun(self.ttl_of_op(name))

    def writetime_of(self, name: str) -> int | None:
        """When the first matching row's ``name`` cell was written (microseconds)."""
        return run(self.writetime_of_op(name))

    async def awritetime_of(self, name: str) -> int | None:
        """When the first matching row's ``name`` cell was written (microseconds)."""
        return await arun(self.writetime_of_op(name))

    def __iter__(self) -> Iterator[D]:
        """Iterate page by page (``page_size`` rows per round trip)."""
        state: bytes | None = None
        while True:
            page = run(self.page_op(state))
            yield from page.items
            if page.paging_state is None:
                return
            state = page.paging_state

    async def __aiter__(self) -> AsyncIterator[D]:
        """Iterate page by page without blocking the event loop."""
        state: bytes | None = None
        while True:
            page = await arun(self.page_op(state))
            for item in page.items:
                yield item
            if page.paging_state is None:
                return
            state = page.paging_state
