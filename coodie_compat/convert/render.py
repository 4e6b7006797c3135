"""Python annotations for column types, and a small line breaker for long fields.

Annotations are built as nodes (plain text, bracketed groups, sequences) so a field
longer than the line limit can be broken at its outermost bracket, one item per
line, the way a formatter would.
"""

from __future__ import annotations

from dataclasses import dataclass

from coodie_compat.convert.imports import WIDTH, ImportTable
from coodie_compat.convert.model import TypeSpec

__all__ = ["Group", "Node", "Seq", "TypeRenderer", "flat", "noqa", "statement"]


@dataclass(frozen=True)
class Group:
    """``head`` items separated by commas ``close``: ``Annotated[`` ... ``]``."""

    head: str
    items: tuple[Node, ...]
    close: str


@dataclass(frozen=True)
class Seq:
    """Nodes written one after the other."""

    parts: tuple[Node, ...]


Node = str | Group | Seq


def flat(node: Node) -> str:
    """The node on one line."""
    if isinstance(node, str):
        return node
    if isinstance(node, Seq):
        return "".join(flat(p) for p in node.parts)
    return node.head + ", ".join(flat(i) for i in node.items) + node.close


def statement(node: Node, indent: str, suffix: str = "") -> list[str]:
    """Lines for ``node``, broken at bracket groups while too long; a line that still
    is (a long string literal) gets a ``noqa`` for the line-length rule."""
    return [
        noqa(line, "E501") if len(line) > WIDTH else line
        for line in _lines(node, "", suffix, indent)
    ]


def noqa(line: str, code: str) -> str:
    """``line`` with ``code`` added to its ``# noqa`` comment."""
    if "  # noqa: " in line:
        return f"{line}, {code}"
    return f"{line}  # noqa: {code}"


def _lines(node: Node, prefix: str, suffix: str, indent: str) -> list[str]:
    text = indent + prefix + flat(node) + suffix
    if len(text) <= WIDTH or isinstance(node, str):
        return [text]
    if isinstance(node, Seq):
        # like a formatter: split the right-most bracket that makes every line fit,
        # else the left-most one
        parts = node.parts
        attempts = []
        for i in reversed(range(len(parts))):
            if _breakable(parts[i]):
                before = "".join(flat(p) for p in parts[:i])
                after = "".join(flat(p) for p in parts[i + 1 :])
                lines = _lines(parts[i], prefix + before, after + suffix, indent)
                if max(len(line) for line in lines) <= WIDTH:
                    return lines
                attempts.append(lines)
        return attempts[-1] if attempts else [text]
    out = [indent + prefix + node.head]
    for item in node.items:
        out += _lines(item, "", ",", indent + "    ")
    out.append(indent + node.close + suffix)
    return out


def _breakable(node: Node) -> bool:
    if isinstance(node, Group):
        return True
    return isinstance(node, Seq) and any(_breakable(p) for p in node.parts)


# -- types --------------------------------------------------------------------------

_BUILTIN = {
    "bigint": "int",
    "blob": "bytes",
    "boolean": "bool",
    "counter": "int",
    "double": "float",
    "text": "str",
}
_MODULE_ATTR = {
    "date": ("datetime", "date"),
    "timestamp": ("datetime", "datetime"),
    "time": ("datetime", "time"),
    "decimal": ("decimal", "Decimal"),
    "uuid": ("uuid", "UUID"),
}
_FROM = {
    "ascii": ("coodie_core.cqltypes", "Ascii"),
    "float": ("coodie_core.cqltypes", "Float32"),
    "int": ("coodie_core.cqltypes", "Int"),
    "smallint": ("coodie_core.cqltypes", "SmallInt"),
    "tinyint": ("coodie_core.cqltypes", "TinyInt"),
    "timeuuid": ("coodie_core.cqltypes", "TimeUUID"),
    "varint": ("coodie_core.cqltypes", "VarInt"),
    "duration": ("cassandra.util", "Duration"),
}


class TypeRenderer:
    """Renders :class:`TypeSpec` values as annotations, requesting their imports."""

    def __init__(self, imports: ImportTable, udt_classes: dict[str, str]) -> None:
        self.imports = imports
        self.udt_classes = udt_classes  # UserType qualname -> generated class name

    def typing(self, name: str) -> str:
        """A name from :mod:`typing`."""
        return self.imports.name("typing", name)

    def core(self, module: str, name: str) -> str:
        """A name from a ``coodie_core`` module."""
        return self.imports.name(f"coodie_core.{module}", name)

    def cql_type(self, text: str) -> str:
        """A ``CqlType("...")`` marker."""
        return f'{self.core("fields", "CqlType")}("{text}")'

    def python(self, spec: TypeSpec) -> Node:
        """The annotation of a type as coodie_core reads it (nested types are frozen)."""
        kind = spec.kind
        if kind in ("list", "set", "map", "tuple"):
            head = {"list": "list[", "set": "set[", "map": "dict[", "tuple": "tuple["}[kind]
            return Group(head, tuple(self.python(p) for p in spec.params), "]")
        if kind == "udt":
            return self.udt_classes[spec.udt or ""]
        if kind in ("inet", "raw"):
            base = "str" if kind == "inet" else self.typing("Any")
            text = "inet" if kind == "inet" else spec.raw or ""
            return Group(f"{self.typing('Annotated')}[", (base, self.cql_type(text)), "]")
        return self.scalar(kind)

    def scalar(self, kind: str) -> str:
        """The Python type (or coodie_core alias) of a CQL scalar type."""
        if kind in _BUILTIN:
            return _BUILTIN[kind]
        if kind in _MODULE_ATTR:
            module, attr = _MODULE_ATTR[kind]
            return f"{self.imports.module(module)}.{attr}"
        module, name = _FROM[kind]
        return self.imports.name(module, name)
