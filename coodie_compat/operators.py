"""Comparison operators used in WHERE and IF clauses (``cassandra.cqlengine.operators``).

Each operator has a ``symbol``, the suffix users write in filter keywords
(``name__gte=3``), and a ``cql_symbol``, the text rendered into CQL.  Every
concrete subclass of :class:`BaseWhereOperator` registers itself by symbol, so
:meth:`BaseWhereOperator.get_operator` can resolve a keyword suffix.

The class tree is part of the contract: ``IN``, ``CONTAINS``, ``LIKE`` and
``IS NOT NULL`` derive from :class:`EqualsOperator`, which query validation
relies on to treat them as equality restrictions.
"""

from __future__ import annotations

from typing import Any, ClassVar

from coodie_compat import UnicodeMixin

__all__ = [
    "BaseQueryOperator",
    "BaseWhereOperator",
    "ContainsOperator",
    "EqualsOperator",
    "GreaterThanOperator",
    "GreaterThanOrEqualOperator",
    "InOperator",
    "IsNotNullOperator",
    "LessThanOperator",
    "LessThanOrEqualOperator",
    "LikeOperator",
    "NotEqualsOperator",
    "OpMapMeta",
    "QueryOperatorException",
    "UnicodeMixin",  # imported by cqlengine's module, so its star import brings it too
]


class QueryOperatorException(Exception):
    """An operator cannot be resolved or rendered (deliberately not a ``CQLEngineException``)."""


class BaseQueryOperator(UnicodeMixin):
    """Base of all query operators; ``str()`` gives the CQL symbol."""

    #: The suffix that selects this operator in keyword filters (``col__<symbol>``).
    symbol: ClassVar[str | None] = None
    #: The comparison text rendered into CQL.
    cql_symbol: ClassVar[str | None] = None

    def __unicode__(self) -> str:
        if self.cql_symbol is None:
            raise QueryOperatorException("cql symbol is None")
        return self.cql_symbol


class OpMapMeta(type):
    """Metaclass keeping a registry ``opmap`` of operator classes by ``symbol``.

    The first class built with this metaclass owns the (empty) registry; every
    class derived from it is added under its ``symbol``.
    """

    opmap: dict[str | None, type[Any]]
    symbol: str | None  # each class's own (BaseQueryOperator.symbol)

    def __init__(cls, name: str, bases: tuple[type, ...], dct: dict[str, Any]) -> None:
        super().__init__(name, bases, dct)
        if any(isinstance(base, OpMapMeta) for base in bases):
            cls.opmap[cls.symbol] = cls
        else:
            cls.opmap = {}


class BaseWhereOperator(BaseQueryOperator, metaclass=OpMapMeta):
    """Base of the operators allowed in WHERE (and IF) clauses."""

    @classmethod
    def get_operator(cls, symbol: str) -> type[BaseWhereOperator]:
        """Return the operator class registered for ``symbol`` (case-insensitive).

        Raises :class:`QueryOperatorException` for an unknown symbol.
        """
        operator = cls.opmap.get(symbol.upper())
        if operator is None:
            raise QueryOperatorException(f"{symbol} doesn't map to a QueryOperator")
        return operator


class EqualsOperator(BaseWhereOperator):
    """``=``; the base of every operator treated as an equality restriction."""

    symbol = "EQ"
    cql_symbol = "="


class NotEqualsOperator(BaseWhereOperator):
    """``!=`` (only valid in conditionals and some deletes)."""

    symbol = "NE"
    cql_symbol = "!="


class InOperator(EqualsOperator):
    """``IN``; its bound value is rendered as a parenthesised list."""

    symbol = "IN"
    cql_symbol = "IN"


class GreaterThanOperator(BaseWhereOperator):
    """``>``."""

    symbol = "GT"
    cql_symbol = ">"


class GreaterThanOrEqualOperator(BaseWhereOperator):
    """``>=``."""

    symbol = "GTE"
    cql_symbol = ">="


class LessThanOperator(BaseWhereOperator):
    """``<``."""

    symbol = "LT"
    cql_symbol = "<"


class LessThanOrEqualOperator(BaseWhereOperator):
    """``<=``."""

    symbol = "LTE"
    cql_symbol = "<="


class ContainsOperator(EqualsOperator):
    """``CONTAINS`` on collection columns."""

    symbol = "CONTAINS"
    cql_symbol = "CONTAINS"


class LikeOperator(EqualsOperator):
    """``LIKE`` (needs a SASI or SAI index on the server)."""

    symbol = "LIKE"
    cql_symbol = "LIKE"


class IsNotNullOperator(EqualsOperator):
    """``IS NOT NULL`` (takes no bound value; used by materialized-view style filters)."""

    symbol = "IS NOT NULL"
    cql_symbol = "IS NOT NULL"
