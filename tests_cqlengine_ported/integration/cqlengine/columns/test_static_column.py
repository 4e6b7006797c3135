"""Static columns: mixed, static-only and null-clustering-key writes (upstream `columns/`)."""

from __future__ import annotations

import unittest
from uuid import uuid4

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import (
    PROTOCOL_VERSION,
    BaseCassEngTestCase,
)

# Static columns came with native protocol v2 (a proxy for the server version, as upstream).
STATIC_SUPPORTED = PROTOCOL_VERSION >= 2


class TestStaticModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    cluster = columns.UUID(primary_key=True, default=uuid4)
    static = columns.Text(static=True)
    text = columns.Text()


class TestStaticColumn(BaseCassEngTestCase):
    def setUp(self) -> None:
        if not STATIC_SUPPORTED:
            raise unittest.SkipTest("only runs against the cql3 protocol v2.0")
        super().setUp()

    @classmethod
    def setUpClass(cls) -> None:
        drop_table(TestStaticModel)
        if STATIC_SUPPORTED:
            sync_table(TestStaticModel)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(TestStaticModel)

    def test_mixed_updates(self) -> None:
        """Updating static and regular columns together works."""
        instance = TestStaticModel.create()
        instance.static = "it's shared"
        instance.text = "some text"
        instance.save()

        u = TestStaticModel.get(partition=instance.partition)
        u.static = "it's still shared"
        u.text = "another text"
        u.update()
        actual = TestStaticModel.get(partition=u.partition)

        assert actual.static == "it's still shared"

    def test_static_only_updates(self) -> None:
        """Updating only the static column works."""
        instance = TestStaticModel.create()
        instance.static = "it's shared"
        instance.text = "some text"
        instance.save()

        u = TestStaticModel.get(partition=instance.partition)
        u.static = "it's still shared"
        u.update()
        actual = TestStaticModel.get(partition=u.partition)
        assert actual.static == "it's still shared"

    def test_static_with_null_cluster_key(self) -> None:
        """Save and update of the static column work with a null clustering key."""
        instance = TestStaticModel.create(cluster=None, static="it's shared")
        instance.save()

        u = TestStaticModel.get(partition=instance.partition)
        u.static = "it's still shared"
        u.update()
        actual = TestStaticModel.get(partition=u.partition)
        assert actual.static == "it's still shared"
