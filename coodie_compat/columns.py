"""Column types of the facade (``cassandra.cqlengine.columns``).

Each column type validates values (``validate``, run on save), converts
database and constructor values to Python (``to_python``) and Python values
to what the driver sends (``to_database``), with cqlengine's exact rules,
including its quirks (``DateTime`` raising ``TypeError`` on strings,
``Duration.validate`` raising ``TypeError``, ``Text(min_length=n)`` rejecting
None, empty collections counting as null).  Unlike cqlengine, values the
server would refuse are refused here: integers outside their CQL type's range,
non-version-1 ``TimeUUID`` values, non-bytes ``Blob`` values on validation
(and a string ``DateTime`` raises an error that is both ``TypeError`` and
``ValidationError``).  ``cql_parameterized_type()`` gives the CQL type text a
schema bridge needs; ``cql_type`` the driver cqltype.

The base class and the collection types live in private modules and are
re-exported here; this is the module users import.
"""

from __future__ import annotations

import logging
from copy import copy, deepcopy
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as _Decimal
from decimal import InvalidOperation
from typing import Any, cast
from uuid import UUID as _UUID

from cassandra import util
from cassandra.cqltypes import SimpleDateType, UserType
from cassandra.cqltypes import _cqltypes as _cqltypes  # cqlengine exposes columns._cqltypes

from coodie_compat import ValidationError
from coodie_compat._collection_columns import (
    BaseCollectionColumn,
    BaseContainerColumn,
    List,
    Map,
    Set,
    Tuple,
)
from coodie_compat._column_base import Column
from coodie_compat._input_errors import ValidationTypeError, shown
from coodie_compat._udt_column import UserDefinedType, resolve_udts
from coodie_compat._value_managers import BaseValueManager, CounterValueManager, UDTValueManager
from coodie_compat.functions import get_total_seconds

