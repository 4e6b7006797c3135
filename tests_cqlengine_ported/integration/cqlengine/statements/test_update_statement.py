"""``UpdateStatement``: SET list, WHERE, numbering, USING TTL and collection updates."""

from __future__ import annotations

import unittest

import pytest

from coodie_compat.operators import EqualsOperator, NotEqualsOperator
from coodie_compat.statements import UpdateStatement
from tests_cqlengine_ported.integration.cqlengine.statements import Column, columns

# The collection tests hand real Set/List columns to add_update, which picks the
# clause from the exact column class: they need coodie_compat.columns itself.
needs_columns = pytest.mark.skipif(columns is None, reason="coodie_compat.columns not built yet")


def _set_a_and_c_where_a(statement: UpdateStatement) -> UpdateStatement:
    statement.add_assignment(Column(db_field="a"), "b")
    statement.add_assignment(Column(db_field="c"), "d")
    statement.add_where(Column(db_field="a"), EqualsOperator(), "x")
    return statement


class UpdateStatementTests(unittest.TestCase):
    def test_table_rendering(self) -> None:
        # Nothing assigned yet: the SET list is empty (cqlengine leaves a trailing space).
        assert str(UpdateStatement("table")) == "UPDATE table SET "

    def test_rendering(self) -> None:
        statement = _set_a_and_c_where_a(UpdateStatement("table"))
        assert str(statement) == 'UPDATE table SET "a" = %(0)s, "c" = %(1)s WHERE "a" = %(2)s'

        statement.add_where(Column(db_field="a"), NotEqualsOperator(), "y")
        assert str(statement) == (
            'UPDATE table SET "a" = %(0)s, "c" = %(1)s WHERE "a" = %(2)s AND "a" != %(3)s'
        )

    def test_context(self) -> None:
        statement = _set_a_and_c_where_a(UpdateStatement("table"))
        assert statement.get_context() == {"0": "b", "1": "d", "2": "x"}

    def test_context_update(self) -> None:
        statement = _set_a_and_c_where_a(UpdateStatement("table"))
        # Renumbering always numbers the WHERE clauses before the assignments.
        statement.update_context_id(3)
        assert str(statement) == 'UPDATE table SET "a" = %(4)s, "c" = %(5)s WHERE "a" = %(3)s'
        assert statement.get_context() == {"3": "x", "4": "b", "5": "d"}

    def test_additional_rendering(self) -> None:
        statement = UpdateStatement("table", ttl=60)
        statement.add_assignment(Column(db_field="a"), "b")
        statement.add_where(Column(db_field="a"), EqualsOperator(), "x")
        assert str(statement) == 'UPDATE table USING TTL 60 SET "a" = %(0)s WHERE "a" = %(1)s'

    @needs_columns
    def test_update_set_add(self) -> None:
        assert columns is not None
        statement = UpdateStatement("table")
        statement.add_update(columns.Set(columns.Text, db_field="a"), {1}, "add")
        assert str(statement) == 'UPDATE table SET "a" = "a" + %(0)s'
        assert statement.get_context() == {"0": {1}}

    @needs_columns
    def test_update_empty_set_add_does_not_assign(self) -> None:
        assert columns is not None
        statement = UpdateStatement("table")
        statement.add_update(columns.Set(columns.Text, db_field="a"), set(), "add")
        assert statement.assignments == []

    @needs_columns
    def test_update_empty_set_removal_does_not_assign(self) -> None:
        assert columns is not None
        statement = UpdateStatement("table")
        statement.add_update(columns.Set(columns.Text, db_field="a"), set(), "remove")
        assert statement.assignments == []

    @needs_columns
    def test_update_list_prepend_with_empty_list(self) -> None:
        assert columns is not None
        statement = UpdateStatement("table")
        statement.add_update(columns.List(columns.Text, db_field="a"), [], "prepend")
        assert statement.assignments == []

    @needs_columns
    def test_update_list_append_with_empty_list(self) -> None:
        assert columns is not None
        statement = UpdateStatement("table")
        statement.add_update(columns.List(columns.Text, db_field="a"), [], "append")
        assert statement.assignments == []
