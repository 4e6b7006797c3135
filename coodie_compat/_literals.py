"""Bound values that store exactly what cqlengine's text would have stored.

cqlengine interpolates values into the CQL text with the session's
``Encoder``, and the server parses the literals.  For almost every type a
bound value is stored identically.  Two are not:

- ``decimal``: the encoder writes a ``Decimal`` through ``float`` (``repr``),
  so cqlengine stores at most 17 significant digits, where a bound
  ``Decimal`` keeps every digit;
- ``float`` (32 bits): the server rounds the decimal literal to the nearest
  float once, where the driver rounds the Python float (a double) to a float;
  the two differ when the double lies exactly halfway between two floats and
  its literal does not.

:func:`fixes_for` looks at a prepared statement's bind types and returns, for
each marker whose type holds a ``decimal`` or a ``float`` (directly or inside a
collection, tuple or user type), a function turning a value into the one the
literal would have produced.  Types it cannot see into return None: such a
statement is sent as text.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from cassandra import cqltypes

__all__ = ["Fixes", "fixes_for", "float32_of_literal"]

Fix = Callable[[Any], Any]
Fixes = tuple[tuple[int, Fix], ...]
_F32 = struct.Struct(">f")
_U32 = struct.Struct(">I")
_SPECIAL = {"NaN", "Infinity", "-Infinity"}


class _Opaque(Exception):
    """A type this module cannot see into holds a value that would need fixing."""


def fixes_for(bind_types: list[Any], encoder: Any) -> Fixes | None:
    """``(marker index, fix)`` for the markers that need one; None: send as text."""
    try:
        found = [(i, _fix(t, encoder)) for i, t in enumerate(bind_types)]
    except _Opaque:
        return None
    return tuple((i, fix) for i, fix in found if fix is not None)


def _fix(cql_type: Any, encoder: Any) -> Fix | None:
    """The fix for values of ``cql_type``, None when they need none."""
    if not isinstance(cql_type, type):
        return None
    if issubclass(cql_type, cqltypes.DecimalType):
        return lambda value: _decimal(value, encoder)
    if issubclass(cql_type, cqltypes.FloatType):
        return lambda value: _float32(value, encoder)
    subtypes = getattr(cql_type, "subtypes", None) or ()
    if not subtypes:
        return None
    inner = [_fix(sub, encoder) for sub in subtypes]
    if not any(inner):
        return None
    if issubclass(cql_type, cqltypes.UserType):
        # the driver's cqltypes are untyped: issubclass narrows to type[object]
        return _user_type_fix(list(cql_type.fieldnames), inner)  # type: ignore[attr-defined]
    if issubclass(cql_type, cqltypes.TupleType):
        return _tuple_fix(inner)
    if issubclass(cql_type, cqltypes.MapType):
        return _map_fix(inner[0], inner[1])
    if issubclass(cql_type, cqltypes.ListType):
        return _sequence_fix(inner[0])
    if issubclass(cql_type, cqltypes.SetType):
        return _set_fix(inner[0])
    if issubclass(cql_type, cqltypes.FrozenType):
        return inner[0]
    raise _Opaque(cql_type)


def _each(fix: Fix | None) -> Fix:
    return fix if fix is not None else (lambda value: value)


def _sequence_fix(inner: Fix | None) -> Fix:
    each = _each(inner)
    return lambda value: None if value is None else [each(item) for item in value]


def _set_fix(inner: Fix | None) -> Fix:
    each = _each(inner)
    return lambda value: None if value is None else {each(item) for item in value}


def _map_fix(key: Fix | None, val: Fix | None) -> Fix:
    fix_key, fix_val = _each(key), _each(val)
    return lambda value: None if value is None else {
        fix_key(k): fix_val(v) for k, v in value.items()}


def _tuple_fix(inner: list[Fix | None]) -> Fix:
    fixes = [_each(fix) for fix in inner]

    def fix(value: Any) -> Any:
        if value is None:
            return None
        return tuple(f(item) for f, item in zip(fixes, value, strict=False))

    return fix


def _user_type_fix(fieldnames: list[str], inner: list[Fix | None]) -> Fix:
    """A user type value as the tuple of its fields, read as the driver reads them."""
    fixes = [_each(fix) for fix in inner]

    def fix(value: Any) -> Any:
        if value is None:
            return None
        items = []
        for i, (each, name) in enumerate(zip(fixes, fieldnames, strict=False)):
            try:
                item = value[i]
            except TypeError:  # not a tuple: a user type object
                item = getattr(value, name, None)
            items.append(each(item))
        return tuple(items)

    return fix


def _decimal(value: Any, encoder: Any) -> Any:
    """The ``Decimal`` the server reads from the value's literal."""
    if value is None:
        return None
    number = Decimal(encoder.cql_encode_all_types(value))
    if not number.is_finite():
        raise ValueError("not a finite decimal: send the text")
    return number


def _float32(value: Any, encoder: Any) -> Any:
    """The float the server reads from the value's literal (exactly a 32-bit float)."""
    if value is None or not isinstance(value, (float, Decimal)):
        return value  # ints are exact; anything else is left to the driver
    literal = encoder.cql_encode_all_types(value)
    if literal in _SPECIAL:
        return float(literal)
    return float32_of_literal(literal)


def _bits(number: float) -> int:
    value: int = _U32.unpack(_F32.pack(number))[0]
    return value


def _from_bits(bits: int) -> float:
    value: float = _F32.unpack(_U32.pack(bits))[0]
    return value


def _next32(number: float, up: bool) -> float:
    """The neighbouring 32-bit float of ``number`` (itself a 32-bit float)."""
    if number == 0:
        return _from_bits(1 if up else 0x80000001)
    bits = _bits(number)
    return _from_bits(bits + 1 if (number > 0) == up else bits - 1)


def float32_of_literal(literal: str) -> float:
    """The 32-bit float nearest to the decimal ``literal``, ties to even (as Java parses it).

    Raises ``OverflowError`` beyond the 32-bit range (the text path is used).
    """
    exact = Fraction(literal)
    near = _from_bits(_bits(float(exact)))  # within one step of the answer
    if Fraction(near) == exact:
        return near
    if Fraction(near) < exact:
        low, high = near, _next32(near, True)
    else:
        low, high = _next32(near, False), near
    if math.isinf(low) or math.isinf(high):
        raise OverflowError("at the edge of the 32-bit range: send the text")
    below, above = exact - Fraction(low), Fraction(high) - exact
    if below != above:
        return low if below < above else high
    return low if _bits(low) % 2 == 0 else high
