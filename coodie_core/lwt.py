"""Lightweight transactions: ``IF`` conditions and the result of a conditional write.

:func:`conditions` turns ``{"field__suffix": value}`` into checked ``IF`` clauses
(``=``, ``!=``, ``IN``, ``>``, ``>=``, ``<``, ``<=``); :func:`lwt_reader` reads the
``[applied]`` row Cassandra answers with into an :class:`LWTResult`, or raises
:class:`~coodie_core.errors.LWTException` when the caller opted in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from coodie_core.errors import InvalidQuery, LWTException
from coodie_core.meta import TableMeta
from coodie_core.operations import ResultPage
from coodie_core.rows import from_driver
from coodie_core.statements import Op, Where

__all__ = ["CONDITION_LOOKUPS", "LWTResult", "conditions", "lwt_reader", "read_lwt"]

#: Condition suffixes (``field__suffix=value`` in ``iff=``) and their CQL operators.
CONDITION_LOOKUPS: Mapping[str, Op] = MappingProxyType(
    {"eq": "=", "ne": "!=", "in": "IN", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
)


@dataclass(frozen=True)
class LWTResult:
    """What a write answered: ``applied``, and when it was not, the existing values.

    Truthy exactly when applied, so ``if doc.insert(): ...`` reads naturally.
    ``existing_rows`` holds one dict per row Cassandra returned (a conditional
    batch can return several); ``existing`` is the first or None.
    """

    applied: bool
    existing_rows: tuple[dict[str, Any], ...] = ()

    @property
    def existing(self) -> dict[str, Any] | None:
        """The first existing row's values (None when applied or no row exists)."""
        return self.existing_rows[0] if self.existing_rows else None

    def __bool__(self) -> bool:
        return self.applied


_APPLIED = LWTResult(True)  # immutable: shared by every unconditional write


def _row_items(row: Any, names: Sequence[str] | None) -> list[tuple[str, Any]]:
    if isinstance(row, Mapping):
        return list(row.items())
    if hasattr(row, "_fields"):  # the driver's default named-tuple rows
        return list(zip(row._fields, row, strict=True))
    if names is not None and isinstance(row, (tuple, list)):  # tuple rows, names beside
        return list(zip(names, row, strict=True))
    raise TypeError(f"cannot read a conditional-write row of type {type(row).__name__}")


def read_lwt(page: ResultPage) -> LWTResult:
    """Read a conditional write's answer; an unconditional write (no rows) is applied.

    The first column of each row is ``[applied]`` (named ``applied`` by the
    driver's named-tuple rows), so it is dropped by position, not by name.
    """
    if not page.rows:
        return _APPLIED
    rows = [_row_items(row, page.column_names) for row in page.rows]
    applied = bool(rows[0][0][1])
    existing = tuple(
        {name: from_driver(value) for name, value in items[1:]} for items in rows if items[1:]
    )
    return LWTResult(applied, () if applied else existing)


def lwt_reader(
    raise_on_failure: bool = False, on_applied: Callable[[], None] | None = None
) -> Callable[[ResultPage], LWTResult]:
    """A result reader: :func:`read_lwt`, then ``on_applied()`` or the opt-in error."""

    def read(page: ResultPage) -> LWTResult:
        result = read_lwt(page)
        if result.applied:
            if on_applied is not None:
                on_applied()
        elif raise_on_failure:
            raise LWTException(result.existing or {})
        return result

    return read


def conditions(table: TableMeta, iff: Mapping[str, object] | None) -> tuple[Where, ...]:
    """Checked ``IF`` conditions from ``{"field": v, "field__ne": v, "field__in": [..]}``.

    Key columns cannot be conditions (Cassandra refuses them); ``None`` compares
    with null for ``=`` and ``!=``.
    """
    result = []
    for key, value in (iff or {}).items():
        name, _, suffix = key.partition("__")
        column = table.column(name)
        if suffix and suffix not in CONDITION_LOOKUPS:
            raise InvalidQuery(
                f"{table.model_name}.{name}: unknown condition {suffix!r}; "
                f"use one of {', '.join(CONDITION_LOOKUPS)}"
            )
        if column.is_key:
            raise InvalidQuery(f"{table.model_name}.{name}: a key column cannot be a condition")
        op = CONDITION_LOOKUPS[suffix or "eq"]
        if op == "IN":
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise InvalidQuery(f"{table.model_name}.{name}__in needs a list of values")
            checked: object = [column.validate(v) for v in value]
        elif value is None and op in ("=", "!="):
            checked = None
        else:
            checked = column.validate(value)
        result.append(Where(name, op, checked))
    return tuple(result)
