"""Scalar clauses of the statement layer; public names are re-exported by ``statements``.

A clause renders one fragment of CQL with ``%(n)s`` placeholders numbered
from its ``context_id``, and writes the bound values into a context dict
keyed by ``str(n)``.  ``get_context_size()`` says how many placeholders the
clause uses, so a statement can number the next clause.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any, cast

from cassandra.encoder import cql_quote

from coodie_compat import UnicodeMixin
from coodie_compat.functions import QueryValue
from coodie_compat.operators import BaseWhereOperator, InOperator, IsNotNullOperator

Context = dict[str, Any]

_COLUMNS_MODULE = "coodie_compat.columns"


class StatementException(Exception):
    """A statement was given something it cannot render."""


def compat_columns() -> ModuleType | None:
    """Return ``coodie_compat.columns``, or None while that module does not exist.

    Column classes are looked up at call time so this layer neither imports
    ``columns`` eagerly nor depends on import order.
    """
    module = sys.modules.get(_COLUMNS_MODULE)
    if module is not None:
        return module
    try:
        return importlib.import_module(_COLUMNS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _COLUMNS_MODULE:
            raise
        return None


def column_class(name: str) -> type | None:
    """Return the class ``coodie_compat.columns.<name>``, or None if unavailable."""
    module = compat_columns()
    found = getattr(module, name, None) if module is not None else None
    return found if isinstance(found, type) else None


class ColumnClassRef:
    """Class attribute resolving lazily to a column class of ``coodie_compat.columns``.

    Used for ``col_type`` on update clauses, e.g. ``SetUpdateClause.col_type``
    is ``columns.Set`` as in cqlengine, without importing ``columns`` early.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> type | None:
        return column_class(self.name)


def placeholder_ids(first: int | None, count: int) -> list[int | None]:
    """Return the ``count`` placeholder numbers starting at ``first``.

    An unnumbered clause (``first`` is None) can still render one placeholder,
    as ``%(None)s``, the way cqlengine does; more than one needs a number.
    """
    if first is None:
        if count > 1:
            raise TypeError("clause has no context id; call set_context_id() first")
        return [None] * count
    return [first + offset for offset in range(count)]


def quote_placeholder(field: str, context_id: object) -> str:
    """Render ``"field" = %(id)s``, the shape of assignments and conditionals."""
    return f'"{field}" = %({context_id})s'


class ValueQuoter(UnicodeMixin):
    """Wrap a value so the driver's ``%s`` formatting renders it as a CQL literal.

    Lists and tuples render as ``[a, b]``, sets as ``{a, b}`` and dicts as
    ``{k:v, ...}``; anything else goes through ``cassandra.encoder.cql_quote``.
    """

    def __init__(self, value: Any) -> None:
        self.value = value

    def __unicode__(self) -> str:
        value = self.value
        if isinstance(value, (list, tuple)):
            return "[" + ", ".join(cql_quote(item) for item in value) + "]"
        if isinstance(value, dict):
            pairs = (cql_quote(k) + ":" + cql_quote(v) for k, v in value.items())
            return "{" + ", ".join(pairs) + "}"
        if isinstance(value, set):
            return "{" + ", ".join(cql_quote(item) for item in value) + "}"
        return cast(str, cql_quote(value))  # the driver is untyped

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.value == other.value

    __hash__ = None  # type: ignore[assignment]  # unhashable: mutable wrapper, equality only


class InQuoter(ValueQuoter):
    """The bound value of an ``IN`` restriction; renders ``(a, b, ...)``."""

    def __unicode__(self) -> str:
        return "(" + ", ".join(cql_quote(item) for item in self.value) + ")"


