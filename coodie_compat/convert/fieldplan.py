"""One Document field per cqlengine column: its name, markers, optionality, default.

coodie_core names a column after its field (``TableMeta`` takes the names of
Pydantic's ``model_fields``; there is no alias), so a column with a ``db_field``
becomes a field named after the ``db_field``. A column whose CQL name cannot be a
Pydantic field name (a keyword, a leading underscore, a Document attribute such
as ``save``) cannot be converted, and is reported.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from functools import cache

import pydantic

from coodie_compat.convert.defaults import render_default
from coodie_compat.convert.model import ColumnSpec, Finding, TypeSpec
from coodie_compat.convert.render import Group, Node, Seq, TypeRenderer, noqa, statement
from coodie_compat.convert.resolve import ModelPlan
from coodie_core.document import Document
from coodie_core.usertype import UserType

__all__ = [
    "PYDANTIC_DEPRECATED",
    "FieldSpec",
    "field_problem",
    "field_specs",
    "render_field",
    "render_udt_field",
]

_CQL_NAME = re.compile(r"^[A-Za-z0-9_]+$")
#: Deprecated ``pydantic.BaseModel`` methods a field may shadow (Pydantic warns).
PYDANTIC_DEPRECATED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)
_EMPTY = {"list": "list", "set": "set", "map": "dict"}


@cache
def _reserved_attributes(owner: str) -> frozenset[str]:
    """Names a field cannot take: the class's attributes, except Pydantic's
    deprecated ``BaseModel`` methods (shadowing those only warns)."""
    klass: type = UserType if owner == "UserType" else Document
    names = {
        name
        for name in dir(klass)
        if not (
            name in PYDANTIC_DEPRECATED
            and getattr(klass, name) == getattr(pydantic.BaseModel, name)
        )
    }
    return frozenset(names | {"Settings"})


def field_problem(name: str, owner: str = "Document") -> str | None:
    """Why ``name`` cannot be a field of ``owner`` (Document or UserType), or None."""
    if not _CQL_NAME.match(name):
        return f"column name {name!r} is not a plain CQL identifier"
    if not name.isidentifier() or keyword.iskeyword(name):
        return f"column name {name!r} is not a Python identifier"
    if name.startswith("_"):
        return f"column name {name!r} starts with '_' (Pydantic keeps such names private)"
    if name in _reserved_attributes(owner):
        return f"column name {name!r} would shadow {owner}.{name}"
    return None


@dataclass(frozen=True)
class FieldSpec:
    """Everything needed to render one field; equal specs render the same line."""

    column: ColumnSpec
    partition: int | None = None
    clustering: int | None = None
    order: str = "ASC"
    indexed: bool = False

    @property
    def name(self) -> str:
        """The field (and column) name."""
        return self.column.db_name

    @property
    def is_key(self) -> bool:
        """True for partition and clustering key fields."""
        return self.partition is not None or self.clustering is not None


def field_specs(plan: ModelPlan) -> tuple[list[FieldSpec], list[Finding]]:
    """The fields of a model and the findings about them (renames, lost columns)."""
    findings: list[Finding] = []
    partition = {c.attr: i for i, c in enumerate(plan.partition_key)}
    clustering = {c.attr: i for i, c in enumerate(plan.clustering_key)}
    specs = []
    for column in plan.columns:
        subject = f"{plan.raw.name}.{column.attr}"
        problem = field_problem(column.db_name)
        if problem is not None:
            findings.append(Finding("lost", subject, f"column not converted: {problem}"))
            continue
        if column.db_name in PYDANTIC_DEPRECATED:
            findings.append(
                Finding(
                    "note",
                    subject,
                    f"field {column.db_name} shadows Pydantic's deprecated BaseModel."
                    f"{column.db_name} (Pydantic warns once at import)",
                )
            )
        if column.db_field and column.db_field != column.attr:
            findings.append(
                Finding(
                    "note",
                    subject,
                    f"field renamed to its column name {column.db_field!r} "
                    "(coodie_core names a column after its field)",
                )
            )
        indexed = column.index
        if indexed and column.attr in partition and len(partition) == 1:
            indexed = False
            findings.append(
                Finding(
                    "note",
                    subject,
                    "index on the sole partition key dropped "
                    "(coodie_core refuses it; the key is queryable anyway)",
                )
            )
        if column.custom_index:
            findings.append(
                Finding(
                    "note",
                    subject,
                    "custom_index: the index is managed outside, "
                    "as before; coodie_core needs no marker",
                )
            )
        order = (column.clustering_order or "asc").upper()
        specs.append(
            FieldSpec(
                column=column,
                partition=partition.get(column.attr),
                clustering=clustering.get(column.attr),
                order=order,
                indexed=indexed,
            )
        )
    return specs, findings


def _optional(spec: FieldSpec) -> bool:
    column, kind = spec.column, spec.column.type.kind
    if spec.is_key or column.required or kind == "counter":
        return False
    return not (kind in _EMPTY and not column.type.frozen)


def render_field(spec: FieldSpec, types: TypeRenderer, comment: str | None = None) -> list[str]:
    """The field's source lines, indented for a class body."""
    annotation = _annotation(spec, types)
    default = _default(spec, types)
    parts: list[Node] = [f"{spec.name}: ", annotation]
    if default is not None:
        parts += [" = ", default]
    lines = [f"    # {comment}"] if comment else []
    return lines + _noqa(spec.name, statement(Seq(tuple(parts)), "    "))


