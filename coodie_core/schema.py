"""Pure DDL planning: keyspaces, tables, indexes and options, against a live table.

Nothing here talks to a database. :func:`plan_sync` compares a model's
:class:`~coodie_core.meta.TableMeta` with a :class:`LiveTable` (read from
``system_schema`` by :mod:`coodie_core.management`) and returns the CQL needed,
or raises :class:`~coodie_core.errors.IncompatibleSchemaChange` listing every
change Cassandra cannot make in place; in that case nothing is planned at all.

DDL cannot take bind markers, so table options are rendered as CQL literals by
:func:`cql_literal`, which only accepts plain strings, numbers, booleans and
string-keyed maps of them (strings are escaped).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coodie_core.cqltypes import normalize_type
from coodie_core.errors import IncompatibleSchemaChange, InvalidValue
from coodie_core.identifiers import quote, validate_name
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.statements import Table

__all__ = [
    "LiveTable",
    "NetworkTopologyStrategy",
    "SimpleStrategy",
    "cql_literal",
    "create_index_cql",
    "create_keyspace_cql",
    "create_table_cql",
    "drop_keyspace_cql",
    "drop_table_cql",
    "index_key",
    "index_name",
    "index_target_key",
    "live_table_from_rows",
    "plan_sync",
]


@dataclass(frozen=True)
class SimpleStrategy:
    """``SimpleStrategy`` replication (one replication factor for the cluster)."""

    replication_factor: int = 1

    def as_map(self) -> dict[str, object]:
        """The replication map."""
        return {"class": "SimpleStrategy", "replication_factor": self.replication_factor}


@dataclass(frozen=True)
class NetworkTopologyStrategy:
    """``NetworkTopologyStrategy`` replication: a factor per datacenter."""

    datacenters: Mapping[str, int]

    def as_map(self) -> dict[str, object]:
        """The replication map."""
        return {"class": "NetworkTopologyStrategy", **dict(self.datacenters)}


def cql_literal(value: object, option: str = "option", owner: str = "schema") -> str:
    """Render a DDL option value as a CQL literal, refusing anything else.

    Models' option values are checked when their class is created
    (:mod:`coodie_core.table_options`); this refusal is the last guard, naming
    ``owner`` and ``option`` in its :class:`~coodie_core.errors.InvalidValue`.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        inner = ", ".join(
            f"{cql_literal(k, option, owner)}: {cql_literal(v, option, owner)}"
            for k, v in value.items()
        )
        return "{" + inner + "}"
    raise InvalidValue(owner, option, value, "not a CQL option literal")


def create_keyspace_cql(
    name: str,
    replication: SimpleStrategy | NetworkTopologyStrategy,
    durable_writes: bool = True,
) -> str:
    """``CREATE KEYSPACE IF NOT EXISTS``."""
    ks = quote(validate_name(name, "keyspace"))
    return (
        f"CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = "
        f"{cql_literal(replication.as_map())} AND durable_writes = {cql_literal(durable_writes)}"
    )


def drop_keyspace_cql(name: str) -> str:
    """``DROP KEYSPACE IF EXISTS``."""
    return f"DROP KEYSPACE IF EXISTS {quote(validate_name(name, 'keyspace'))}"


def drop_table_cql(table: Table) -> str:
    """``DROP TABLE IF EXISTS``."""
    return f"DROP TABLE IF EXISTS {table.render()}"


def _column_def(column: ColumnMeta) -> str:
    return f"{column.quoted} {column.cql_type}{' static' if column.static else ''}"


def create_table_cql(meta: TableMeta, table: Table) -> str:
    """``CREATE TABLE IF NOT EXISTS`` with keys, clustering order and options."""
    columns = ", ".join(_column_def(c) for c in meta.columns)
    partition = ", ".join(c.quoted for c in meta.partition_key)
    key = ", ".join([f"({partition})", *(c.quoted for c in meta.clustering_key)])
    cql = f"CREATE TABLE IF NOT EXISTS {table.render()} ({columns}, PRIMARY KEY ({key}))"
    withs = []
    if meta.clustering_key:
        order = ", ".join(f"{c.quoted} {c.clustering_order}" for c in meta.clustering_key)
        withs.append(f"CLUSTERING ORDER BY ({order})")
    withs.extend(_options(meta.settings.options, meta.model_name))
    return cql + (f" WITH {' AND '.join(withs)}" if withs else "")


