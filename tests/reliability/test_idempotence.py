"""Which statements core and compat mark ``is_idempotent`` (the driver flag that
retry and speculative-execution policies read).

Reads and plain writes (INSERT, UPDATE ... SET, set and map additions and
removals, list items set by index, DELETE, batches of those) may be sent twice
without harm and are marked; counter updates, list appends/prepends/removals
by value, every conditional (LWT) statement and batches holding any of those
are not. The
behaviour this enables is checked on the fault cluster
(``faults/test_retries.py``); here only the flags are read, on the dev node.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Annotated, Any

import pytest

from coodie_compat import columns
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_compat.query import BatchQuery, LWTException
from coodie_core import BatchWriter, ClusteringKey, Counter, Document, PartitionKey, sync_table
from tests.reliability.support import (
    RELIABILITY,
    RELIABILITY_COMPAT,
    RequestCounter,
    reliability_keyspace,
)


class Entry(Document):
    """Core: a list for appends."""

    log: Annotated[str, PartitionKey()]
    n: Annotated[int, ClusteringKey()]
    text: str = ""
    parts: list[str] = []
    tags: set[str] = set()
    props: dict[str, int] = {}

    class Settings:
        connection = RELIABILITY


class Tick(Document):
    """Core counter."""

    name: Annotated[str, PartitionKey()]
    hits: Annotated[int, Counter()] = 0

    class Settings:
        connection = RELIABILITY


class CEntry(Model):
    """Compat twin of :class:`Entry`."""

    __keyspace__ = reliability_keyspace()
    __connection__ = RELIABILITY_COMPAT
    __table_name__ = "c_entry"
    log = columns.Text(partition_key=True)
    n = columns.Integer(primary_key=True)
    text = columns.Text()
    parts = columns.List(columns.Text)
    tags = columns.Set(columns.Text)
    props = columns.Map(columns.Text, columns.Integer)


class CTick(Model):
    """Compat counter."""

    __keyspace__ = reliability_keyspace()
    __connection__ = RELIABILITY_COMPAT
    __table_name__ = "c_tick"
    name = columns.Text(partition_key=True)
    hits = columns.Counter()


@pytest.fixture(scope="module", autouse=True)
def tables(rel_keyspace: str, compat_rel: Any) -> None:
    for model in (Entry, Tick):
        sync_table(model)
    for compat_model in (CEntry, CTick):
        compat_sync_table(compat_model)


def _core(log: str) -> dict[str, Callable[[], Any]]:
    base = Entry(log=log, n=0, text="t", parts=["p"])
    base.save()

    def batch() -> None:
        with BatchWriter() as writer:
            writer.save(Entry(log=log, n=5))
            writer.update(base, text="b")

    def counter_batch() -> None:
        with BatchWriter("COUNTER") as writer:
            writer.increment(Tick(name=log), hits=1)

    def lwt_batch() -> None:
        with BatchWriter() as writer:
            writer.save(Entry(log=log, n=6))
            writer.insert(Entry(log=log, n=7))

    return {
        "read": lambda: Entry.find(log=log).all(),
        "get": lambda: Entry.get(log=log, n=0),
        "insert": lambda: Entry(log=log, n=1, text="x").save(),
        "update": lambda: base.update(text="u"),
        "delete": lambda: Entry(log=log, n=1).delete(),
        "batch": batch,
        "set-add": lambda: base.update(tags__add={"a"}),
        "set-remove": lambda: base.update(tags__remove={"a"}),
        "map-put": lambda: base.update(props__put={"a": 1}),
        "map-remove": lambda: base.update(props__remove={"a"}),
        "list-set-item": lambda: Entry.find(log=log, n=0).update(parts__set_item=(0, "z")),
        "counter": lambda: Tick(name=log).increment(hits=1),
        "counter-decrement": lambda: Tick(name=log).decrement(hits=1),
        "counter-batch": counter_batch,
        "list-append": lambda: base.update(parts__append=["a"]),
        "list-prepend": lambda: base.update(parts__prepend=["a"]),
        "list-remove": lambda: base.update(parts__remove=["a"]),
        "lwt-batch": lwt_batch,
        "lwt-insert": lambda: Entry(log=log, n=9).insert(),
        "lwt-update": lambda: base.update(text="c", iff={"text": "u"}),
        "lwt-delete": lambda: Entry(log=log, n=9).delete(if_exists=True),
    }


def _compat(log: str) -> dict[str, Callable[[], Any]]:
    CEntry.create(log=log, n=0, text="t", parts=["p"])

    def batch() -> None:
        with BatchQuery() as b:
            CEntry.batch(b).create(log=log, n=5)
            CEntry.objects(log=log, n=0).batch(b).update(text="b")

    def counter_batch() -> None:
        with BatchQuery(batch_type="COUNTER", connection=RELIABILITY_COMPAT) as b:
            CTick.objects(name=log).batch(b).update(hits=1)

    def lwt_batch() -> None:
        with BatchQuery() as b:
            CEntry.batch(b).create(log=log, n=6)
            CEntry.batch(b).if_not_exists().create(log=log, n=7)

    entry = CEntry.get(log=log, n=0)

    def save_appending() -> None:  # Model.save sends the new tail as an append
        entry.parts = [*(entry.parts or []), "s"]
        entry.save()

    return {
        "read": lambda: list(CEntry.objects(log=log)),
        "get": lambda: CEntry.get(log=log, n=0),
        "insert": lambda: CEntry.create(log=log, n=1, text="x"),
        "update": lambda: CEntry.objects(log=log, n=0).update(text="u"),
        "delete": lambda: CEntry.objects(log=log, n=1).delete(),
        "batch": batch,
        "set-add": lambda: CEntry.objects(log=log, n=0).update(tags__add={"a"}),
        "set-remove": lambda: CEntry.objects(log=log, n=0).update(tags__remove={"a"}),
        "map-put": lambda: CEntry.objects(log=log, n=0).update(props__update={"a": 1}),
        "map-remove": lambda: CEntry.objects(log=log, n=0).update(props__remove={"a"}),
        "list-assign": lambda: CEntry.objects(log=log, n=0).update(parts=["x", "y"]),
        "counter": lambda: CTick.objects(name=log).update(hits=1),
        "counter-decrement": lambda: CTick.objects(name=log).update(hits=-1),
        "counter-batch": _applied_or_not(counter_batch),
        "list-append": lambda: CEntry.objects(log=log, n=0).update(parts__append=["a"]),
        "list-prepend": lambda: CEntry.objects(log=log, n=0).update(parts__prepend=["a"]),
        "save-append": save_appending,
        "lwt-batch": _applied_or_not(lwt_batch),
        "lwt-insert": _applied_or_not(lambda: CEntry.if_not_exists().create(log=log, n=9)),
        "lwt-update": _applied_or_not(
            lambda: CEntry.objects(log=log, n=0).iff(text="u").update(text="c")
        ),
        "lwt-delete": _applied_or_not(lambda: CEntry.objects(log=log, n=9).if_exists().delete()),
    }


def _applied_or_not(call: Callable[[], Any]) -> Callable[[], Any]:
    """compat raises LWTException when a condition fails; the flag is what matters."""

    def run() -> Any:
        with contextlib.suppress(LWTException):
            return call()

    return run


_PLAIN = ("read", "get", "insert", "update", "delete", "batch", "set-add", "set-remove",
          "map-put", "map-remove")  # fmt: skip
IDEMPOTENT = {"core": (*_PLAIN, "list-set-item"), "compat": (*_PLAIN, "list-assign")}
NOT_IDEMPOTENT = {
    "core": ("counter", "counter-decrement", "counter-batch", "list-append", "list-prepend",
             "list-remove", "lwt-batch", "lwt-insert", "lwt-update", "lwt-delete"),
    "compat": ("counter", "counter-decrement", "counter-batch", "list-append", "list-prepend",
               "save-append", "lwt-batch", "lwt-insert", "lwt-update", "lwt-delete"),
}  # fmt: skip


def _params() -> list[Any]:
    params = []
    for api in ("core", "compat"):
        for kind in IDEMPOTENT[api]:
            params.append(pytest.param(api, kind, True, id=f"{api}-{kind}"))
        for kind in NOT_IDEMPOTENT[api]:
            params.append(pytest.param(api, kind, False, id=f"{api}-{kind}"))
    return params


@pytest.mark.parametrize(("api", "kind", "idempotent"), _params())
def test_statements_are_marked_idempotent_exactly_when_safe(
    api: str, kind: str, idempotent: bool, counter: RequestCounter
) -> None:
    log = f"{kind}-{uuid.uuid4().hex[:8]}"
    calls = (_core if api == "core" else _compat)(log)
    calls["insert"]()  # rows the others need, and statements prepared
    calls[kind]()  # warm: prepared, so only the request itself is counted next
    counter.reset()
    calls[kind]()
    flags = {flag for _, flag in counter.statements}
    assert counter.statements, "nothing was sent"
    assert flags == {idempotent}, counter.statements
