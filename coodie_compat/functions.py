"""Query values and CQL functions usable in filters (``cassandra.cqlengine.functions``).

A query value renders as one or more ``%(n)s`` placeholders and writes the
matching entries into a statement's context dict.  Plain filter values are
wrapped in :class:`QueryValue`; :class:`MinTimeUUID`, :class:`MaxTimeUUID` and
:class:`Token` render as the CQL functions of the same name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from coodie_compat import UnicodeMixin, ValidationError

__all__ = [
    "BaseQueryFunction",
    "MaxTimeUUID",
    "MinTimeUUID",
    "QueryValue",
    "TimeUUIDQueryFunction",
    "Token",
    "get_total_seconds",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += ["UnicodeMixin", "ValidationError", "datetime"]


class _ToDatabase(Protocol):
    """What :class:`Token` needs from a partition-key column."""

    def to_database(self, value: Any) -> Any: ...


def get_total_seconds(td: timedelta) -> float:
    """Return the length of ``td`` in seconds, as a float."""
    return td.total_seconds()


class QueryValue(UnicodeMixin):
    """A value bound to one placeholder of a statement.

    ``format_string`` is filled with the context id, so subclasses can wrap
    the placeholder in a CQL function call.
    """

    format_string = "%({0})s"

    def __init__(self, value: Any) -> None:
        self.value = value
        self.context_id: int | None = None

    def __unicode__(self) -> str:
        return self.format_string.format(self.context_id)

    def set_context_id(self, ctx_id: int) -> None:
        """Set the number of the first placeholder this value renders."""
        self.context_id = ctx_id

    def get_context_size(self) -> int:
        """Return how many placeholders (context entries) this value uses."""
        return 1

    def update_context(self, ctx: dict[str, Any]) -> None:
        """Write this value's entries into the statement context ``ctx``."""
        ctx[str(self.context_id)] = self.value


class BaseQueryFunction(QueryValue):
    """Base of filter values that render as a CQL function call."""


def _epoch_milliseconds(moment: datetime) -> int:
    """Milliseconds since the Unix epoch, honouring an aware datetime's offset.

    The offset applied is the one the datetime's zone has at the epoch, which
    is what cqlengine does (it matters only for zones whose offset changed).
    """
    zone = moment.tzinfo
    epoch = datetime(1970, 1, 1, tzinfo=zone)
    offset = epoch.utcoffset()
    offset_seconds = get_total_seconds(offset) if offset is not None else 0
    # Same-zone subtraction ignores the offsets, so subtract it explicitly.
    wall_seconds = get_total_seconds(moment.replace(tzinfo=None) - epoch.replace(tzinfo=None))
    return int((wall_seconds - offset_seconds) * 1000)


class TimeUUIDQueryFunction(BaseQueryFunction):
    """Base of the ``MinTimeUUID``/``MaxTimeUUID`` functions; the value must be a datetime."""

    def __init__(self, value: datetime) -> None:
        if not isinstance(value, datetime):
            raise ValidationError("datetime instance is required")
        super().__init__(value)

    def to_database(self, val: datetime) -> int:
        """Return ``val`` as epoch milliseconds, the form the server expects."""
        return _epoch_milliseconds(val)

    def update_context(self, ctx: dict[str, Any]) -> None:
        """Bind the epoch milliseconds of the value."""
        ctx[str(self.context_id)] = self.to_database(self.value)


class MinTimeUUID(TimeUUIDQueryFunction):
    """The smallest timeuuid for a given time; renders ``MinTimeUUID(%(n)s)``."""

    format_string = "MinTimeUUID(%({0})s)"


class MaxTimeUUID(TimeUUIDQueryFunction):
    """The largest timeuuid for a given time; renders ``MaxTimeUUID(%(n)s)``."""

    format_string = "MaxTimeUUID(%({0})s)"


class Token(BaseQueryFunction):
    """The ``token()`` of a partition key; renders ``token(%(n)s, %(n+1)s, ...)``.

    Takes one value per partition-key column; a single list or tuple argument
    is unpacked, so ``Token(instance.pk)`` works for composite keys.  The
    query layer calls :meth:`set_columns` with the partition-key columns, whose
    ``to_database`` converts each value when the context is built.
    """

    def __init__(self, *values: Any) -> None:
        args: Sequence[Any] = values
        if len(values) == 1 and isinstance(values[0], (list, tuple)):
            args = values[0]
        super().__init__(args)
        self._columns: Sequence[_ToDatabase] | None = None

    def set_columns(self, columns: Sequence[_ToDatabase]) -> None:
        """Set the partition-key columns used to convert the values."""
        self._columns = columns

    def get_context_size(self) -> int:
        """One placeholder per value."""
        return len(self.value)

    def _first_id(self) -> int:
        if self.context_id is None:
            raise TypeError("Token has no context id; call set_context_id() first")
        return self.context_id

    def __unicode__(self) -> str:
        first = self._first_id()
        markers = ", ".join(f"%({first + i})s" for i in range(self.get_context_size()))
        return f"token({markers})"

    def update_context(self, ctx: dict[str, Any]) -> None:
        """Bind each value, converted by its partition-key column.

        Values beyond the number of columns are ignored, as in cqlengine.
        """
        if self._columns is None:
            raise TypeError("Token columns are not set; call set_columns() first")
        first = self._first_id()
        for offset, (column, value) in enumerate(zip(self._columns, self.value, strict=False)):
            ctx[str(first + offset)] = column.to_database(value)
