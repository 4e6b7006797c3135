"""``DeleteStatement``: fields, map keys, WHERE ranges, numbering and conditionals."""

from __future__ import annotations

from unittest import TestCase

from coodie_compat.operators import (
    EqualsOperator,
    GreaterThanOrEqualOperator,
    InOperator,
    LessThanOrEqualOperator,
    NotEqualsOperator,
)
from coodie_compat.statements import (
    ConditionalClause,
    DeleteStatement,
    MapDeleteClause,
    WhereClause,
)
from tests_cqlengine_ported.integration.cqlengine.statements import Column


class DeleteStatementTests(TestCase):
    def test_single_field_is_listified(self) -> None:
        statement = DeleteStatement("table", "field")
        assert [clause.field for clause in statement.fields] == ["field"]

    def test_field_rendering(self) -> None:
        assert str(DeleteStatement("table", ["f1", "f2"])) == 'DELETE "f1", "f2" FROM table'

    def test_none_fields_rendering(self) -> None:
        # Without fields the whole row goes: nothing between DELETE and FROM.
        assert str(DeleteStatement("table", None)) == "DELETE FROM table"

    def test_table_rendering(self) -> None:
        assert str(DeleteStatement("ks.events", None)) == "DELETE FROM ks.events"

    def test_where_clause_rendering(self) -> None:
        statement = DeleteStatement("table", None)
        statement.add_where(Column(db_field="a"), EqualsOperator(), "b")
        assert str(statement) == 'DELETE FROM table WHERE "a" = %(0)s'

    def test_context_update(self) -> None:
        statement = DeleteStatement("table", None)
        statement.add_field(MapDeleteClause("d", {1: 2}, {1: 2, 3: 4}))
        statement.add_where(Column(db_field="a"), EqualsOperator(), "b")

        # Renumbering puts the WHERE clause first, then the map key to delete.
        statement.update_context_id(7)
        assert str(statement) == 'DELETE "d"[%(8)s] FROM table WHERE "a" = %(7)s'
        assert statement.get_context() == {"7": "b", "8": 3}

    def test_context(self) -> None:
        statement = DeleteStatement("table", None)
        statement.add_where(Column(db_field="a"), EqualsOperator(), "b")
        assert statement.get_context() == {"0": "b"}

    def test_range_deletion_rendering(self) -> None:
        ranged = DeleteStatement("table", None)
        ranged.add_where(Column(db_field="a"), EqualsOperator(), "b")
        ranged.add_where(Column(db_field="created_at"), GreaterThanOrEqualOperator(), "0")
        ranged.add_where(Column(db_field="created_at"), LessThanOrEqualOperator(), "10")
        assert str(ranged) == (
            'DELETE FROM table WHERE "a" = %(0)s'
            ' AND "created_at" >= %(1)s AND "created_at" <= %(2)s'
        )

        listed = DeleteStatement("table", None)
        listed.add_where(Column(db_field="a"), EqualsOperator(), "b")
        listed.add_where(Column(db_field="created_at"), InOperator(), ["0", "10", "20"])
        assert str(listed) == 'DELETE FROM table WHERE "a" = %(0)s AND "created_at" IN %(1)s'

        unequal = DeleteStatement("table", None)
        unequal.add_where(Column(db_field="a"), NotEqualsOperator(), "b")
        assert str(unequal) == 'DELETE FROM table WHERE "a" != %(0)s'

    def test_delete_conditional(self) -> None:
        where = [WhereClause("id", EqualsOperator(), 1)]
        conditionals = [ConditionalClause("f0", "value0"), ConditionalClause("f1", "value1")]

        statement = DeleteStatement("table", where=where, conditionals=conditionals)
        assert len(statement.conditionals) == 2
        assert str(statement) == (
            'DELETE FROM table WHERE "id" = %(0)s IF "f0" = %(1)s AND "f1" = %(2)s'
        )

        with_fields = DeleteStatement(
            "table", fields=["one", "two"], where=where, conditionals=conditionals
        )
        assert str(with_fields) == (
            'DELETE "one", "two" FROM table WHERE "id" = %(0)s IF "f0" = %(1)s AND "f1" = %(2)s'
        )
