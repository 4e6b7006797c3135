"""Update clauses for set, list and map columns; public names are re-exported by ``statements``.

Each clause compares the new ``value`` with the ``previous`` one (or applies an
explicit ``operation``) and renders the smallest set of CQL collection
operations that gets there, e.g. ``"s" = "s" + %(0)s, "s" = "s" - %(1)s``.
A clause with nothing to do reports a context size of 0 and is dropped by
``UpdateStatement.add_update``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from coodie_compat._clauses import (
    AssignmentClause,
    ColumnClassRef,
    Context,
    column_class,
    placeholder_ids,
)

# Templates of one collection operation; ``f`` is the column, ``n`` the placeholder.
_ASSIGN = '"{f}" = %({n})s'
_ADD = '"{f}" = "{f}" + %({n})s'
_SUBTRACT = '"{f}" = "{f}" - %({n})s'
_PREPEND = '"{f}" = %({n})s + "{f}"'

# One rendered operation and the value it binds.
_Piece = tuple[str, Any]


def _render(field: str, first: int | None, pieces: list[_Piece]) -> str:
    ids = placeholder_ids(first, len(pieces))
    return ", ".join(tpl.format(f=field, n=n) for (tpl, _), n in zip(pieces, ids, strict=True))


def _bind_values(ctx: Context, first: int | None, values: list[Any]) -> None:
    for value, n in zip(values, placeholder_ids(first, len(values)), strict=True):
        ctx[str(n)] = value


class ContainerClauseRegistry(Mapping[type, type["ContainerUpdateClause"]]):
    """``ContainerUpdateClause.type_map``: column class -> update clause class.

    Clauses register the column class by name (``"Set"``...) and the name is
    resolved against ``coodie_compat.columns`` at lookup time; a clause may
    also register a column class directly.  Lookups use the exact column
    class, as cqlengine does, so a subclass of ``Set`` is not a set here.
    """

    def __init__(self) -> None:
        self._entries: dict[str | type, type[ContainerUpdateClause]] = {}

    def register(self, column: str | type, clause: type[ContainerUpdateClause]) -> None:
        """Map ``column`` (a class or its name in ``coodie_compat.columns``) to ``clause``."""
        self._entries[column] = clause

    def _resolved(self) -> dict[type, type[ContainerUpdateClause]]:
        resolved: dict[type, type[ContainerUpdateClause]] = {}
        for column, clause in self._entries.items():
            column_type = column_class(column) if isinstance(column, str) else column
            if column_type is not None:
                resolved[column_type] = clause
        return resolved

    def __getitem__(self, column_type: type) -> type[ContainerUpdateClause]:
        return self._resolved()[column_type]

    def __iter__(self) -> Iterator[type]:
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())


def _declared_col_type(cls: type) -> object:
    for klass in cls.__mro__:
        if "col_type" in vars(klass):
            return vars(klass)["col_type"]
    return None


class ContainerUpdateTypeMapMeta(type):
    """Metaclass filling ``type_map`` with each container clause under its ``col_type``.

    The first class built with it owns the registry; each class derived from
    it is registered under the column class named by its (possibly inherited)
    ``col_type``, so a later subclass replaces an earlier one.
    """

    type_map: ContainerClauseRegistry

    def __init__(cls, name: str, bases: tuple[type, ...], dct: dict[str, Any]) -> None:
        super().__init__(name, bases, dct)
        if not any(isinstance(base, ContainerUpdateTypeMapMeta) for base in bases):
            cls.type_map = ContainerClauseRegistry()
            return
        declared = _declared_col_type(cls)
        clause = cast("type[ContainerUpdateClause]", cls)  # the classes built here are clauses
        if isinstance(declared, ColumnClassRef):
            cls.type_map.register(declared.name, clause)
        elif isinstance(declared, type):
            cls.type_map.register(declared, clause)


class ContainerUpdateClause(AssignmentClause, metaclass=ContainerUpdateTypeMapMeta):
    """Base of the collection update clauses.

    ``operation`` is an explicit collection operation from a queryset update
    (``add``/``remove`` for sets, ``append``/``prepend`` for lists,
    ``update``/``remove`` for maps); without one, the change from
    ``previous`` to ``value`` is worked out.
    """

    def __init__(self, field: str, value: Any, operation: str | None = None,
                 previous: Any = None) -> None:
        super().__init__(field, value)
        self.previous = previous
        self._assignments: Any = None
        self._operation = operation
        self._analyzed = False

    def _analyze(self) -> None:
        """Work out which collection operations are needed."""
        raise NotImplementedError

    def _ensure_analyzed(self) -> None:
        if not self._analyzed:
            self._analyze()

    def get_context_size(self) -> int:
        """Return how many placeholders the clause uses (0 means nothing to do)."""
        raise NotImplementedError

    def update_context(self, ctx: Context) -> None:
        """Write the bound values into ``ctx``."""
        raise NotImplementedError


class SetUpdateClause(ContainerUpdateClause):
    """Update a set column: full assignment, additions and/or removals.

    With no previous value the set is assigned whole; a value of None with no
    previous value assigns an empty set.
    """

    col_type = ColumnClassRef("Set")

    _additions: Any = None
    _removals: Any = None

    def _analyze(self) -> None:
        value, previous = self.value, self.previous
        if value is None or value == previous:
            pass
        elif self._operation == "add":
            self._additions = value
        elif self._operation == "remove":
            self._removals = value
        elif previous is None:
            self._assignments = value
        else:
            self._additions = (value - previous) or None
            self._removals = (previous - value) or None
        self._analyzed = True

    def _nothing_planned(self) -> bool:
        return self._assignments is None and self._additions is None and self._removals is None

    def _pieces(self) -> list[_Piece]:
        self._ensure_analyzed()
        if self.previous is None and self._nothing_planned():
            return [(_ASSIGN, set())]
        planned = ((_ASSIGN, self._assignments), (_ADD, self._additions),
                   (_SUBTRACT, self._removals))
        return [piece for piece in planned if piece[1] is not None]

    def __unicode__(self) -> str:
        return _render(self.field, self.context_id, self._pieces())

    def get_context_size(self) -> int:
        """Count the non-empty operations; an unset set with no previous value needs one."""
        self._ensure_analyzed()
        if (self.previous is None and not self._assignments
                and self._additions is None and self._removals is None):
            return 1
        return sum(bool(part) for part in (self._assignments, self._additions, self._removals))

    def update_context(self, ctx: Context) -> None:
        """Bind the assignment, additions and removals, in that order."""
        _bind_values(ctx, self.context_id, [value for _, value in self._pieces()])


def _find_sublist(value: list[Any], previous: list[Any]) -> int | None:
    """Return the first index where ``previous`` occurs contiguously in ``value``."""
    size = len(previous)
    for start in range(len(value) - size + 1):
        if previous == value[start:start + size]:
            return start
    return None


class ListUpdateClause(ContainerUpdateClause):
    """Update a list column: full assignment, or a prepend and/or an append.

    When the previous list occurs whole inside the new one, only the head is
    prepended and the tail appended; otherwise the list is assigned whole.
    """

    col_type = ColumnClassRef("List")

    _append: Any = None
    _prepend: Any = None

    def _analyze(self) -> None:
        value, previous = self.value, self.previous
        if value is None or value == previous:
            pass
        elif self._operation == "append":
            self._append = value
        elif self._operation == "prepend":
            self._prepend = value
        elif previous is None or len(value) < len(previous) or len(previous) == 0:
            self._assignments = value
        else:
            start = _find_sublist(value, previous)
            if start is not None:
                self._prepend = value[:start] or None
                self._append = value[start + len(previous):] or None
            if self._prepend is None and self._append is None:
                self._assignments = value
        self._analyzed = True

    def _pieces(self) -> list[_Piece]:
        self._ensure_analyzed()
        planned = ((_ASSIGN, self._assignments), (_PREPEND, self._prepend),
                   (_ADD, self._append))
        return [piece for piece in planned if piece[1] is not None]

    def __unicode__(self) -> str:
        return _render(self.field, self.context_id, self._pieces())

    def get_context_size(self) -> int:
        """An assignment counts even when empty; prepend and append only when non-empty."""
        self._ensure_analyzed()
        return (int(self._assignments is not None) + int(bool(self._append))
                + int(bool(self._prepend)))

    def update_context(self, ctx: Context) -> None:
        """Bind the assignment, prepended head and appended tail, in that order."""
        _bind_values(ctx, self.context_id, [value for _, value in self._pieces()])


def _map_keys(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value.keys()) if hasattr(value, "keys") else list(value)


class MapUpdateClause(ContainerUpdateClause):
    """Update a map column key by key: ``"m"[%(n)s] = %(n+1)s`` per changed key.

    Without a previous value every key is written (sorted), leaving other
    keys on the server alone; an empty map with no previous value assigns
    ``{}``.  The ``remove`` operation subtracts a set of keys.  Keys dropped
    relative to ``previous`` are deleted separately with ``MapDeleteClause``.
    """

    col_type = ColumnClassRef("Map")

    _updates: list[Any] | None = None
    _removals: set[Any] | None = None

    def _analyze(self) -> None:
        value, previous = self.value or {}, self.previous
        if self._operation == "update":
            self._updates = _map_keys(value)
        elif self._operation == "remove":
            self._removals = set(_map_keys(value))
        elif previous is None:
            self._updates = sorted(_map_keys(value))
        else:
            changed = [key for key, item in value.items() if item != previous.get(key)]
            self._updates = sorted(changed) or None
        self._analyzed = True

    @property
    def is_assignment(self) -> bool:
        """True when the map is overwritten with ``{}`` instead of updated per key."""
        self._ensure_analyzed()
        return self.previous is None and not self._updates and not self._removals

    def _bound_values(self) -> list[Any]:
        if self.is_assignment:
            return [{}]
        if self._removals is not None:
            return [self._removals]
        source = self.value or {}
        return [item for key in self._updates or [] for item in (key, source.get(key))]

    def __unicode__(self) -> str:
        if self.is_assignment:
            return _render(self.field, self.context_id, [(_ASSIGN, {})])
        if self._removals is not None:
            return _render(self.field, self.context_id, [(_SUBTRACT, self._removals)])
        ids = placeholder_ids(self.context_id, 2 * len(self._updates or []))
        pairs = zip(ids[0::2], ids[1::2], strict=True)
        return ", ".join(f'"{self.field}"[%({k})s] = %({v})s' for k, v in pairs)

    def get_context_size(self) -> int:
        """Two placeholders per updated key, one for a removal or an assignment."""
        if self.is_assignment:
            return 1
        return len(self._updates or []) * 2 + int(bool(self._removals))

    def update_context(self, ctx: Context) -> None:
        """Bind ``{}``, the removed keys, or each updated key then its value."""
        _bind_values(ctx, self.context_id, self._bound_values())
