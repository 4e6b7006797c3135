"""``SelectStatement``: selection, WHERE, COUNT, DISTINCT, ORDER BY, LIMIT, numbering."""

from __future__ import annotations

import unittest

from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import SelectStatement
from tests_cqlengine_ported.integration.cqlengine.statements import Column


def _where_a_is_b(statement: SelectStatement) -> SelectStatement:
    statement.add_where(Column(db_field="a"), EqualsOperator(), "b")
    return statement


class SelectStatementTests(unittest.TestCase):
    def test_single_field_is_listified(self) -> None:
        assert SelectStatement("table", "field").fields == ["field"]

    def test_field_rendering(self) -> None:
        assert str(SelectStatement("table", ["f1", "f2"])) == 'SELECT "f1", "f2" FROM table'

    def test_none_fields_rendering(self) -> None:
        # No fields selects every column.
        assert str(SelectStatement("table")) == "SELECT * FROM table"
        assert str(SelectStatement("table", None)) == "SELECT * FROM table"

    def test_table_rendering(self) -> None:
        assert str(SelectStatement("ks.some_table")) == "SELECT * FROM ks.some_table"

    def test_where_clause_rendering(self) -> None:
        statement = _where_a_is_b(SelectStatement("table"))
        assert str(statement) == 'SELECT * FROM table WHERE "a" = %(0)s'

    def test_count(self) -> None:
        # COUNT keeps the LIMIT but drops the ORDER BY.
        statement = _where_a_is_b(SelectStatement("table", count=True, limit=10, order_by="d"))
        assert str(statement) == 'SELECT COUNT(*) FROM table WHERE "a" = %(0)s LIMIT 10'

    def test_distinct(self) -> None:
        statement = SelectStatement("table", distinct_fields=["field2"])
        statement.add_where(Column(db_field="field1"), EqualsOperator(), "b")
        assert str(statement) == 'SELECT DISTINCT "field2" FROM table WHERE "field1" = %(0)s'

        two = SelectStatement("table", distinct_fields=["field1", "field2"])
        assert str(two) == 'SELECT DISTINCT "field1", "field2" FROM table'

        counted = SelectStatement("table", distinct_fields=["field1"], count=True)
        assert str(counted) == 'SELECT DISTINCT COUNT("field1") FROM table'

    def test_context(self) -> None:
        assert _where_a_is_b(SelectStatement("table")).get_context() == {"0": "b"}

    def test_context_id_update(self) -> None:
        statement = _where_a_is_b(SelectStatement("table"))
        assert statement.get_context() == {"0": "b"}
        assert str(statement) == 'SELECT * FROM table WHERE "a" = %(0)s'

        statement.update_context_id(5)
        assert statement.get_context() == {"5": "b"}
        assert str(statement) == 'SELECT * FROM table WHERE "a" = %(5)s'

    def test_additional_rendering(self) -> None:
        statement = SelectStatement(
            "table", None, order_by=["x", "y"], limit=15, allow_filtering=True
        )
        assert str(statement) == "SELECT * FROM table ORDER BY x, y LIMIT 15 ALLOW FILTERING"

    def test_limit_rendering(self) -> None:
        assert str(SelectStatement("table", None, limit=10)) == "SELECT * FROM table LIMIT 10"
        # 0 and None both mean "no LIMIT".
        assert str(SelectStatement("table", None, limit=0)) == "SELECT * FROM table"
        assert str(SelectStatement("table", None, limit=None)) == "SELECT * FROM table"
