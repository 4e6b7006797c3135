"""Per-class machinery built once and kept on the document class.

* :func:`cql_checks`: the columns whose values need a CQL check (int ranges,
  ascii, vector size), for the model's after-validator.
* :func:`read_validator`: the class's Pydantic validator without coodie's own
  model validators. Rows read back are fully validated (types, constraints, the
  user's field and model validators) but skip the CQL value checks, which a value
  read from a CQL column passes by construction, and the discriminator filler;
  ``extra="forbid"`` is dropped too (a row holds only the model's columns).
* :func:`row_reader`: driver row -> document, for one class and one column list:
  a builder compiled once per shape (tuple position -> converted value, only the
  columns whose driver value needs converting are converted), then the read
  validator, then the snapshot used by change tracking (only mutable values
  are copied).
"""

from __future__ import annotations

import datetime
import decimal
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pydantic
from pydantic_core import SchemaValidator

from coodie_core.changes import snapshot_value
from coodie_core.cqltypes import Checker
from coodie_core.fastpaths import plain_acceptor, plain_type
from coodie_core.meta import ColumnMeta, TableMeta
from coodie_core.rowcode import compile_reader

if TYPE_CHECKING:
    from coodie_core.document import Document

__all__ = [
    "LOADED",
    "RowReader",
    "cql_checks",
    "get_state",
    "read_validator",
    "row_reader",
    "set_state",
]

_set_private = pydantic.BaseModel.__dict__["__pydantic_private__"].__set__
_OWN = frozenset({"Document._check_cql_values", "_fill_discriminator"})
_WRAPPERS = frozenset({"function-after", "function-before", "function-wrap"})


#: Marks a ``__pydantic_private__`` that *is* the snapshot of a document just read
#: (the row's values dict plus this key): one dict per row instead of two, and one
#: the garbage collector does not track when the values are atomic.
LOADED = "_coodie_loaded"


def get_state(doc: pydantic.BaseModel, key: str) -> Any:
    """What a document knows about its row: ``_snapshot`` or ``_partial`` (None if unset)."""
    private = doc.__pydantic_private__
    if private is None:
        return None
    if LOADED in private:
        return _snapshot_of(private) if key == "_snapshot" else None
    return private.get(key)


def _snapshot_of(private: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in private.items() if k != LOADED}


def set_state(doc: pydantic.BaseModel, key: str, value: Any) -> None:
    """Record what a document knows about its row (``_snapshot``, ``_partial``)."""
    private = doc.__pydantic_private__
    if private is None:
        _set_private(doc, {key: value})
    elif LOADED in private:
        _set_private(doc, {"_snapshot": _snapshot_of(private), key: value})
    else:
        private[key] = value


def cql_checks(model: type[Document]) -> tuple[tuple[str, Checker], ...]:
    """``(field, check)`` for each column whose values need a CQL check; cached."""
    if model.__table_settings__.abstract:
        checks: tuple[tuple[str, Checker], ...] = ()
    else:
        checks = tuple(
            (c.name, c.checker) for c in model.table_meta().columns if c.checker is not None
        )
    type.__setattr__(model, "__cql_checks__", checks)
    return checks


def read_validator(model: type[pydantic.BaseModel]) -> Any:
    """The validator rows are read with (see the module docstring); cached per class
    and rebuilt if the class's own validator is rebuilt."""
    source = model.__pydantic_validator__
    cached = model.__dict__.get("__read_validator__")
    if cached is not None and cached[0] is source:
        return cached[1]
    found: dict[str, Any] = {}
    schema = _without_own(model.__pydantic_core_schema__, found)
    validator: Any = source
    if schema is not model.__pydantic_core_schema__:
        try:
            validator = SchemaValidator(schema, found.get("config"))
        except Exception:  # an unexpected schema layout: keep the full validator
            validator = source
    type.__setattr__(model, "__read_validator__", (source, validator))
    return validator


def _is_own(function: Any) -> bool:
    function = getattr(function, "__func__", function)
    return (
        getattr(function, "__module__", None) == "coodie_core.document"
        and getattr(function, "__qualname__", None) in _OWN
    )


def _without_own(schema: Any, found: dict[str, Any]) -> Any:
    """``schema`` without coodie's model validators (the same object if it has none),
    and without ``extra="forbid"``: a row holds only the model's columns, so the
    unknown-key bookkeeping would cost every row for nothing."""
    kind = schema.get("type")
    if kind not in _WRAPPERS and kind not in ("model", "definitions"):
        return schema
    changes: dict[str, Any] = {}
    if kind == "model":
        config = schema.get("config")
        if config and config.get("extra_fields_behavior") == "forbid":
            config = changes["config"] = {**config, "extra_fields_behavior": "ignore"}
        found.setdefault("config", config)
    inner = _without_own(schema["schema"], found)
    if kind in _WRAPPERS and _is_own(schema["function"]["function"]):
        if "ref" in schema and "ref" not in inner:
            inner = {**inner, "ref": schema["ref"]}
        return inner
    if inner is not schema["schema"]:
        changes["schema"] = inner
    return {**schema, **changes} if changes else schema


@dataclass(frozen=True)
class RowReader:
    """Reads rows of one shape into one document class: ``read(row)`` and
    ``read_all(rows)`` (a list, the loop inlined)."""

    read: Callable[[Any], Any]
    read_all: Callable[[Sequence[Any]], list[Any]]


