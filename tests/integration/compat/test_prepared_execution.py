"""compat sends cqlengine's statements prepared, and stores what the text would store.

On the node: every value type written through the prepared path reads back
exactly as when the same statements go as cqlengine's text (forced here by
refusing to bind), including decimals (rounded through ``float`` by the
text) and 32-bit floats halfway between two floats; what reaches the driver
shows cqlengine's text; a table dropped and created with other types is
prepared again.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from cassandra.util import Date, Time

from coodie_compat import columns, connection, models
from coodie_compat._prepared import CqlengineBatchStatement, CqlengineBoundStatement, Statements
from coodie_compat.management import drop_table, sync_table, sync_type
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery
from coodie_compat.usertype import UserType

MIDPOINT = 1 + 2**-24  # halfway between two 32-bit floats; its literal is just above
LONG = decimal.Decimal("1.23456789012345678901234")


class Price(UserType):
    amount = columns.Decimal()
    rate = columns.Float()


class Everything(Model):
    __table_name__ = "prepared_everything"
    id = columns.UUID(primary_key=True)
    f = columns.Float()
    d = columns.Decimal()
    dl = columns.List(columns.Decimal)
    fm = columns.Map(columns.Text, columns.Float)
    pair = columns.Tuple(columns.Decimal, columns.Float)
    price = columns.UserDefinedType(Price)
    at = columns.DateTime()
    day = columns.Date()
    tod = columns.Time()
    blob = columns.Blob()
    tags = columns.Set(columns.Text)


VALUES: dict[str, Any] = {
    "f": MIDPOINT, "d": LONG, "dl": [LONG, decimal.Decimal("0.5")], "fm": {"k": MIDPOINT},
    "pair": (LONG, MIDPOINT), "at": datetime.datetime(2024, 2, 29, 1, 2, 3, 456789),
    "day": datetime.date(1999, 12, 31), "tod": datetime.time(23, 59, 58, 123456),
    "blob": b"\x00\xff", "tags": {"a", "b"},
}


@pytest.fixture(autouse=True)
def compat_node(cassandra_node: Any, fresh_keyspace: str,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")
    before = models.DEFAULT_KEYSPACE
    connection.setup(list(cassandra_node.contact_points), fresh_keyspace,
                     port=cassandra_node.port)
    try:
        sync_type(fresh_keyspace, Price)
        sync_table(Everything)
        yield fresh_keyspace
    finally:
        connection.unregister_connection("default")
        models.DEFAULT_KEYSPACE = before


def _write(key: uuid.UUID) -> None:
    Everything.create(id=key, price=Price(amount=LONG, rate=MIDPOINT), **VALUES)


def _row(keyspace: str, key: uuid.UUID) -> dict[str, Any]:
    session = connection.get_session()
    row = session.execute(f"SELECT * FROM {keyspace}.prepared_everything WHERE id = %s",
                          (key,)).one()
    return dict(row)


def _as_text() -> Any:
    return mock.patch.multiple(Statements, bound=lambda *a, **k: None,
                               batch=lambda *a, **k: None)


def test_prepared_writes_store_what_the_text_stores(compat_node: str) -> None:
    prepared_key, text_key = uuid.uuid4(), uuid.uuid4()
    _write(prepared_key)
    with _as_text():
        _write(text_key)
    prepared, text = _row(compat_node, prepared_key), _row(compat_node, text_key)
    prepared.pop("id"), text.pop("id")
    assert prepared == text
    assert prepared["d"] == decimal.Decimal(repr(float(LONG)))  # rounded, as the text does
    assert prepared["f"] == 1 + 2**-23  # the literal's rounding, not the double's
    loaded = Everything.get(id=prepared_key)
    assert (loaded.day, loaded.tod) == (Date(VALUES["day"]), Time(VALUES["tod"]))


def test_batches_store_what_the_text_batch_stores(compat_node: str) -> None:
    prepared_key, text_key = uuid.uuid4(), uuid.uuid4()
    with BatchQuery() as batch:
        Everything.batch(batch).create(id=prepared_key, **VALUES)
    with _as_text(), BatchQuery() as batch:
        Everything.batch(batch).create(id=text_key, **VALUES)
    prepared, text = _row(compat_node, prepared_key), _row(compat_node, text_key)
    prepared.pop("id"), text.pop("id")
    assert prepared == text


def test_the_driver_receives_cqlengine_text(compat_node: str) -> None:
    session = connection.get_session()
    key = uuid.uuid4()
    with mock.patch.object(session, "execute", wraps=session.execute) as sent:
        Everything.create(id=key, f=1.5)
        Everything.objects(id=key).consistency(1).get()
        with BatchQuery() as batch:
            Everything.batch(batch).create(id=uuid.uuid4(), d=decimal.Decimal(1))
    insert, select, batch_sent = (call[0][0] for call in sent.call_args_list)
    assert isinstance(insert, CqlengineBoundStatement)
    assert insert.query_string == (f'INSERT INTO {compat_node}.prepared_everything '
                                   '("id", "f") VALUES (%(0)s, %(1)s)')
    assert select.consistency_level == 1 and "%(0)s" in select.query_string
    assert isinstance(batch_sent, CqlengineBatchStatement)
    assert batch_sent.query_string.startswith("BEGIN  BATCH\n  INSERT INTO")
    assert all(call[1]["timeout"] is connection.NOT_SET for call in sent.call_args_list)


def test_a_table_created_again_with_other_types_is_prepared_again(compat_node: str) -> None:
    class Swap(Model):
        __table_name__ = "prepared_swap"
        id = columns.Integer(primary_key=True)
        v = columns.Integer()

    sync_table(Swap)
    Swap.create(id=1, v=5)
    drop_table(Swap)

    class SwapText(Model):
        __table_name__ = "prepared_swap"
        id = columns.Integer(primary_key=True)
        v = columns.Text()

    sync_table(SwapText)
    SwapText.create(id=1, v="five")  # the same INSERT text, now binding a text value
    assert SwapText.get(id=1).v == "five"
