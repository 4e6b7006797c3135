"""The converter's intermediate representation: parsed classes, columns, findings.

Everything here is a frozen value; the parser builds it from ``ast`` nodes, the
resolver adds what cqlengine's metaclass would compute, the generator renders it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Literal

from coodie_compat.convert.names import Ref, Scope

__all__ = [
    "SCALAR_TYPES",
    "BodyItem",
    "ColumnSpec",
    "DefaultSpec",
    "Finding",
    "Level",
    "RawClass",
    "TypeSpec",
]

#: cqlengine column class -> CQL type.
SCALAR_TYPES = {
    "Ascii": "ascii",
    "BigInt": "bigint",
    "Blob": "blob",
    "Boolean": "boolean",
    "Counter": "counter",
    "Date": "date",
    "DateTime": "timestamp",
    "Decimal": "decimal",
    "Double": "double",
    "Duration": "duration",
    "Float": "float",
    "Inet": "inet",
    "Integer": "int",
    "SmallInt": "smallint",
    "Text": "text",
    "Time": "time",
    "TimeUUID": "timeuuid",
    "TinyInt": "tinyint",
    "UUID": "uuid",
    "VarInt": "varint",
}

Level = Literal["note", "lost"]


@dataclass(frozen=True)
class Finding:
    """One line of the report: ``lost`` means something was not converted."""

    level: Level
    subject: str
    message: str

    def render(self) -> str:
        """``lost  Model.column: message``."""
        return f"{self.level:<5} {self.subject}: {self.message}"


@dataclass(frozen=True)
class TypeSpec:
    """A column type: a CQL scalar, a collection, a tuple, a UDT or raw CQL text."""

    kind: str  # CQL scalar name, "list", "set", "map", "tuple", "udt" or "raw"
    params: tuple[TypeSpec, ...] = ()
    frozen: bool = False
    udt: str | None = None  # qualified name of the UserType class
    raw: str | None = None  # CQL text of a custom column's db_type

    def cql(self) -> str:
        """The CQL type text cqlengine would declare (a UDT shown by its class name)."""
        if self.kind == "udt":
            return f"frozen<{(self.udt or '?').rsplit('.', 1)[-1]}>"
        if self.kind == "raw":
            text = self.raw or "?"
        elif self.params:
            text = f"{self.kind}<{', '.join(p.cql() for p in self.params)}>"
        else:
            text = self.kind
        return f"frozen<{text}>" if self.frozen else text

    def udts(self) -> list[str]:
        """Qualified names of the UDT classes used, depth first."""
        found = [self.udt] if self.kind == "udt" and self.udt else []
        for param in self.params:
            found += [u for u in param.udts() if u not in found]
        return found


@dataclass(frozen=True)
class DefaultSpec:
    """A column default: a value, or a zero-argument callable (``factory``).

    ``template`` is Python source in which ``\\x00<i>\\x00`` stands for ``refs[i]``,
    an importable name the generated module imports itself.
    """

    factory: bool
    template: str
    refs: tuple[Ref, ...] = ()


@dataclass(frozen=True)
class ColumnSpec:
    """One cqlengine column as declared in a class body."""

    attr: str
    type: TypeSpec
    line: int
    primary_key: bool = False
    partition_key: bool = False
    index: bool = False
    custom_index: bool = False
    static: bool = False
    discriminator: bool = False
    required: bool = False
    db_field: str | None = None
    clustering_order: str | None = None
    default: DefaultSpec | None = None
    min_length: int | None = None
    max_length: int | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def db_name(self) -> str:
        """The CQL column name (``db_field`` or the attribute name)."""
        return self.db_field or self.attr


@dataclass(frozen=True)
class BodyItem:
    """A statement of a class body: an assignment (``value``) or something else."""

    name: str
    line: int
    value: ast.expr | None = field(default=None, compare=False)
    kind: str = "assignment"  # or "method", "class", "statement"


@dataclass(frozen=True)
class RawClass:
    """A top-level class of a source module, as written."""

    module: str
    name: str
    line: int
    bases: tuple[str | None, ...]  # canonical dotted path per base (None: not a name)
    base_texts: tuple[str, ...]
    body: tuple[BodyItem, ...]
    scope: Scope = field(compare=False, repr=False)

    @property
    def qualname(self) -> str:
        """``module.Class``."""
        return f"{self.module}.{self.name}"

    def assignment(self, name: str) -> ast.expr | None:
        """The value assigned to ``name`` in the class body (the last one)."""
        value = None
        for item in self.body:
            if item.kind == "assignment" and item.name == name:
                value = item.value
        return value