def row_reader(model: type[Document], table: TableMeta, columns: tuple[str, ...]) -> RowReader:
    """Driver rows (tuples by position, or mappings) -> fully validated ``model``
    instances remembering their loaded values; built once per (class, table,
    columns) and rebuilt when the class's validator is."""
    cache = model.__dict__.get("__row_readers__")
    if cache is None:
        cache = {}
        type.__setattr__(model, "__row_readers__", cache)
    key = (columns, id(table))  # the entry keeps ``table`` alive: its id stays unique
    entry = cache.get(key)
    validator = read_validator(model)
    if entry is not None and entry[0] is table and entry[1] is validator:
        return entry[2]  # type: ignore[no-any-return]
    reader = _make_reader(model, table, columns, validator)
    cache[key] = (table, validator, reader)
    return reader


def _make_reader(
    model: type[Document], table: TableMeta, columns: tuple[str, ...], validator: Any
) -> RowReader:
    fields = model.model_fields
    used = [(i, table.column(name)) for i, name in enumerate(columns) if name in fields]
    extra: dict[str, Any] = {"set_private": _set_private}
    if not isinstance(getattr(model, "_snapshot", None), property):  # not a Document
        finish = ""
    elif not model.__private_attributes__ and _shares_input(model, used):
        # validation returns values equal to its input, in fresh containers: the
        # input dict is the snapshot, nothing is copied
        finish = f"values[{LOADED!r}] = True\nset_private(doc, values)"
    else:
        every_field = len(used) == len(fields)
        extra["finish"] = _snapshot_copier(
            tuple(c for _, c in used), every_field, bool(model.__private_attributes__)
        )
        finish = "finish(doc)"
    read, read_all = compile_reader(
        len(columns),
        used,
        validate=validator.validate_python,
        as_tuple=lambda row: _as_tuple(row, columns),
        finish=finish,
        extra=extra,
    )
    return RowReader(read, read_all)


def _snapshot_copier(
    loaded: tuple[ColumnMeta, ...], every_field: bool, user_private: bool
) -> Callable[[Any], None]:
    names = tuple(c.name for c in loaded)
    copied = tuple(c.name for c in loaded if _may_be_mutable(c))

    def finish(doc: Any) -> None:
        current = doc.__dict__
        snapshot = dict(current) if every_field else {k: current[k] for k in names}
        for name in copied:
            snapshot[name] = snapshot_value(snapshot[name])
        if user_private:  # the model's own private attributes share the dict
            set_state(doc, "_snapshot", snapshot)
        else:
            snapshot[LOADED] = True
            _set_private(doc, snapshot)

    return finish


def _as_tuple(row: Any, columns: Sequence[str]) -> tuple[Any, ...]:
    if isinstance(row, Mapping):
        return tuple(row[name] for name in columns)
    return tuple(row)


def _may_be_mutable(column: ColumnMeta) -> bool:
    """False when the column's values are immutable (plain scalars), so a snapshot
    can share them with the document."""
    return bool(column.node.params) or column.kind == "duration" or not _plain(column)


def _plain(column: ColumnMeta) -> bool:
    return plain_acceptor(column.annotation) is not None


#: The Python type of a converted driver value, per CQL type (``date`` is left
#: out: a date outside Python's range stays a driver ``Date``).
_DRIVER_TYPES: Mapping[str, type] = MappingProxyType(
    {
        **dict.fromkeys(("text", "ascii", "varchar"), str),
        **dict.fromkeys(("tinyint", "smallint", "int", "bigint", "varint", "counter"), int),
        **dict.fromkeys(("float", "double"), float),
        **dict.fromkeys(("uuid", "timeuuid"), uuid.UUID),
        "boolean": bool,
        "blob": bytes,
        "timestamp": datetime.datetime,
        "time": datetime.time,
        "decimal": decimal.Decimal,
    }
)
_CONTAINERS: Mapping[str, type] = MappingProxyType({"list": list, "set": set, "map": dict})
#: ``model_config`` keys that cannot change a validated value.
_NEUTRAL_CONFIG = frozenset(
    {"arbitrary_types_allowed", "title", "frozen", "protected_namespaces", "extra",
     "validate_assignment", "populate_by_name", "json_schema_extra", "use_attribute_docstrings"}
)  # fmt: skip


def _shares_input(model: type[Document], used: Sequence[tuple[int, ColumnMeta]]) -> bool:
    """True when validating a row's values returns them unchanged (equal, in new
    containers): no user validator, no value-changing config, and every column's
    annotation exactly the type of its converted driver value."""
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.validators or decorators.root_validators:
        return False
    if not all(_is_own(d.func) for d in decorators.model_validators.values()):
        return False
    if set(model.model_config) - _NEUTRAL_CONFIG:
        return False
    return all(_same_type(column) for _, column in used)


def _same_type(column: ColumnMeta) -> bool:
    if not (column.nullable or column.is_key or column.is_multicell):
        return False  # a null is dropped for the default: input and document differ
    plain = plain_type(column.annotation)
    node = column.node.unfrozen()
    if not node.params:
        return plain is not None and _DRIVER_TYPES.get(node.name) is plain
    args = typing.get_args(plain)
    if typing.get_origin(plain) is not _CONTAINERS.get(node.name):
        return False
    return len(args) == len(node.params) and all(
        a is _DRIVER_TYPES.get(p.unfrozen().name) for a, p in zip(args, node.params, strict=True)
    )
