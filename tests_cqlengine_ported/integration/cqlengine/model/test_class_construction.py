"""Model metaclass behaviour: columns, defaults, keys, naming, errors, abstract models.

Only two tests need ``coodie_compat.management``; they are skipped until it exists.
"""

from __future__ import annotations

import warnings
from uuid import uuid4

import pytest

from coodie_compat import CQLEngineException, columns
from coodie_compat.models import (
    ColumnQueryEvaluator,
    Model,
    ModelDefinitionException,
    ModelException,
)
from coodie_compat.query import DMLQuery, ModelQuerySet
from tests_cqlengine_ported.harness import BaseCassEngTestCase, pending

needs_management = pending("management")


class TestModelClassFunction(BaseCassEngTestCase):
    """What the metaclass does with a class body."""

    def test_column_attributes_handled_correctly(self) -> None:
        class TestModel(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            text = columns.Text()

        for name in ("_columns", "id", "text"):
            assert hasattr(TestModel, name)
        instance = TestModel()
        assert instance.id is not None
        assert instance.text is None

    def test_values_on_instantiation(self) -> None:
        class TestPerson(Model):
            first_name = columns.Text(primary_key=True, default="kevin")
            last_name = columns.Text(default="deldycke")

        defaults = TestPerson()
        assert (defaults.first_name, defaults.last_name) == ("kevin", "deldycke")
        given = TestPerson(first_name="bob", last_name="joe")
        assert (given.first_name, given.last_name) == ("bob", "joe")

    def test_db_map(self) -> None:
        class WildDBNames(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            content = columns.Text(db_field="words_and_whatnot")
            numbers = columns.Integer(db_field="integers_etc")

        assert WildDBNames._db_map["words_and_whatnot"] == "content"
        assert WildDBNames._db_map["integers_etc"] == "numbers"

    def test_attempting_to_make_duplicate_column_names_fails(self) -> None:
        with pytest.raises(ModelException, match=r"more than once$"):

            class BadNames(Model):
                words = columns.Text(primary_key=True)
                content = columns.Text(db_field="words")

    def test_column_ordering_is_preserved(self) -> None:
        class Stuff(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            words = columns.Text()
            content = columns.Text()
            numbers = columns.Integer()

        assert list(Stuff._columns) == ["id", "words", "content", "numbers"]

    def test_exception_raised_when_creating_class_without_pk(self) -> None:
        with pytest.raises(ModelDefinitionException):

            class TestModel(Model):
                count = columns.Integer()
                text = columns.Text(required=False)

    def test_value_managers_are_keeping_model_instances_isolated(self) -> None:
        class Stuff(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            num = columns.Integer()

        first, second = Stuff(num=5), Stuff(num=7)
        assert (first.num, second.num) == (5, 7)

    def test_superclass_fields_are_inherited(self) -> None:
        class TestModel(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            text = columns.Text()

        class InheritedModel(TestModel):
            numbers = columns.Integer()

        assert "text" in InheritedModel._columns
        assert "numbers" in InheritedModel._columns

    def test_column_family_name_generation(self) -> None:
        class TestModel(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            text = columns.Text()

        assert TestModel.column_family_name(include_keyspace=False) == "test_model"

    def test_partition_keys(self) -> None:
        class ModelWithPartitionKeys(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            c1 = columns.Text(primary_key=True)
            p1 = columns.Text(partition_key=True)
            p2 = columns.Text(partition_key=True)

        cols = ModelWithPartitionKeys._columns
        assert cols["c1"].primary_key and not cols["c1"].partition_key
        for name in ("p1", "p2"):
            assert cols[name].primary_key and cols[name].partition_key
        assert ModelWithPartitionKeys(p1="a", p2="b").pk == ("a", "b")

    def test_del_attribute_is_assigned_properly(self) -> None:
        class DelModel(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())
            key = columns.Integer(primary_key=True)
            data = columns.Integer(required=False)

        instance = DelModel(key=4, data=5)
        del instance.data
        assert instance.data is None
        with pytest.raises(AttributeError):
            del instance.key

    def test_does_not_exist_exceptions_are_not_shared_between_model(self) -> None:
        class Model1(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())

        class Model2(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())

        assert not issubclass(Model1.DoesNotExist, Model2.DoesNotExist)
        with pytest.raises(Model1.DoesNotExist):
            try:
                raise Model1.DoesNotExist
            except Model2.DoesNotExist:
                pytest.fail("Model2.DoesNotExist caught Model1's error")

    def test_does_not_exist_inherits_from_superclass(self) -> None:
        class Model1(Model):
            id = columns.UUID(primary_key=True, default=lambda: uuid4())

        class Model2(Model1):
            pass

        with pytest.raises(Model1.DoesNotExist):
            raise Model2.DoesNotExist

    def test_abstract_model_keyspace_warning_is_skipped(self) -> None:
        with warnings.catch_warnings(record=True) as caught:

            class NoKeyspace(Model):
                __abstract__ = True
                key = columns.UUID(primary_key=True)

        assert caught == []


class TestManualTableNaming(BaseCassEngTestCase):
    class RenamedTest(Model):
        __keyspace__ = "whatever"
        __table_name__ = "manual_name"

        id = columns.UUID(primary_key=True)
        data = columns.Text()

    def test_proper_table_naming(self) -> None:
        assert self.RenamedTest.column_family_name(include_keyspace=False) == "manual_name"
        assert self.RenamedTest.column_family_name() == "whatever.manual_name"


class TestManualTableNamingCaseSensitive(BaseCassEngTestCase):
    class RenamedCaseInsensitiveTest(Model):
        __keyspace__ = "whatever"
        __table_name__ = "Manual_Name"

        id = columns.UUID(primary_key=True)

    class RenamedCaseSensitiveTest(Model):
        __keyspace__ = "whatever"
        __table_name__ = "Manual_Name"
        __table_name_case_sensitive__ = True

        id = columns.UUID(primary_key=True)

    def test_proper_table_naming_case_insensitive(self) -> None:
        model = self.RenamedCaseInsensitiveTest
        assert model.column_family_name(include_keyspace=False) == "manual_name"
        assert model.column_family_name() == "whatever.manual_name"

    def test_proper_table_naming_case_sensitive(self) -> None:
        model = self.RenamedCaseSensitiveTest
        assert model.column_family_name(include_keyspace=False) == '"Manual_Name"'
        assert model.column_family_name() == 'whatever."Manual_Name"'


class AbstractModel(Model):
    __abstract__ = True


class ConcreteModel(AbstractModel):
    pkey = columns.Integer(primary_key=True)
    data = columns.Integer()


class AbstractModelWithCol(Model):
    __abstract__ = True
    pkey = columns.Integer(primary_key=True)


class ConcreteModelWithCol(AbstractModelWithCol):
    data = columns.Integer()


class AbstractModelWithFullCols(Model):
    __abstract__ = True
    pkey = columns.Integer(primary_key=True)
    data = columns.Integer()


class TestAbstractModelClasses(BaseCassEngTestCase):
    def test_id_field_is_not_created(self) -> None:
        assert not hasattr(AbstractModel, "id")
        assert not hasattr(AbstractModelWithCol, "id")

    def test_id_field_is_not_created_on_subclass(self) -> None:
        assert not hasattr(ConcreteModel, "id")

    def test_abstract_attribute_is_not_inherited(self) -> None:
        assert ConcreteModel.__abstract__ is False
        assert ConcreteModelWithCol.__abstract__ is False

    def test_attempting_to_save_abstract_model_fails(self) -> None:
        with pytest.raises(CQLEngineException):
            AbstractModelWithFullCols.create(pkey=1, data=2)

    @needs_management
    def test_attempting_to_create_abstract_table_fails(self) -> None:
        from coodie_compat.management import sync_table

        with pytest.raises(CQLEngineException):
            sync_table(AbstractModelWithFullCols)

    def test_attempting_query_on_abstract_model_fails(self) -> None:
        with pytest.raises(CQLEngineException):
            next(iter(AbstractModelWithFullCols.objects(pkey=5)))

    def test_abstract_columns_are_inherited(self) -> None:
        assert isinstance(ConcreteModelWithCol.pkey, ColumnQueryEvaluator)
        assert isinstance(ConcreteModelWithCol._columns["pkey"], columns.Column)

    @needs_management
    def test_concrete_class_table_creation_cycle(self) -> None:
        from coodie_compat.management import drop_table, sync_table

        sync_table(ConcreteModelWithCol)
        self.addCleanup(drop_table, ConcreteModelWithCol)
        written = [ConcreteModelWithCol.create(pkey=5, data=6),
                   ConcreteModelWithCol.create(pkey=6, data=7)]
        for row in written:
            read = ConcreteModelWithCol.get(pkey=row.pkey)
            assert (read.pkey, read.data) == (row.pkey, row.data)


class TestCustomQuerySet(BaseCassEngTestCase):
    class TestException(Exception):
        pass

    def test_overriding_queryset(self) -> None:
        test_exception = self.TestException

        class QSet(ModelQuerySet):  # type: ignore[misc]
            def create(self, **kwargs: object) -> None:
                raise test_exception

        class CQModel(Model):
            __queryset__ = QSet
            part = columns.UUID(primary_key=True)
            data = columns.Text()

        with pytest.raises(self.TestException):
            CQModel.create(part=uuid4(), data="s")

    def test_overriding_dmlqueryset(self) -> None:
        test_exception = self.TestException

        class DMLQ(DMLQuery):  # type: ignore[misc]
            def save(self) -> None:
                raise test_exception

        class CDQModel(Model):
            __dmlquery__ = DMLQ
            part = columns.UUID(primary_key=True)
            data = columns.Text()

        with pytest.raises(self.TestException):
            CDQModel().save()


class TestCachedLengthIsNotCarriedToSubclasses(BaseCassEngTestCase):
    def test_subclassing(self) -> None:
        parent_length = len(ConcreteModelWithCol())

        class AlreadyLoadedTest(ConcreteModelWithCol):
            new_field = columns.Integer()

        assert len(AlreadyLoadedTest()) > parent_length
