"""``WhereClause``: operator type check, rendering and equality."""

from __future__ import annotations

import unittest

import pytest

from coodie_compat.operators import EqualsOperator, NotEqualsOperator
from coodie_compat.statements import StatementException, WhereClause


class TestWhereClause(unittest.TestCase):
    def test_operator_check(self) -> None:
        # The operator must be a BaseWhereOperator instance, not its symbol.
        with pytest.raises(StatementException):
            WhereClause("a", "=", "c")  # type: ignore[arg-type]

    def test_where_clause_rendering(self) -> None:
        clause = WhereClause("a", EqualsOperator(), "c")
        clause.set_context_id(5)
        assert str(clause) == '"a" = %(5)s'

    def test_equality_method(self) -> None:
        first = WhereClause("a", EqualsOperator(), "c")
        assert first == WhereClause("a", EqualsOperator(), "c")
        # Equality also covers the operator class, the field and the value.
        assert first != WhereClause("a", NotEqualsOperator(), "c")
        assert first != WhereClause("b", EqualsOperator(), "c")
        assert first != WhereClause("a", EqualsOperator(), "d")