class BaseClause(UnicodeMixin):
    """A field/value pair that renders one CQL fragment with one placeholder."""

    def __init__(self, field: str, value: Any) -> None:
        self.field = field
        self.value = value
        self.context_id: int | None = None

    def __unicode__(self) -> str:
        raise NotImplementedError

    def __hash__(self) -> int:
        return hash(self.field) ^ hash(self.value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return False
        return bool(self.field == other.field and self.value == other.value)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def get_context_size(self) -> int:
        """Return how many context entries (placeholders) this clause uses."""
        return 1

    def set_context_id(self, i: int) -> None:
        """Set the number of the first placeholder this clause renders."""
        self.context_id = i

    def update_context(self, ctx: Context) -> None:
        """Write this clause's bound values into ``ctx``."""
        ctx[str(self.context_id)] = self.value


class WhereClause(BaseClause):
    """One restriction ``"field" <operator> <value>`` of a WHERE (or IF) clause.

    ``quote_field=False`` leaves the field as given, for ``token("a", "b")``.
    The value is wrapped in a :class:`QueryValue` unless it already is one.
    """

    def __init__(self, field: str, operator: BaseWhereOperator, value: Any,
                 quote_field: bool = True) -> None:
        if not isinstance(operator, BaseWhereOperator):
            raise StatementException(
                f"operator must be of type {BaseWhereOperator}, got {type(operator)}"
            )
        super().__init__(field, value)
        self.operator = operator
        self.query_value = value if isinstance(value, QueryValue) else QueryValue(value)
        self.quote_field = quote_field

    def _rendered_field(self) -> str:
        return f'"{self.field}"' if self.quote_field else f"{self.field}"

    def __unicode__(self) -> str:
        return f"{self._rendered_field()} {self.operator} {self.query_value}"

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(type(self.operator))

    def __eq__(self, other: object) -> bool:
        if not super().__eq__(other):
            return False
        return type(self.operator) is type(getattr(other, "operator", None))

    def get_context_size(self) -> int:
        """As many placeholders as the query value uses (``Token`` may use several)."""
        return self.query_value.get_context_size()

    def set_context_id(self, i: int) -> None:
        """Number this clause and its query value."""
        super().set_context_id(i)
        self.query_value.set_context_id(i)

    def update_context(self, ctx: Context) -> None:
        """Bind the value; an ``IN`` list is bound as an :class:`InQuoter`."""
        if isinstance(self.operator, InOperator):
            ctx[str(self.context_id)] = InQuoter(self.value)
        else:
            self.query_value.update_context(ctx)


class IsNotNullClause(WhereClause):
    """``"field" IS NOT NULL``: a restriction without a bound value."""

    def __init__(self, field: str) -> None:
        super().__init__(field, IsNotNullOperator(), "")

    def __unicode__(self) -> str:
        return f"{self._rendered_field()} {self.operator}"

    def update_context(self, ctx: Context) -> None:
        """Binds nothing."""

    def get_context_size(self) -> int:
        """Uses no placeholder."""
        return 0


#: Short alias of :class:`IsNotNullClause`, as in cqlengine.
IsNotNull = IsNotNullClause


class AssignmentClause(BaseClause):
    """``"field" = %(n)s`` in a SET list, or one column of an INSERT."""

    def __unicode__(self) -> str:
        return quote_placeholder(self.field, self.context_id)

    def insert_tuple(self) -> tuple[str, int | None]:
        """Return ``(field, context_id)`` for the INSERT column and VALUES lists."""
        return self.field, self.context_id


class ConditionalClause(BaseClause):
    """``"field" = %(n)s`` in a lightweight-transaction ``IF`` list."""

    def __unicode__(self) -> str:
        return quote_placeholder(self.field, self.context_id)

    def insert_tuple(self) -> tuple[str, int | None]:
        """Return ``(field, context_id)``."""
        return self.field, self.context_id


class CounterUpdateClause(AssignmentClause):
    """``"c" = "c" + %(n)s`` (or ``-``): a counter moved from ``previous`` to ``value``.

    The sign comes from the direction of the change; the bound value is its size.
    """

    col_type = ColumnClassRef("Counter")

    def __init__(self, field: str, value: int, previous: int | None = None) -> None:
        super().__init__(field, value)
        self.previous = previous or 0

    def get_context_size(self) -> int:
        """Always one placeholder, even for a zero delta."""
        return 1

    def update_context(self, ctx: Context) -> None:
        """Bind the size of the change."""
        ctx[str(self.context_id)] = abs(self.value - self.previous)

    def __unicode__(self) -> str:
        sign = "-" if self.value - self.previous < 0 else "+"
        return f'"{self.field}" = "{self.field}" {sign} %({self.context_id})s'


class BaseDeleteClause(BaseClause):
    """Base of the fragments listed between ``DELETE`` and ``FROM``."""


class FieldDeleteClause(BaseDeleteClause):
    """A whole column to delete; renders ``"field"`` and binds nothing."""

    def __init__(self, field: str) -> None:
        super().__init__(field, None)

    def __unicode__(self) -> str:
        return f'"{self.field}"'

    def update_context(self, ctx: Context) -> None:
        """Binds nothing."""

    def get_context_size(self) -> int:
        """Uses no placeholder."""
        return 0


class MapDeleteClause(BaseDeleteClause):
    """The keys of a map present in ``previous`` but gone from ``value``.

    Renders ``"m"[%(n)s], "m"[%(n+1)s]`` with the removed keys in sorted order.
    """

    def __init__(self, field: str, value: Mapping[Any, Any] | None,
                 previous: Mapping[Any, Any] | None = None) -> None:
        super().__init__(field, value or {})
        self.previous = previous or {}
        self._analyzed = False
        self._removals: list[Any] | None = None

    def _analyze(self) -> None:
        self._removals = sorted(key for key in self.previous if key not in self.value)
        self._analyzed = True

    def _removed_keys(self) -> list[Any]:
        if not self._analyzed:
            self._analyze()
        return self._removals or []

    def _first_id(self) -> int:
        if self.context_id is None:
            raise TypeError("clause has no context id; call set_context_id() first")
        return self.context_id

    def update_context(self, ctx: Context) -> None:
        """Bind each removed key."""
        keys = self._removed_keys()
        if keys:
            first = self._first_id()
            for offset, key in enumerate(keys):
                ctx[str(first + offset)] = key

    def get_context_size(self) -> int:
        """One placeholder per removed key."""
        return len(self._removed_keys())

    def __unicode__(self) -> str:
        keys = self._removed_keys()
        if not keys:
            return ""
        first = self._first_id()
        return ", ".join(f'"{self.field}"[%({first + i})s]' for i in range(len(keys)))