def _options(options: Mapping[str, object], owner: str) -> list[str]:
    return [f"{k} = {cql_literal(v, k, owner)}" for k, v in sorted(options.items())]


def index_name(meta: TableMeta, column: ColumnMeta) -> str:
    """The index name: the marker's ``name``, else ``<table>_<column>_idx``."""
    if column.index is not None and column.index.name:
        return column.index.name
    return validate_name(f"{meta.name}_{column.name}_idx", "index")


def _index_on(column: ColumnMeta) -> str:
    """The index target as DDL: ``KEYS(m)``, ``FULL(f)``... or the bare column when
    the marker names none (a frozen collection's default is ``FULL(f)``)."""
    asked = column.index.target if column.index is not None else None
    target = asked or ("full" if column.index_target == "full" else None)
    return column.quoted if target is None else f"{target.upper()}({column.quoted})"


def _target_text(column: ColumnMeta) -> str:
    """The index target as ``system_schema`` writes it, for error messages."""
    target = column.index_target
    return column.quoted if target in (None, "column") else f"{target}({column.quoted})"


def create_index_cql(meta: TableMeta, column: ColumnMeta, table: Table) -> str:
    """``CREATE INDEX IF NOT EXISTS`` for an ``Indexed`` column, on the target the
    marker asks for (:attr:`~coodie_core.meta.ColumnMeta.index_target`)."""
    using = ""
    if column.index is not None and column.index.using:
        using = f" USING {cql_literal(column.index.using, 'using', meta.model_name)}"
    return (
        f"CREATE INDEX IF NOT EXISTS {quote(index_name(meta, column))} "
        f"ON {table.render()} ({_index_on(column)}){using}"
    )


def index_key(column: ColumnMeta) -> str | None:
    """The column's index target in the form :func:`index_target_key` gives a live
    one: the column name for an index on the column or its values, else
    ``keys(m)``, ``entries(m)`` or ``full(f)`` (None: the column is not indexed)."""
    target = column.index_target
    if target is None:
        return None
    return column.name if target in ("column", "values") else f"{target}({column.name})"


def index_target_key(target: str) -> str:
    """Normalise a ``system_schema.indexes`` target (options ``'target'``).

    Cassandra stores ``values(m)``, ``keys(m)``, ``entries(m)``, ``full(f)`` or the
    bare column name, the name double-quoted where CQL needs it. On one column
    the bare name and ``values(...)`` are the same index (Cassandra reads a bare
    collection column as its values), so both give the plain name; the others
    keep their kind: ``keys(m)``.
    """
    text = target.strip()
    kind, paren, rest = text.partition("(")
    if text.startswith('"') or not paren or not rest.endswith(")"):
        return _unquoted(text)
    kind, name = kind.strip().lower(), _unquoted(rest[:-1].strip())
    return name if kind == "values" else f"{kind}({name})"