__all__ = [
    "UUID", "Ascii", "BaseCollectionColumn", "BaseContainerColumn", "BaseFloat",
    "BaseValueManager", "BigInt", "Blob", "Boolean", "Bytes", "Column", "Counter",
    "CounterValueManager", "Date", "DateTime", "Decimal", "Double", "Duration", "Float", "Inet",
    "Integer", "List", "Map", "Set", "SmallInt", "Text", "Time", "TimeUUID", "TinyInt", "Tuple",
    "UDTValueManager", "UserDefinedType", "VarInt", "resolve_udts",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += ["SimpleDateType", "UserType", "ValidationError", "copy", "date", "datetime",
            "deepcopy", "get_total_seconds", "log", "logging", "timedelta", "timezone", "util"]

log = logging.getLogger(__name__)


class Blob(Column):
    """Raw bytes (CQL ``blob``); sent to the driver as a ``bytearray``.

    ``validate`` refuses anything but ``bytes`` or a ``bytearray`` with a
    ``ValidationError`` (an ``Exception``, what cqlengine raises later, from
    ``to_database``), so a save names the model before anything is sent.
    """

    db_type = "blob"

    def validate(self, value: Any) -> Any:
        """Check ``required`` and that a value is ``bytes`` or a ``bytearray``."""
        value = super().validate(value)
        if value is not None and not isinstance(value, (bytes, bytearray)):
            raise ValidationError(f"{self.column_name} expecting a binary, got a {type(value)}")
        return value

    def to_database(self, value: Any) -> bytearray:
        """Return the value as a ``bytearray``; anything but bytes is a plain ``Exception``."""
        if not isinstance(value, (bytes, bytearray)):
            raise Exception(f"expecting a binary, got a {type(value)}")
        return bytearray(super().to_database(value))


#: Alias of :class:`Blob`.
Bytes = Blob


class Inet(Column):
    """An IPv4 or IPv6 address (CQL ``inet``); the server validates it."""

    db_type = "inet"


class Text(Column):
    """A UTF-8 string (CQL ``text``) with optional length bounds.

    ``min_length`` defaults to 1 for a required column.  When a minimum is
    set, None fails validation too, as in cqlengine.
    """

    db_type = "text"

    def __init__(self, min_length: int | None = None, max_length: int | None = None,
                 **kwargs: Any) -> None:
        if min_length is None and kwargs.get("required", False):
            min_length = 1
        self.min_length = min_length
        self.max_length = max_length
        _check_length_bounds(min_length, max_length)
        super().__init__(**kwargs)

    def validate(self, value: Any) -> Any:
        """Check the type (str or bytearray) and the length bounds."""
        value = super().validate(value)
        if value is not None and not isinstance(value, (str, bytearray)):
            raise ValidationError(f"{self.column_name} {type(value)} is not a string")
        if self.max_length is not None and value and len(value) > self.max_length:
            raise ValidationError(
                f"{self.column_name} is longer than {self.max_length} characters"
            )
        if self.min_length and (not value or len(value) < self.min_length):
            raise ValidationError(
                f"{self.column_name} is shorter than {self.min_length} characters"
            )
        return value


def _check_length_bounds(min_length: int | None, max_length: int | None) -> None:
    if min_length is not None and min_length < 0:
        raise ValueError("Minimum length is not allowed to be negative.")
    if max_length is not None and max_length < 0:
        raise ValueError("Maximum length is not allowed to be negative.")
    if min_length is not None and max_length is not None and max_length < min_length:
        raise ValueError("Maximum length must be greater or equal to minimum length.")


class Ascii(Text):
    """A US-ASCII string (CQL ``ascii``): every code point below 128."""

    db_type = "ascii"

    def validate(self, value: Any) -> Any:
        """Apply the ``Text`` rules, then reject any non-ASCII character."""
        value = super().validate(value)
        if value:
            codes = value if isinstance(value, bytearray) else map(ord, value)
            if any(code >= 128 for code in codes):
                raise ValidationError(f"{value!r} is not an ASCII string.")
        return value


class _IntegralColumn(Column):
    """Shared rules of the integer types: ``int(v)`` on validate, to_python and to_database.

    ``bounds`` is the CQL type's range (None: unbounded); a value outside it is
    a ``ValidationError``, where cqlengine leaves it to the server to refuse.
    """

    #: Smallest and largest value of the CQL type; None for ``varint``.
    bounds: tuple[int, int] | None = None

    def validate(self, value: Any) -> int | None:
        """Return ``int(value)``; anything ``int()`` rejects, or out of range, is refused."""
        val = super().validate(value)
        if val is None:
            return None
        try:
            val = int(val)
        except (TypeError, ValueError):
            raise ValidationError(
                f"{self.column_name} {value} can't be converted to integral value"
            ) from None
        bounds = self.bounds
        if bounds is not None and not bounds[0] <= val <= bounds[1]:
            raise ValidationError(
                f"{self.column_name} {val} is out of range for {self.db_type} "
                f"({bounds[0]}..{bounds[1]})"
            )
        return val

    def to_python(self, value: Any) -> int | None:
        """Same as :meth:`validate`."""
        return self.validate(value)

    def to_database(self, value: Any) -> int | None:
        """Same as :meth:`validate`."""
        return self.validate(value)


_INT64 = (-(2**63), 2**63 - 1)


class Integer(_IntegralColumn):
    """A 32-bit signed integer (CQL ``int``)."""

    db_type = "int"
    bounds = (-(2**31), 2**31 - 1)


class TinyInt(Integer):
    """An 8-bit signed integer (CQL ``tinyint``)."""

    db_type = "tinyint"
    bounds = (-128, 127)


class SmallInt(Integer):
    """A 16-bit signed integer (CQL ``smallint``)."""

    db_type = "smallint"
    bounds = (-32768, 32767)


class BigInt(Integer):
    """A 64-bit signed integer (CQL ``bigint``)."""

    db_type = "bigint"
    bounds = _INT64


class VarInt(_IntegralColumn):
    """An arbitrary-precision integer (CQL ``varint``)."""

    db_type = "varint"


class Counter(Integer):
    """A counter (CQL ``counter``): starts at 0 and is written as increments.

    Only ``index``, ``db_field`` and ``required`` may be given; a counter is
    never a key and always defaults to 0.
    """

    db_type = "counter"
    bounds = _INT64
    value_manager = CounterValueManager

    def __init__(self, index: bool = False, db_field: str | None = None,
                 required: bool = False) -> None:
        super().__init__(primary_key=False, partition_key=False, index=index,
                         db_field=db_field, default=0, required=required)


class DateTime(Column):
    """A timestamp (CQL ``timestamp``), sent as milliseconds since the epoch.

    Naive datetimes are read as UTC.  Set the class attribute
    ``DateTime.truncate_microseconds = True`` to truncate values to the
    millisecond on the way in, so they compare equal to what is read back.
    """

    db_type = "timestamp"
    #: Truncate microseconds to milliseconds in ``to_python`` (off by default).
    truncate_microseconds = False

    def to_python(self, value: Any) -> datetime | None:
        """Return a naive datetime; a ``date`` is midnight, a number a UTC timestamp.

        Any other value (a string...) raises a ``ValidationError`` that is also
        the ``TypeError`` cqlengine raises.
        """
        if value is None:
            return None
        if isinstance(value, datetime):
            if DateTime.truncate_microseconds:
                return value - timedelta(microseconds=value.microsecond % 1000)
            return value
        if isinstance(value, date):
            return datetime(*(value.timetuple()[:6]))
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)
        except TypeError:
            raise ValidationTypeError(
                f"{self.column_name} {shown(value)} is not a datetime, a date or a number "
                "of seconds since the epoch"
            ) from None

    def to_database(self, value: Any) -> int | None:
        """Return integer milliseconds since the epoch (aware values converted to UTC)."""
        value = super().to_database(value)
        if value is None:
            return None
        if not isinstance(value, datetime):
            if not isinstance(value, date):
                raise ValidationError(f"{self.column_name} '{value}' is not a datetime object")
            value = datetime(value.year, value.month, value.day)
        epoch = datetime(1970, 1, 1, tzinfo=value.tzinfo)
        zone_offset = epoch.utcoffset()
        offset = zone_offset.total_seconds() if zone_offset is not None else 0
        # Same float arithmetic as cqlengine, so both produce the same milliseconds.
        return int(((value - epoch).total_seconds() - offset) * 1000)


