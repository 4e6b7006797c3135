"""The CQL text of cqlengine's schema statements, and how table options compare.

Everything here is pure.  Table layouts come from the core's
:class:`~coodie_core.meta.TableMeta` (built once per model by the bridge);
literals are rendered by :func:`coodie_core.schema.cql_literal`.  What is
specific to cqlengine lives here: the exact ``CREATE TABLE`` spacing
(``"col" type `` keeps a trailing space when the column is not static),
unnamed ``CREATE INDEX`` statements, map options whose entries are all
quoted strings, and option comparison as cqlengine does it (both sides
reduced to their CQL text; map options compared entry by entry over the
model's keys only).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cassandra.metadata import protect_name

from coodie_core.cqltypes import normalize_type
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.schema import cql_literal

__all__ = [
    "NormalizedOption",
    "column_definition",
    "create_index",
    "create_table",
    "create_type",
    "is_frozen_collection",
    "normalized_options",
    "option_differs",
    "option_strings",
    "primary_key_text",
    "same_cql_type",
]

#: An option reduced for comparison: its CQL literal, or a map of strings.
NormalizedOption = str | dict[str, str]

_COLLECTIONS = frozenset({"list", "set", "map"})


def column_definition(name: str, cql_type: str, static: bool = False) -> str:
    """``"name" type static``, or ``"name" type `` (trailing space) when not static."""
    return f'"{name}" {cql_type} {"static" if static else ""}'


def primary_key_text(partition: Iterable[str], clustering: Iterable[str], quote: bool) -> str:
    """``PRIMARY KEY (("p1", "p2"), "c1")``; names bare when ``quote`` is False."""

    def show(name: str) -> str:
        return f'"{name}"' if quote else name

    keys = ", ".join(show(n) for n in partition)
    rest = "".join(f", {show(n)}" for n in clustering)
    return f"PRIMARY KEY (({keys}){rest})"


def _option_literal(name: str, value: object) -> str:
    if isinstance(value, Mapping):
        return cql_literal({str(k): str(v) for k, v in value.items()})
    if name == "comment" and not value:
        return "''"
    return cql_literal(value)


def option_strings(options: Mapping[str, object]) -> list[str]:
    """``name = literal`` for each option that is not None, sorted.

    Map options (``compaction``, ``compression``, ``caching``...) render every
    key and value as a quoted string; other values as CQL literals.
    """
    return sorted(
        f"{name} = {_option_literal(name, value)}"
        for name, value in options.items()
        if value is not None
    )


def create_table(meta: TableMeta, table: str, options: Mapping[str, object]) -> str:
    """cqlengine's ``CREATE TABLE`` for a model's metadata, table name and options.

    Every clustering column appears in ``CLUSTERING ORDER BY``, ASC by default.
    """
    parts = [column_definition(c.name, c.cql_type, c.static) for c in meta.columns]
    parts.append(
        primary_key_text(
            (c.name for c in meta.partition_key), (c.name for c in meta.clustering_key), True
        )
    )
    properties = []
    if meta.clustering_key:
        order = ", ".join(f'"{c.name}" {c.clustering_order}' for c in meta.clustering_key)
        properties.append(f"CLUSTERING ORDER BY ({order})")
    properties += option_strings(options)
    cql = f"CREATE TABLE {table} ({', '.join(parts)})"
    return f"{cql} WITH {' AND '.join(properties)}" if properties else cql


def is_frozen_collection(column: ColumnMeta) -> bool:
    """True for a frozen list, set or map (indexed with ``FULL(...)``)."""
    return column.cql_type.startswith("frozen<") and column.kind in _COLLECTIONS


def create_index(table: str, column: ColumnMeta) -> str:
    """An unnamed ``CREATE INDEX`` on one column (``FULL`` for frozen collections)."""
    target = f'"{column.name}"'
    if is_frozen_collection(column):
        target = f"FULL({target})"
    return f"CREATE INDEX ON {table} ({target})"


def create_type(keyspace: str, type_name: str, fields: Iterable[tuple[str, str]]) -> str:
    """``CREATE TYPE ks.name (field type, ...)``, names quoted only where CQL needs it."""
    body = ", ".join(f"{protect_name(name)} {cql_type}" for name, cql_type in fields)
    return f"CREATE TYPE {protect_name(keyspace)}.{protect_name(type_name)} ({body})"


def same_cql_type(live: str, model: str) -> bool:
    """Whether two CQL type texts name the same type (``varchar`` is ``text``...)."""
    if live == model:
        return True
    try:
        return normalize_type(live) == normalize_type(model)
    except Exception:  # a type text the core's parser does not read: compare as text
        return False


def normalized_options(options: Mapping[str, Any]) -> dict[str, NormalizedOption]:
    """Options reduced for comparison; None values are left out, as in their CQL text."""
    reduced: dict[str, NormalizedOption] = {}
    for name, value in options.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            reduced[name] = {str(k): str(v) for k, v in value.items()}
        else:
            reduced[name] = _option_literal(name, value)
    return reduced


def _short_class(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def option_differs(name: str, wanted: NormalizedOption, existing: NormalizedOption) -> bool:
    """Whether the model's option value differs from the table's.

    A map differs when any of the model's entries is missing or different
    (entries only the table has do not count).  A compaction ``class`` given
    by its short name equals the fully qualified one.
    """
    if isinstance(existing, str) or isinstance(wanted, str):
        return wanted != existing
    for key, value in wanted.items():
        current = existing.get(key)
        if current is None:
            return True
        if name == "compaction" and key == "class":
            if _short_class(current) != _short_class(value):
                return True
        elif current != value:
            return True
    return False
