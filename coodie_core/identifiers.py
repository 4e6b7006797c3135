"""Validation and quoting of CQL identifiers (keyspaces, tables, columns, indexes).

Names that CQL would read differently without quotes (upper case, reserved words,
leading digits) are double-quoted; anything with characters outside ``[A-Za-z0-9_]``
is refused, so an identifier can never carry CQL text into a statement.
"""

from __future__ import annotations

import re

from coodie_core.errors import InvalidIdentifier

__all__ = ["RESERVED_KEYWORDS", "quote", "snake_case", "validate_identifier", "validate_name"]

_NAME = re.compile(r"^[A-Za-z0-9_]+$")
_UNQUOTED = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_SCHEMA_NAME = 48  # Cassandra's limit for keyspace and table names

#: Words CQL reserves; a column with one of these names must be quoted.
RESERVED_KEYWORDS = frozenset(
    """
    add allow alter and apply asc authorize batch begin by columnfamily create default
    delete desc describe drop entries execute from full grant if in index infinity is
    keyspace limit mbean mbeans modify nan norecursive not null of on or order primary
    rename replace revoke schema select set table to token truncate unlogged unset update
    use using view where with
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def validate_name(name: object, kind: str = "identifier") -> str:
    """Return ``name`` if it is a legal CQL name of ``kind``, else raise.

    Keyspace and table names are limited to 48 characters as Cassandra requires.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidIdentifier(
            f"invalid {kind} name {name!r}: use letters, digits and underscores only"
        )
    if kind in ("keyspace", "table") and len(name) > _MAX_SCHEMA_NAME:
        raise InvalidIdentifier(f"invalid {kind} name {name!r}: longer than 48 characters")
    return name


def validate_identifier(name: object, kind: str = "identifier") -> str:
    """Validate ``name`` and return it quoted as CQL needs (see :func:`quote`)."""
    return quote(validate_name(name, kind))


def quote(name: str) -> str:
    """Quote ``name`` if CQL would otherwise fold its case or read it as a keyword."""
    validate_name(name)
    if _UNQUOTED.match(name) and name not in RESERVED_KEYWORDS:
        return name
    return f'"{name}"'


def snake_case(name: str) -> str:
    """``UserEvent`` -> ``user_event``; ``HTTPLog`` -> ``http_log``."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
