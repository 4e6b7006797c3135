"""Ported ``tests/integration/cqlengine/statements``: exact CQL text and contexts.

Upstream builds its statements with ``columns.Column(db_field=...)`` and only
reads the column's ``db_field_name`` and its pass-through ``to_database``.
:data:`Column` is the real ``coodie_compat.columns.Column`` once that module
exists, and meanwhile :class:`StandInColumn`, which offers just those two.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def compat_module(name: str) -> ModuleType | None:
    """Import ``coodie_compat.<name>``, or return None while it is not built."""
    full_name = f"coodie_compat.{name}"
    try:
        return importlib.import_module(full_name)
    except ModuleNotFoundError as exc:
        if exc.name != full_name:
            raise
        return None


class StandInColumn:
    """Just enough of ``columns.Column`` for the statement layer."""

    def __init__(self, db_field: str | None = None) -> None:
        self.db_field_name = db_field

    def to_database(self, value: Any) -> Any:
        """Base columns store values unchanged."""
        return value


columns = compat_module("columns")
Column: Any = columns.Column if columns is not None else StandInColumn
