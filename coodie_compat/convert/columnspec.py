"""Read one cqlengine column declaration (an ``ast.Call``) into a :class:`ColumnSpec`.

Arguments are bound the way cqlengine's constructors bind them (positional order
included); every option must be a literal except ``default``. Sub-types of
collections may be column classes or instances; instances of collections and
tuples nested in another collection are frozen, as cqlengine freezes them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Protocol

from coodie_compat.convert.defaults import Unconvertible, parse_default
from coodie_compat.convert.model import SCALAR_TYPES, ColumnSpec, Finding, TypeSpec
from coodie_compat.convert.names import Scope

__all__ = ["ColumnClass", "Lookup", "parse_column"]

_BASE_PARAMS = (
    "primary_key",
    "partition_key",
    "index",
    "db_field",
    "default",
    "required",
    "clustering_order",
    "discriminator_column",
    "static",
    "custom_index",
)
_POSITIONAL = {
    "Text": ("min_length", "max_length"),
    "Ascii": ("min_length", "max_length"),
    "Counter": ("index", "db_field", "required"),
    "List": ("value_type", "default"),
    "Set": ("value_type", "strict", "default"),
    "Map": ("key_type", "value_type", "default"),
    "UserDefinedType": ("user_type",),
}
_EXTRA = {
    "Text": {"min_length", "max_length"},
    "Ascii": {"min_length", "max_length"},
    "Set": {"value_type", "strict", "frozen"},
    "List": {"value_type", "frozen"},
    "Map": {"key_type", "value_type", "frozen"},
    "UserDefinedType": {"user_type"},
}
_COLLECTIONS = {"List": "list", "Set": "set", "Map": "map", "Tuple": "tuple"}
_ABSTRACT = {"Column", "BaseCollectionColumn", "BaseContainerColumn", "BaseFloat"}
_FLAGS = {
    "primary_key": "primary_key",
    "partition_key": "partition_key",
    "index": "index",
    "custom_index": "custom_index",
    "static": "static",
    "discriminator_column": "discriminator",
    "required": "required",
}


@dataclass(frozen=True)
class ColumnClass:
    """A column class: a cqlengine one, or a custom subclass (``custom`` names it)."""

    name: str
    db_type: str | None = None
    custom: str | None = None


class Lookup(Protocol):
    """What the column reader needs to know about classes defined in the inputs."""

    def column_class(self, path: str) -> ColumnClass | None:
        """The column class at ``path``, or None."""

    def udt(self, path: str) -> str | None:
        """The qualified name of the UserType at ``path``, or None."""


def parse_column(
    attr: str, call: ast.Call, scope: Scope, lookup: Lookup, subject: str
) -> ColumnSpec | None:
    """The column declared by ``call``, or None when ``call`` is not a column.

    Raises :class:`Unconvertible` when it is a column that cannot be read.
    """
    path = scope.resolve(call.func)
    klass = lookup.column_class(path) if path else None
    if klass is None:
        return None
    type_spec, options = _type_and_options(klass, call, scope, lookup)
    values = _literal_options(klass, options)
    findings = []
    if klass.custom:
        findings.append(
            Finding(
                "note",
                subject,
                f"custom column class {klass.custom.rsplit('.', 1)[-1]} converted as "
                f"{type_spec.cql()}; its own Python methods are not carried over",
            )
        )
    default = None
    if "default" in options:
        try:
            default = parse_default(options["default"], scope)
        except Unconvertible as exc:
            findings.append(Finding("lost", subject, f"default not converted: {exc}"))
    return ColumnSpec(
        attr=attr,
        type=type_spec,
        line=call.lineno,
        default=default,
        findings=tuple(findings),
        **values,
    )


def _bind(klass: ColumnClass, call: ast.Call) -> tuple[list[ast.expr], dict[str, ast.expr]]:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        raise Unconvertible("uses *args or **kwargs, which cannot be read without running it")
    options = {k.arg: k.value for k in call.keywords if k.arg is not None}
    args: list[ast.expr] = []
    if klass.name == "Tuple":
        args = list(call.args)
    else:
        params = _POSITIONAL.get(klass.name, _BASE_PARAMS)
        if len(call.args) > len(params):
            raise Unconvertible(f"too many positional arguments for {klass.name}")
        for name, value in zip(params, call.args, strict=False):
            options[name] = value
    allowed = set(_POSITIONAL.get(klass.name, ())) | _EXTRA.get(klass.name, set())
    allowed |= {"index", "db_field", "required"} if klass.name == "Counter" else set(_BASE_PARAMS)
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise Unconvertible(f"{klass.name} takes no option(s) {', '.join(unknown)}")
    return args, options


def _type_and_options(
    klass: ColumnClass, call: ast.Call, scope: Scope, lookup: Lookup
) -> tuple[TypeSpec, dict[str, ast.expr]]:
    if klass.name in _ABSTRACT and not klass.db_type:
        raise Unconvertible(f"{klass.name} is an abstract column class with no CQL type")
    args, options = _bind(klass, call)
    if klass.db_type:
        spec = TypeSpec("raw", raw=klass.db_type)
    elif klass.name in SCALAR_TYPES:
        spec = TypeSpec(SCALAR_TYPES[klass.name])
    elif klass.name == "UserDefinedType":
        spec = _udt(options.pop("user_type", None), scope, lookup)
    else:
        if klass.name == "List" or klass.name == "Set":
            args = [_required(options.pop("value_type", None), klass.name)]
        elif klass.name == "Map":
            args = [_required(options.pop(k, None), klass.name) for k in ("key_type", "value_type")]
        elif not args:
            raise Unconvertible("Tuple needs at least one type")
        params = tuple(_sub_type(a, scope, lookup) for a in args)
        spec = TypeSpec(_COLLECTIONS[klass.name], params)
    frozen = options.pop("frozen", None)
    if frozen is not None and _literal(frozen, "frozen") and spec.kind in ("list", "set", "map"):
        spec = TypeSpec(spec.kind, spec.params, frozen=True)
    options.pop("strict", None)  # pydantic accepts lists for sets, as strict=False did
    return spec, options


def _required(node: ast.expr | None, name: str) -> ast.expr:
    if node is None:
        raise Unconvertible(f"{name} needs its value type")
    return node


def _udt(node: ast.expr | None, scope: Scope, lookup: Lookup) -> TypeSpec:
    if node is None:
        raise Unconvertible("UserDefinedType needs its UserType class")
    path = scope.resolve(node)
    qualname = lookup.udt(path) if path else None
    if qualname is None:
        raise Unconvertible(
            f"UserType {ast.unparse(node)} is not defined in the converted modules; "
            "convert its module too"
        )
    return TypeSpec("udt", udt=qualname)


def _sub_type(node: ast.expr, scope: Scope, lookup: Lookup) -> TypeSpec:
    if isinstance(node, ast.Call):
        path = scope.resolve(node.func)
        klass = lookup.column_class(path) if path else None
        if klass is None:
            raise Unconvertible(f"{ast.unparse(node)} is not a column type")
        spec, _ = _type_and_options(klass, node, scope, lookup)
        if spec.kind in ("list", "set", "map", "tuple"):
            spec = TypeSpec(spec.kind, spec.params, frozen=True)
        return spec
    path = scope.resolve(node)
    klass = lookup.column_class(path) if path else None
    if klass is None:
        raise Unconvertible(f"{ast.unparse(node)} is not a column type")
    if klass.db_type:
        return TypeSpec("raw", raw=klass.db_type)
    if klass.name not in SCALAR_TYPES:
        raise Unconvertible(f"{klass.name} used as a class needs arguments; cqlengine rejects it")
    return TypeSpec(SCALAR_TYPES[klass.name])


def _literal(node: ast.expr, name: str) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        raise Unconvertible(
            f"option {name}={ast.unparse(node)} is not a literal; cannot read it statically"
        ) from None


def _literal_options(klass: ColumnClass, options: dict[str, ast.expr]) -> dict[str, Any]:
    """The literal options as :class:`ColumnSpec` keyword arguments."""
    values: dict[str, Any] = {}
    for option, node in options.items():
        if option == "default":
            continue
        value = _literal(node, option)
        if option in _FLAGS:
            values[_FLAGS[option]] = bool(value)
        elif option in ("db_field", "clustering_order"):
            if value is not None and not isinstance(value, str):
                raise Unconvertible(f"option {option} must be a string, not {value!r}")
            values[option] = value
        elif option in ("min_length", "max_length"):
            if value is not None and not isinstance(value, int):
                raise Unconvertible(f"option {option} must be an int, not {value!r}")
            values[option] = value
    if values.get("partition_key"):
        values["primary_key"] = True
    if klass.name == "Counter":
        values.pop("required", None)  # a counter always has its default of 0
    return values
