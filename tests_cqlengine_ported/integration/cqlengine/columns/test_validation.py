"""Column validation and round trips per type (upstream ``columns/test_validation.py``)."""

from __future__ import annotations

import unittest
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal as D
from typing import Any, ClassVar
from uuid import UUID as PyUUID
from uuid import uuid1, uuid4

import pytest
from cassandra import InvalidRequest, util
from packaging.version import Version

from coodie_compat.columns import (
    UUID,
    Ascii,
    BigInt,
    Boolean,
    Date,
    DateTime,
    Decimal,
    Double,
    Duration,
    Inet,
    Integer,
    List,
    Map,
    Set,
    Text,
    Time,
    TimeUUID,
    Tuple,
    UserDefinedType,
    VarInt,
)
from coodie_compat.connection import execute
from coodie_compat.management import drop_table, sync_table
from coodie_compat.models import Model, ValidationError
from coodie_compat.usertype import UserType
from tests_cqlengine_ported.harness import (
    CASSANDRA_VERSION,
    PROTOCOL_VERSION,
    BaseCassEngTestCase,
    greaterthanorequalcass3_11,
    greaterthanorequalcass30,
)

V4_TYPES = PROTOCOL_VERSION >= 4 and Version("3.0") <= CASSANDRA_VERSION


class TestDatetime(BaseCassEngTestCase):
    class DatetimeTest(Model):
        test_id = Integer(primary_key=True)
        created_at = DateTime()

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.DatetimeTest)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(cls.DatetimeTest)

    def _read(self, test_id: int) -> Any:
        return self.DatetimeTest.objects(test_id=test_id).first()

    def test_datetime_io(self) -> None:
        now = datetime.now()
        self.DatetimeTest.objects.create(test_id=0, created_at=now)
        assert self._read(0).created_at.timetuple()[:6] == now.timetuple()[:6]

    def test_datetime_tzinfo_io(self) -> None:
        class TZ(tzinfo):
            def utcoffset(self, date_time: datetime | None) -> timedelta:
                return timedelta(hours=-1)

            def dst(self, date_time: datetime | None) -> None:
                return None

        now = datetime(1982, 1, 1, tzinfo=TZ())
        self.DatetimeTest.objects.create(test_id=1, created_at=now)
        expected = (now + timedelta(hours=1)).timetuple()[:6]
        assert self._read(1).created_at.timetuple()[:6] == expected

    @greaterthanorequalcass30
    def test_datetime_date_support(self) -> None:
        today = date.today()
        midnight = datetime.combine(today, datetime.min.time())
        self.DatetimeTest.objects.create(test_id=2, created_at=today)
        assert self._read(2).created_at.isoformat() == midnight.isoformat()

        everything = self.DatetimeTest.objects.all().allow_filtering()
        assert everything.filter(test_id=2).first().created_at == midnight
        assert everything.filter(test_id=2, created_at=today).first().created_at == midnight

    def test_datetime_none(self) -> None:
        self.DatetimeTest.objects.create(test_id=3, created_at=None)
        assert self._read(3).created_at is None

        dts = self.DatetimeTest.objects.filter(test_id=3).values_list("created_at")
        assert dts[0][0] is None

    def test_datetime_invalid(self) -> None:
        with pytest.raises(TypeError):
            self.DatetimeTest.objects.create(test_id=4, created_at="INVALID")

    def test_datetime_timestamp(self) -> None:
        dt_value = 1454520554
        self.DatetimeTest.objects.create(test_id=5, created_at=dt_value)
        expected = datetime.fromtimestamp(dt_value, tz=timezone.utc).replace(tzinfo=None)
        assert self._read(5).created_at == expected

    def test_datetime_large(self) -> None:
        dt_value = datetime(2038, 12, 31, 10, 10, 10, 123000)
        self.DatetimeTest.objects.create(test_id=6, created_at=dt_value)
        assert self._read(6).created_at == dt_value

    def test_datetime_truncate_microseconds(self) -> None:
        """With truncation on, values come back truncated to the millisecond (PYTHON-273)."""
        DateTime.truncate_microseconds = True
        try:
            dt_value = datetime(2024, 12, 31, 10, 10, 10, 923567)
            self.DatetimeTest.objects.create(test_id=6, created_at=dt_value)
            assert self._read(6).created_at == datetime(2024, 12, 31, 10, 10, 10, 923000)
        finally:
            DateTime.truncate_microseconds = False


