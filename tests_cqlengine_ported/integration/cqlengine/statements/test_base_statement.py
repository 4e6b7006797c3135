"""``BaseCQLStatement`` options, and raw statements executed through ``connection.execute``.

``ExecuteStatementTest`` runs on the node: statement objects built by hand
go through ``connection.execute`` and are read back; ``LIKE`` needs a SASI index.
"""

from __future__ import annotations

import unittest
from uuid import UUID, uuid4

from cassandra.query import FETCH_SIZE_UNSET

from coodie_compat.connection import execute
from coodie_compat.management import drop_table, sync_table
from coodie_compat.operators import EqualsOperator, LikeOperator
from coodie_compat.statements import (
    AssignmentStatement,
    BaseCQLStatement,
    DeleteStatement,
    InsertStatement,
    SelectStatement,
    UpdateStatement,
    WhereClause,
)
from tests_cqlengine_ported.harness import (
    DEFAULT_KEYSPACE,
    BaseCassEngTestCase,
    TestCluster,
    TestQueryUpdateModel,
    greaterthanorequalcass3_10,
    requires_custom_indexes,
)
from tests_cqlengine_ported.integration.cqlengine.statements import Column


class BaseStatementTest(unittest.TestCase):
    def test_fetch_size(self) -> None:
        assert BaseCQLStatement("table", None, fetch_size=1000).fetch_size == 1000
        # None (or no value at all) leaves the driver's default in place.
        assert BaseCQLStatement("table", None, fetch_size=None).fetch_size is FETCH_SIZE_UNSET
        assert BaseCQLStatement("table", None).fetch_size is FETCH_SIZE_UNSET


class ExecuteStatementTest(BaseCassEngTestCase):
    text = "text_for_db"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestQueryUpdateModel)
        cls.table_name = f"{DEFAULT_KEYSPACE}.test_query_update_model"

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestQueryUpdateModel)

    def _verify_statement(self, original: AssignmentStatement) -> None:
        row = execute(SelectStatement(self.table_name)).one()
        for assignment in original.assignments:
            assert row[assignment.field] == assignment.value
        # Every column of the model came back: partition, cluster and six data columns.
        assert len(row) == 8

    def test_insert_statement_execute(self) -> None:
        partition = uuid4()
        self._insert_statement(partition, 1)

        where = [
            WhereClause("partition", EqualsOperator(), partition),
            WhereClause("cluster", EqualsOperator(), 1),
        ]
        update = UpdateStatement(self.table_name, where=where)
        update.add_assignment(Column(db_field="count"), 2)
        update.add_assignment(Column(db_field="text"), "text_for_db_update")
        update.add_assignment(Column(db_field="text_set"), {"foo_update", "bar_update"})
        update.add_assignment(Column(db_field="text_list"), ["foo_update", "bar_update"])
        update.add_assignment(Column(db_field="text_map"), {"foo": "3", "bar": "4"})
        update.add_assignment(Column(db_field="bin_map"), {123: b"3", 456: b"4"})
        execute(update)
        self._verify_statement(update)

        execute(DeleteStatement(self.table_name, where=where))
        assert TestQueryUpdateModel.objects.count() == 0

    @greaterthanorequalcass3_10
    @requires_custom_indexes
    def test_like_operator(self) -> None:
        cluster = TestCluster()
        session = cluster.connect()
        self.addCleanup(cluster.shutdown)
        session.execute(
            f"CREATE CUSTOM INDEX text_index ON {self.table_name} (text) "
            "USING 'org.apache.cassandra.index.sasi.SASIIndex';"
        )
        self.addCleanup(session.execute, f"DROP INDEX {DEFAULT_KEYSPACE}.text_index")

        self._insert_statement(uuid4(), 1)

        pattern = "text_for_%"
        select = SelectStatement(self.table_name)
        select.add_where(Column(db_field="text"), LikeOperator(), pattern)
        assert str(select) == f'SELECT * FROM {self.table_name} WHERE "text" LIKE %(0)s'
        assert execute(select)[0]["text"] == self.text

        filtering = TestQueryUpdateModel.objects.filter(text__like=pattern).allow_filtering()
        assert filtering[0].text == self.text
        assert TestQueryUpdateModel.objects.filter(text__like=pattern)[0].text == self.text

    def _insert_statement(self, partition: UUID, cluster: int) -> None:
        insert = InsertStatement(self.table_name)
        insert.add_assignment(Column(db_field="partition"), partition)
        insert.add_assignment(Column(db_field="cluster"), cluster)
        insert.add_assignment(Column(db_field="count"), 1)
        insert.add_assignment(Column(db_field="text"), self.text)
        insert.add_assignment(Column(db_field="text_set"), {"foo", "bar"})
        insert.add_assignment(Column(db_field="text_list"), ["foo", "bar"])
        insert.add_assignment(Column(db_field="text_map"), {"foo": "1", "bar": "2"})
        insert.add_assignment(Column(db_field="bin_map"), {123: b"1", 456: b"2"})
        execute(insert)
        self._verify_statement(insert)
