"""Code generation for row readers: one function per (class, column list).

A row reader turns a driver row into a validated document. Written by hand, it
would loop over the columns for every row; generated once per shape, it reads
the tuple by position with no per-column loop and no call for the columns whose
driver value needs no conversion (the common case). What is generated:

* the ``{field: value}`` dict handed to validation: a column's driver value,
  converted where its CQL type needs it (naive UTC datetime -> aware, inline), a
  null non-frozen collection made empty, a null in a non-Optional, non-key field
  left out (so the field's default applies, or validation says it is required);
* then ``validate(values)`` and one ``finish`` step (see :func:`compile_reader`);
* a single-row ``read(row)`` and a page-at-a-time ``read_all(rows)`` with the
  same body inlined in its loop.

Column names appear only as string literals (repr of validated CQL identifiers)
and values as ``v<position>``; everything else comes from the namespace.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from coodie_core.driver_values import read_converter, utc_datetime
from coodie_core.meta import ColumnMeta

__all__ = ["compile_reader", "row_dict_source"]

_EMPTY = {"list": "[]", "set": "set()", "map": "{}"}
_NAMESPACE = {
    "_NAIVE_EPOCH": datetime.datetime(1970, 1, 1),
    "_UTC_EPOCH": datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc),
}


def row_dict_source(
    used: Sequence[tuple[int, ColumnMeta]], namespace: dict[str, Any]
) -> tuple[str, list[str]]:
    """The dict display of the values (``{'a': v0, ...}``) and the statements that
    drop nulls of non-Optional fields; converters are added to ``namespace``."""
    items, drops = [], []
    for i, column in used:
        value = f"v{i}"
        convert = read_converter(column.node)
        if convert is utc_datetime:  # the driver's naive UTC datetime made aware
            namespace[f"c{i}"] = convert
            value = (  # the driver decodes timestamps to datetimes: no type check
                f"(None if v{i} is None else _UTC_EPOCH + (v{i} - _NAIVE_EPOCH) "
                f"if v{i}.tzinfo is None else c{i}(v{i}))"
            )
        elif convert is not None:
            namespace[f"c{i}"] = convert
            value = f"(None if v{i} is None else c{i}(v{i}))"
        if column.is_multicell:
            value = f"({_EMPTY[column.kind]} if v{i} is None else {value})"
        elif not column.nullable and not column.is_key:  # key columns are never null
            drops.append(f"if v{i} is None:\n    del values[{column.name!r}]")
        items.append(f"{column.name!r}: {value}")
    return "{" + ", ".join(items) + "}", drops


def compile_reader(
    width: int,
    used: Sequence[tuple[int, ColumnMeta]],
    *,
    validate: Callable[[dict[str, Any]], Any],
    as_tuple: Callable[[Any], tuple[Any, ...]],
    finish: str,
    extra: dict[str, Any] | None = None,
) -> tuple[Callable[[Any], Any], Callable[[Sequence[Any]], list[Any]]]:
    """``(read, read_all)`` for rows of ``width`` columns, ``used`` being the
    (position, column) pairs that are fields of the model.

    ``finish`` is a statement run after validation with ``doc`` and ``values`` in
    scope (empty for none); names it uses come from ``extra``.
    """
    namespace: dict[str, Any] = {**_NAMESPACE, **(extra or {})}
    namespace.update(validate=validate, as_tuple=as_tuple)
    display, drops = row_dict_source(used, namespace)
    unpack = ", ".join(f"v{i}" for i in range(width)) + ("," if width == 1 else "")
    body = [
        "if type(row) is not tuple:",
        "    row = as_tuple(row)",
        f"{unpack} = row",
        f"values = {display}",
        *drops,
        "doc = validate(values)",
        *([finish] if finish else []),
    ]

    def indent(lines: list[str], depth: int) -> str:
        pad = "    " * depth
        return "".join(f"{pad}{part}\n" for line in lines for part in line.split("\n"))

    source = (
        f"def read(row):\n{indent(body, 1)}    return doc\n\n"
        f"def read_all(rows):\n    out = []\n    append = out.append\n"
        f"    for row in rows:\n{indent(body, 2)}        append(doc)\n    return out\n"
    )
    exec(compile(source, "<coodie row reader>", "exec"), namespace)
    return namespace["read"], namespace["read_all"]
