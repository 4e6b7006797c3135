"""``AbstractQuerySet``: the immutable, lazily evaluated query over one table.

Every chaining method returns a clone; clones copy the few mutable
containers of the query state (no deepcopy) and share the batch object.
Evaluation sends exactly one SELECT and materialises every row, so ``len()``,
``count()``, indexing, slicing, ``first()`` and repeated iteration cost no
further round trip.  Public names are re-exported by :mod:`coodie_compat.query`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from cassandra.cluster import _NOT_SET

from coodie_compat import CQLEngineException
from coodie_compat._batch import BatchQuery
from coodie_compat._filters import (
    check_conditional,
    conditional_clause,
    parse_filter_arg,
    reject_none,
    restriction,
)
from coodie_compat._input_errors import ValidationTypeError, owner_name, shown
from coodie_compat._instance_state import IMMUTABLE, materialize, plan_of
from coodie_compat._query_base import QueryException, check_applied, execute_statement, fresh
from coodie_compat.statements import BaseCQLStatement, DeleteStatement, SelectStatement, WhereClause

__all__ = ["AbstractQuerySet"]

Q = TypeVar("Q", bound="AbstractQuerySet")

_BATCH_READ = "Only inserts, updates, and deletes are available in batch mode"


class AbstractQuerySet:
    """A query over ``model``'s table: filters, ordering, limits and options.

    ``str(qs)`` is the SELECT it would send.  The default limit is 10,000
    rows (``limit(None)`` removes it).  Subclasses decide how rows become
    results (``_get_result_constructor``) and which columns are selected.
    """

    _allow_filtering: bool
    _limit: int | None
    _values_list: bool
    _flat_values_list: bool
    _result_cache: list[Any] | None
    _distinct_fields: list[str] | None
    _count: int | None
    _batch: BatchQuery | None
    _ttl: int | None
    _consistency: Any
    _timestamp: Any
    _if_not_exists: bool
    _timeout: Any
    _if_exists: bool
    _fetch_size: int | None
    _connection: str | None

    #: The immutable part of a new queryset's state (copied into each instance).
    _INITIAL: dict[str, Any] = {
        "_allow_filtering": False, "_limit": 10000, "_values_list": False,
        "_flat_values_list": False, "_result_cache": None, "_distinct_fields": None,
        "_count": None, "_batch": None, "_ttl": None, "_consistency": None,
        "_timestamp": None, "_if_not_exists": False, "_timeout": _NOT_SET, "_if_exists": False,
        "_fetch_size": None, "_connection": None,
    }

    def __init__(self, model: Any) -> None:
        state = self.__dict__
        state.update(self._INITIAL)
        self.model = model
        self._where: list[WhereClause] = []
        self._conditional: list[Any] = []
        self._order: list[str] = []
        # Plain equality filters: their db names and values, so the SELECT
        # can skip those columns and the values be put back into each row.
        self._defer_fields: set[str] = set()
        self._deferred_values: dict[str, Any] = {}
        self._only_fields: list[str] = []

    # ---- cloning -------------------------------------------------------

    def _clone(self: Q) -> Q:
        """A copy sharing nothing mutable with ``self`` but the batch; results not copied."""
        clone = object.__new__(type(self))
        state = clone.__dict__
        state.update(self.__dict__)
        state["_where"] = list(self._where)
        state["_conditional"] = list(self._conditional)
        state["_order"] = list(self._order)
        state["_defer_fields"] = set(self._defer_fields)
        state["_deferred_values"] = dict(self._deferred_values)
        state["_result_cache"] = None
        state["_count"] = None
        return clone

    def __deepcopy__(self: Q, memo: dict[int, Any]) -> Q:
        return self._clone()

    def _with(self: Q, **changes: Any) -> Q:
        clone = self._clone()
        clone.__dict__.update(changes)
        return clone

    # ---- statements and execution ----------------------------------------

    @property
    def column_family_name(self) -> str:
        """The quoted ``keyspace.table`` this queryset reads and writes."""
        return str(self.model.column_family_name())

    def _execute(self, statement: BaseCQLStatement) -> Any:
        """Queue ``statement`` on the batch, or send it (one round trip)."""
        if self._batch:
            return self._batch.add_query(statement)
        connection = self._connection or self.model._get_connection()
        result = execute_statement(self.model, statement, self._consistency, self._timeout,
                                   connection=connection)
        if self._if_not_exists or self._if_exists or self._conditional:
            check_applied(result)
        return result

    def _select_fields(self) -> list[str]:
        """The db names to select; empty means ``*``."""
        return []

    def _validate_select_where(self) -> None:
        """Refuse WHERE clauses the server would reject; nothing to check here."""

    def _select_query(self) -> SelectStatement:
        """The SELECT statement for the current state (validated first)."""
        if self._where:
            self._validate_select_where()
        return SelectStatement(
            self.column_family_name,
            fields=self._select_fields(),
            where=fresh(self._where),
            order_by=self._order,
            limit=self._limit,
            allow_filtering=self._allow_filtering,
            distinct_fields=self._distinct_fields,
            fetch_size=self._fetch_size,
        )

    def __str__(self) -> str:
        return str(self._select_query())

    def __unicode__(self) -> str:
        return str(self)

    # ---- reads -----------------------------------------------------------

    def _get_result_constructor(self) -> Callable[[dict[str, Any]], Any]:
        """Return the function turning a row dict into a result."""
        raise NotImplementedError

    def _maybe_inject_deferred(self, constructor: Callable[[dict[str, Any]], Any]
                               ) -> Callable[[dict[str, Any]], Any]:
        deferred = self._deferred_values
        if not deferred:
            return constructor
        if all(type(value) in IMMUTABLE for value in deferred.values()):

            def construct(row: dict[str, Any]) -> Any:
                row.update(deferred)
                return constructor(row)

            return construct

        def construct_owned(row: dict[str, Any]) -> Any:
            # The caller still holds these values: snapshot them now, as cqlengine does.
            row.update(deferred)
            result = constructor(row)
            if "_explicit" in getattr(result, "__dict__", ()):
                materialize(result)
            return result

        return construct_owned

    def _execute_query(self) -> None:
        """Run the SELECT once and keep every result."""
        if self._batch:
            raise CQLEngineException(_BATCH_READ)
        if self._result_cache is None:
            rows = self._execute(self._select_query())
            construct = self._maybe_inject_deferred(self._get_result_constructor())
            self._result_cache = [construct(row) for row in rows]
            self._count = len(self._result_cache)

    def _results(self) -> list[Any]:
        self._execute_query()
        assert self._result_cache is not None
        return self._result_cache

    def __iter__(self) -> Iterator[Any]:
        return iter(self._results())

    def __len__(self) -> int:
        self._execute_query()
        return self.count()

    def __getitem__(self, s: int | slice) -> Any:
        results = self._results()
        if isinstance(s, slice):
            if (s.start or 0) < 0 or (s.stop is not None and s.stop < 0):
                warnings.warn("ModelQuerySet slicing with negative indices support will be "
                              "removed in 4.0.", DeprecationWarning, stacklevel=2)
            return results[s]
        try:
            index = int(s)
        except (ValueError, TypeError):
            raise TypeError("QuerySet indices must be integers") from None
        if index < 0:
            warnings.warn("ModelQuerySet indexing with negative indices support will be "
                          "removed in 4.0.", DeprecationWarning, stacklevel=2)
        return results[index]

    def first(self) -> Any:
        """The first result, or None when there is none."""
        results = self._results()
        return results[0] if results else None

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """The single result matching the query (and these extra filters).

        Raises the model's ``DoesNotExist`` or ``MultipleObjectsReturned``;
        one round trip either way.
        """
        if args or kwargs:
            return self.filter(*args, **kwargs).get()
        results = self._results()
        if len(results) > 1:
            raise self.model.MultipleObjectsReturned("Multiple objects found")
        if not results:
            raise self.model.DoesNotExist
        return results[0]

    def count(self) -> int:
        """The number of matching rows: the cached length, else a ``SELECT COUNT``."""
        if self._batch:
            raise CQLEngineException(_BATCH_READ)
        if self._count is None:
            query = self._select_query()
            query.count = True
            row = self._execute(query).one()
            self._count = next(iter(row.values()))
        return self._count

    # ---- building --------------------------------------------------------

    def __call__(self: Q, *args: Any, **kwargs: Any) -> Q:
        return self.filter(*args, **kwargs)

    def all(self: Q) -> Q:
        """A copy of this queryset."""
        return self._clone()

    def filter(self: Q, *args: Any, **kwargs: Any) -> Q:
        """Add WHERE restrictions: clauses (``Model.col > 1``) or ``col__op=value`` keywords."""
        reject_none(kwargs, "filter", self.model)
        clone = self._clone()
        for clause in args:
            if not isinstance(clause, WhereClause):
                raise QueryException(f"{clause} is not a valid query operator")
            clone._where.append(clause)
        for arg, value in kwargs.items():
            built = restriction(self.model, arg, value)
            if built.deferred is not None:
                clone._defer_fields.add(built.deferred)
                clone._deferred_values[built.deferred] = value
            clone._where.append(built.clause)
        return clone

    def iff(self: Q, *args: Any, **kwargs: Any) -> Q:
        """Add lightweight-transaction conditions (``IF ...``) to writes."""
        reject_none(kwargs, "iff", self.model)
        clone = self._clone()
        clone._conditional.extend(check_conditional(clause) for clause in args)
        clone._conditional.extend(conditional_clause(self.model, arg, value)
                                  for arg, value in kwargs.items())
        return clone

    def batch(self: Q, batch_obj: BatchQuery | None) -> Q:
        """Queue writes on ``batch_obj`` instead of sending them (None: stop batching)."""
        if self._connection:
            raise CQLEngineException("Cannot specify the connection on model in batch mode.")
        if batch_obj is not None and not isinstance(batch_obj, BatchQuery):
            raise CQLEngineException("batch_obj must be a BatchQuery instance or None")
        return self._with(_batch=batch_obj)

    def consistency(self: Q, consistency: Any) -> Q:
        """Use this consistency level."""
        return self._with(_consistency=consistency)

    def _get_ordering_condition(self, colname: str) -> tuple[str, str]:
        order_type = "DESC" if colname.startswith("-") else "ASC"
        return colname.replace("-", ""), order_type

    def order_by(self: Q, *colnames: str) -> Q:
        """Order by clustering columns (``'-col'`` for descending); no argument clears it."""
        if not colnames:
            return self._with(_order=[])
        conditions = ['"{}" {}'.format(*self._get_ordering_condition(c)) for c in colnames]
        clone = self._clone()
        clone._order.extend(conditions)
        return clone

    def distinct(self: Q, distinct_fields: Sequence[str] | None = None) -> Q:
        """Select distinct partitions (of the partition keys unless fields are given)."""
        fields = list(distinct_fields) if distinct_fields else [
            column.db_field_name for column in self.model._partition_keys.values()]
        return self._with(_distinct_fields=fields)

    def limit(self: Q, v: int | None) -> Q:
        """Return at most ``v`` rows; 0 or None means no LIMIT at all.

        A value that is not an int raises a ``ValidationError`` that is also
        the ``TypeError`` cqlengine raises.
        """
        v = 0 if v is None else v
        if not isinstance(v, int):
            raise ValidationTypeError(
                f"{owner_name(self.model)}.limit must be an int or None, got {shown(v)}")
        if v == self._limit:
            return self
        if v < 0:
            raise QueryException(
                f"{owner_name(self.model)}.limit: Negative limit is not allowed, got {v}")
        return self._with(_limit=v)

    def fetch_size(self: Q, v: int) -> Q:
        """Fetch results in pages of ``v`` rows (paging stays transparent)."""
        if not isinstance(v, int):
            raise ValidationTypeError(
                f"{owner_name(self.model)}.fetch_size must be an int, got {shown(v)}")
        if v == self._fetch_size:
            return self
        if v < 1:
            raise QueryException(f"{owner_name(self.model)}.fetch_size: fetch size less "
                                 f"than 1 is not allowed, got {v}")
        return self._with(_fetch_size=v)

    def allow_filtering(self: Q) -> Q:
        """Add ``ALLOW FILTERING`` (lets the server scan)."""
        return self._with(_allow_filtering=True)

    def _only_or_defer(self: Q, action: str, fields: Sequence[str]) -> Q:
        if action == "only" and self._only_fields:
            raise QueryException("QuerySet already has 'only' fields defined")
        columns = self.model._columns
        missing = [field for field in fields if field not in columns]
        if missing:
            raise QueryException(
                f"Can't resolve fields {', '.join(missing)} in {self.model.__name__}")
        names = [columns[field].db_field_name for field in fields]
        clone = self._clone()
        if action == "defer":
            clone._defer_fields.update(names)
        elif action == "only":
            clone._only_fields = names
        else:
            raise ValueError(action)
        return clone

    def only(self: Q, fields: Sequence[str]) -> Q:
        """Select only these columns (once per queryset)."""
        return self._only_or_defer("only", fields)

    def defer(self: Q, fields: Sequence[str]) -> Q:
        """Do not select these columns."""
        return self._only_or_defer("defer", fields)

    def timeout(self: Q, timeout: float | None) -> Q:
        """Per-request timeout in seconds (None: no timeout)."""
        return self._with(_timeout=timeout)

    def using(self: Q, keyspace: str | None = None, connection: str | None = None) -> Q:
        """Run against another keyspace (a model clone) or a named connection."""
        if connection and self._batch:
            raise CQLEngineException("Cannot specify a connection on model in batch mode.")
        clone = self._clone()
        if keyspace:
            from coodie_compat.models import _clone_model_class  # models imports us

            clone.model = _clone_model_class(self.model, {"__keyspace__": keyspace})
        if connection:
            clone._connection = connection
        return clone

    # ---- writes ----------------------------------------------------------

    def create(self, **kwargs: Any) -> Any:
        """Build and save an instance with this queryset's write options."""
        model = self.model
        if plan_of(model).plain_options:  # what the calls below do, on a new instance
            instance = model(**kwargs)
            instance._batch = self._batch
            instance._ttl = self._ttl
            instance.__consistency__ = self._consistency
            instance._if_not_exists = self._if_not_exists
            instance._timestamp = self._timestamp
            instance._if_exists = self._if_exists
            if self._connection:
                instance._connection = self._connection
            return instance.save()
        return (model(**kwargs)
                .batch(self._batch)
                .ttl(self._ttl)
                .consistency(self._consistency)
                .if_not_exists(self._if_not_exists)
                .timestamp(self._timestamp)
                .if_exists(self._if_exists)
                .using(connection=self._connection)
                .save())

    def delete(self) -> None:
        """Delete the matched rows; the whole partition key must be restricted."""
        partition_keys = {c.db_field_name for c in self.model._partition_keys.values()}
        if partition_keys - {clause.field for clause in self._where}:
            raise QueryException("The partition key must be defined on delete queries")
        statement = DeleteStatement(self.column_family_name, where=fresh(self._where),
                                    timestamp=self._timestamp,
                                    conditionals=fresh(self._conditional),
                                    if_exists=self._if_exists)
        self._execute(statement)

    def __eq__(self, q: object) -> bool:
        other = getattr(q, "_where", None)
        if other is None or len(self._where) != len(other):
            return False
        return all(clause in other for clause in self._where)

    def __ne__(self, q: object) -> bool:
        return not self.__eq__(q)

    __hash__ = None  # type: ignore[assignment]  # unhashable: mypy cannot express it otherwise

    @staticmethod
    def _parse_filter_arg(arg: str) -> tuple[str, str | None]:
        return parse_filter_arg(arg)
