"""User-defined types: sync, insert and update through models, nesting, db_field, defaults."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Any
from unittest.mock import Mock
from uuid import UUID, uuid4

import pytest
from cassandra.util import Date, Time

from coodie_compat import ValidationError, columns, connection, models
from coodie_compat.models import Model
from coodie_compat.usertype import UserType, UserTypeDefinitionException
from tests_cqlengine_ported.harness import (
    DEFAULT_KEYSPACE,
    BaseCassEngTestCase,
    pending,
    pending_call,
)

try:
    from coodie_compat.management import (
        create_keyspace_simple,
        drop_keyspace,
        drop_table,
        sync_table,
        sync_type,
    )
except ImportError:  # management not built yet: the tests using it are skipped
    create_keyspace_simple = drop_keyspace = drop_table = sync_table = sync_type = pending_call

needs_management = pending("management")


class User(UserType):
    age = columns.Integer()
    name = columns.Text()


class UserModel(Model):
    id = columns.Integer(primary_key=True)
    info = columns.UserDefinedType(User)


class AllDatatypes(UserType):
    a = columns.Ascii()
    b = columns.BigInt()
    c = columns.Blob()
    d = columns.Boolean()
    e = columns.DateTime()
    f = columns.Decimal()
    g = columns.Double()
    h = columns.Float()
    i = columns.Inet()
    j = columns.Integer()
    k = columns.Text()
    l = columns.TimeUUID()  # noqa: E741 - one field per letter
    m = columns.UUID()
    n = columns.VarInt()


class AllDatatypesModel(Model):
    id = columns.Integer(primary_key=True)
    data = columns.UserDefinedType(AllDatatypes)


class UserDefinedTypeTests(BaseCassEngTestCase):
    def _synced(self, model: Any) -> None:
        sync_table(model)
        self.addCleanup(drop_table, model)

    @needs_management
    def test_can_create_udts(self) -> None:
        class User(UserType):
            age = columns.Integer()
            name = columns.Text()

        sync_type(DEFAULT_KEYSPACE, User)
        user = User(age=42, name="John")
        assert (user.age, user.name) == (42, "John")

        class User(UserType):  # type: ignore[no-redef]  # a field added
            age = columns.Integer()
            name = columns.Text()
            gender = columns.Text()

        sync_type(DEFAULT_KEYSPACE, User)
        user = User(age=42)
        user["name"] = "John"
        user["gender"] = "male"
        assert (user.age, user.name, user.gender) == (42, "John", "male")

        class User(UserType):  # type: ignore[no-redef]  # the field removed again
            age = columns.Integer()
            name = columns.Text()

        sync_type(DEFAULT_KEYSPACE, User)
        user = User(age=42, name="John", gender="male")
        with pytest.raises(AttributeError):
            user.gender  # noqa: B018

    @needs_management
    def test_can_insert_udts(self) -> None:
        self._synced(UserModel)
        UserModel.create(id=0, info=User(age=42, name="John"))
        assert UserModel.objects.count() == 1
        john = UserModel.objects.first()
        assert john.id == 0
        assert type(john.info) is User
        assert (john.info.age, john.info.name) == (42, "John")

    @needs_management
    def test_can_update_udts(self) -> None:
        self._synced(UserModel)
        created = UserModel.create(id=0, info=User(age=42, name="John"))
        info = UserModel.objects.first().info
        assert (info.age, info.name) == (42, "John")
        created.info = User(age=22, name="Mary")
        created.update()
        info = UserModel.objects.first().info
        assert (info["age"], info["name"]) == (22, "Mary")

    @needs_management
    def test_can_update_udts_with_nones(self) -> None:
        self._synced(UserModel)
        created = UserModel.create(id=0, info=User(age=42, name="John"))
        info = UserModel.objects.first().info
        assert (info.age, info.name) == (42, "John")
        created.info = None
        created.update()
        assert UserModel.objects.first().info is None

    @needs_management
    def test_can_create_same_udt_different_keyspaces(self) -> None:
        sync_type(DEFAULT_KEYSPACE, User)
        create_keyspace_simple("simplex", 1)
        self.addCleanup(drop_keyspace, "simplex")
        sync_type("simplex", User)

    @needs_management
    def test_can_insert_partial_udts(self) -> None:
        class UserGender(UserType):
            age = columns.Integer()
            name = columns.Text()
            gender = columns.Text()

        class UserModelGender(Model):
            id = columns.Integer(primary_key=True)
            info = columns.UserDefinedType(UserGender)

        self._synced(UserModelGender)
        UserModelGender.create(id=0, info=UserGender(age=42, name="John"))
        info = UserModelGender.objects.first().info
        assert (info.age, info.name, info.gender) == (42, "John", None)
        UserModelGender.create(id=0, info=UserGender(age=42))
        info = UserModelGender.objects.first().info
        assert (info.age, info.name, info.gender) == (42, None, None)

    @needs_management
    def test_can_insert_nested_udts(self) -> None:
        class Depth_0(UserType):
            age = columns.Integer()
            name = columns.Text()

        class Depth_1(UserType):
            value = columns.UserDefinedType(Depth_0)

        class Depth_2(UserType):
            value = columns.UserDefinedType(Depth_1)

        class Depth_3(UserType):
            value = columns.UserDefinedType(Depth_2)

        class DepthModel(Model):
            id = columns.Integer(primary_key=True)
            v_0 = columns.UserDefinedType(Depth_0)
            v_1 = columns.UserDefinedType(Depth_1)
            v_2 = columns.UserDefinedType(Depth_2)
            v_3 = columns.UserDefinedType(Depth_3)

        self._synced(DepthModel)
        udts: list[Any] = [Depth_0(age=42, name="John")]
        for depth in (Depth_1, Depth_2, Depth_3):
            udts.append(depth(value=udts[-1]))
        DepthModel.create(id=0, v_0=udts[0], v_1=udts[1], v_2=udts[2], v_3=udts[3])
        read = DepthModel.objects.first()
        assert [read.v_0, read.v_1, read.v_2, read.v_3] == udts

    @needs_management
    def test_can_insert_udts_with_nones(self) -> None:
        self._synced(AllDatatypesModel)
        empty = AllDatatypes(**{name: None for name in "abcdefghijklmn"})
        AllDatatypesModel.create(id=0, data=empty)
        assert AllDatatypesModel.objects.count() == 1
        assert AllDatatypesModel.objects.first().data == empty

    @needs_management
    def test_can_insert_udts_with_all_datatypes(self) -> None:
        self._synced(AllDatatypesModel)
        moment = datetime.fromtimestamp(872835240, tz=timezone.utc).replace(tzinfo=None)
        value = AllDatatypes(
            a="ascii", b=2**63 - 1, c=bytearray(b"hello world"), d=True, e=moment,
            f=Decimal("12.3E+7"), g=2.39, h=3.4028234663852886e38, i="123.123.123.123",
            j=2147483647, k="text", l=UUID("FE2B4360-28C6-11E2-81C1-0800200C9A66"),
            m=UUID("067e6162-3b6f-4ae2-a171-2470b63dff00"), n=int(str(2147483647) + "000"),
        )
        AllDatatypesModel.create(id=0, data=value)
        assert AllDatatypesModel.objects.count() == 1
        read = AllDatatypesModel.objects.first().data
        for name in "abcdefghijklmn":
            assert value[name] == read[name], name

    @needs_management
    def test_can_insert_udts_protocol_v4_datatypes(self) -> None:
        class Allv4Datatypes(UserType):
            a = columns.Date()
            b = columns.SmallInt()
            c = columns.Time()
            d = columns.TinyInt()

        class Allv4DatatypesModel(Model):
            id = columns.Integer(primary_key=True)
            data = columns.UserDefinedType(Allv4Datatypes)

        self._synced(Allv4DatatypesModel)
        value = Allv4Datatypes(a=Date(date(1970, 1, 1)), b=32523, c=Time(time(16, 47, 25, 7)),
                               d=123)
        Allv4DatatypesModel.create(id=0, data=value)
        assert Allv4DatatypesModel.objects.count() == 1
        read = Allv4DatatypesModel.objects.first().data
        for name in "abcd":
            assert value[name] == read[name], name

    @needs_management
    def test_nested_udts_inserts(self) -> None:
        class Name(UserType):
            type_name__ = "header"  # not the dunder: the type keeps its derived name

            name = columns.Text()
            value = columns.Text()

        class Container(Model):
            id = columns.UUID(primary_key=True, default=uuid4)
            names = columns.List(columns.UserDefinedType(Name))

        names = [Name(name=f"name{i}", value=f"value{i}") for i in range(10)]
        self._synced(Container)
        Container.create(id=UUID("FE2B4360-28C6-11E2-81C1-0800200C9A66"), names=names)
        assert Container.objects.count() == 1
        assert Container.objects.first().names == names

    @needs_management
    def test_udts_with_unicode(self) -> None:
        ascii_name, unicode_name = "normal name", "Fran\u00e7ois"

        class UserModelText(Model):
            id = columns.Text(primary_key=True)
            info = columns.UserDefinedType(User)

        self._synced(UserModelText)
        ascii_user, unicode_user = User(age=25, name=ascii_name), User(age=25, name=unicode_name)
        UserModelText.create(id=ascii_name, info=unicode_user)
        UserModelText.create(id=unicode_name, info=ascii_user)
        UserModelText.create(id=unicode_name, info=unicode_user)
        assert UserModelText.get(id=unicode_name).info == unicode_user

    def test_register_default_keyspace(self) -> None:
        saved = {ks: dict(types) for ks, types in connection.udt_by_keyspace.items()}

        def restore() -> None:
            connection.udt_by_keyspace.clear()
            connection.udt_by_keyspace.update(saved)

        self.addCleanup(restore)
        # no model keyspace and no default keyspace yet: recorded under None
        connection.udt_by_keyspace.clear()
        User.register_for_keyspace(None)
        assert len(connection.udt_by_keyspace) == 1
        assert None in connection.udt_by_keyspace
        # once a cluster is known, it is registered for the default keyspace instead
        cluster = Mock()
        connection._register_known_types(cluster)
        cluster.register_user_type.assert_called_with(models.DEFAULT_KEYSPACE, User.type_name(),
                                                      User)

    @needs_management
    def test_db_field_override(self) -> None:
        class db_field_different(UserType):
            age = columns.Integer(db_field="a")
            name = columns.Text(db_field="n")

        class TheModel(Model):
            id = columns.Integer(primary_key=True)
            info = columns.UserDefinedType(db_field_different)

        self._synced(TheModel)
        keyspace = connection.get_cluster().metadata.keyspaces[TheModel._get_keyspace()]
        type_meta = keyspace.user_types[db_field_different.type_name()]
        fields = (db_field_different.age.column, db_field_different.name.column)
        assert len(type_meta.field_names) == len(fields)
        for field in fields:
            assert field.db_field_name in type_meta.field_names

        TheModel.create(id=0, info=db_field_different(age=42, name="John"))
        assert TheModel.objects.count() == 1
        john = TheModel.objects.first()
        assert john.id == 0
        info = john.info
        assert isinstance(info, db_field_different)
        assert (info.age, info.name) == (42, "John")
        assert (info.a, info.n) == (42, "John")  # CQL names map to the fields

    def test_db_field_overload(self) -> None:
        with pytest.raises(UserTypeDefinitionException):

            class something_silly(UserType):
                first_col = columns.Integer()
                second_col = columns.Text(db_field="first_col")

        with pytest.raises(UserTypeDefinitionException):

            class something_silly_2(UserType):
                first_col = columns.Integer(db_field="second_col")
                second_col = columns.Text()

    def test_set_udt_fields(self) -> None:
        user = User()
        user.age = 20
        assert user.age == 20

    @needs_management
    def test_default_values(self) -> None:
        class NestedUdt(UserType):
            test_id = columns.UUID(default=uuid4)
            something = columns.Text()
            default_text = columns.Text(default="default text")

        class OuterModel(Model):
            name = columns.Text(primary_key=True)
            first_name = columns.Text()
            nested = columns.List(columns.UserDefinedType(NestedUdt))
            simple = columns.UserDefinedType(NestedUdt)

        self._synced(OuterModel)
        row = OuterModel.create(name="test1")
        row.nested = [NestedUdt(something="test")]
        row.simple = NestedUdt(something="")
        row.save()
        for value in (row.nested[0], row.simple):
            assert value.test_id is not None
            assert value.default_text == "default text"

    @needs_management
    def test_udt_validate(self) -> None:
        class UserValidate(UserType):
            age = columns.Integer()
            name = columns.Text(max_length=2)

        class UserModelValidate(Model):
            id = columns.Integer(primary_key=True)
            info = columns.UserDefinedType(UserValidate)

        self._synced(UserModelValidate)
        item = UserModelValidate(id=1, info=UserValidate(age=1, name="Robert"))
        with pytest.raises(ValidationError):
            item.save()

    @needs_management
    def test_udt_validate_with_default(self) -> None:
        class UserValidateDefault(UserType):
            age = columns.Integer()
            name = columns.Text(max_length=2, default="Robert")

        class UserModelValidateDefault(Model):
            id = columns.Integer(primary_key=True)
            info = columns.UserDefinedType(UserValidateDefault)

        self._synced(UserModelValidateDefault)
        item = UserModelValidateDefault(id=1, info=UserValidateDefault(age=1))
        with pytest.raises(ValidationError):
            item.save()
