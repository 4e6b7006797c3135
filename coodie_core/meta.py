"""Table metadata: one frozen :class:`TableMeta` per document class.

Built once from Pydantic's resolved ``model_fields`` (so ``from __future__ import
annotations`` works) and the class's inner ``Settings``, which is parsed into a
typed :class:`TableSettings`; an unknown setting is an error.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pydantic
from pydantic.fields import FieldInfo

from coodie_core.cqltypes import (
    Checker,
    TypeNode,
    cql_type_for,
    is_user_type,
    parse_type,
    strip_optional,
    value_checker,
)
from coodie_core.errors import InvalidIdentifier, InvalidValue, ModelDefinitionError, UnknownField
from coodie_core.fastpaths import Acceptor, write_check
from coodie_core.fields import (
    INDEX_TARGETS,
    ClusteringKey,
    Counter,
    Frozen,
    Indexed,
    PartitionKey,
    Static,
)
from coodie_core.identifiers import quote, snake_case, validate_name
from coodie_core.settings import TABLE_OPTIONS, TableSettings, parse_settings

__all__ = [
    "SIZED_KEY_KINDS",
    "TABLE_OPTIONS",
    "ColumnMeta",
    "TableMeta",
    "TableSettings",
    "build_table_meta",
    "parse_settings",
    "snake_case",
]

#: Key column types whose values' size Cassandra limits (and which may be empty).
SIZED_KEY_KINDS = frozenset({"text", "ascii", "varchar", "blob"})
_COLLECTIONS = frozenset({"list", "set", "map"})
#: What each ``Indexed(target=...)`` needs of its column, as told in errors.
_TARGET_NEEDS = {
    "keys": "a non-frozen map",
    "entries": "a non-frozen map",
    "values": "a non-frozen list, set or map",
    "full": "a frozen list, set or map",
}


@dataclass(frozen=True)
class ColumnMeta:
    """One column: its CQL type and role, and how to check values for it."""

    model_name: str
    name: str
    cql_type: str
    annotation: Any = field(repr=False, compare=False)
    partition_position: int | None = None
    clustering_position: int | None = None
    clustering_order: str = "ASC"
    static: bool = False
    index: Indexed | None = None
    nullable: bool = True

    @property
    def quoted(self) -> str:
        """The column name as it appears in CQL."""
        return quote(self.name)

    @property
    def is_key(self) -> bool:
        """True for partition key and clustering columns."""
        return self.partition_position is not None or self.clustering_position is not None

    @cached_property
    def node(self) -> TypeNode:
        """The parsed CQL type (parsed once per column)."""
        return parse_type(self.cql_type)

    @cached_property
    def kind(self) -> str:
        """The outer CQL type name without ``frozen`` (``list``, ``map``, ``int``...)."""
        return self.node.unfrozen().name

    @cached_property
    def is_multicell(self) -> bool:
        """True for non-frozen collections (they read back ``None`` when empty)."""
        return self.node.name in _COLLECTIONS

    @cached_property
    def index_target(self) -> str | None:
        """What the column's index covers (None: not indexed).

        ``keys``, ``values``, ``entries`` or ``full`` as the marker asks; without
        one, ``values`` for a non-frozen collection (as Cassandra reads a bare
        collection column), ``full`` for a frozen collection (the only index it
        takes) and ``column`` for any other column.
        """
        if self.index is None:
            return None
        if self.index.target is not None:
            return self.index.target
        if self.is_multicell:
            return "values"
        return "full" if self.node.frozen and self.kind in _COLLECTIONS else "column"

    @cached_property
    def checker(self) -> Checker | None:
        """The CQL value check of this column (None when its values need none)."""
        return value_checker(self.cql_type)

    @cached_property
    def check(self) -> Acceptor:
        """``validate(value)`` as one call: values of exactly the column's plain type
        take a fast path (see :mod:`coodie_core.fastpaths`)."""
        return write_check(self.annotation, self.checker, self._validate_whole)

    @cached_property
    def _adapter(self) -> pydantic.TypeAdapter[Any]:
        return _adapter(self.annotation)

    @cached_property
    def _part_adapters(self) -> dict[str, pydantic.TypeAdapter[Any]]:
        args = typing.get_args(strip_optional(_unannotated(self.annotation)))
        if self.kind == "map" and len(args) == 2:
            return {"key": _adapter(args[0]), "item": _adapter(args[1])}
        return {"item": _adapter(args[0] if args else Any)}

    def validate(self, value: object, *, part: str | None = None) -> object:
        """Validate (and coerce) a value for this column, or raise InvalidValue.

        ``part="item"`` checks one element of a list or set (one value of a map),
        ``part="key"`` one key of a map.
        """
        if part is None:
            return self.check(value)
        if part not in self._part_adapters:
            raise InvalidValue(self.model_name, self.name, value, f"{self.kind} has no {part}s")
        return self._validated(self._part_adapters[part], value, None)

    def _validate_whole(self, value: object) -> object:
        return self._validated(self._adapter, value, self.checker)

    def _validated(
        self, adapter: pydantic.TypeAdapter[Any], value: object, checker: Checker | None
    ) -> object:
        try:
            checked = adapter.validate_python(value)
        except pydantic.ValidationError as exc:
            reason = "; ".join(e["msg"] for e in exc.errors())
            raise InvalidValue(self.model_name, self.name, value, reason) from None
        problem = None if checker is None or checked is None else checker(checked)
        if problem is not None:
            raise InvalidValue(self.model_name, self.name, value, problem)
        return checked


def _adapter(annotation: Any) -> pydantic.TypeAdapter[Any]:
    config = pydantic.ConfigDict(arbitrary_types_allowed=True)  # Duration and friends
    return pydantic.TypeAdapter(annotation, config=config)


def _unannotated(annotation: Any) -> Any:
    annotation = strip_optional(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return _unannotated(typing.get_args(annotation)[0])
    return annotation


@dataclass(frozen=True)
class TableMeta:
    """Everything coodie knows about a document's table, computed once per class."""

    model_name: str
    name: str
    columns: tuple[ColumnMeta, ...]
    settings: TableSettings

    @property
    def keyspace(self) -> str | None:
        """The keyspace from ``Settings`` (else the connection's default)."""
        return self.settings.keyspace

    @cached_property
    def partition_key(self) -> tuple[ColumnMeta, ...]:
        """Partition key columns in order."""
        cols = [c for c in self.columns if c.partition_position is not None]
        return tuple(sorted(cols, key=lambda c: c.partition_position or 0))

    @cached_property
    def clustering_key(self) -> tuple[ColumnMeta, ...]:
        """Clustering columns in order."""
        cols = [c for c in self.columns if c.clustering_position is not None]
        return tuple(sorted(cols, key=lambda c: c.clustering_position or 0))

    @cached_property
    def primary_key(self) -> tuple[ColumnMeta, ...]:
        """Partition key then clustering columns."""
        return self.partition_key + self.clustering_key

    @cached_property
    def sized_keys(self) -> tuple[ColumnMeta, ...]:
        """Key columns of text or blob type, whose values' sizes Cassandra limits
        (see :mod:`coodie_core.key_size`); empty for most tables."""
        return tuple(c for c in self.primary_key if c.kind in SIZED_KEY_KINDS)

    @cached_property
    def is_counter_table(self) -> bool:
        """True when the table holds counters."""
        return any(c.cql_type == "counter" for c in self.columns)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """All column names in declaration order."""
        return tuple(c.name for c in self.columns)

    @cached_property
    def by_name(self) -> Mapping[str, ColumnMeta]:
        """The columns by name."""
        return {c.name: c for c in self.columns}

    def column(self, name: str) -> ColumnMeta:
        """The column called ``name``, or :class:`UnknownField`."""
        column = self.by_name.get(name)
        if column is None:
            raise UnknownField(self.model_name, name)
        return column


