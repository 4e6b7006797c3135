"""Ported ``tests/integration/cqlengine/operators`` and its ``check_lookup`` helper."""

from __future__ import annotations

from coodie_compat.operators import BaseWhereOperator


def check_lookup(symbol: str, expected: type[BaseWhereOperator]) -> None:
    """Assert that ``symbol`` resolves to exactly the operator class ``expected``."""
    resolved = BaseWhereOperator.get_operator(symbol)
    assert resolved is expected, f"{symbol!r} resolved to {resolved!r}, not {expected!r}"
