"""Primary-key and data round trips for each column type (upstream ``columns/test_value_io.py``)."""

from __future__ import annotations

import unittest
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID, uuid1, uuid4

from cassandra.util import Date, Time

from coodie_compat import columns
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model
from tests_cqlengine_ported.harness import (
    PROTOCOL_VERSION,
    BaseCassEngTestCase,
)


class BaseColumnIOTest(BaseCassEngTestCase):
    """Create, read and delete rows of a model whose key and data use ``column``.

    Subclasses set ``column`` and the key and data values (one value or a
    tuple of values, tested pairwise).
    """

    _generated_model: ClassVar[Any] = None
    column: ClassVar[Any] = None
    pkey_val: ClassVar[Any] = None
    data_val: ClassVar[Any] = None

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if not cls.column:
            return

        class IOTestModel(Model):
            pkey = cls.column(primary_key=True)
            data = cls.column()

        cls._generated_model = IOTestModel
        sync_table(cls._generated_model)
        if not isinstance(cls.pkey_val, tuple):
            cls.pkey_val = (cls.pkey_val,)
        if not isinstance(cls.data_val, tuple):
            cls.data_val = (cls.data_val,)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        if cls.column:
            drop_table(cls._generated_model)

    def comparator_converter(self, val: Any) -> Any:
        """Turn a written value into what reading it back must give."""
        return val

    def test_column_io(self) -> None:
        """Values come back from the database as written (converted)."""
        if not self.column:
            assert self._generated_model is None
            return
        for pkey, data in zip(self.pkey_val, self.data_val, strict=True):
            m1 = self._generated_model.create(pkey=pkey, data=data)
            m2 = self._generated_model.get(pkey=pkey)
            assert m1.pkey == m2.pkey == self.comparator_converter(pkey), self.column
            assert m1.data == m2.data == self.comparator_converter(data), self.column
            self._generated_model.filter(pkey=pkey).delete()


class TestBlobIO(BaseColumnIOTest):
    column = columns.Blob
    pkey_val = b"blake", uuid4().bytes
    data_val = b"eggleston", uuid4().bytes


class TestBlobIO2(BaseColumnIOTest):
    column = columns.Blob
    pkey_val = bytearray(b"blake"), uuid4().bytes
    data_val = bytearray(b"eggleston"), uuid4().bytes


class TestTextIO(BaseColumnIOTest):
    column = columns.Text
    pkey_val = "bacon"
    data_val = "monkey"


class TestNonBinaryTextIO(BaseColumnIOTest):
    column = columns.Text
    pkey_val = "bacon"
    data_val = "0xmonkey"


class TestInteger(BaseColumnIOTest):
    column = columns.Integer
    pkey_val = 5
    data_val = 6


class TestBigInt(BaseColumnIOTest):
    column = columns.BigInt
    pkey_val = 6
    data_val = pow(2, 63) - 1


class TestDateTime(BaseColumnIOTest):
    column = columns.DateTime
    now = datetime(*datetime.now().timetuple()[:6])
    pkey_val = now
    data_val = now + timedelta(days=1)


def _as_uuid(val: Any) -> UUID:
    return val if isinstance(val, UUID) else UUID(val)


class TestUUID(BaseColumnIOTest):
    column = columns.UUID
    pkey_val = str(uuid4()), uuid4()
    data_val = str(uuid4()), uuid4()

    def comparator_converter(self, val: Any) -> Any:
        return _as_uuid(val)


class TestTimeUUID(BaseColumnIOTest):
    column = columns.TimeUUID
    pkey_val = str(uuid1()), uuid1()
    data_val = str(uuid1()), uuid1()

    def comparator_converter(self, val: Any) -> Any:
        return _as_uuid(val)


class TestFloatIO(BaseColumnIOTest):
    column = columns.Float
    pkey_val = 4.75
    data_val = -1.5


class TestDoubleIO(BaseColumnIOTest):
    column = columns.Double
    pkey_val = 3.14
    data_val = -1982.11


class TestDecimalIO(BaseColumnIOTest):
    column = columns.Decimal
    pkey_val = Decimal("1.35"), 5, "2.4"
    data_val = Decimal("0.005"), 3.5, "8"

    def comparator_converter(self, val: Any) -> Any:
        return Decimal(repr(val) if isinstance(val, float) else val)


class ProtocolV4Test(BaseColumnIOTest):
    """Types that need native protocol v4."""

    @classmethod
    def setUpClass(cls) -> None:
        if PROTOCOL_VERSION >= 4:
            super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        if PROTOCOL_VERSION >= 4:
            super().tearDownClass()

    def setUp(self) -> None:
        if PROTOCOL_VERSION < 4:
            raise unittest.SkipTest(
                f"Protocol v4 datatypes require native protocol 4+, currently using: "
                f"{PROTOCOL_VERSION}"
            )
        super().setUp()


class TestDate(ProtocolV4Test):
    column = columns.Date
    now = Date(datetime.now().date())
    pkey_val = now
    data_val = Date(now.days_from_epoch + 1)


class TestTime(ProtocolV4Test):
    column = columns.Time
    pkey_val = Time(time(2, 12, 7, 48))
    data_val = Time(time(16, 47, 25, 7))


class TestSmallInt(ProtocolV4Test):
    column = columns.SmallInt
    pkey_val = 16768
    data_val = 32523


class TestTinyInt(ProtocolV4Test):
    column = columns.TinyInt
    pkey_val = 1
    data_val = 123