def build_table_meta(
    model_name: str, fields: Mapping[str, FieldInfo], settings: TableSettings
) -> TableMeta:
    """Build the :class:`TableMeta` of a model from its resolved Pydantic fields."""
    columns: list[ColumnMeta] = []
    for name, info in fields.items():
        _named(model_name, name, "column")
        columns.append(_column(model_name, name, info))
    table = TableMeta(
        model_name=model_name,
        name=settings.name or snake_case(model_name),
        columns=_ordered_keys(columns),
        settings=settings,
    )
    _check_table(table)
    return table


def _named(where: str, name: object, kind: str) -> str:
    """``validate_name`` with ``where`` (the model, or model.field) in the error."""
    try:
        return validate_name(name, kind)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(f"{where}: {exc}") from None


def _index(where: str, markers: list[Indexed]) -> Indexed | None:
    """Check a column's ``Indexed`` marker: one at most, its name and class, and
    that its target is one of :data:`~coodie_core.fields.INDEX_TARGETS` (whether
    it fits the column's type is :func:`_check_index_target`'s job); errors name
    ``where``."""
    if not markers:
        return None
    if len(markers) > 1:
        raise ModelDefinitionError(
            f"{where}: one Indexed marker per column, not {len(markers)}: {markers}"
        )
    index = markers[0]
    if index.name is not None:
        _named(where, index.name, "index")
    using = index.using
    if using is not None and not (isinstance(using, str) and using.replace(".", "").isidentifier()):
        raise ModelDefinitionError(f"{where}: invalid index class {using!r}")
    if index.target is not None and index.target not in INDEX_TARGETS:
        raise ModelDefinitionError(
            f"{where}: invalid index target {index.target!r}; use one of "
            f"{', '.join(INDEX_TARGETS)}, or none to index the column itself"
        )
    return index


