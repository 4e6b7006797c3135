"""The bridge from a compat model's columns to the core's table metadata.

:func:`table_meta` runs once per model class, from ``ModelMetaClass``, and the
result is stored on the class as ``_table_meta``: the single description of
the table that schema management (and any other core-side consumer) reads.

cqlengine resolves a model's keyspace and connection when it is used
(``_get_keyspace()`` reads ``models.DEFAULT_KEYSPACE`` at call time, and
``ContextQuery`` retargets clones after they are built), so the metadata
carries neither: callers ask the model.  Table options (``__options__``) are
carried as declared; the metaclass has already checked them
(``_model_meta.check_declared_names``), where cqlengine checks them only when
a table is synced.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from coodie_compat._model_meta import table_name
from coodie_core.fields import Indexed
from coodie_core.meta import ColumnMeta, TableMeta, TableSettings

__all__ = ["table_meta"]


def table_meta(model: Any) -> TableMeta:
    """The :class:`TableMeta` of a (non-abstract) compat model class.

    Columns keep the model's order; each has its CQL name (``db_field``), the
    CQL type text of ``cql_parameterized_type()``, its partition or clustering
    position, clustering order, static flag and an ``Indexed`` marker when
    ``index=True`` (custom indexes are managed elsewhere, so they get none).
    """
    name = table_name(model, warn=False)
    partition = {n: i for i, n in enumerate(model._partition_keys)}
    clustering = {n: i for i, n in enumerate(model._clustering_keys)}
    columns = tuple(
        _column_meta(model.__name__, col, partition.get(attr), clustering.get(attr))
        for attr, col in model._columns.items()
    )
    options = MappingProxyType(dict(model.__options__ or {}))
    settings = TableSettings(name=name, abstract=bool(model.__abstract__), options=options)
    return TableMeta(model_name=model.__name__, name=name, columns=columns, settings=settings)


def _column_meta(
    model_name: str, column: Any, partition_position: int | None, clustering_position: int | None
) -> ColumnMeta:
    order = (column.clustering_order or "asc").upper()
    return ColumnMeta(
        model_name=model_name,
        name=column.db_field_name,
        cql_type=column.cql_parameterized_type(),
        annotation=Any,
        partition_position=partition_position,
        clustering_position=clustering_position,
        clustering_order=order,
        static=bool(column.static),
        index=Indexed() if column.index else None,
    )
