"""Python annotation -> CQL type text, and value checks per CQL type.

Defaults, chosen deliberately:

* ``int`` maps to ``bigint`` (64-bit, the widest fixed-size integer, so ordinary
  Python ints round-trip); use :data:`TinyInt`, :data:`SmallInt`, :data:`Int` or
  :data:`VarInt` (or ``CqlType(...)``) for the other integer types.
* ``float`` maps to ``double``; :data:`Float32` maps to ``float``.
* ``str`` maps to ``text``; :data:`Ascii` maps to ``ascii``.
* ``uuid.UUID`` maps to ``uuid``; :data:`TimeUUID` maps to ``timeuuid``.
* ``datetime`` -> ``timestamp``, ``date`` -> ``date``, ``time`` -> ``time``,
  ``bytes`` -> ``blob``, ``Decimal`` -> ``decimal``, ``bool`` -> ``boolean``,
  ip addresses -> ``inet``, ``cassandra.util.Duration`` -> ``duration``.
* ``list``/``set``/``frozenset``/``dict``/``tuple`` map to the CQL collections and
  tuples; nested collections are frozen as CQL requires. ``Vector(n)`` maps a
  ``list[float]`` to ``vector<float, n>``.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import ipaddress
import types
import typing
import uuid
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Literal, Union

from cassandra.util import Duration

from coodie_core.errors import ModelDefinitionError
from coodie_core.fields import Counter, CqlType, Frozen, Vector
from coodie_core.usertype import UserType

__all__ = [
    "Ascii",
    "BigInt",
    "Checker",
    "Double",
    "Float32",
    "Int",
    "SmallInt",
    "Text",
    "TimeUUID",
    "TinyInt",
    "TypeNode",
    "VarInt",
    "check_value",
    "cql_type_for",
    "is_user_type",
    "normalize_type",
    "parse_type",
    "strip_optional",
    "user_type_fields",
    "user_types_in",
    "value_checker",
]

Ascii = Annotated[str, CqlType("ascii")]
"""A ``str`` stored as CQL ``ascii``."""
Text = Annotated[str, CqlType("text")]
"""A ``str`` stored as CQL ``text`` (the default for ``str``)."""
TinyInt = Annotated[int, CqlType("tinyint")]
"""An ``int`` stored as 8-bit ``tinyint``."""
SmallInt = Annotated[int, CqlType("smallint")]
"""An ``int`` stored as 16-bit ``smallint``."""
Int = Annotated[int, CqlType("int")]
"""An ``int`` stored as 32-bit ``int``."""
BigInt = Annotated[int, CqlType("bigint")]
"""An ``int`` stored as 64-bit ``bigint`` (the default for ``int``)."""
VarInt = Annotated[int, CqlType("varint")]
"""An ``int`` stored as arbitrary-precision ``varint``."""
Float32 = Annotated[float, CqlType("float")]
"""A ``float`` stored as 32-bit ``float``."""
Double = Annotated[float, CqlType("double")]
"""A ``float`` stored as 64-bit ``double`` (the default for ``float``)."""
TimeUUID = Annotated[uuid.UUID, CqlType("timeuuid")]
"""A version-1 ``uuid.UUID`` stored as ``timeuuid``."""

_SCALARS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),  # before int: bool is an int subclass
    (int, "bigint"),
    (float, "double"),
    (str, "text"),
    (bytes, "blob"),
    (decimal.Decimal, "decimal"),
    (uuid.UUID, "uuid"),
    (datetime.datetime, "timestamp"),  # before date: datetime is a date subclass
    (datetime.date, "date"),
    (datetime.time, "time"),
    (ipaddress.IPv4Address, "inet"),
    (ipaddress.IPv6Address, "inet"),
    (Duration, "duration"),
)

_INT_RANGES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "tinyint": (-(2**7), 2**7 - 1),
        "smallint": (-(2**15), 2**15 - 1),
        "int": (-(2**31), 2**31 - 1),
        "bigint": (-(2**63), 2**63 - 1),
        "counter": (-(2**63), 2**63 - 1),
    }
)
_COLLECTIONS = ("list", "set", "map", "tuple", "vector")


@dataclass(frozen=True)
class TypeNode:
    """A parsed CQL type: ``name`` plus its parameters (``map<text, int>``)."""

    name: str
    params: tuple[TypeNode, ...] = ()

    @property
    def frozen(self) -> bool:
        """True for ``frozen<...>`` wrappers."""
        return self.name == "frozen"

    def unfrozen(self) -> TypeNode:
        """The type inside any ``frozen<...>`` wrapper."""
        return self.params[0].unfrozen() if self.frozen else self

    def render(self) -> str:
        """Canonical text: lower case, ``', '`` between parameters."""
        if not self.params:
            return self.name
        return f"{self.name}<{', '.join(p.render() for p in self.params)}>"


def parse_type(text: str) -> TypeNode:
    """Parse CQL type text such as ``frozen<map<text, list<int>>>``."""
    node, rest = _parse(text.replace(" ", "").lower())
    if rest:
        raise ModelDefinitionError(f"cannot parse CQL type {text!r}")
    return node


def _parse(text: str) -> tuple[TypeNode, str]:
    i = 0
    while i < len(text) and text[i] not in "<>,":
        i += 1
    name, rest = text[:i], text[i:]
    if not name:
        raise ModelDefinitionError(f"cannot parse CQL type near {text!r}")
    if not rest.startswith("<"):
        return TypeNode(name), rest
    params: list[TypeNode] = []
    rest = rest[1:]
    while True:
        param, rest = _parse(rest)
        params.append(param)
        if rest.startswith(","):
            rest = rest[1:]
        elif rest.startswith(">"):
            return TypeNode(name, tuple(params)), rest[1:]
        else:
            raise ModelDefinitionError(f"cannot parse CQL type near {text!r}")


def normalize_type(text: str) -> str:
    """Canonical form for comparing a model's type with a live table's type.

    ``varchar`` is ``text`` and tuples are always frozen, as Cassandra stores them.
    """

    def norm(node: TypeNode) -> TypeNode:
        params = tuple(norm(p) for p in node.params)
        if node.name == "varchar":
            return TypeNode("text")
        if node.name == "tuple":
            return TypeNode("frozen", (TypeNode("tuple", params),))
        if node.frozen and params[0].frozen:
            return params[0]
        return TypeNode(node.name, params)

    return norm(parse_type(text)).render()


def strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X``; any other annotation unchanged."""
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def cql_type_for(annotation: Any, metadata: Sequence[object] = ()) -> str:
    """CQL type text for a field annotation plus its ``Annotated`` metadata."""
    return _type_of(annotation, list(metadata), nested=False)