def _check_index_target(where: str, column: ColumnMeta) -> None:
    """Refuse an index target Cassandra would refuse for the column's type."""
    target = column.index.target if column.index is not None else None
    if target is None:
        return
    node = column.node
    fits = {
        "keys": node.name == "map",
        "entries": node.name == "map",
        "values": column.is_multicell,
        "full": node.frozen and column.kind in _COLLECTIONS,
    }[target]
    if not fits:
        raise ModelDefinitionError(
            f"{where}: index target {target!r} needs {_TARGET_NEEDS[target]} column, "
            f"not {column.cql_type}"
        )


def _column(model_name: str, name: str, info: FieldInfo) -> ColumnMeta:
    meta = info.metadata
    pk = next((m for m in meta if isinstance(m, PartitionKey)), None)
    ck = next((m for m in meta if isinstance(m, ClusteringKey)), None)
    where = f"{model_name}.{name}"
    if pk is not None and ck is not None:
        raise ModelDefinitionError(f"{where}: both partition key and clustering key")
    markers = list(meta)
    if (pk or ck) and is_user_type(_unannotated(info.annotation)):
        markers.append(Frozen())  # a UDT in a primary key must be frozen
    try:
        cql_type = cql_type_for(info.annotation, markers)
    except ModelDefinitionError as exc:
        raise ModelDefinitionError(f"{where}: {exc}") from None
    column = ColumnMeta(
        model_name=model_name,
        name=name,
        cql_type=cql_type,
        annotation=info.rebuild_annotation(),
        partition_position=pk.position if pk else None,
        clustering_position=ck.position if ck else None,
        clustering_order=ck.order if ck else "ASC",
        static=any(isinstance(m, Static) for m in meta),
        index=_index(where, [m for m in meta if isinstance(m, Indexed)]),
        nullable=strip_optional(info.annotation) is not info.annotation,
    )
    if column.is_key and (column.static or column.is_multicell or cql_type == "counter"):
        raise ModelDefinitionError(
            f"{where}: a key column cannot be static, a counter or a non-frozen collection"
        )
    if column.is_key and any(isinstance(m, Counter) for m in meta):
        raise ModelDefinitionError(f"{where}: a key column cannot be a counter")
    _check_index_target(where, column)
    return column


def _ordered_keys(columns: list[ColumnMeta]) -> tuple[ColumnMeta, ...]:
    """Renumber key positions 0..n-1, keeping declaration order among equal positions."""
    result = list(columns)
    pks = sorted(
        (i for i, c in enumerate(result) if c.partition_position is not None),
        key=lambda i: result[i].partition_position or 0,
    )
    for rank, i in enumerate(pks):
        result[i] = replace(result[i], partition_position=rank)
    cks = sorted(
        (i for i, c in enumerate(result) if c.clustering_position is not None),
        key=lambda i: result[i].clustering_position or 0,
    )
    for rank, i in enumerate(cks):
        result[i] = replace(result[i], clustering_position=rank)
    return tuple(result)


def _check_table(table: TableMeta) -> None:
    model = table.model_name
    _named(model, table.name, "table")
    if not table.partition_key:
        raise ModelDefinitionError(f"{model}: no partition key; mark a field PartitionKey()")
    discriminator = table.settings.discriminator
    if discriminator is not None and discriminator not in table.names:
        raise ModelDefinitionError(f"{model}: discriminator column {discriminator!r} is no field")
    statics = [c.name for c in table.columns if c.static]
    if statics and not table.clustering_key:
        raise ModelDefinitionError(f"{model}: static column(s) {statics} need clustering keys")
    if table.is_counter_table:
        others = [c.name for c in table.columns if not c.is_key and c.cql_type != "counter"]
        if others:
            raise ModelDefinitionError(
                f"{model}: a counter table holds only keys and counters, not {others}"
            )
    for col in table.columns:
        if (
            col.index is not None
            and col.partition_position is not None
            and (len(table.partition_key) == 1)
        ):
            raise ModelDefinitionError(f"{model}.{col.name}: cannot index a sole partition key")
