"""Row decoders: driver rows -> plain values -> documents.

The driver hands back its own container and date types (``SortedSet``,
``OrderedMapSerializedKey``, ``cassandra.util.Date``/``Time``) and naive UTC
datetimes; :func:`from_driver` turns them into plain Python values, datetimes
aware in UTC. Empty non-frozen collections read back as ``None`` and become empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic
from cassandra.util import Date, Time

from coodie_core.changes import snapshot_values
from coodie_core.meta import TableMeta

__all__ = ["DocumentDecoder", "ValuesDecoder", "from_driver", "row_values"]

T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)


def from_driver(value: Any) -> Any:
    """Convert one value from the driver's types to plain Python types."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc)
    if isinstance(value, Date):
        try:
            return value.date()
        except ValueError:  # outside Python's date range: keep the driver value
            return value
    if isinstance(value, Time):
        return value.time()
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, Mapping):
        return {from_driver(k): from_driver(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)) or type(value).__name__ == "SortedSet":
        items = [from_driver(v) for v in value]
        # UDT elements decode to dicts (unhashable); Pydantic builds the set from a list
        return items if any(isinstance(v, dict) for v in items) else set(items)
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a user-defined type value
        return {name: from_driver(v) for name, v in zip(value._fields, value, strict=True)}
    if isinstance(value, tuple):
        return tuple(from_driver(v) for v in value)
    if isinstance(value, list):
        return [from_driver(v) for v in value]
    return value


def row_values(row: Any, columns: Sequence[str], table: TableMeta | None) -> dict[str, Any]:
    """Map a driver row (tuple or mapping) to ``{column: plain value}``.

    Non-frozen collections that read back ``None`` (Cassandra's empty) become empty.
    """
    raw = dict(row) if isinstance(row, Mapping) else dict(zip(columns, row, strict=True))
    values = {name: from_driver(value) for name, value in raw.items()}
    if table is not None:
        for name, value in values.items():
            if value is None and name in table.names:
                kind = table.column(name)
                if kind.is_multicell:
                    values[name] = {"list": [], "set": set(), "map": {}}[kind.kind]
    return values


@dataclass(frozen=True)
class DocumentDecoder(Generic[M]):
    """Builds documents from rows; ``partial`` rows (``only``/``defer``) skip
    whole-model validation and remember which fields they hold.

    With ``subclasses`` (single-table inheritance read through the base class) the
    row's ``discriminator`` value picks the class to build; unknown values build
    ``model``. Each document remembers the values it was loaded with, so a later
    ``save()`` sends only what changed.
    """

    model: type[M]
    table: TableMeta
    columns: tuple[str, ...]
    partial: bool = False
    discriminator: str | None = None
    subclasses: Mapping[object, type[M]] | None = None

    def __call__(self, row: Any) -> M:
        """Decode one row."""
        values = row_values(row, self.columns, self.table)
        model = self.model
        if self.subclasses is not None and self.discriminator is not None:
            model = self.subclasses.get(values.get(self.discriminator), model)
            fields = model.model_fields
            values = {k: v for k, v in values.items() if k in fields}
        for name in [k for k, v in values.items() if v is None]:
            if not self.table.column(name).nullable:  # null in a non-Optional field:
                del values[name]  # let the field's default apply (or fail if required)
        if not self.partial:
            document = model.model_validate(values)
        else:
            checked = {k: self.table.column(k).validate(v) for k, v in values.items()}
            document = model.model_construct(_fields_set=set(checked), **checked)
            if hasattr(document, "_partial"):  # Document tracks partial loads for save()
                document._partial = True
        if hasattr(document, "_snapshot"):
            loaded = [
                k for k in (values if self.partial else self.columns) if k in model.model_fields
            ]
            document._snapshot = snapshot_values({k: getattr(document, k) for k in loaded})
        return document


@dataclass(frozen=True)
class ValuesDecoder:
    """Decodes rows to ``{column: value}`` dicts (used for ``distinct`` and ``values``)."""

    table: TableMeta | None
    columns: tuple[str, ...]

    def __call__(self, row: Any) -> dict[str, Any]:
        """Decode one row."""
        return row_values(row, self.columns, self.table)


Decoder = Callable[[Any], T]
