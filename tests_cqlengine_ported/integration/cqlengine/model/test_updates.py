"""``instance.update()``: what is written, what is not, and how defaults and UDTs behave."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch
from uuid import uuid4

import pytest

from coodie_compat import ValidationError, columns
from coodie_compat.models import Model
from coodie_compat.usertype import UserType
from tests_cqlengine_ported.harness import (
    BaseCassEngTestCase,
    greaterthancass21,
    pending,
    pending_call,
)

try:
    from coodie_compat.management import drop_table, sync_table
except ImportError:  # management not built yet: the whole module is skipped
    drop_table = sync_table = pending_call

pytestmark = pending("management")


class TestUpdateModel(Model):
    __test__ = False

    partition = columns.UUID(primary_key=True, default=uuid4)
    cluster = columns.UUID(primary_key=True, default=uuid4)
    count = columns.Integer(required=False)
    text = columns.Text(required=False, index=True)


class ModelUpdateTests(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        sync_table(TestUpdateModel)

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        drop_table(TestUpdateModel)

    def _reload(self, row: Any) -> Any:
        return TestUpdateModel.get(partition=row.partition, cluster=row.cluster)

    def test_update_model(self) -> None:
        m0 = TestUpdateModel.create(count=5, text="monkey")
        # another instance writes a new count the first one does not know about
        m1 = self._reload(m0)
        m1.count = 6
        m1.save()
        # update() writes only what changed on m0, so both writes survive
        m0.text = "monkey land"
        m0.update()
        m2 = self._reload(m0)
        assert (m2.count, m2.text) == (m1.count, m0.text)
        # unchanged primary key values are accepted, changed ones and unknown columns are not
        m0.update(partition=m0.partition, cluster=m0.cluster)
        with pytest.raises(ValidationError):
            m0.update(partition=m0.partition, cluster=20)
        with pytest.raises(ValidationError):
            m0.update(invalid_column=20)

    def test_update_values(self) -> None:
        m0 = TestUpdateModel.create(count=5, text="monkey")
        m1 = self._reload(m0)
        m1.count = 6
        m1.save()
        m0.update(text="monkey land")
        assert m0.text == "monkey land"
        m2 = self._reload(m0)
        assert (m2.count, m2.text) == (m1.count, m0.text)

    def test_noop_model_direct_update(self) -> None:
        m0 = TestUpdateModel.create(count=5, text="monkey")
        with patch.object(self.session, "execute") as execute:
            m0.update()
        assert execute.call_count == 0
        with patch.object(self.session, "execute") as execute:
            m0.update(count=5)
        assert execute.call_count == 0
        # passing the current key values is allowed (what it sends is not checked upstream)
        with patch.object(self.session, "execute"):
            m0.update(partition=m0.partition)
        with patch.object(self.session, "execute"):
            m0.update(cluster=m0.cluster)

    def test_noop_model_assignation_update(self) -> None:
        m0 = TestUpdateModel.create(count=5, text="monkey")
        m1 = self._reload(m0)
        steps = [
            lambda: None,
            lambda: setattr(m1, "count", 5),
            lambda: setattr(m1, "partition", m0.partition),
            lambda: setattr(m1, "cluster", m0.cluster),
        ]
        for step in steps:
            with patch.object(self.session, "execute") as execute:
                step()
                m1.save()
            assert execute.call_count == 0

    def test_invalid_update_kwarg(self) -> None:
        m0 = TestUpdateModel.create(count=5, text="monkey")
        with pytest.raises(ValidationError):
            m0.update(numbers=20)

    def test_primary_key_update_failure(self) -> None:
        m0 = TestUpdateModel.create(count=5, text="monkey")
        with pytest.raises(ValidationError):
            m0.update(partition=uuid4())


class UDT(UserType):
    age = columns.Integer()
    mf = columns.Map(columns.Integer, columns.Integer)
    dummy_udt = columns.Integer(default=42)
    time_col = columns.Time()


class ModelWithDefault(Model):
    id = columns.Integer(primary_key=True)
    mf = columns.Map(columns.Integer, columns.Integer)
    dummy = columns.Integer(default=42)
    udt = columns.UserDefinedType(UDT)
    udt_default = columns.UserDefinedType(UDT, default=UDT(age=1, mf={2: 2}))


class UDTWithDefault(UserType):
    age = columns.Integer()
    mf = columns.Map(columns.Integer, columns.Integer, default={2: 2})
    dummy_udt = columns.Integer(default=42)


class ModelWithDefaultCollection(Model):
    id = columns.Integer(primary_key=True)
    mf = columns.Map(columns.Integer, columns.Integer, default={2: 2})
    dummy = columns.Integer(default=42)
    udt = columns.UserDefinedType(UDT)
    udt_default = columns.UserDefinedType(UDT, default=UDT(age=1, mf={2: 2}))


def _row(model: Any, **kwargs: Any) -> dict[str, Any]:
    return model.objects.get(**kwargs)._as_dict()  # type: ignore[no-any-return]


@greaterthancass21
class ModelWithDefaultTests(BaseCassEngTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.udt_default = UDT(age=1, mf={2: 2}, dummy_udt=42)

    def setUp(self) -> None:
        sync_table(ModelWithDefault)
        sync_table(ModelWithDefaultCollection)

    def tearDown(self) -> None:
        drop_table(ModelWithDefault)
        drop_table(ModelWithDefaultCollection)

    def test_value_override_with_default(self) -> None:
        first_udt = UDT(age=1, mf={2: 2}, dummy_udt=0)
        ModelWithDefault(id=1, mf={0: 0}, dummy=0, udt=first_udt, udt_default=first_udt).save()
        assert _row(ModelWithDefault) == {"id": 1, "dummy": 0, "mf": {0: 0}, "udt": first_udt,
                                          "udt_default": first_udt}
        # a fresh instance's update() writes what it is given, never its defaults
        second_udt = UDT(age=1, mf={3: 3}, dummy_udt=12)
        ModelWithDefault(id=1).update(mf={0: 1}, udt=second_udt)
        assert _row(ModelWithDefault) == {"id": 1, "dummy": 0, "mf": {0: 1}, "udt": second_udt,
                                          "udt_default": first_udt}

    def test_value_is_written_if_is_default(self) -> None:
        initial = ModelWithDefault(id=1)
        initial.mf = {0: 0}
        initial.dummy = 42
        initial.udt_default = self.udt_default
        initial.update()
        assert _row(ModelWithDefault) == {"id": 1, "dummy": 42, "mf": {0: 0}, "udt": None,
                                          "udt_default": self.udt_default}

    def test_null_update_is_respected(self) -> None:
        ModelWithDefault.create(id=1, mf={0: 0}).save()
        obj = ModelWithDefault.objects.all().allow_filtering().filter(id=1).get()
        updated_udt = UDT(age=1, mf={2: 2}, dummy_udt=None)
        obj.update(dummy=None, udt_default=updated_udt)
        assert _row(ModelWithDefault) == {"id": 1, "dummy": None, "mf": {0: 0}, "udt": None,
                                          "udt_default": updated_udt}

    def test_only_set_values_is_updated(self) -> None:
        ModelWithDefault.create(id=1, mf={1: 1}, dummy=1).save()
        item = ModelWithDefault.filter(id=1).first()
        ModelWithDefault.objects(id=1).delete()
        item.mf = {1: 2}
        udt, udt_default = UDT(age=1, mf={2: 3}), UDT(age=1, mf={2: 3})
        item.udt, item.udt_default = udt, udt_default
        item.save()
        assert _row(ModelWithDefault) == {"id": 1, "dummy": None, "mf": {1: 2}, "udt": udt,
                                          "udt_default": udt_default}

    def test_collections(self) -> None:
        udt, udt_default = UDT(age=1, mf={1: 1, 2: 1}), UDT(age=1, mf={1: 1, 2: 1})
        ModelWithDefault.create(id=1, mf={1: 1, 2: 1}, dummy=1, udt=udt,
                                udt_default=udt_default).save()
        item = ModelWithDefault.filter(id=1).first()
        udt, udt_default = UDT(age=1, mf={2: 1}), UDT(age=1, mf={2: 1})
        item.update(mf={2: 1}, udt=udt, udt_default=udt_default)
        assert _row(ModelWithDefault) == {"id": 1, "dummy": 1, "mf": {2: 1}, "udt": udt,
                                          "udt_default": udt_default}

    def test_collection_with_default(self) -> None:
        model = ModelWithDefaultCollection
        sync_table(model)
        udt, udt_default = UDT(age=1, mf={6: 6}), UDT(age=1, mf={6: 6})
        item = model.create(id=1, mf={1: 1}, dummy=1, udt=udt, udt_default=udt_default).save()
        assert _row(model, id=1) == {"id": 1, "dummy": 1, "mf": {1: 1}, "udt": udt,
                                     "udt_default": udt_default}

        udt, udt_default = UDT(age=1, mf={5: 5}), UDT(age=1, mf={5: 5})
        item.update(mf={2: 2}, udt=udt, udt_default=udt_default)
        assert _row(model, id=1) == {"id": 1, "dummy": 1, "mf": {2: 2}, "udt": udt,
                                     "udt_default": udt_default}

        # a None map reads back empty, inside UDTs too
        udt, udt_default = UDT(age=1, mf=None), UDT(age=1, mf=None)
        expected_udt, expected_default = UDT(age=1, mf={}), UDT(age=1, mf={})
        item.update(mf=None, udt=udt, udt_default=udt_default)
        assert _row(model, id=1) == {"id": 1, "dummy": 1, "mf": {}, "udt": expected_udt,
                                     "udt_default": expected_default}

        # a created row gets the defaults
        udt_default = UDT(age=1, mf={2: 2}, dummy_udt=42)
        item = model.create(id=2, dummy=2)
        assert _row(model, id=2) == {"id": 2, "dummy": 2, "mf": {2: 2}, "udt": None,
                                     "udt_default": udt_default}

        udt, udt_default = UDT(age=1, mf={1: 1, 6: 6}), UDT(age=1, mf={1: 1, 6: 6})
        item.update(mf={1: 1, 4: 4}, udt=udt, udt_default=udt_default)
        assert _row(model, id=2) == {"id": 2, "dummy": 2, "mf": {1: 1, 4: 4}, "udt": udt,
                                     "udt_default": udt_default}

        item.update(udt_default=None)
        assert _row(model, id=2) == {"id": 2, "dummy": 2, "mf": {1: 1, 4: 4}, "udt": udt,
                                     "udt_default": None}

        udt_default = UDT(age=1, mf={2: 2})
        item.update(udt_default=udt_default)
        assert _row(model, id=2) == {"id": 2, "dummy": 2, "mf": {1: 1, 4: 4}, "udt": udt,
                                     "udt_default": udt_default}

    def test_udt_to_python(self) -> None:
        item = ModelWithDefault(id=1)
        item.save()
        # assigned after construction, so only UserDefinedType.to_python converts it
        user_to_update = UDT()
        user_to_update.time_col = 10
        item.update(udt=user_to_update)
        udt, udt_default = UDT(time_col=10), UDT(age=1, mf={2: 2})
        assert _row(ModelWithDefault, id=1) == {"id": 1, "dummy": 42, "mf": {}, "udt": udt,
                                                "udt_default": udt_default}
