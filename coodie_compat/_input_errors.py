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
timestamp) and of partition-key sizes live here too: each is a few type and
range comparisons, run once per call.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from coodie_compat import ValidationError

__all__ = [
    "FIXED_KEY_SIZES",
    "MAX_KEY_BYTES",
    "MAX_TTL",
    "NO_VALUE",
    "ValidationAttributeError",
    "ValidationTypeError",
    "check_counter_deltas",
    "check_partition_key",
    "check_timestamp",
    "check_ttl",
    "owner_name",
    "plain_key",
    "qualify",
    "shown",
]

#: Cassandra's largest TTL: 20 years, in seconds.
MAX_TTL = 630720000
#: Cassandra's largest serialized partition key, in bytes.
MAX_KEY_BYTES = 65535
_BIGINT = (-(2**63), 2**63 - 1)
_SHOWN_MAX = 200  # characters of a value's repr kept in a message
_PLAIN_KEY_CHARS = MAX_KEY_BYTES // 4  # at most 4 bytes per character in UTF-8
#: Default of :func:`qualify`'s ``value``: no value to show.
NO_VALUE: Any = object()
#: Serialized sizes of fixed-size key types; other types count as 0 (a lower bound).
FIXED_KEY_SIZES = {"int": 4, "bigint": 8, "smallint": 2, "tinyint": 1, "uuid": 16,
                "timeuuid": 16, "timestamp": 8, "date": 4, "time": 8, "boolean": 1,
                "double": 8, "float": 4, "inet": 4}  # fmt: skip


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
    exc._coodie_named = True  # type: ignore[attr-defined]


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


def _key_bytes(value: Any, db_type: str | None) -> int:
    """Serialized size of one key component: exact for text and bytes, else a lower bound."""
    if isinstance(value, str):
        return len(value) if value.isascii() else len(value.encode("utf-8"))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return len(value)
    return FIXED_KEY_SIZES.get(db_type or "", 0)


def plain_key(value: Any) -> bool:
    """True when one key component surely fits: not empty, and too short to exceed
    :data:`MAX_KEY_BYTES` (a cheap test before :func:`check_partition_key`)."""
    if isinstance(value, (str, bytes, bytearray)):
        return 0 < len(value) <= _PLAIN_KEY_CHARS
    return True


def check_partition_key(owner: str, parts: Iterable[tuple[Any, Any]]) -> None:
    """Refuse an empty partition key or one over :data:`MAX_KEY_BYTES` serialized bytes.

    ``parts`` are ``(column, value)`` pairs of the whole partition key, in key
    order; a key with a None component is left to other checks.  A single
    component must not be empty; a composite key's components are each
    serialized with 3 bytes of framing, as Cassandra counts them.
    """
    pairs = tuple(parts)
    if not pairs:
        return
    total = 0
    for column, value in pairs:
        if value is None:
            return
        total += _key_bytes(value, column.db_type)
    if len(pairs) > 1:
        total += 3 * len(pairs)
    elif total == 0 and isinstance(pairs[0][1], (str, bytes, bytearray, memoryview)):
        column, value = pairs[0]
        raise ValidationError(
            f"{owner}.{column.column_name}: a partition key may not be empty, got {shown(value)}"
        )
    if total > MAX_KEY_BYTES:
        names = ", ".join(str(c.column_name) for c, _ in pairs)
        raise ValidationError(
            f"{owner}.{names}: the partition key is {total} bytes serialized, more than "
            f"the maximum of {MAX_KEY_BYTES}"
        )
