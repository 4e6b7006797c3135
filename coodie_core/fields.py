"""``typing.Annotated`` markers that give document fields their CQL roles.

Markers are small frozen dataclasses; Pydantic keeps them untouched in
``FieldInfo.metadata`` and :mod:`coodie_core.meta` reads them from there::

    class Reading(Document):
        sensor: Annotated[str, PartitionKey()]
        day: Annotated[date, PartitionKey(1)]
        at: Annotated[datetime, ClusteringKey(order="DESC")]
        level: Annotated[int, CqlType("smallint")] = 0
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coodie_core.errors import ModelDefinitionError

__all__ = [
    "ClusteringKey",
    "Counter",
    "CqlType",
    "Frozen",
    "Indexed",
    "PartitionKey",
    "Static",
    "Vector",
]


@dataclass(frozen=True)
class PartitionKey:
    """Marks a partition key column; ``position`` orders composite partition keys."""

    position: int = 0


@dataclass(frozen=True)
class ClusteringKey:
    """Marks a clustering column; ``position`` orders them, ``order`` is ASC or DESC."""

    position: int = 0
    order: Literal["ASC", "DESC"] = "ASC"

    def __post_init__(self) -> None:
        if self.order not in ("ASC", "DESC"):
            raise ModelDefinitionError(
                f"ClusteringKey order must be 'ASC' or 'DESC', not {self.order!r}"
            )


@dataclass(frozen=True)
class Indexed:
    """Asks for a secondary index on the column.

    ``name`` defaults to ``<table>_<column>_idx``; ``using`` names a custom index
    class such as ``'sai'`` (Cassandra 5 storage-attached index). Both are checked
    when the model class is created (:mod:`coodie_core.meta`), so the error names
    the model and field.
    """

    name: str | None = None
    using: str | None = None


@dataclass(frozen=True)
class Static:
    """Marks a static column (one value per partition)."""


@dataclass(frozen=True)
class Frozen:
    """Stores a collection or tuple column frozen (written and read as one value)."""


@dataclass(frozen=True)
class CqlType:
    """Overrides the CQL type inferred from the annotation, e.g. ``CqlType("ascii")``."""

    name: str

    def __post_init__(self) -> None:
        allowed = set("abcdefghijklmnopqrstuvwxyz0123456789_<>, ")
        if not self.name or not set(self.name.lower()) <= allowed:
            raise ModelDefinitionError(f"invalid CQL type text {self.name!r}")


@dataclass(frozen=True)
class Counter:
    """Marks a ``counter`` column; a table with counters holds only keys and counters."""


@dataclass(frozen=True)
class Vector:
    """Maps a ``list[float]`` field to Cassandra 5's ``vector<float, dimension>``."""

    dimension: int
    element: str = "float"

    def __post_init__(self) -> None:
        if self.dimension < 1:
            raise ModelDefinitionError(f"vector dimension must be positive: {self.dimension}")
