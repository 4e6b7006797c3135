"""Materialized views, pure part: checking a view against its base table and the DDL.

A view is a document class whose ``Settings.view_of`` names the base document
class. Its fields are base columns (same names and types); its primary key must
hold every base primary key column plus at most one other column, as Cassandra
requires. Views are read-only: documents refuse to write them.
"""

from __future__ import annotations

from coodie_core.errors import ModelDefinitionError
from coodie_core.meta import TableMeta
from coodie_core.schema import cql_literal
from coodie_core.statements import Table

__all__ = ["check_view", "create_view_cql", "drop_view_cql"]


def check_view(view: TableMeta, base: TableMeta) -> None:
    """Raise ModelDefinitionError unless ``view`` can be a view of ``base``."""
    model = view.model_name
    for column in view.columns:
        if column.name not in base.names:
            raise ModelDefinitionError(
                f"{model}.{column.name}: no such column in {base.model_name}"
            )
        source = base.column(column.name)
        if source.cql_type != column.cql_type:
            raise ModelDefinitionError(
                f"{model}.{column.name} is {column.cql_type}, "
                f"{base.model_name} has {source.cql_type}"
            )
        if column.index is not None or column.static or column.cql_type == "counter":
            raise ModelDefinitionError(
                f"{model}.{column.name}: a view column cannot be indexed, static or a counter"
            )
    view_key = {c.name for c in view.primary_key}
    missing = [c.name for c in base.primary_key if c.name not in view_key]
    if missing:
        raise ModelDefinitionError(f"{model}: the view's primary key lacks base key(s) {missing}")
    extra = [n for n in view_key if not base.column(n).is_key]
    if len(extra) > 1:
        raise ModelDefinitionError(
            f"{model}: a view's key may add one non-key column of the base, not {extra}"
        )
    if "default_time_to_live" in view.settings.options:
        raise ModelDefinitionError(f"{model}: a view cannot set default_time_to_live")


def create_view_cql(view: TableMeta, table: Table, base: Table) -> str:
    """``CREATE MATERIALIZED VIEW IF NOT EXISTS`` selecting the view's columns."""
    columns = ", ".join(c.quoted for c in view.columns)
    not_null = " AND ".join(f"{c.quoted} IS NOT NULL" for c in view.primary_key)
    partition = ", ".join(c.quoted for c in view.partition_key)
    key = ", ".join([f"({partition})", *(c.quoted for c in view.clustering_key)])
    cql = (
        f"CREATE MATERIALIZED VIEW IF NOT EXISTS {table.render()} AS SELECT {columns} "
        f"FROM {base.render()} WHERE {not_null} PRIMARY KEY ({key})"
    )
    withs = []
    if view.clustering_key:
        order = ", ".join(f"{c.quoted} {c.clustering_order}" for c in view.clustering_key)
        withs.append(f"CLUSTERING ORDER BY ({order})")
    withs += [f"{k} = {cql_literal(v)}" for k, v in sorted(view.settings.options.items())]
    return cql + (f" WITH {' AND '.join(withs)}" if withs else "")


def drop_view_cql(table: Table) -> str:
    """``DROP MATERIALIZED VIEW IF EXISTS``."""
    return f"DROP MATERIALIZED VIEW IF EXISTS {table.render()}"
