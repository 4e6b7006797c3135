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
    "INDEX_TARGETS",
    "ClusteringKey",
    "Counter",
    "CqlType",
    "Frozen",
    "IndexTarget",
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


#: What an index on a collection covers (``CREATE INDEX ... ON t (KEYS(m))``...).
IndexTarget = Literal["keys", "values", "entries", "full"]
#: The accepted ``Indexed(target=...)`` values.
INDEX_TARGETS: tuple[IndexTarget, ...] = ("keys", "values", "entries", "full")


@dataclass(frozen=True)
class Indexed:
    """Asks for a secondary index on the column.

    ``name`` defaults to ``<table>_<column>_idx``; ``using`` names a custom index
    class such as ``'sai'`` (Cassandra 5 storage-attached index). ``target`` says
    what an index on a collection covers:

    - ``"keys"``: a map's keys (serves ``m__contains_key=``);
    - ``"values"``: a list's, set's or map's values (serves ``m__contains=``);
    - ``"entries"``: a map's key/value pairs (``m[key] = value`` in CQL, which
      coodie_core's filters do not produce: only ``allow_filtering()`` queries
      or raw CQL use it);
    - ``"full"``: a frozen list, set or map as one value (serves ``f=``).

    Left out, the index is on the column itself: for a non-frozen collection
    Cassandra takes that as ``"values"``, and for a frozen collection coodie
    renders ``"full"``, the only index Cassandra accepts on one. All three are
    checked against the column when the model class is created
    (:mod:`coodie_core.meta`), so the error names the model and field.
    """

    name: str | None = None
    using: str | None = None
    target: IndexTarget | None = None


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
