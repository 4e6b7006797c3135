"""User-defined types of the facade (``cassandra.cqlengine.usertype``).

A ``UserType`` subclass declares ``Column`` fields like a model does; values
are held in value managers, so a UDT nested in a model reports in-place
changes.  Instances are what the driver builds when it decodes the type
(``cluster.register_user_type``): it passes CQL field names as keywords and
reads CQL field names back as attributes, hence the ``db_field`` mapping in
both directions.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, ClassVar

from coodie_compat import CQLEngineException, columns, models
from coodie_compat import connection as conn
from coodie_compat._model_descriptors import ColumnDescriptor
from coodie_compat._model_meta import derived_name

__all__ = [
    "BaseUserType",
    "UserType",
    "UserTypeDefinitionException",
    "UserTypeException",
    "UserTypeMetaClass",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += ["CQLEngineException", "OrderedDict", "columns", "conn", "models", "re"]


class UserTypeException(CQLEngineException):
    """Root of the user-type errors."""


class UserTypeDefinitionException(UserTypeException):
    """A user type whose field declarations are inconsistent."""


class BaseUserType:
    """Behaviour shared by every user type; inherit from :class:`UserType`, not from this."""

    __type_name__: str | None = None

    # Set on every user type class by UserTypeMetaClass; empty on this base class.
    _fields: ClassVar[OrderedDict[str, Any]] = OrderedDict()
    _db_map: ClassVar[dict[str, str]] = {}
    _len: int  # __len__'s cache

    def __init__(self, **values: Any) -> None:
        self._values: dict[str, Any] = {}
        if self._db_map:
            values = {self._db_map.get(k, k): v for k, v in values.items()}
        for name, field in self._fields.items():
            explicit = name in values
            value = values[name] if explicit else field.get_default()
            if value is not None or isinstance(field, columns.BaseContainerColumn):
                value = field.to_python(value)
            manager = field.value_manager(self, field, value)
            manager.explicit = explicit
            self._values[name] = manager

    def __eq__(self, other: object) -> bool:
        if self.__class__ != other.__class__:
            return False
        keys = set(self._fields)
        if keys != set(other._fields):
            return False
        return all(getattr(self, k, None) == getattr(other, k, None) for k in keys)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # unhashable: mutable, compared by value

    def __str__(self) -> str:
        return "{" + ", ".join(f"'{k}': {getattr(self, k)}" for k in self._values) + "}"

    def has_changed_fields(self) -> bool:
        """True when any field changed since construction or the last reset."""
        return any(v.changed for v in self._values.values())

    def reset_changed_fields(self) -> None:
        """Take the current values as the new baseline for change tracking."""
        for manager in self._values.values():
            manager.reset_previous_value()

    def __iter__(self) -> Iterator[str]:
        yield from self._fields

    def __getattr__(self, attr: str) -> Any:
        # Only reached for names that are not fields: map a CQL field name to its field.
        try:
            return getattr(self, self._db_map[attr])
        except KeyError:
            raise AttributeError(attr) from None

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise TypeError
        if key not in self._fields:
            raise KeyError
        return getattr(self, key)

    def __setitem__(self, key: str, val: Any) -> None:
        if not isinstance(key, str):
            raise TypeError
        if key not in self._fields:
            raise KeyError
        setattr(self, key, val)

    def __len__(self) -> int:
        try:
            return self._len
        except AttributeError:
            self._len = len(self._fields)
            return self._len

    def keys(self) -> list[str]:
        """The field names, in declaration order."""
        return list(self)

    def values(self) -> list[Any]:
        """The field values, in declaration order."""
        return [self[k] for k in self]

    def items(self) -> list[tuple[str, Any]]:
        """``(name, value)`` pairs, in declaration order."""
        return [(k, self[k]) for k in self]

    @classmethod
    def register_for_keyspace(cls, keyspace: str | None, connection: str | None = None) -> None:
        """Register the type with the driver for ``keyspace`` (remembered if offline)."""
        conn.register_udt(keyspace, cls.type_name(), cls, connection=connection)

    @classmethod
    def type_name(cls) -> str:
        """The CQL type name: ``__type_name__`` lowercased, else derived from the class.

        The derived name (camel case to snake case, last 48 characters,
        lowercased, no leading underscores) is cached in ``__type_name__``.
        """
        if cls.__type_name__:
            return cls.__type_name__.lower()
        cls.__type_name__ = derived_name(cls.__name__)
        return cls.__type_name__

    def validate(self) -> None:
        """Clean and validate every field, re-applying defaults to implicit Nones."""
        for name, field in self._fields.items():
            value = getattr(self, name)
            if value is None and not self._values[name].explicit and field.has_default:
                value = field.get_default()
            setattr(self, name, field.validate(value))


def _check_fields(fields: OrderedDict[str, Any]) -> dict[str, str]:
    """Refuse reserved names and clashing ``db_field``s; return the db map."""
    db_map: dict[str, str] = {}
    for name, field in fields.items():
        if name in BaseUserType.__dict__:
            raise UserTypeDefinitionException(
                f"field '{name}' conflicts with built-in attribute/method"
            )
        db_name = field.db_field_name
        if db_name == name:
            continue
        if db_name in fields:
            raise UserTypeDefinitionException(
                f"db_field '{db_name}' for field '{name}' conflicts with another attribute name"
            )
        db_map[db_name] = name
    return db_map


class UserTypeMetaClass(type):
    """Turns ``Column`` attributes of a user type into field descriptors."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        declared = sorted(
            ((k, v) for k, v in attrs.items() if isinstance(v, columns.Column)),
            key=lambda item: item[1].position,
        )
        fields: OrderedDict[str, Any] = OrderedDict()
        for field_name, field in declared:
            field.set_column_name(field_name)
            fields[field_name] = field
        attrs["_db_map"] = _check_fields(fields)
        attrs["_fields"] = fields
        attrs.update((n, ColumnDescriptor(f)) for n, f in fields.items())
        return super().__new__(mcs, name, bases, attrs)


class UserType(BaseUserType, metaclass=UserTypeMetaClass):
    """Base class of user-defined types: declare ``Column`` fields on a subclass.

    ``__type_name__`` optionally names the CQL type; by default the class name
    in snake case is used.  Create the type with ``management.sync_type``.
    """

    __type_name__ = None