def _unquoted(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name


@dataclass(frozen=True)
class LiveTable:
    """What the cluster says a table looks like."""

    partition_key: tuple[str, ...]
    clustering_key: tuple[tuple[str, str], ...]  # (name, "ASC" | "DESC")
    columns: Mapping[str, tuple[str, str]]  # name -> (type, kind)
    options: Mapping[str, object] = field(default_factory=dict)
    #: Every index's target, normalised by :func:`index_target_key`.
    index_targets: frozenset[str] = frozenset()
    #: Index name -> target as ``system_schema`` holds it; only read to report an
    #: index of the model's name on another target, so not part of equality.
    indexes: Mapping[str, str] = field(default_factory=dict, compare=False)


def live_table_from_rows(
    column_rows: Iterable[Mapping[str, Any]],
    table_row: Mapping[str, Any] | None,
    index_rows: Iterable[Mapping[str, Any]],
) -> LiveTable | None:
    """Build a :class:`LiveTable` from ``system_schema`` rows (None: no such table)."""
    rows = list(column_rows)
    if not rows:
        return None
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row)
    partition = sorted(by_kind.get("partition_key", []), key=lambda r: r["position"])
    clustering = sorted(by_kind.get("clustering", []), key=lambda r: r["position"])
    indexes = {
        str(row.get("index_name")): str((row.get("options") or {}).get("target", ""))
        for row in index_rows
    }
    return LiveTable(
        partition_key=tuple(r["column_name"] for r in partition),
        clustering_key=tuple((r["column_name"], r["clustering_order"].upper()) for r in clustering),
        columns={r["column_name"]: (r["type"], r["kind"]) for r in rows},
        options=dict(table_row or {}),
        index_targets=frozenset(index_target_key(t) for t in indexes.values()),
        indexes=indexes,
    )


def _same_option(wanted: object, live: object) -> bool:
    if isinstance(wanted, Mapping) and isinstance(live, Mapping):
        for key, value in wanted.items():
            current = live.get(key)
            if key == "class" and current is not None:
                if str(current).rsplit(".", 1)[-1] != str(value).rsplit(".", 1)[-1]:
                    return False
            elif str(current).lower() != str(value).lower():
                return False
        return True
    if isinstance(wanted, float) or isinstance(live, float):
        return live is not None and math.isclose(float(wanted), float(live))  # type: ignore[arg-type]
    return wanted == live


def _problems(meta: TableMeta, live: LiveTable) -> list[str]:
    problems = []
    wanted_pk = tuple(c.name for c in meta.partition_key)
    if wanted_pk != live.partition_key:
        problems.append(f"partition key is {list(live.partition_key)}, model has {list(wanted_pk)}")
    wanted_ck = tuple((c.name, c.clustering_order) for c in meta.clustering_key)
    if wanted_ck != live.clustering_key:
        problems.append(
            f"clustering key is {list(live.clustering_key)}, model has {list(wanted_ck)}"
        )
    for column in meta.columns:
        if column.name not in live.columns:
            continue
        live_type, kind = live.columns[column.name]
        if normalize_type(live_type) != normalize_type(column.cql_type):
            problems.append(f"column {column.name} is {live_type}, model has {column.cql_type}")
        if (kind == "static") != column.static and not column.is_key:
            problems.append(f"column {column.name} static differs (live kind {kind})")
    for column in meta.columns:
        key = index_key(column)
        if key is None or key in live.index_targets:
            continue
        name = index_name(meta, column)
        if name in live.indexes:  # CREATE INDEX IF NOT EXISTS would silently keep it
            problems.append(
                f"index {name} is on {live.indexes[name]}, model has {_target_text(column)}"
            )
    return problems


def plan_sync(meta: TableMeta, table: Table, live: LiveTable | None) -> list[str]:
    """The DDL that makes the live table match the model (empty when it already does)."""
    indexed = [c for c in meta.columns if c.index is not None]
    if live is None:
        return [create_table_cql(meta, table)] + [create_index_cql(meta, c, table) for c in indexed]
    problems = _problems(meta, live)
    if problems:
        raise IncompatibleSchemaChange(table.render(), problems)
    plan = [
        f"ALTER TABLE {table.render()} ADD {_column_def(c)}"
        for c in meta.columns
        if c.name not in live.columns
    ]
    plan += [
        create_index_cql(meta, c, table) for c in indexed if index_key(c) not in live.index_targets
    ]
    changed = {
        name: value
        for name, value in meta.settings.options.items()
        if not _same_option(value, live.options.get(name))
    }
    if changed:
        options = " AND ".join(_options(changed, meta.model_name))
        plan.append(f"ALTER TABLE {table.render()} WITH {options}")
    return plan
