"""Compaction options: created as declared, altered only when they change.

Ported from upstream ``tests/integration/cqlengine/management/test_compaction_settings.py``:
same classes and test names, our own code.
"""

from __future__ import annotations

import copy
from typing import Any
from unittest.mock import patch

from coodie_compat import columns
from coodie_compat.management import _get_table_metadata, _update_options, drop_table, sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import BaseCassEngTestCase, assertRegex

_LCS = "org.apache.cassandra.db.compaction.LeveledCompactionStrategy"
_STCS = "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"


class LeveledCompactionTestTable(Model):
    __options__ = {"compaction": {"class": _LCS, "sstable_size_in_mb": "64"}}

    user_id = columns.UUID(primary_key=True)
    name = columns.Text()


class AlterTableTest(BaseCassEngTestCase):
    def test_alter_is_called_table(self) -> None:
        drop_table(LeveledCompactionTestTable)
        sync_table(LeveledCompactionTestTable)
        with patch("coodie_compat.management._update_options") as mock:
            sync_table(LeveledCompactionTestTable)
        assert mock.called == 1

    def test_compaction_not_altered_without_changes_leveled(self) -> None:
        class LeveledCompactionChangesDetectionTest(Model):
            __options__ = {"compaction": {"class": _LCS,
                                          "sstable_size_in_mb": "160",
                                          "tombstone_threshold": "0.125",
                                          "tombstone_compaction_interval": "3600"}}
            pk = columns.Integer(primary_key=True)

        drop_table(LeveledCompactionChangesDetectionTest)
        sync_table(LeveledCompactionChangesDetectionTest)

        assert not _update_options(LeveledCompactionChangesDetectionTest)

    def test_compaction_not_altered_without_changes_sizetiered(self) -> None:
        class SizeTieredCompactionChangesDetectionTest(Model):
            __options__ = {"compaction": {"class": _STCS,
                                          "bucket_high": "20",
                                          "bucket_low": "0.5",
                                          "max_threshold": "200",
                                          "min_threshold": "100",
                                          "min_sstable_size": "1000",
                                          "tombstone_threshold": "0.125",
                                          "tombstone_compaction_interval": "3600"}}
            pk = columns.Integer(primary_key=True)

        drop_table(SizeTieredCompactionChangesDetectionTest)
        sync_table(SizeTieredCompactionChangesDetectionTest)

        assert not _update_options(SizeTieredCompactionChangesDetectionTest)

    def test_alter_actually_alters(self) -> None:
        tmp = copy.deepcopy(LeveledCompactionTestTable)
        drop_table(tmp)
        sync_table(tmp)
        tmp.__options__ = {"compaction": {"class": _STCS}}
        sync_table(tmp)

        table_meta = _get_table_metadata(tmp)
        assertRegex(table_meta.export_as_string(), ".*SizeTieredCompactionStrategy.*")

    def test_alter_options(self) -> None:
        class AlterTable(Model):
            __options__ = {"compaction": {"class": _LCS, "sstable_size_in_mb": "64"}}
            user_id = columns.UUID(primary_key=True)
            name = columns.Text()

        drop_table(AlterTable)
        sync_table(AlterTable)
        table_meta = _get_table_metadata(AlterTable)
        assertRegex(table_meta.export_as_string(), ".*'sstable_size_in_mb': '64'.*")
        AlterTable.__options__["compaction"]["sstable_size_in_mb"] = "128"
        sync_table(AlterTable)
        table_meta = _get_table_metadata(AlterTable)
        assertRegex(table_meta.export_as_string(), ".*'sstable_size_in_mb': '128'.*")


class OptionsTest(BaseCassEngTestCase):
    def _verify_options(self, table_meta: Any, expected_options: dict[str, Any]) -> None:
        cql = table_meta.export_as_string()
        for name, value in expected_options.items():
            if isinstance(value, str):
                assert f"{name} = '{value}'" in cql
                continue
            start = cql.find(f"{name} = {{")
            end = cql.find("}", start)
            for subname, subvalue in value.items():
                found_at = cql.find(f"'{subname}': '{subvalue}'", start)
                if found_at == -1 and name == "compaction" and subname == "class":
                    # ScyllaDB keeps only the short class name; accept it there.
                    short = subvalue.split(".")[-1]
                    found_at = cql.find(f"'{subname}': '{short}'", start)
                assert start < found_at < end

    def test_all_size_tiered_options(self) -> None:
        class AllSizeTieredOptionsModel(Model):
            __options__ = {"compaction": {"class": _STCS,
                                          "bucket_low": ".3",
                                          "bucket_high": "2",
                                          "min_threshold": "2",
                                          "max_threshold": "64",
                                          "tombstone_compaction_interval": "86400"}}
            cid = columns.UUID(primary_key=True)
            name = columns.Text()

        drop_table(AllSizeTieredOptionsModel)
        sync_table(AllSizeTieredOptionsModel)

        table_meta = _get_table_metadata(AllSizeTieredOptionsModel)
        self._verify_options(table_meta, AllSizeTieredOptionsModel.__options__)

    def test_all_leveled_options(self) -> None:
        class AllLeveledOptionsModel(Model):
            __options__ = {"compaction": {"class": _LCS, "sstable_size_in_mb": "64"}}
            cid = columns.UUID(primary_key=True)
            name = columns.Text()

        drop_table(AllLeveledOptionsModel)
        sync_table(AllLeveledOptionsModel)

        table_meta = _get_table_metadata(AllLeveledOptionsModel)
        self._verify_options(table_meta, AllLeveledOptionsModel.__options__)
