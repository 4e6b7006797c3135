"""Drop-in facade for ``cassandra.cqlengine`` built on coodie.

``from cassandra.cqlengine import X`` becomes ``from coodie_compat import X``.
The package root only holds the names ``cassandra.cqlengine`` itself defines:
the legacy caching constants, the root exceptions and ``UnicodeMixin``.
Submodules (``columns``, ``models``, ``query``, ``statements``...) are imported
on demand, never eagerly from here, and none of them imports
``cassandra.cqlengine`` at run time.
"""

from __future__ import annotations

__all__ = [
    "CACHING_ALL",
    "CACHING_KEYS_ONLY",
    "CACHING_NONE",
    "CACHING_ROWS_ONLY",
    "CQLEngineException",
    "UnicodeMixin",
    "ValidationError",
]

#: Legacy value of the ``caching`` table option: cache keys and rows.
CACHING_ALL = "ALL"
#: Legacy value of the ``caching`` table option: cache partition keys only.
CACHING_KEYS_ONLY = "KEYS_ONLY"
#: Legacy value of the ``caching`` table option: cache rows only.
CACHING_ROWS_ONLY = "ROWS_ONLY"
#: Legacy value of the ``caching`` table option: cache nothing.
CACHING_NONE = "NONE"


class CQLEngineException(Exception):
    """Root of every error the facade raises on purpose."""


class ValidationError(CQLEngineException):
    """A column or model value failed validation."""


class UnicodeMixin:
    """Route ``str()`` to ``__unicode__``, the rendering hook cqlengine classes implement.

    Operators, query values, clauses and statements override ``__unicode__``;
    subclasses written against cqlengine keep working unchanged.
    """

    def __str__(self) -> str:
        return self.__unicode__()  # type: ignore[attr-defined,no-any-return]