def _type_of(annotation: Any, markers: list[object], nested: bool) -> str:
    annotation = strip_optional(annotation)
    if typing.get_origin(annotation) is Annotated:
        base, *extra = typing.get_args(annotation)
        return _type_of(base, markers + extra, nested)
    override = next((m for m in markers if isinstance(m, CqlType)), None)
    vector = next((m for m in markers if isinstance(m, Vector)), None)
    if any(isinstance(m, Counter) for m in markers):
        text = "counter"
    elif override is not None:
        text = parse_type(override.name).render()
    elif vector is not None:
        text = f"vector<{vector.element}, {vector.dimension}>"
    else:
        text = _infer(annotation)
    node = parse_type(text)
    wants_frozen = any(isinstance(m, Frozen) for m in markers) or nested
    udt = override is None and is_user_type(annotation)
    if wants_frozen and (udt or node.name in ("list", "set", "map", "tuple")):
        return f"frozen<{text}>"
    return text


def is_user_type(annotation: Any) -> bool:
    """True for a :class:`~coodie_core.usertype.UserType` subclass."""
    return isinstance(annotation, type) and issubclass(annotation, UserType)


def user_type_fields(user_type: type[UserType]) -> tuple[tuple[str, str], ...]:
    """``(field, CQL type)`` of a UDT; collections and nested UDTs inside are frozen."""
    cached = user_type.__dict__.get("__cql_fields__")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    fields = []
    for name, info in user_type.model_fields.items():
        try:
            fields.append((name, _type_of(info.annotation, list(info.metadata), nested=True)))
        except ModelDefinitionError as exc:
            raise ModelDefinitionError(f"{user_type.__name__}.{name}: {exc}") from None
    result = tuple(fields)
    type.__setattr__(user_type, "__cql_fields__", result)
    return result


def user_types_in(annotation: Any) -> list[type[UserType]]:
    """The UDTs an annotation uses, each after the UDTs it depends on (no repeats)."""
    found: list[type[UserType]] = []

    def walk(node: Any) -> None:
        if is_user_type(node):
            for info in node.model_fields.values():
                walk(info.annotation)
            if node not in found:
                found.append(node)
            return
        for arg in typing.get_args(node):
            walk(arg)

    walk(annotation)
    return found


