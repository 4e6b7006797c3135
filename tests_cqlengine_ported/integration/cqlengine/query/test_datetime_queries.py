"""Range filters on a DateTime clustering key, and millisecond precision."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from coodie_compat import columns
from coodie_compat.functions import get_total_seconds
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import BaseCassEngTestCase, execute_count


class DateTimeQueryTestModel(Model):
    user = columns.Integer(primary_key=True)
    day = columns.DateTime(primary_key=True)
    data = columns.Text()


class TestDateTimeQueries(BaseCassEngTestCase):
    base_date: datetime

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(DateTimeQueryTestModel)
        cls.base_date = datetime.now() - timedelta(days=10)
        for user in range(7):
            for offset in range(10):
                DateTimeQueryTestModel.create(
                    user=user, day=cls.base_date + timedelta(days=offset), data=str(uuid4()))

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(DateTimeQueryTestModel)

    @execute_count(1)
    def test_range_query(self) -> None:
        start = datetime(*self.base_date.timetuple()[:3])
        end = start + timedelta(days=3)
        rows = DateTimeQueryTestModel.filter(user=0, day__gte=start, day__lt=end)
        assert len(rows) == 3

    @execute_count(3)
    def test_datetime_precision(self) -> None:
        now = datetime.now()
        row = DateTimeQueryTestModel.create(user=1000, day=now, data="energy cheese")
        loaded = DateTimeQueryTestModel.get(user=1000)
        # Stored with millisecond resolution: the difference is below 10 ms.
        assert get_total_seconds(now - loaded.day) == pytest.approx(0, abs=1e-2)
        row.delete()