class Date(Column):
    """A date without time of day (CQL ``date``), as ``cassandra.util.Date``."""

    db_type = "date"

    def to_database(self, value: Any) -> int | None:
        """Return the day number the driver expects (days since epoch + 2**31)."""
        if value is None:
            return None
        day = value if isinstance(value, util.Date) else util.Date(value)
        return cast(int, day.days_from_epoch + SimpleDateType.EPOCH_OFFSET_DAYS)  # untyped driver

    def to_python(self, value: Any) -> util.Date | None:
        """Return a ``util.Date`` from a date, datetime, day number or string."""
        if value is None:
            return None
        if isinstance(value, util.Date):
            return value
        if isinstance(value, datetime):
            value = value.date()
        return util.Date(value)


class Time(Column):
    """A time of day with nanosecond precision (CQL ``time``), as ``cassandra.util.Time``."""

    db_type = "time"

    def to_database(self, value: Any) -> util.Time | None:
        """Return a ``util.Time`` from a time, nanosecond count or string."""
        return _as_time(super().to_database(value))

    def to_python(self, value: Any) -> util.Time | None:
        """Return a ``util.Time`` from a time, nanosecond count or string."""
        return _as_time(value)


def _as_time(value: Any) -> util.Time | None:
    if value is None or isinstance(value, util.Time):
        return value
    return util.Time(value)


class Duration(Column):
    """A duration (CQL ``duration``): must be a ``cassandra.util.Duration``.

    Any other value raises ``TypeError`` on validation, as in cqlengine.
    """

    db_type = "duration"

    def validate(self, value: Any) -> util.Duration | None:
        """Return the value, or raise ``TypeError`` if it is not a ``util.Duration``."""
        val = super().validate(value)
        if val is None:
            return None
        if not isinstance(val, util.Duration):
            raise TypeError(f"{self.column_name} {value} is not a valid Duration.")
        return val


