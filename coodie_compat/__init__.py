"""Drop-in facade for ``cassandra.cqlengine`` built on coodie.

``from cassandra.cqlengine import X`` becomes ``from coodie_compat import X``.
The package root only holds the names ``cassandra.cqlengine`` itself defines:
the legacy caching constants, the root exceptions and ``UnicodeMixin``.
Submodules (``columns``, ``models``, ``query``, ``statements``...) are imported
on demand, never eagerly from here, and none of them imports
``cassandra.cqlengine`` at run time.

Besides those names, :func:`install_alias` (see :mod:`coodie_compat.alias`)
makes ``import cassandra.cqlengine...`` resolve to this package, for apps
whose imports cannot be edited; ``COODIE_CQLENGINE_ALIAS=1`` in the
environment installs it when this package is first imported.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

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

    __unicode__: Callable[[], str]  # what subclasses define

    def __str__(self) -> str:
        return self.__unicode__()


from coodie_compat.alias import ENV_SWITCH as _ENV_SWITCH  # noqa: E402 (needs the names above)
from coodie_compat.alias import install_alias as install_alias  # noqa: E402

if os.environ.get(_ENV_SWITCH) == "1":
    install_alias()
