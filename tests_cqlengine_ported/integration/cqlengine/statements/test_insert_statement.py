"""``InsertStatement``: column and VALUES lists, numbering, USING TTL."""

from __future__ import annotations

import unittest

from coodie_compat.statements import InsertStatement
from tests_cqlengine_ported.integration.cqlengine.statements import Column


def _insert_a_and_c(**options: object) -> InsertStatement:
    statement = InsertStatement("table", **options)  # type: ignore[arg-type]
    statement.add_assignment(Column(db_field="a"), "b")
    statement.add_assignment(Column(db_field="c"), "d")
    return statement


class InsertStatementTests(unittest.TestCase):
    def test_statement(self) -> None:
        assert str(_insert_a_and_c()) == 'INSERT INTO table ("a", "c") VALUES (%(0)s, %(1)s)'

    def test_context_update(self) -> None:
        statement = _insert_a_and_c()
        statement.update_context_id(4)
        assert str(statement) == 'INSERT INTO table ("a", "c") VALUES (%(4)s, %(5)s)'
        assert statement.get_context() == {"4": "b", "5": "d"}

    def test_additional_rendering(self) -> None:
        statement = _insert_a_and_c(ttl=60)
        assert str(statement) == (
            'INSERT INTO table ("a", "c") VALUES (%(0)s, %(1)s) USING TTL 60'
        )
