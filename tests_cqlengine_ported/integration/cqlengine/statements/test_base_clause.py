"""``BaseClause`` numbering and context."""

from __future__ import annotations

from typing import Any
from unittest import TestCase

from coodie_compat.statements import BaseClause


class BaseClauseTests(TestCase):
    def test_context_updating(self) -> None:
        clause = BaseClause("field", "bound")
        assert clause.get_context_size() == 1

        clause.set_context_id(10)
        ctx: dict[str, Any] = {}
        clause.update_context(ctx)
        assert ctx == {"10": "bound"}
