"""Clustering order DESC, read back through ``values_list(..., flat=True)``."""

from __future__ import annotations

import random

from coodie_compat import columns
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import BaseCassEngTestCase, pending, pending_call

try:
    from coodie_compat.management import drop_table, sync_table
except ImportError:  # management not built yet: the whole module is skipped
    drop_table = sync_table = pending_call

pytestmark = pending("management")


class TestModel(Model):
    __test__ = False

    id = columns.Integer(primary_key=True)
    clustering_key = columns.Integer(primary_key=True, clustering_order="desc")


class TestClusteringComplexModel(Model):
    __test__ = False

    id = columns.Integer(primary_key=True)
    clustering_key = columns.Integer(primary_key=True, clustering_order="desc")
    some_value = columns.Integer()


def _shuffled() -> list[int]:
    items = list(range(20))
    random.shuffle(items)
    return items


class TestClusteringOrder(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestModel)

    def test_clustering_order(self) -> None:
        items = _shuffled()
        for i in items:
            TestModel.create(id=1, clustering_key=i)
        values = list(TestModel.objects.values_list("clustering_key", flat=True))
        assert values == sorted(items, reverse=True)

    def test_clustering_order_more_complex(self) -> None:
        sync_table(TestClusteringComplexModel)
        self.addCleanup(drop_table, TestClusteringComplexModel)
        for i in _shuffled():
            TestClusteringComplexModel.create(id=1, clustering_key=i, some_value=2)
        values = list(TestClusteringComplexModel.objects.values_list("some_value", flat=True))
        assert values == [2] * 20
