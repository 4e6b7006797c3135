"""ContextQuery: model clones bound to other keyspaces, and argument checks."""

from __future__ import annotations

from typing import ClassVar

import pytest

from coodie_compat import columns
from coodie_compat.management import create_keyspace_simple, drop_keyspace, sync_table
from coodie_compat.models import Model
from coodie_compat.query import ContextQuery
from tests_cqlengine_ported.harness import BaseCassEngTestCase


class TestModel(Model):
    __test__ = False
    __keyspace__ = "ks1"

    partition = columns.Integer(primary_key=True)
    cluster = columns.Integer(primary_key=True)
    count = columns.Integer()
    text = columns.Text()


class ContextQueryTests(BaseCassEngTestCase):
    KEYSPACES: ClassVar[tuple[str, ...]] = ("ks1", "ks2", "ks3", "ks4")

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        for keyspace in cls.KEYSPACES:
            create_keyspace_simple(keyspace, 1)
        sync_table(TestModel, keyspaces=cls.KEYSPACES)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        for keyspace in cls.KEYSPACES:
            drop_keyspace(keyspace)

    def setUp(self) -> None:
        super().setUp()
        for keyspace in self.KEYSPACES:
            with ContextQuery(TestModel, keyspace=keyspace) as model:
                for row in model.all():
                    row.delete()

    @staticmethod
    def _count_in(keyspace: str | None) -> int:
        with ContextQuery(TestModel, keyspace=keyspace) as model:
            return len(model.objects.all())

    def test_context_manager(self) -> None:
        for keyspace in self.KEYSPACES:
            with ContextQuery(TestModel, keyspace=keyspace) as model:
                assert model.__keyspace__ == keyspace
        assert TestModel._get_keyspace() == "ks1"

    def test_default_keyspace(self) -> None:
        for i in range(5):
            TestModel.objects.create(partition=i, cluster=i)
        assert self._count_in(None) == 5
        assert self._count_in("ks1") == 5
        for keyspace in self.KEYSPACES[1:]:
            assert self._count_in(keyspace) == 0

    def test_context_keyspace(self) -> None:
        for i in range(5):
            with ContextQuery(TestModel, keyspace="ks4") as model:
                model.objects.create(partition=i, cluster=i)
        assert self._count_in("ks4") == 5
        assert len(TestModel.objects.all()) == 0
        for keyspace in self.KEYSPACES[:2]:
            assert self._count_in(keyspace) == 0
        with ContextQuery(TestModel, keyspace="ks4") as model:
            model.objects.get(partition=1).update(count=42)
            assert model.objects.get(partition=1).count == 42

    def test_context_multiple_models(self) -> None:
        with ContextQuery(TestModel, TestModel, keyspace="ks4") as (first, second):
            assert first != second
            assert first.__keyspace__ == second.__keyspace__ == "ks4"

    def test_context_invalid_parameters(self) -> None:
        for args, kwargs in (((), {"keyspace": "ks2"}), ((42,), {}), ((TestModel, 42), {}),
                             ((TestModel,), {"unknown_param": 42}),
                             ((TestModel,), {"keyspace": "ks2", "unknown_param": 42})):
            with pytest.raises(ValueError), ContextQuery(*args, **kwargs):
                pass