def _noqa(name: str, lines: list[str]) -> list[str]:
    """Silence pycodestyle's ambiguous-name rule: the name is the column's."""
    if name in ("l", "O", "I"):
        lines[0] = noqa(lines[0], "E741")
    return lines


def _annotation(spec: FieldSpec, types: TypeRenderer) -> Node:
    column, type_spec = spec.column, spec.column.type
    markers: list[str] = []
    base: Node
    if type_spec.kind in ("inet", "raw"):
        base = "str" if type_spec.kind == "inet" else types.typing("Any")
        markers.append(types.cql_type("inet" if type_spec.kind == "inet" else type_spec.raw or ""))
    else:
        base = types.python(TypeSpec(type_spec.kind, type_spec.params, udt=type_spec.udt))
    if column.min_length is not None or column.max_length is not None:
        base = Group(f"{types.typing('Annotated')}[", (base, _length(column, types)), "]")
    if _optional(spec):
        base = Seq((base, " | None"))
    markers += _markers(spec, types)
    if not markers:
        return base
    return Group(f"{types.typing('Annotated')}[", (base, *markers), "]")


def _length(column: ColumnSpec, types: TypeRenderer) -> str:
    args = [
        f"{name}={value}"
        for name, value in (("min_length", column.min_length), ("max_length", column.max_length))
        if value is not None
    ]
    return f"{types.imports.name('pydantic', 'Field')}({', '.join(args)})"


def _markers(spec: FieldSpec, types: TypeRenderer) -> list[str]:
    markers = []
    if spec.partition is not None:
        position = str(spec.partition) if spec.partition else ""
        markers.append(f"{types.core('fields', 'PartitionKey')}({position})")
    if spec.clustering is not None:
        args = [str(spec.clustering)] if spec.clustering else []
        if spec.order == "DESC":
            args.append('order="DESC"')
        markers.append(f"{types.core('fields', 'ClusteringKey')}({', '.join(args)})")
    if spec.column.static:
        markers.append(f"{types.core('fields', 'Static')}()")
    if spec.indexed:
        markers.append(f"{types.core('fields', 'Indexed')}()")
    frozen_collection = spec.column.type.frozen and spec.column.type.kind in _EMPTY
    if frozen_collection or spec.column.type.kind == "udt":  # cqlengine freezes every UDT
        markers.append(f"{types.core('fields', 'Frozen')}()")
    if spec.column.type.kind == "counter":
        markers.append(f"{types.core('fields', 'Counter')}()")
    return markers


def _default(spec: FieldSpec, types: TypeRenderer) -> Node | None:
    column, kind = spec.column, spec.column.type.kind
    if kind == "counter":
        return "0"
    if column.default is not None:
        return _explicit_default(column, types)
    if _optional(spec):
        return "None"
    if kind in _EMPTY and not column.type.frozen and not column.required and not spec.is_key:
        return _factory(_EMPTY[kind], types)
    return None


def _explicit_default(column: ColumnSpec, types: TypeRenderer) -> Node:
    assert column.default is not None
    names = {ref.module: types.imports.module(ref.module) for ref in column.default.refs}
    text = render_default(column.default, names)
    return _factory(text, types) if column.default.factory else text


def render_udt_field(column: ColumnSpec, types: TypeRenderer) -> list[str]:
    """A UserType field: always optional, as every UDT field may be null."""
    default = _explicit_default(column, types) if column.default is not None else "None"
    parts: tuple[Node, ...] = (f"{column.db_name}: ", types.python(column.type), " | None = ")
    return _noqa(column.db_name, statement(Seq((*parts, default)), "    "))


def _factory(text: str, types: TypeRenderer) -> Node:
    field = types.imports.name("pydantic", "Field")
    return Group(f"{field}(", (f"default_factory={text}",), ")")