def _infer(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Literal:
        kinds = {type(a) for a in args}
        if len(kinds) == 1:
            return _infer(kinds.pop())
    if origin in (list, Sequence) and len(args) == 1:
        return f"list<{_type_of(args[0], [], nested=True)}>"
    if origin in (set, frozenset, AbstractSet) and len(args) == 1:
        return f"set<{_type_of(args[0], [], nested=True)}>"
    if origin in (dict, Mapping) and len(args) == 2:
        key = _type_of(args[0], [], nested=True)
        return f"map<{key}, {_type_of(args[1], [], nested=True)}>"
    if origin is tuple and args and Ellipsis not in args:
        inner = ", ".join(_type_of(a, [], nested=True) for a in args)
        return f"tuple<{inner}>"
    if is_user_type(annotation):
        return str(annotation.type_name())
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return "int" if issubclass(annotation, int) else "text"
        for python_type, cql in _SCALARS:
            if issubclass(annotation, python_type):
                return cql
    raise ModelDefinitionError(
        f"no CQL type for annotation {annotation!r}; add a CqlType(...) marker"
    )


Checker = Callable[[Any], "str | None"]
"""A value check: why a (non-None) value cannot be stored, or None when it can."""


def check_value(cql_type: str, value: object) -> str | None:
    """Return why ``value`` cannot be stored as ``cql_type``, or None if it can.

    Checks what Pydantic cannot know: integer ranges per CQL integer type, ascii
    text, version-1 UUIDs for timeuuid, vector dimension; recursing into
    collections and tuples.
    """
    checker = value_checker(cql_type)
    return None if checker is None or value is None else checker(value)


@functools.lru_cache(maxsize=1024)
def value_checker(cql_type: str) -> Checker | None:
    """The compiled check behind :func:`check_value` for ``cql_type`` (parsed once),
    or None when no value of that type needs checking (text, double, uuid...)."""
    return _checker(parse_type(cql_type))


def _checker(node: TypeNode) -> Checker | None:
    node = node.unfrozen()
    name = node.name
    if name in _INT_RANGES:
        return _int_checker(name)
    if name == "ascii":
        return _check_ascii
    if name == "timeuuid":
        return _check_timeuuid
    if name == "vector":
        return _vector_checker(int(node.params[1].name))
    if name in ("list", "set"):
        return _items_checker(_checker(node.params[0]))
    if name == "map":
        return _map_checker(_checker(node.params[0]), _checker(node.params[1]))
    if name == "tuple":
        return _tuple_checker(tuple(_checker(p) for p in node.params))
    return None


def _int_checker(name: str) -> Checker:
    low, high = _INT_RANGES[name]
    reason = f"out of range for {name} ({low}..{high})"

    def check(value: Any) -> str | None:
        if type(value) is int or (isinstance(value, int) and not isinstance(value, bool)):
            return None if low <= value <= high else reason
        return None

    return check


def _check_ascii(value: Any) -> str | None:
    return "not ascii text" if isinstance(value, str) and not value.isascii() else None


def _check_timeuuid(value: Any) -> str | None:
    # the version nibble, as the server checks it (``UUID.version`` costs more)
    if isinstance(value, uuid.UUID) and (value.int >> 76) & 0xF != 1:
        version = (value.int >> 76) & 0xF
        return f"timeuuid needs a version-1 (time-based) UUID, not version {version}"
    return None


def _vector_checker(size: int) -> Checker:
    def check(value: Any) -> str | None:
        if isinstance(value, Sequence) and len(value) != size:
            return f"vector needs {size} elements, got {len(value)}"
        return None

    return check


def _first(check: Checker, values: typing.Iterable[Any]) -> str | None:
    for value in values:
        if value is not None:
            reason = check(value)
            if reason is not None:
                return reason
    return None


def _items_checker(item: Checker | None) -> Checker | None:
    if item is None:
        return None

    def check(value: Any) -> str | None:
        if isinstance(value, (list, tuple, set, frozenset)):
            return _first(item, value)
        return None

    return check


def _map_checker(key: Checker | None, item: Checker | None) -> Checker | None:
    if key is None and item is None:
        return None

    def check(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return None
        reason = None if key is None else _first(key, value)
        return reason if reason is not None or item is None else _first(item, value.values())

    return check


def _tuple_checker(parts: tuple[Checker | None, ...]) -> Checker | None:
    if all(p is None for p in parts):
        return None

    def check(value: Any) -> str | None:
        if isinstance(value, tuple):
            pairs = zip(parts, value, strict=False)
            return next((r for p, v in pairs if p and v is not None and (r := p(v))), None)
        return None

    return check
