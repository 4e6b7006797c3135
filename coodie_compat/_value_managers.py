"""Value managers: the per-instance holders of column values; re-exported by ``columns``.

A model instance keeps one value manager per column.  It holds the current
value, the value last written to (or read from) the database and whether the
value was set explicitly; from these it answers ``changed`` and ``deleted``,
which decide what ``save()`` and ``update()`` send.  The semantics follow
``cassandra.cqlengine`` exactly, since tests read these attributes directly.
"""

from __future__ import annotations

import datetime
import decimal
import ipaddress
import uuid
from copy import copy, deepcopy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coodie_compat._column_base import Column

__all__ = ["BaseValueManager", "CounterValueManager", "UDTValueManager"]

#: Value types that cannot change in place: snapshots need no copy of them.  (The
#: driver's ``util.Date``/``Time``/``Duration`` have writable attributes: not here.)
IMMUTABLE: frozenset[type] = frozenset({
    type(None), bool, int, float, str, bytes, decimal.Decimal, uuid.UUID, datetime.datetime,
    datetime.date, datetime.time, datetime.timedelta, ipaddress.IPv4Address,
    ipaddress.IPv6Address,
})


class BaseValueManager:
    """Holds one column value of one model instance and tracks its changes.

    ``explicit`` is True when the value was given to the constructor or
    assigned later; ``previous_value`` is the snapshot taken when the
    instance was last persisted (None on a fresh instance).
    """

    def __init__(self, instance: Any, column: Column, value: Any) -> None:
        self.instance = instance
        self.column = column
        self.value = value
        self.previous_value: Any = None
        self.explicit = False

    @property
    def deleted(self) -> bool:
        """True when the value is null and was set so, or replaced a non-null value."""
        is_null = self.column._val_is_null
        return is_null(self.value) and (self.explicit or not is_null(self.previous_value))

    @property
    def changed(self) -> bool:
        """True when the value differs from what the database holds.

        Containers (Set, List, Map) can change in place without an
        assignment, so for them an implicit value is compared with the
        previous value, or with the default when nothing was persisted yet.
        """
        if self.explicit:
            return bool(self.value != self.previous_value)
        if not self.column._tracks_in_place_changes:
            return False
        return self._container_changed()

    def _container_changed(self) -> bool:
        column = self.column
        default_value = column.get_default()
        if column._val_is_null(default_value):
            return not column._val_is_null(self.value) and self.value != self.previous_value
        if self.previous_value is None:
            return bool(self.value != default_value)
        return bool(self.value != self.previous_value)

    def reset_previous_value(self) -> None:
        """Snapshot the current value as the persisted one (a deep copy of a mutable one)."""
        value = self.value
        self.previous_value = value if type(value) in IMMUTABLE else deepcopy(value)

    def getval(self) -> Any:
        """Return the current value."""
        return self.value

    def setval(self, val: Any) -> None:
        """Assign a value; an assignment always makes the value explicit."""
        self.value = val
        self.explicit = True

    def delval(self) -> None:
        """Set the value to None (``del instance.column``)."""
        self.value = None

    def get_property(self) -> property:
        """Return a property reading and writing this manager's value.

        Primary-key columns cannot be deleted, so their property has no deleter.
        """

        def _get(_owner: Any) -> Any:
            return self.getval()

        def _set(_owner: Any, val: Any) -> None:
            self.setval(val)

        def _del(_owner: Any) -> None:
            self.delval()

        if self.column.can_delete:
            return property(_get, _set, _del)
        return property(_get, _set)


class CounterValueManager(BaseValueManager):
    """Value manager of counter columns: value and previous value start at 0.

    An UPDATE sends the difference between the two, so increments made
    concurrently by other clients are kept.
    """

    def __init__(self, instance: Any, column: Column, value: Any) -> None:
        super().__init__(instance, column, value)
        self.value = self.value or 0
        self.previous_value = self.previous_value or 0


class UDTValueManager(BaseValueManager):
    """Value manager of user-defined-type columns.

    A UDT value may change through its own fields, which the UDT instance
    tracks itself (``has_changed_fields()``).
    """

    @property
    def changed(self) -> bool:
        """True when the UDT value, or one of its fields, differs from the database."""
        if self.explicit:
            return bool(self.value != self.previous_value)
        default_value = self.column.get_default()
        if not self.column._val_is_null(default_value):
            return bool(self.value != default_value)
        if self.previous_value is None:
            return not self.column._val_is_null(self.value) and bool(
                self.value.has_changed_fields()
            )
        return False

    def reset_previous_value(self) -> None:
        """Snapshot the value (shallow copy) and clear the UDT's field trackers."""
        if self.value is not None:
            self.value.reset_changed_fields()
        self.previous_value = copy(self.value)
