"""Single-table inheritance: which class a row becomes, and which rows a class reads.

The *root* is the class whose ``Settings`` name a ``discriminator`` column; its
subclasses set ``Settings.discriminator_value`` and share its table. Subclasses
are found through ``type.__subclasses__`` when a query is built, so there is no
registry to keep; the union of their columns is cached on the root, keyed by
the subclasses it was built from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from coodie_core.errors import ModelDefinitionError
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.statements import Where

if TYPE_CHECKING:
    from coodie_core.document import Document

__all__ = ["descendants", "implicit_where", "is_root", "read_table", "subclass_map"]


def is_root(model: type[Document]) -> bool:
    """True for the class that declares the discriminator column."""
    if model.__table_settings__.discriminator is None:
        return False
    parents = [b for b in model.__mro__[1:] if hasattr(b, "__table_settings__")]
    return not parents or parents[0].__table_settings__.discriminator is None


def descendants(model: type[Document]) -> list[type[Document]]:
    """Every subclass of ``model``, depth first."""
    found: list[type[Document]] = []
    for sub in model.__subclasses__():
        found.append(sub)
        found.extend(descendants(sub))
    return found


def subclass_map(model: type[Document]) -> dict[object, type[Document]]:
    """Discriminator value -> class, for ``model`` and its subclasses."""
    result: dict[object, type[Document]] = {}
    for cls in [model, *descendants(model)]:
        value = cls.__table_settings__.discriminator_value
        if value is not None:
            if value in result and result[value] is not cls:
                raise ModelDefinitionError(
                    f"{cls.__name__} and {result[value].__name__} share discriminator {value!r}"
                )
            result[value] = cls
    return result


def read_table(model: type[Document]) -> TableMeta:
    """The table as read through ``model``: for a root, every subclass's columns too."""
    table = model.table_meta()
    if model.__table_settings__.discriminator is None or not is_root(model):
        return table
    subs = tuple(descendants(model))
    cached = model.__dict__.get("__union_meta__")
    if cached is not None and cached[0] == subs:
        return cached[1]  # type: ignore[no-any-return]
    columns: dict[str, ColumnMeta] = {c.name: c for c in table.columns}
    for sub in subs:
        for column in sub.table_meta().columns:
            known = columns.get(column.name)
            if known is None:
                columns[column.name] = column
            elif known.cql_type != column.cql_type or known.is_key != column.is_key:
                raise ModelDefinitionError(
                    f"{sub.__name__}.{column.name} is {column.cql_type}, but "
                    f"{known.model_name}.{column.name} in the same table is {known.cql_type}"
                )
    union = replace(table, columns=tuple(columns.values()))
    type.__setattr__(model, "__union_meta__", (subs, union))
    return union


def implicit_where(model: type[Document]) -> tuple[Where, ...]:
    """``discriminator = value`` for a subclass (nothing for the root or plain models)."""
    settings = model.__table_settings__
    if settings.discriminator is None or settings.discriminator_value is None or is_root(model):
        return ()
    column = model.table_meta().column(settings.discriminator)
    return (Where(column.name, "=", column.validate(settings.discriminator_value)),)


def decoder_classes(model: type[Document]) -> Mapping[object, Any] | None:
    """For a root, the class per discriminator value; None otherwise."""
    return subclass_map(model) if is_root(model) else None
