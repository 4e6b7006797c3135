"""Where operators: symbol lookup, CQL rendering, and ``IsNotNull`` in querysets.

``TestIsNotNull`` renders through ``TestQueryUpdateModel`` and runs on the node.
"""

from __future__ import annotations

import unittest
from uuid import uuid4

import pytest
from cassandra import InvalidRequest

from coodie_compat.management import drop_table, sync_table
from coodie_compat.operators import (
    ContainsOperator,
    EqualsOperator,
    GreaterThanOperator,
    GreaterThanOrEqualOperator,
    InOperator,
    IsNotNullOperator,
    LessThanOperator,
    LessThanOrEqualOperator,
    LikeOperator,
    NotEqualsOperator,
)
from coodie_compat.statements import IsNotNull
from tests_cqlengine_ported.harness import (
    BaseCassEngTestCase,
    TestQueryUpdateModel,
    greaterthanorequalcass30,
)
from tests_cqlengine_ported.integration.cqlengine.operators import check_lookup

_TABLE = "cqlengine_test.test_query_update_model"


class TestWhereOperators(unittest.TestCase):
    def test_symbol_lookup(self) -> None:
        expected = {
            "EQ": EqualsOperator,
            "NE": NotEqualsOperator,
            "IN": InOperator,
            "GT": GreaterThanOperator,
            "GTE": GreaterThanOrEqualOperator,
            "LT": LessThanOperator,
            "LTE": LessThanOrEqualOperator,
            "CONTAINS": ContainsOperator,
            "LIKE": LikeOperator,
        }
        for symbol, operator in expected.items():
            check_lookup(symbol, operator)

    def test_operator_rendering(self) -> None:
        rendered = {
            EqualsOperator: "=",
            NotEqualsOperator: "!=",
            InOperator: "IN",
            GreaterThanOperator: ">",
            GreaterThanOrEqualOperator: ">=",
            LessThanOperator: "<",
            LessThanOrEqualOperator: "<=",
            ContainsOperator: "CONTAINS",
            LikeOperator: "LIKE",
        }
        for operator, cql in rendered.items():
            assert str(operator()) == cql, operator


class TestIsNotNull(BaseCassEngTestCase):
    def test_is_not_null_to_cql(self) -> None:
        check_lookup("IS NOT NULL", IsNotNullOperator)

        # No column is known from the filter, so the selection stays "*".
        limited = TestQueryUpdateModel.filter(IsNotNull("text")).limit(2)
        assert str(limited) == f'SELECT * FROM {_TABLE} WHERE "text" IS NOT NULL LIMIT 2'

        # The partition value is known, so it is not selected back.
        by_partition = TestQueryUpdateModel.filter(IsNotNull("text"), partition=uuid4())
        assert str(by_partition) == (
            'SELECT "cluster", "count", "text", "text_set", "text_list", "text_map", "bin_map" '
            f'FROM {_TABLE} WHERE "text" IS NOT NULL AND "partition" = %(0)s LIMIT 10000'
        )

    @greaterthanorequalcass30
    def test_is_not_null_execution(self) -> None:
        sync_table(TestQueryUpdateModel)
        self.addCleanup(drop_table, TestQueryUpdateModel)

        # The syntax is valid; the server refuses the restriction without an index.
        with pytest.raises(InvalidRequest):
            list(TestQueryUpdateModel.filter(IsNotNull("text")))
        with pytest.raises(InvalidRequest):
            list(TestQueryUpdateModel.filter(IsNotNull("text"), partition=uuid4()))