class TestBoolDefault(BaseCassEngTestCase):
    class BoolDefaultValueTest(Model):
        test_id = Integer(primary_key=True)
        stuff = Boolean(default=True)

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.BoolDefaultValueTest)

    def test_default_is_set(self) -> None:
        tmp = self.BoolDefaultValueTest.create(test_id=1)
        assert tmp.stuff is True
        assert self.BoolDefaultValueTest.get(test_id=1).stuff is True


class TestBoolValidation(BaseCassEngTestCase):
    class BoolValidationTest(Model):
        test_id = Integer(primary_key=True)
        bool_column = Boolean()

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.BoolValidationTest)

    def test_validation_preserves_none(self) -> None:
        test_obj = self.BoolValidationTest(test_id=1)
        test_obj.validate()
        assert test_obj.bool_column is None


class TestVarInt(BaseCassEngTestCase):
    class VarIntTest(Model):
        test_id = Integer(primary_key=True)
        bignum = VarInt(primary_key=True)

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.VarIntTest)

    @classmethod
    def tearDownClass(cls) -> None:
        sync_table(cls.VarIntTest)

    def test_varint_io(self) -> None:
        long_int = 92834902384092834092384028340283048239048203480234823048230482304820348239
        int1 = self.VarIntTest.objects.create(test_id=0, bignum=long_int)
        int2 = self.VarIntTest.objects(test_id=0).first()
        assert int1.bignum == int2.bignum

        with pytest.raises(ValidationError):
            self.VarIntTest.objects.create(test_id=0, bignum="not_a_number")


class DataType:
    """Round trips of one column type through three read paths; subclasses set the values."""

    db_klass: ClassVar[Any]
    python_klass: ClassVar[Any]
    model_class: ClassVar[Any]
    first_value: ClassVar[Any]
    second_value: ClassVar[Any]
    third_value: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        if not V4_TYPES:
            return

        class DataTypeTest(Model):
            test_id = Integer(primary_key=True)
            class_param = cls.db_klass()

        cls.model_class = DataTypeTest
        sync_table(cls.model_class)

    @classmethod
    def tearDownClass(cls) -> None:
        if V4_TYPES:
            drop_table(cls.model_class)

    def setUp(self) -> None:
        if not V4_TYPES:
            raise unittest.SkipTest(
                "Protocol v4 datatypes require native protocol 4+ and C* version >=3.0, "
                f"currently using protocol {PROTOCOL_VERSION} and C* version {CASSANDRA_VERSION}"
            )

    def _check_value_is_correct_in_db(self, value: Any) -> Any:
        """Read the row back three ways; each must give ``value`` (as ``python_klass``)."""
        everything = self.model_class.objects.all().allow_filtering()
        if value is None:
            reads = [everything.filter(test_id=0), self.model_class.objects(test_id=0)]
            for query in reads:
                result = query.first()
                assert result.class_param is None
            return result

        expected = value if isinstance(value, self.python_klass) else self.python_klass(value)
        reads = [
            self.model_class.objects(test_id=0),
            everything.filter(test_id=0),
            everything.filter(test_id=0, class_param=value),
        ]
        for query in reads:
            result = query.first()
            assert isinstance(result.class_param, self.python_klass)
            assert result.class_param == expected
        return result

    def test_param_io(self) -> None:
        self.model_class.objects.create(test_id=0, class_param=self.first_value)
        result = self._check_value_is_correct_in_db(self.first_value)
        result.delete()

        self.model_class.objects.create(test_id=0, class_param=self.second_value)
        result = self._check_value_is_correct_in_db(self.second_value)

        result.update(class_param=self.third_value).save()
        result = self._check_value_is_correct_in_db(self.third_value)

        result.update(class_param=None).save()
        self._check_value_is_correct_in_db(None)

    def test_param_none(self) -> None:
        """None is written as null and read back as None."""
        self.model_class.objects.create(test_id=1, class_param=None)
        assert self.model_class.objects(test_id=1).first().class_param is None

        dts = self.model_class.objects(test_id=1).values_list("class_param")
        assert dts[0][0] is None


