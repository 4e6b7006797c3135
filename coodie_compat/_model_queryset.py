"""Concrete querysets: ``SimpleQuerySet`` (rows as dicts) and ``ModelQuerySet`` (models).

``ModelQuerySet`` adds what needs a model's column definitions: SELECT
validation, implicit defer of equality-filtered columns, ``values_list``,
ordering checks, write options (TTL, timestamp, ``IF [NOT] EXISTS``) and the
blind ``update()`` with collection operations.  Public names are re-exported
by :mod:`coodie_compat.query`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from coodie_compat import CQLEngineException, ValidationError, columns
from coodie_compat._input_errors import check_timestamp, check_ttl, qualify
from coodie_compat._query_base import (
    IfExistsWithCounterColumn,
    IfNotExistsWithCounterColumn,
    QueryException,
    fresh,
)
from coodie_compat._queryset import AbstractQuerySet
from coodie_compat.functions import Token
from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import DeleteStatement, UpdateStatement

__all__ = ["ModelQuerySet", "ResultObject", "SimpleQuerySet"]

M = TypeVar("M", bound="ModelQuerySet")

_NO_EQUALITY = (
    "Where clauses require either  =, a IN or a CONTAINS (collection) comparison with either "
    "a primary key or indexed field. You might want to consider setting custom_index on "
    "fields that you manage index outside cqlengine.")
_NO_PARTITION_KEY = (
    "Filtering on a clustering key without a partition key is not allowed unless "
    "allow_filtering() is called on the queryset. You might want to consider setting "
    "custom_index on fields that you manage index outside cqlengine.")


class ResultObject(dict[str, Any]):
    """A result row: a dict whose keys can also be read as attributes."""

    def __getattr__(self, item: str) -> Any:
        try:
            return self[item]
        except KeyError:
            raise AttributeError(item) from None


class SimpleQuerySet(AbstractQuerySet):
    """Queryset for tables without a model (``NamedTable``); rows are :class:`ResultObject`."""

    def _get_result_constructor(self) -> Callable[[dict[str, Any]], Any]:
        """Rows become :class:`ResultObject` dicts."""
        return ResultObject


class ModelQuerySet(AbstractQuerySet):
    """Queryset over a model's table; results are model instances."""

    # ---- reads -----------------------------------------------------------

    def _equality_columns(self) -> list[Any]:
        """Columns restricted by an equality-like clause (or on a custom index)."""
        found = []
        for clause in self._where:
            if isinstance(clause.value, Token):
                continue
            column = self.model._get_column_by_db_name(clause.field)
            if isinstance(clause.operator, EqualsOperator) or column.custom_index:
                found.append(column)
        return found

    def _validate_select_where(self) -> None:
        """Refuse WHERE clauses Cassandra cannot serve without ``allow_filtering()``."""
        equal = self._equality_columns()
        token = any(isinstance(clause.value, Token) for clause in self._where)
        if self._allow_filtering or token:
            return
        if not any(c.primary_key or c.has_index for c in equal):
            raise QueryException(f"{self._restricted()}: {_NO_EQUALITY}")
        if not any(c.has_index for c in equal) and not any(c.partition_key for c in equal):
            raise QueryException(f"{self._restricted()}: {_NO_PARTITION_KEY}")

    def _restricted(self) -> str:
        """``Model.col1, col2``: the model and the columns of the WHERE clauses."""
        names = []
        for clause in self._where:
            column = self.model._get_column_by_db_name(clause.field)
            names.append(column.column_name if column is not None else clause.field)
        return f"{self.model.__name__}.{', '.join(dict.fromkeys(names))}"

    def _select_fields(self) -> list[str]:
        """Every column but the deferred ones, narrowed to ``only()`` fields."""
        if not (self._defer_fields or self._only_fields):
            return super()._select_fields()
        fields = [column.db_field_name for column in self.model._columns.values()]
        if self._defer_fields:
            fields = [f for f in fields if f not in self._defer_fields]
            if not fields:  # everything deferred: select the partition key
                fields = [c.db_field_name for c in self.model._partition_keys.values()]
        if self._only_fields:
            fields = [f for f in fields if f in self._only_fields]
        if not fields:
            raise QueryException(
                f'No fields in select query. Only fields: "{",".join(self._only_fields)}", '
                f'defer fields: "{",".join(self._defer_fields)}"')
        return fields

    def _get_result_constructor(self) -> Callable[[dict[str, Any]], Any]:
        """Model instances, or raw values for ``values_list``."""
        if not self._values_list:
            return cast("Callable[[dict[str, Any]], Any]", self.model._construct_instance)
        fields = self._only_fields
        if self._flat_values_list:
            key = fields[0]
            return lambda row: row[key]
        return lambda row: [row[f] for f in fields]

    def _get_ordering_condition(self, colname: str) -> tuple[str, str]:
        name, order_type = super()._get_ordering_condition(colname)
        column = self.model._columns.get(name)
        where = f"{self.model.__name__}.{name}"
        if column is None:
            raise QueryException(f"{where}: Can't resolve the column name: '{name}'")
        if not column.primary_key:
            raise QueryException(
                f"{where}: Can't order on '{name}', can only order on (clustered) primary keys")
        first_key = next(c for c in self.model._columns.values() if c.primary_key)
        if column is first_key:
            raise QueryException(f"{where}: Can't order by the first primary key (partition "
                                 "key), clustering (secondary) keys only")
        return column.db_field_name, order_type

    def values_list(self: M, *fields: str, **kwargs: Any) -> M:
        """Return rows as lists of raw values of ``fields`` (bare values with ``flat=True``)."""
        flat = kwargs.pop("flat", False)
        if kwargs:
            raise TypeError(f"Unexpected keyword arguments to values_list: {kwargs.keys()}")
        if flat and len(fields) > 1:
            raise TypeError(
                "'flat' is not valid when values_list is called with more than one field.")
        clone = self.only(fields)
        clone._values_list = True
        clone._flat_values_list = flat
        return clone

    # ---- write options ---------------------------------------------------

    def ttl(self: M, ttl: int | None) -> M:
        """Write with ``USING TTL ttl`` (seconds, 0 to 630720000; None: no TTL)."""
        return self._with(_ttl=check_ttl(self.model.__name__, ttl))

    def timestamp(self: M, timestamp: Any) -> M:
        """Write with ``USING TIMESTAMP`` (a datetime, a timedelta from now, or µs)."""
        return self._with(_timestamp=check_timestamp(self.model.__name__, timestamp))

    def if_not_exists(self: M) -> M:
        """Insert only if the row does not exist (``LWTException`` otherwise)."""
        if self.model._has_counter:
            raise IfNotExistsWithCounterColumn(
                "if_not_exists cannot be used with tables containing counter columns")
        return self._with(_if_not_exists=True)

    def if_exists(self: M) -> M:
        """Update or delete only if the row exists (``LWTException`` otherwise)."""
        if self.model._has_counter:
            raise IfExistsWithCounterColumn(
                "if_exists cannot be used with tables containing counter columns")
        return self._with(_if_exists=True)

    # ---- blind update ----------------------------------------------------

    def _update_column(self, name: str) -> Any:
        column = self.model._columns.get(name)
        if column is None or column.primary_key:
            where = f"{self.__module__}.{self.model.__name__}"
            if column is None:
                raise ValidationError(f"{where} has no column named: {name}")
            raise ValidationError(f"Cannot apply update to primary key '{name}' for {where}")
        return column

    @staticmethod
    def _update_value(column: Any, name: str, op: str | None, value: Any) -> Any:
        if op == "remove" and isinstance(column, columns.Map):
            if not isinstance(value, set):
                raise ValidationError(
                    f"Cannot apply update operation '{op}' on column '{name}' with value "
                    f"'{value}'. A set is required.")
            return dict.fromkeys(value)
        return column.validate(value)  # no defaults in a blind update

    def update(self, **values: Any) -> None:
        """Update the matched rows without reading them (a blind update).

        ``col=value`` assigns (None deletes the column); collections also take
        ``col__add``/``col__remove`` (set), ``col__append``/``col__prepend``
        (list) and ``col__update``/``col__remove`` (map).  Up to two
        statements: the UPDATE, then a DELETE of the columns set to None.
        """
        if not values:
            return
        statement = UpdateStatement(
            self.column_family_name, where=fresh(self._where), ttl=self._ttl,
            timestamp=self._timestamp, conditionals=fresh(self._conditional),
            if_exists=self._if_exists)
        nulled: list[str] = []
        updated: set[str] = set()
        for arg, value in values.items():
            name, op = self._parse_filter_arg(arg)
            column = self._update_column(name)
            given = value
            try:
                value = self._update_value(column, name, op, value)
                if value is not None:
                    statement.add_update(column, value, operation=op)
            except CQLEngineException as exc:
                qualify(exc, self.model.__name__, name, given)
                raise
            if value is None:
                nulled.append(name)
                continue
            updated.add(column.db_field_name)
        if statement.assignments:
            self._execute(statement)
        if nulled:
            self._delete_nulled(nulled, updated)

    def _delete_nulled(self, nulled: list[str], updated: set[str]) -> None:
        """DELETE the columns a blind update set to None (same WHERE and conditions)."""
        conditionals = [c for c in self._conditional if c.field not in updated]
        statement = DeleteStatement(
            self.column_family_name, fields=[self.model._columns[n].db_field_name for n in nulled],
            where=fresh(self._where), conditionals=fresh(conditionals),
            if_exists=self._if_exists)
        self._execute(statement)
