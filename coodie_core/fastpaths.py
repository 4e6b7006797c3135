"""Write-side fast path: skip Pydantic for values that already are what it returns.

Writes re-check every value (a document can be changed by plain assignment after
it was validated). For a column annotated with plain types only, such as ``str``,
``Int | None`` or ``list[str]``, with no constraint or validator in its metadata,
a value of exactly the annotated type is what ``TypeAdapter.validate_python``
would return, so :func:`plain_acceptor` builds a check that returns the value
(collections copied, as Pydantic copies them) or :data:`MISS`, meaning "validate
it the normal way". The CQL range and ascii checks still run on what it returns.
"""

from __future__ import annotations

import datetime
import typing
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from coodie_core.cqltypes import strip_optional
from coodie_core.fields import (
    ClusteringKey,
    Counter,
    CqlType,
    Frozen,
    Indexed,
    PartitionKey,
    Static,
    Vector,
)

__all__ = ["MISS", "Acceptor", "plain_acceptor", "plain_type", "write_check"]

#: What an acceptor returns when the value needs the full validation.
MISS: Any = object()
Acceptor = Callable[[Any], Any]

_MARKERS = (ClusteringKey, Counter, CqlType, Frozen, Indexed, PartitionKey, Static, Vector)
#: Types Pydantic returns unchanged when given an instance of exactly that type.
_SCALARS = frozenset(
    {str, int, float, bool, bytes, uuid.UUID, datetime.datetime, datetime.date, datetime.time}
)
_CONTAINERS: dict[Any, type] = {list: list, set: set, frozenset: frozenset}


def plain_type(annotation: Any) -> Any:
    """``annotation`` without ``Optional`` and coodie markers; None when it carries
    anything else (constraints, validators, ``Field`` metadata)."""
    annotation = strip_optional(annotation)
    if typing.get_origin(annotation) is Annotated:
        base, *metadata = typing.get_args(annotation)
        if not all(isinstance(m, _MARKERS) for m in metadata):
            return None
        return plain_type(base)
    return annotation


def plain_acceptor(annotation: Any) -> Acceptor | None:
    """The fast check for a column's annotation, or None when it has none."""
    plain = plain_type(annotation)
    if plain in _SCALARS:
        return _scalar(plain)
    origin, args = typing.get_origin(plain), typing.get_args(plain)
    if origin in _CONTAINERS and len(args) == 1 and args[0] in _SCALARS:
        return _collection(_CONTAINERS[origin], args[0])
    if origin is dict and len(args) == 2 and args[0] in _SCALARS and args[1] in _SCALARS:
        return _mapping(args[0], args[1])
    return None


def _scalar(kind: type) -> Acceptor:
    def accept(value: Any) -> Any:
        return value if type(value) is kind else MISS

    return accept


def _collection(container: Any, item: type) -> Acceptor:
    def accept(value: Any) -> Any:
        if type(value) is not container:
            return MISS
        for element in value:  # a plain loop: cheaper than all() on short lists
            if type(element) is not item:
                return MISS
        return value if container is frozenset else container(value)

    return accept


def _mapping(key: type, item: type) -> Acceptor:
    def accept(value: Any) -> Any:
        if type(value) is dict and all(
            type(k) is key and type(v) is item for k, v in value.items()
        ):
            return dict(value)
        return MISS

    return accept


def write_check(
    annotation: Any, checker: Callable[[Any], str | None] | None, slow: Acceptor
) -> Acceptor:
    """One call that returns a value as ``slow`` (the full validation) would, taking
    the fast path when the value is exactly of the column's plain type and passes
    the CQL ``checker``; anything else, errors included, goes through ``slow``."""
    plain = plain_type(annotation)
    if plain in _SCALARS:
        kind: type = plain
        if checker is None:

            def check_scalar(value: Any) -> Any:
                return value if type(value) is kind else slow(value)

            return check_scalar

        def check_scalar_value(value: Any) -> Any:
            if type(value) is kind and checker(value) is None:
                return value
            return slow(value)

        return check_scalar_value
    accept = plain_acceptor(annotation)
    if accept is None:
        return slow

    def check(value: Any) -> Any:
        checked = accept(value)
        if checked is MISS or (checker is not None and checker(checked) is not None):
            return slow(value)
        return checked

    return check
