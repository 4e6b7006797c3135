"""The user-defined-type column; re-exported by ``columns``.

Values are instances of a ``coodie_compat.usertype.UserType`` subclass; the
column converts them field by field with the user type's own columns.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from cassandra.cqltypes import UserType as _DriverUserType

from coodie_compat._collection_columns import BaseContainerColumn
from coodie_compat._column_base import Column
from coodie_compat._value_managers import UDTValueManager

__all__ = ["UserDefinedType", "resolve_udts"]


class UserDefinedType(Column):
    """A user-defined type (CQL ``frozen<type_name>``) holding ``UserType`` instances.

    ``user_type`` is a ``coodie_compat.usertype.UserType`` subclass; the
    column reads its ``type_name()`` and its ``_fields`` (name -> column).
    """

    value_manager = UDTValueManager

    def __init__(self, user_type: Any, **kwargs: Any) -> None:
        self.user_type = user_type
        self.db_type = f"frozen<{user_type.type_name()}>"
        super().__init__(**kwargs)

    @property
    def sub_types(self) -> list[Column]:
        """The user type's field columns."""
        return list(self.user_type._fields.values())

    @property
    def cql_type(self) -> Any:
        """A driver UDT cqltype built from the user type's fields (empty keyspace)."""
        fields = list(self.user_type._fields.values())
        return _DriverUserType.make_udt_class(
            keyspace="", udt_name=self.user_type.type_name(),
            field_names=[c.db_field_name for c in fields],
            field_types=[c.cql_type for c in fields],
        )

    def validate(self, value: Any) -> Any:
        """Validate the value through the user type's own ``validate()``."""
        val = super().validate(value)
        if val is None:
            return None
        val.validate()
        return val

    def to_python(self, value: Any) -> Any:
        """Convert each field of the value to Python, in place (as the ScyllaDB fork does)."""
        if value is None:
            return None
        return self._convert_fields(value, "to_python")

    def to_database(self, value: Any) -> Any:
        """Return a deep copy of the value with each field converted for the driver."""
        if value is None:
            return None
        return self._convert_fields(deepcopy(value), "to_database")

    def _convert_fields(self, value: Any, conversion: str) -> Any:
        # Null fields are left alone, except containers, whose null is the empty container.
        for name, field in self.user_type._fields.items():
            if value[name] is not None or isinstance(field, BaseContainerColumn):
                value[name] = getattr(field, conversion)(value[name])
        return value


def resolve_udts(col_def: Column, out_list: list[Any]) -> None:
    """Append to ``out_list`` every user type used by ``col_def``, innermost first."""
    for col in col_def.sub_types:
        resolve_udts(col, out_list)
    if isinstance(col_def, UserDefinedType):
        out_list.append(col_def.user_type)