class TestDate(DataType, BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.db_klass, cls.python_klass = Date, util.Date
        cls.first_value = datetime.utcnow()
        cls.second_value = util.Date(datetime(1, 1, 1))
        cls.third_value = datetime(1, 1, 2)
        super().setUpClass()


class TestTime(DataType, BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.db_klass, cls.python_klass = Time, util.Time
        cls.first_value = None
        cls.second_value = util.Time(time(2, 12, 7, 49))
        cls.third_value = time(2, 12, 7, 50)
        super().setUpClass()


class TestDateTime(DataType, BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.db_klass, cls.python_klass = DateTime, datetime
        cls.first_value = datetime(2017, 4, 13, 18, 34, 24, 317000)
        cls.second_value = datetime(1, 1, 1)
        cls.third_value = datetime(1, 1, 2)
        super().setUpClass()


class TestBoolean(DataType, BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.db_klass, cls.python_klass = Boolean, bool
        cls.first_value, cls.second_value, cls.third_value = None, False, True
        super().setUpClass()


@greaterthanorequalcass3_11
class TestDuration(DataType, BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if Version("3.10") <= CASSANDRA_VERSION:
            cls.db_klass, cls.python_klass = Duration, util.Duration
            cls.first_value = util.Duration(0, 0, 0)
            cls.second_value = util.Duration(1, 2, 3)
            cls.third_value = util.Duration(0, 0, 0)
            super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        if Version("3.10") <= CASSANDRA_VERSION:
            super().tearDownClass()


class User(UserType):
    # Date and Time fields make sure to_python runs for the UDT's fields.
    age = Integer()
    date_param = Date()
    map_param = Map(Integer, Time)
    list_param = List(Date)
    set_param = Set(Date)
    tuple_param = Tuple(Date, Decimal, Boolean, VarInt, Double, UUID)


class UserModel(Model):
    test_id = Integer(primary_key=True)
    class_param = UserDefinedType(User)


class TestUDT(DataType, BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not V4_TYPES:
            return
        cls.db_klass, cls.python_klass = UserDefinedType, User
        times = {1: time(2, 12, 7, 50), 2: util.Time(time(2, 12, 7, 49))}
        cls.first_value = User(
            age=1, date_param=datetime.utcnow(), map_param=times,
            list_param=[datetime(1, 1, 2), datetime(1, 1, 3)],
            set_param={datetime(1, 1, 3), util.Date(datetime(1, 1, 1))},
            tuple_param=(datetime(1, 1, 3), 2, False, 1, 2.324, uuid4()),
        )
        cls.second_value = User(
            age=1, date_param=datetime.utcnow(), map_param=times,
            list_param=[datetime(1, 1, 2), datetime(1, 2, 3)],
            set_param=None,
            tuple_param=(datetime(1, 1, 2), 2, False, 1, 2.324, uuid4()),
        )
        cls.third_value = User(
            age=2, date_param=None,
            map_param={1: time(2, 12, 7, 51), 2: util.Time(time(2, 12, 7, 49))},
            list_param=[datetime(1, 1, 2), datetime(1, 1, 4)],
            set_param={datetime(1, 1, 3), util.Date(datetime(1, 1, 2))},
            tuple_param=(None, 3, False, None, 2.3214, uuid4()),
        )
        cls.model_class = UserModel
        sync_table(cls.model_class)


class TestDecimal(BaseCassEngTestCase):
    class DecimalTest(Model):
        test_id = Integer(primary_key=True)
        dec_val = Decimal()

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.DecimalTest)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(cls.DecimalTest)

    def test_decimal_io(self) -> None:
        dt = self.DecimalTest.objects.create(test_id=0, dec_val=D("0.00"))
        assert self.DecimalTest.objects(test_id=0).first().dec_val == dt.dec_val

        self.DecimalTest.objects.create(test_id=0, dec_val=5)
        assert self.DecimalTest.objects(test_id=0).first().dec_val == D("5")


class TestUUID(BaseCassEngTestCase):
    class UUIDTest(Model):
        test_id = Integer(primary_key=True)
        a_uuid = UUID(default=uuid4())

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.UUIDTest)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(cls.UUIDTest)

    def _round_trip(self, test_id: int, written: str) -> Any:
        self.UUIDTest.create(test_id=test_id, a_uuid=written)
        return self.UUIDTest.get(test_id=test_id).a_uuid

    def test_uuid_str_with_dashes(self) -> None:
        a_uuid = uuid4()
        assert self._round_trip(0, str(a_uuid)) == a_uuid

    def test_uuid_str_no_dashes(self) -> None:
        a_uuid = uuid4()
        assert self._round_trip(1, a_uuid.hex) == a_uuid

    def test_uuid_with_upcase(self) -> None:
        a_uuid = uuid4()
        assert self._round_trip(0, str(a_uuid).upper()) == a_uuid


class TestTimeUUID(BaseCassEngTestCase):
    class TimeUUIDTest(Model):
        test_id = Integer(primary_key=True)
        timeuuid = TimeUUID(default=uuid1())

    @classmethod
    def setUpClass(cls) -> None:
        sync_table(cls.TimeUUIDTest)

    @classmethod
    def tearDownClass(cls) -> None:
        drop_table(cls.TimeUUIDTest)

    def test_timeuuid_io(self) -> None:
        created = self.TimeUUIDTest.create(test_id=0)
        loaded = self.TimeUUIDTest.get(test_id=0)
        assert loaded.timeuuid == created.timeuuid
        assert loaded.timeuuid.time == created.timeuuid.time


class TestInteger(BaseCassEngTestCase):
    class IntegerTest(Model):
        test_id = UUID(primary_key=True, default=lambda: uuid4())
        value = Integer(default=0, required=True)

    def test_default_zero_fields_validate(self) -> None:
        """A required integer whose default is 0 validates."""
        it = self.IntegerTest()
        it.validate()
        assert it.value == 0


class TestBigInt(BaseCassEngTestCase):
    class BigIntTest(Model):
        test_id = UUID(primary_key=True, default=lambda: uuid4())
        value = BigInt(default=0, required=True)

    def test_default_zero_fields_validate(self) -> None:
        """A required bigint whose default is 0 validates."""
        it = self.BigIntTest()
        it.validate()
        assert it.value == 0


class _TextRules:
    """Length and type rules shared by Text and Ascii (``column`` is the class tested)."""

    column: ClassVar[Any]

    def test_min_length(self) -> None:
        col = self.column
        for min_length, value in [(0, ""), (0, None), (0, "kevin"), (1, "k"), (5, "kevin"),
                                  (5, "kevintastic")]:
            assert col(min_length=min_length).validate(value) == value
        col(min_length=0, required=True).validate("")
        for min_length, value in [(1, ""), (1, None), (6, ""), (6, None), (6, "kevin")]:
            with pytest.raises(ValidationError):
                col(min_length=min_length).validate(value)
        with pytest.raises(ValueError):
            col(min_length=-1)

    def test_max_length(self) -> None:
        col = self.column
        for max_length, value in [(0, ""), (0, None), (1, ""), (1, None), (1, "b"), (5, ""),
                                  (5, None), (5, "b"), (5, "blake")]:
            assert col(max_length=max_length).validate(value) == value
        with pytest.raises(ValidationError):
            col(max_length=0).validate("b")
        with pytest.raises(ValidationError):
            col(max_length=5).validate("blaketastic")
        with pytest.raises(ValueError):
            col(max_length=-1)

    def test_length_range(self) -> None:
        for min_length, max_length in [(0, 0), (0, 1), (10, 10), (10, 11)]:
            col = self.column(min_length=min_length, max_length=max_length)
            assert (col.min_length, col.max_length) == (min_length, max_length)
        for min_length, max_length in [(10, 9), (1, 0)]:
            with pytest.raises(ValueError):
                self.column(min_length=min_length, max_length=max_length)

    def test_unaltering_validation(self) -> None:
        """Validation returns the value it was given, unchanged."""
        assert self.column().validate("") == ""
        assert self.column().validate(None) is None
        assert self.column().validate("yo") == "yo"

    def test_non_required_validation(self) -> None:
        """None and blank values are fine when the column is not required."""
        assert self.column().validate("") == ""
        assert self.column().validate(None) is None

    def test_required_validation(self) -> None:
        """None and blank values fail when the column is required."""
        col = self.column
        assert col(required=True).validate("k") == "k"
        for value in ("", None):
            with pytest.raises(ValidationError):
                col(required=True).validate(value)
        assert col(required=True, min_length=0).validate("k") == "k"
        assert col(required=True, min_length=1).validate("k") == "k"
        with pytest.raises(ValidationError):
            col(required=True, min_length=2).validate("k")
        assert col(required=True, max_length=1).validate("k") == "k"
        with pytest.raises(ValidationError):
            col(required=True, max_length=2).validate("kevin")
        with pytest.raises(ValueError):
            col(required=True, max_length=0)


class TestAscii(_TextRules, BaseCassEngTestCase):
    column = Ascii

    def test_type_checking(self) -> None:
        for value in ("string", "unicode", bytearray("bytearray", encoding="ascii"),
                      "!#$%&'()*+,-./"):
            assert Ascii().validate(value) == value
        for value in (5, True, "Beyonc" + chr(233)):
            with pytest.raises(ValidationError):
                Ascii().validate(value)


class TestText(_TextRules, BaseCassEngTestCase):
    column = Text

    def test_type_checking(self) -> None:
        for value in ("string", "unicode", bytearray("bytearray", encoding="ascii"),
                      "!#$%&'()*+,-./", "Beyonc" + chr(233)):
            assert Text().validate(value) == value
        for value in (5, True):
            with pytest.raises(ValidationError):
                Text().validate(value)


class TestExtraFieldsRaiseException(BaseCassEngTestCase):
    class TestModel(Model):
        id = UUID(primary_key=True, default=uuid4)

    def test_extra_field(self) -> None:
        with pytest.raises(ValidationError):
            self.TestModel.create(bacon=5000)


class TestPythonDoesntDieWhenExtraFieldIsInCassandra(BaseCassEngTestCase):
    class TestModel(Model):
        __table_name__ = "alter_doesnt_break_running_app"
        id = UUID(primary_key=True, default=uuid4)

    def test_extra_field(self) -> None:
        drop_table(self.TestModel)
        sync_table(self.TestModel)
        created = self.TestModel.create()
        table = self.TestModel.column_family_name(include_keyspace=True)
        execute(f"ALTER TABLE {table} add blah int")
        assert [row.id for row in self.TestModel.objects.all()] == [created.id]


class TestTimeUUIDFromDatetime(BaseCassEngTestCase):
    def test_conversion_specific_date(self) -> None:
        dt = datetime(1981, 7, 11, microsecond=555000)

        uuid = util.uuid_from_time(dt)
        assert isinstance(uuid, PyUUID)

        ts = (uuid.time - 0x01B21DD213814000) / 1e7  # back to a timestamp
        new_dt = datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)
        assert new_dt == dt


class TestInet(BaseCassEngTestCase):
    class InetTestModel(Model):
        id = UUID(primary_key=True, default=uuid4)
        address = Inet()

    def setUp(self) -> None:
        super().setUp()
        drop_table(self.InetTestModel)
        sync_table(self.InetTestModel)

    def test_inet_saves(self) -> None:
        tmp = self.InetTestModel.create(address="192.168.1.1")
        assert self.InetTestModel.get(id=tmp.id).address == "192.168.1.1"

    def test_non_address_fails(self) -> None:
        """Inet is validated by the server only."""
        with pytest.raises(InvalidRequest):
            self.InetTestModel.create(address="what is going on here?")
