"""The descriptors behind a model's class/instance hybrid API.

``Model.ttl(30)`` returns a queryset while ``instance.ttl(30)`` sets the TTL
of the next write on that instance; the same split holds for ``consistency``,
``iff``, ``timestamp``, ``if_not_exists``, ``if_exists`` and ``using``.
``Model.col`` yields a :class:`ColumnQueryEvaluator` (for expressions such as
``Model.col == 5``) and ``instance.col`` the value held by its value manager.
Re-exported by :mod:`coodie_compat.models`, where cqlengine defines them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, cast

from coodie_compat import CQLEngineException, query
from coodie_compat._input_errors import check_timestamp, check_ttl
from coodie_compat._instance_state import IMMUTABLE, materialize

__all__ = [
    "ColumnDescriptor",
    "ColumnQueryEvaluator",
    "ConditionalDescriptor",
    "ConsistencyDescriptor",
    "IfExistsDescriptor",
    "IfNotExistsDescriptor",
    "QuerySetDescriptor",
    "TTLDescriptor",
    "TimestampDescriptor",
    "UsingDescriptor",
    "hybrid_classmethod",
]


class _CallHint:
    """Base of descriptors whose ``__call__`` only tells IDEs the attribute is callable."""

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise NotImplementedError


class hybrid_classmethod(_CallHint):
    """A method that runs ``clsmethod`` on the class and ``instmethod`` on instances."""

    def __init__(self, clsmethod: Callable[..., Any], instmethod: Callable[..., Any]) -> None:
        self.clsmethod = clsmethod
        self.instmethod = instmethod

    def __get__(self, instance: Any, owner: type) -> Any:
        if instance is None:
            return self.clsmethod.__get__(owner, owner)
        return self.instmethod.__get__(instance, owner)


class QuerySetDescriptor(_CallHint):
    """``Model.objects``: a fresh queryset of the model on every access.

    A polymorphic subclass whose discriminator is a partition key or indexed
    gets a queryset already filtered on its discriminator value.
    """

    def __get__(self, instance: Any, model: Any) -> Any:
        if model.__abstract__:
            raise CQLEngineException("cannot execute queries against abstract models")
        queryset = model.__queryset__(model)
        if model._is_polymorphic and not model._is_polymorphic_base:
            column = model._discriminator_column
            if column.partition_key or column.index:
                name = model._discriminator_column_name
                return queryset.filter(**{name: model.__discriminator_value__})
        return queryset


class ConditionalDescriptor(_CallHint):
    """``iff(**conditions)``: LWT conditions for a queryset or the next instance write."""

    def __get__(self, instance: Any, model: Any) -> Callable[..., Any]:
        if instance is not None:

            def set_instance_conditional(*prepared: Any, **conditions: Any) -> Any:
                if prepared:
                    instance._conditional = prepared[0]
                else:
                    instance._conditional = instance.objects.iff(**conditions)._conditional
                return instance

            return set_instance_conditional
        queryset = model.__queryset__(model)

        def set_queryset_conditional(**conditions: Any) -> Any:
            queryset._conditional = model.objects.iff(**conditions)._conditional
            return queryset

        return set_queryset_conditional


class TTLDescriptor(_CallHint):
    """``ttl(seconds)``: a queryset with a TTL, or the TTL of an instance's writes.

    The TTL is checked at the call (None or an int from 0 to 630720000).
    """

    def __get__(self, instance: Any, model: Any) -> Callable[[Any], Any]:
        if instance is not None:

            def set_instance_ttl(ttl: Any) -> Any:
                instance._ttl = check_ttl(model.__name__, ttl)
                return instance

            return set_instance_ttl
        queryset = model.__queryset__(model)

        def set_queryset_ttl(ttl: Any) -> Any:
            queryset._ttl = check_ttl(model.__name__, ttl)
            return queryset

        return set_queryset_ttl


class TimestampDescriptor(_CallHint):
    """``timestamp(ts)``: ``USING TIMESTAMP`` for a queryset or the next instance write."""

    def __get__(self, instance: Any, model: Any) -> Callable[[Any], Any]:
        if instance is not None:

            def set_instance_timestamp(timestamp: Any) -> Any:
                instance._timestamp = check_timestamp(model.__name__, timestamp)
                return instance

            return set_instance_timestamp
        return cast("Callable[[Any], Any]", model.objects.timestamp)


class IfNotExistsDescriptor(_CallHint):
    """``if_not_exists()``: ``IF NOT EXISTS`` on inserts (queryset or instance)."""

    def __get__(self, instance: Any, model: Any) -> Callable[..., Any]:
        if instance is not None:

            def set_instance_flag(if_not_exists: bool = True) -> Any:
                instance._if_not_exists = if_not_exists
                return instance

            return set_instance_flag
        return cast("Callable[..., Any]", model.objects.if_not_exists)


class IfExistsDescriptor(_CallHint):
    """``if_exists()``: ``IF EXISTS`` on updates and deletes (queryset or instance)."""

    def __get__(self, instance: Any, model: Any) -> Callable[..., Any]:
        if instance is not None:

            def set_instance_flag(if_exists: bool = True) -> Any:
                instance._if_exists = if_exists
                return instance

            return set_instance_flag
        return cast("Callable[..., Any]", model.objects.if_exists)


class ConsistencyDescriptor(_CallHint):
    """``consistency(level)``: for a queryset, or ``__consistency__`` of an instance."""

    def __get__(self, instance: Any, model: Any) -> Callable[[Any], Any]:
        if instance is not None:

            def set_instance_consistency(consistency: Any) -> Any:
                instance.__consistency__ = consistency
                return instance

            return set_instance_consistency
        queryset = model.__queryset__(model)

        def set_queryset_consistency(consistency: Any) -> Any:
            queryset._consistency = consistency
            return queryset

        return set_queryset_consistency


class UsingDescriptor(_CallHint):
    """``using(keyspace=None, connection=None)``; instances accept ``connection`` only."""

    def __get__(self, instance: Any, model: Any) -> Callable[..., Any]:
        if instance is not None:

            def set_instance_connection(connection: str | None = None) -> Any:
                if connection:
                    instance._connection = connection
                return instance

            return set_instance_connection
        return cast("Callable[..., Any]", model.objects.using)


class ColumnQueryEvaluator(query.AbstractQueryableColumn):
    """``Model.col`` on the class: builds where clauses (``Model.col == 5``)."""

    def __init__(self, column: Any) -> None:
        self.column = column

    def __unicode__(self) -> str:
        return str(self.column.db_field_name)

    def _get_column(self) -> Any:
        return self.column


class ColumnDescriptor:
    """Reads and writes one column's value through the instance's value manager.

    A lazy model instance (see :mod:`coodie_compat._instance_state`) has no
    managers yet: a read returns the value kept in its ``__dict__`` (what the
    manager would return), building the managers first when the value is a
    loaded one that could be changed in place; a write builds them first.
    """

    def __init__(self, column: Any) -> None:
        self.column = column
        self.name = column.column_name
        self.query_evaluator = ColumnQueryEvaluator(column)

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self.query_evaluator
        state = instance.__dict__
        managers = state.get("_values")
        if managers is None:
            value = state[self.name]
            if state["_explicit"] is not None or type(value) in IMMUTABLE:
                return value
            managers = materialize(instance)
        return managers[self.name].getval()

    def __set__(self, instance: Any, value: Any) -> None:
        if instance is None:
            raise AttributeError("cannot reassign column values")
        managers = instance.__dict__.get("_values") or materialize(instance)
        managers[self.name].setval(value)

    def __delete__(self, instance: Any) -> None:
        if not self.column.can_delete:
            raise AttributeError(f"cannot delete {self.column.column_name} columns")
        managers = instance.__dict__.get("_values") or materialize(instance)
        managers[self.name].delval()