class UUID(Column):
    """A UUID (CQL ``uuid``); strings in any accepted form are parsed."""

    db_type = "uuid"

    def validate(self, value: Any) -> _UUID | None:
        """Return a ``uuid.UUID`` from a UUID or a parseable string."""
        val = super().validate(value)
        if val is None:
            return None
        if isinstance(val, _UUID):
            return val
        if isinstance(val, str):
            try:
                return _UUID(val)
            except ValueError:
                pass
        raise ValidationError(f"{self.column_name} {value} is not a valid uuid")

    def to_python(self, value: Any) -> _UUID | None:
        """Same as :meth:`validate`."""
        return self.validate(value)

    def to_database(self, value: Any) -> _UUID | None:
        """Same as :meth:`validate`."""
        return self.validate(value)


class TimeUUID(UUID):
    """A version-1, time-based UUID (CQL ``timeuuid``); other versions are refused."""

    db_type = "timeuuid"

    def validate(self, value: Any) -> _UUID | None:
        """Return a ``uuid.UUID`` of version 1 from a UUID or a parseable string."""
        val = value if type(value) is _UUID else super().validate(value)
        if val is not None and (val.int >> 76) & 0xF != 1:  # the version nibble
            raise ValidationError(
                f"{self.column_name} {val!r} is not a time-based (version 1) UUID: "
                f"version {(val.int >> 76) & 0xF}"
            )
        return val


class Boolean(Column):
    """A boolean (CQL ``boolean``); any value is coerced with ``bool()``."""

    db_type = "boolean"

    def validate(self, value: Any) -> bool | None:
        """Return ``bool(value)``, keeping None."""
        value = super().validate(value)
        return None if value is None else bool(value)

    def to_python(self, value: Any) -> bool | None:
        """Same as :meth:`validate`."""
        return self.validate(value)


class BaseFloat(Column):
    """Shared rules of ``Float`` and ``Double``: ``float(v)`` everywhere."""

    def validate(self, value: Any) -> float | None:
        """Return ``float(value)``; anything ``float()`` rejects is a ``ValidationError``."""
        value = super().validate(value)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{self.column_name} {value} is not a valid float") from None

    def to_python(self, value: Any) -> float | None:
        """Same as :meth:`validate`."""
        return self.validate(value)

    def to_database(self, value: Any) -> float | None:
        """Same as :meth:`validate`."""
        return self.validate(value)


class Float(BaseFloat):
    """A single-precision float (CQL ``float``)."""

    db_type = "float"


class Double(BaseFloat):
    """A double-precision float (CQL ``double``)."""

    db_type = "double"


class Decimal(Column):
    """An arbitrary-precision decimal (CQL ``decimal``).

    A float goes through ``repr()`` first, so ``0.1`` becomes ``Decimal('0.1')``.
    """

    db_type = "decimal"

    def validate(self, value: Any) -> _Decimal | None:
        """Return a ``decimal.Decimal``; an unparseable value is a ``ValidationError``."""
        val = super().validate(value)
        if val is None:
            return None
        try:
            return _Decimal(repr(val)) if isinstance(val, float) else _Decimal(val)
        except InvalidOperation:
            message = f"{self.column_name} '{val}' can't be coerced to decimal"
            raise ValidationError(message) from None

    def to_python(self, value: Any) -> _Decimal | None:
        """Same as :meth:`validate`."""
        return self.validate(value)

    def to_database(self, value: Any) -> _Decimal | None:
        """Same as :meth:`validate`."""
        return self.validate(value)


class _PartitionKeysToken(Column):
    """Virtual column for ``pk__token`` filters: ``token("p1", "p2")`` of a model."""

    def __init__(self, model: Any) -> None:
        self.partition_columns = list(model._partition_keys.values())
        super().__init__(partition_key=True)

    @property
    def db_field_name(self) -> str:
        """The CQL ``token(...)`` call over the quoted partition-key columns."""
        names = ", ".join(f'"{c.db_field_name}"' for c in self.partition_columns)
        return f"token({names})"


def _present_as_public() -> None:
    """Make the re-exported classes report this module (reprs, messages, pickling)."""
    for cls in (Column, BaseValueManager, CounterValueManager, UDTValueManager,
                BaseCollectionColumn, BaseContainerColumn, Tuple, Set, List, Map,
                UserDefinedType):
        cls.__module__ = __name__


_present_as_public()
