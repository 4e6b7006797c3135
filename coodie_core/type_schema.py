"""Pure DDL planning for user-defined types (see :mod:`coodie_core.usertype`).

:func:`plan_type_sync` compares a :class:`~coodie_core.usertype.UserType` with the
live type read from ``system_schema.types``: a missing type is created, new
fields are added with ``ALTER TYPE ... ADD``; a field whose type changed raises
:class:`~coodie_core.errors.IncompatibleSchemaChange`. :func:`user_types_of`
lists the types a table needs, each after the types it uses, so creating them in
that order always works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coodie_core.cqltypes import normalize_type, user_type_fields, user_types_in
from coodie_core.errors import IncompatibleSchemaChange
from coodie_core.identifiers import quote, validate_name
from coodie_core.meta import TableMeta
from coodie_core.usertype import UserType

__all__ = [
    "create_type_cql",
    "drop_type_cql",
    "live_type_from_row",
    "plan_type_sync",
    "qualified_type",
    "user_types_of",
]


def qualified_type(keyspace: str, user_type: type[UserType]) -> str:
    """``keyspace.type``, both parts validated and quoted as needed."""
    ks = quote(validate_name(keyspace, "keyspace"))
    return f"{ks}.{quote(validate_name(user_type.type_name(), 'type'))}"


def create_type_cql(keyspace: str, user_type: type[UserType]) -> str:
    """``CREATE TYPE IF NOT EXISTS ks.name (field type, ...)``."""
    fields = ", ".join(f"{quote(name)} {cql}" for name, cql in user_type_fields(user_type))
    return f"CREATE TYPE IF NOT EXISTS {qualified_type(keyspace, user_type)} ({fields})"


def drop_type_cql(keyspace: str, user_type: type[UserType]) -> str:
    """``DROP TYPE IF EXISTS ks.name``."""
    return f"DROP TYPE IF EXISTS {qualified_type(keyspace, user_type)}"


def live_type_from_row(row: Mapping[str, Sequence[str]] | None) -> dict[str, str] | None:
    """``{field: type}`` from a ``system_schema.types`` row (None: no such type)."""
    if row is None:
        return None
    return dict(zip(row["field_names"], row["field_types"], strict=True))


def plan_type_sync(
    keyspace: str, user_type: type[UserType], live: Mapping[str, str] | None
) -> list[str]:
    """The DDL that makes the live type match ``user_type`` (empty when it does)."""
    if live is None:
        return [create_type_cql(keyspace, user_type)]
    name = qualified_type(keyspace, user_type)
    wanted = user_type_fields(user_type)
    problems = [
        f"field {field} is {live[field]}, model has {cql}"
        for field, cql in wanted
        if field in live and normalize_type(live[field]) != normalize_type(cql)
    ]
    if problems:
        raise IncompatibleSchemaChange(name, problems)
    return [f"ALTER TYPE {name} ADD {quote(f)} {cql}" for f, cql in wanted if f not in live]


def user_types_of(meta: TableMeta) -> list[type[UserType]]:
    """The UDTs a table's columns use, dependencies first, each once."""
    found: list[type[UserType]] = []
    for column in meta.columns:
        for user_type in user_types_in(column.annotation):
            if user_type not in found:
                found.append(user_type)
    return found
