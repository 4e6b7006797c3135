"""Typed, named errors for bad input, shared by the facade's modules.

cqlengine lets some bad values through as builtin exceptions (``TypeError``
for a string ``DateTime``, ``AttributeError`` for a string write timestamp,
``TypeError`` for ``limit("x")``).  The classes here are *both* the facade's
``ValidationError`` and that builtin, so ``except TypeError`` in code written
against cqlengine still works while ``except CQLEngineException`` catches
them too.

:func:`qualify` names the model (``CItem.tiny``) in a message a column or a
filter raised without knowing its model; :func:`shown` renders a value for a
message, shortened when it is long.  The checks of write options (TTL and
timestamp) live here too: each is a few type and range comparisons, run once
per call.  Key sizes are checked by :mod:`coodie_core.key_size` against the
model's core ``TableMeta``; its error becomes the facade's :class:`InvalidKey`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from coodie_compat import ValidationError
from coodie_core import errors as core_errors
from coodie_core.key_size import check_key, check_key_value
from coodie_core.table_options import MAX_TTL

__all__ = [
    "MAX_TTL",
    "NO_VALUE",
    "InvalidKey",
    "ValidationAttributeError",
    "ValidationTypeError",
    "check_counter_deltas",
    "check_key_filter",
    "check_row_key",
    "check_timestamp",
    "check_ttl",
    "owner_name",
    "qualify",
    "shown",
    "sized_key_names",
]

_BIGINT = (-(2**63), 2**63 - 1)
_SHOWN_MAX = 200  # characters of a value's repr kept in a message
#: Default of :func:`qualify`'s ``value``: no value to show.
NO_VALUE: Any = object()


class ValidationTypeError(ValidationError, TypeError):
    """A value of the wrong type where cqlengine raises ``TypeError``.

    Both a ``ValidationError`` and a ``TypeError``, so either ``except`` works.
    """


class ValidationAttributeError(ValidationError, AttributeError):
    """A value of the wrong type where cqlengine raises ``AttributeError``.

    Both a ``ValidationError`` and an ``AttributeError``, so either ``except`` works.
    """


def shown(value: object) -> str:
    """``repr(value)``, cut to about 200 characters (with the full length) when longer."""
    text = repr(value)
    if len(text) <= _SHOWN_MAX:
        return text
    size = f"len {len(value)}" if hasattr(value, "__len__") else f"{len(text)} characters"
    return f"{text[:_SHOWN_MAX]}... ({size})"


def owner_name(model: Any) -> str:
    """The name a message gives ``model``: a class's name, a ``NamedTable``'s table name."""
    if isinstance(model, type):
        return model.__name__
    return str(getattr(model, "name", model))


def qualify(
    exc: BaseException, owner: str, column: str | None = None, value: Any = NO_VALUE
) -> None:
    """Name ``owner`` (and ``column``, and ``value``) in ``exc``'s message, in place, once.

    A message that starts with the column name (cqlengine's ``'<column> <value>
    ...'``) gets ``Owner.column`` in its place; any other gets an ``Owner.column:``
    prefix, unless it already starts with it.  A ``value`` whose repr the message
    does not show yet is appended as ``(got <repr>)``.
    """
    if getattr(exc, "_coodie_named", False):
        return
    where = f"{owner}.{column}" if column else owner
    text = str(exc.args[0]) if exc.args else ""
    if column and text.startswith(f"{column} "):
        text = where + text[len(column) :]
    elif not (text.startswith(where) and text[len(where) : len(where) + 1] in ("", " ", ":", ".")):
        text = f"{where}: {text}" if text else where
    if value is not NO_VALUE:
        rendered = shown(value)
        if rendered not in text:
            text = f"{text} (got {rendered})"
    exc.args = (text, *exc.args[1:])
    exc._coodie_named = True  # type: ignore[attr-defined]  # a marker on any exception


def check_ttl(owner: str, ttl: Any) -> Any:
    """Return ``ttl`` if it is None or an int from 0 to :data:`MAX_TTL`; else raise.

    A bool is refused although it is an int: ``ttl(True)`` is a mistake.
    """
    if ttl is None or (isinstance(ttl, int) and not isinstance(ttl, bool) and 0 <= ttl <= MAX_TTL):
        return ttl
    raise ValidationError(
        f"{owner}.ttl must be None or an int of seconds from 0 to {MAX_TTL}, got {shown(ttl)}"
    )


def check_timestamp(owner: str, timestamp: Any) -> Any:
    """Return ``timestamp`` if cqlengine can write it: None, a datetime, a timedelta
    (from now) or an int of microseconds within bigint; else raise.

    Other types are a :class:`ValidationAttributeError` (cqlengine fails with
    ``AttributeError`` when it renders them).
    """
    if timestamp is None or isinstance(timestamp, (datetime, timedelta)):
        return timestamp
    if isinstance(timestamp, int):
        if _BIGINT[0] <= timestamp <= _BIGINT[1]:
            return timestamp
        raise ValidationError(
            f"{owner}.timestamp {timestamp} is outside bigint microseconds "
            f"({_BIGINT[0]}..{_BIGINT[1]})"
        )
    raise ValidationAttributeError(
        f"{owner}.timestamp must be a datetime, a timedelta or an int of microseconds, "
        f"got {shown(timestamp)}"
    )


def check_counter_deltas(owner: str, managers: Iterable[Any]) -> None:
    """Refuse a counter change that does not fit a bigint (what the UPDATE binds).

    ``managers`` are an instance's value managers; only counter columns are checked.
    """
    for manager in managers:
        column = manager.column
        if column.db_type != "counter":
            continue
        delta = (manager.value or 0) - (manager.previous_value or 0)
        if abs(delta) > _BIGINT[1]:  # the UPDATE binds the size of the change
            raise ValidationError(
                f"{owner}.{column.column_name}: the counter change {delta} does not fit "
                f"a bigint (at most {_BIGINT[1]} either way)"
            )


class InvalidKey(ValidationError, core_errors.InvalidKey):
    """A key value Cassandra refuses: an empty partition key, or a key over 65535
    bytes serialized (see :mod:`coodie_core.key_size`).

    Both the facade's ``ValidationError`` and coodie_core's ``InvalidKey``; the
    message names the model, the column (its attribute name) and the value.
    """

    _coodie_named = True  # :func:`qualify` leaves the message as it is


def sized_key_names(model: Any) -> tuple[tuple[str, str], ...]:
    """``(attribute, column)`` names of a model's text and blob key columns, whose
    values' sizes Cassandra limits; ``()`` for most models, and for abstract ones."""
    table = model._table_meta
    if table is None:
        return ()
    return tuple((model._db_map.get(c.name, c.name), c.name) for c in table.sized_keys)


def check_row_key(model: Any, values: Mapping[str, object]) -> None:
    """Refuse a row's key Cassandra would refuse (:func:`coodie_core.key_size.check_key`).

    ``values`` maps the column name of every text and blob key column
    (:func:`sized_key_names`) to its value.
    """
    try:
        check_key(model._table_meta, values)
    except core_errors.InvalidKey as exc:
        raise _invalid_key(model, exc) from None


def check_key_filter(model: Any, column: Any, value: object) -> None:
    """Refuse an ``=`` or ``IN`` filter value of a key column that Cassandra would
    refuse in a key (:func:`coodie_core.key_size.check_key_value`)."""
    table = model._table_meta
    try:
        check_key_value(table, table.column(column.db_field_name), value)
    except core_errors.InvalidKey as exc:
        raise _invalid_key(model, exc) from None


def _invalid_key(model: Any, exc: core_errors.InvalidKey) -> InvalidKey:
    """Core's error as the facade's, naming the column by its attribute name."""
    return InvalidKey(exc.model, model._db_map.get(exc.field, exc.field), exc.value, exc.reason)
