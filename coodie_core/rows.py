"""Row decoders: driver rows -> plain values -> documents.

The driver hands back its own container and date types and naive UTC datetimes;
:func:`from_driver` (see :mod:`coodie_core.driver_values`) turns them into plain
Python values, datetimes aware in UTC. Empty non-frozen collections read back as
``None`` and become empty. Rows may be tuples (coodie's own execution profile),
the driver's named tuples or dicts (a session in legacy configuration mode).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pydantic

from coodie_core.changes import snapshot_values
from coodie_core.driver_values import from_driver
from coodie_core.meta import TableMeta
from coodie_core.readers import RowReader, row_reader, set_state

__all__ = ["DocumentDecoder", "ValuesDecoder", "decoder_for", "from_driver", "row_values"]

T = TypeVar("T")
M = TypeVar("M", bound=pydantic.BaseModel)


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

    _reader: RowReader | None = field(default=None, init=False, repr=False, compare=False)

    def __call__(self, row: Any) -> M:
        """Decode one row."""
        return self.reader().read(row)  # type: ignore[no-any-return]

    def decode_all(self, rows: Sequence[Any]) -> list[M]:
        """Decode a page of rows (the per-row loop runs in the compiled reader)."""
        return self.reader().read_all(rows)

    def reader(self) -> RowReader:
        """The row reader for this decoder's shape (built once per class and shape)."""
        reader = self._reader
        if reader is None:
            reader = self._make_reader()
            object.__setattr__(self, "_reader", reader)
        return reader

    def _make_reader(self) -> RowReader:
        if self.partial:
            read: Callable[[Any], Any] = self._partial_document
            return RowReader(read, lambda rows: [read(row) for row in rows])
        model: Any = self.model
        if self.subclasses is None or self.discriminator is None:
            return row_reader(model, self.table, self.columns)
        where, columns = self.columns.index(self.discriminator), self.columns
        readers = {v: row_reader(c, self.table, columns) for v, c in self.subclasses.items()}  # type: ignore[arg-type]
        default = row_reader(model, self.table, columns)

        def by_discriminator(row: Any) -> Any:
            value = row[columns[where]] if isinstance(row, Mapping) else row[where]
            return readers.get(from_driver(value), default).read(row)

        return RowReader(by_discriminator, lambda rows: [by_discriminator(r) for r in rows])

    def _partial_document(self, row: Any) -> M:
        """A document loaded with ``only``/``defer``: each value checked alone, no
        whole-model validation; it remembers which fields it holds."""
        values = row_values(row, self.columns, self.table)
        model = self.model
        if self.subclasses is not None and self.discriminator is not None:
            model = self.subclasses.get(values.get(self.discriminator), model)
        fields, table = model.model_fields, self.table
        checked = {}
        for name, value in values.items():
            if name not in fields:
                continue  # a column the model lacks (a sibling subclass's, another app's)
            column = table.column(name)
            if value is None and not column.nullable:  # null in a non-Optional field:
                continue  # let the field's default apply (or fail if required)
            checked[name] = column.validate(value)
        document = model.model_construct(_fields_set=set(checked), **checked)
        loaded = {k: getattr(document, k) for k in checked}
        if hasattr(document, "_snapshot"):  # a Document: tracks partial loads for save()
            set_state(document, "_partial", True)
            set_state(document, "_snapshot", snapshot_values(loaded))
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


def decoder_for(
    model: type[M],
    table: TableMeta,
    columns: tuple[str, ...],
    partial: bool,
    subclasses: Mapping[object, type[M]] | None,
) -> DocumentDecoder[M]:
    """The :class:`DocumentDecoder` of a query shape, kept on the model class (a new
    one when the table or the subclasses it was made for changed)."""
    cache = model.__dict__.get("__decoders__")
    if cache is None:
        cache = {}
        type.__setattr__(model, "__decoders__", cache)
    decoder = cache.get((columns, partial))
    if decoder is None or decoder.table is not table or decoder.subclasses != subclasses:
        discriminator = table.settings.discriminator
        decoder = DocumentDecoder(model, table, columns, partial, discriminator, subclasses)
        cache[(columns, partial)] = decoder
    return decoder
