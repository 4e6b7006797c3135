"""Which statements core and compat mark ``is_idempotent`` (the driver flag that
retry and speculative-execution policies read).

Reads and plain writes (INSERT, UPDATE ... SET, DELETE, batches of those) may be
sent twice without harm and should be marked; counter updates, list
appends/prepends and every conditional (LWT) statement must not be. The
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

GAP_CORE = (
    "gap: coodie_core never sets is_idempotent (driver.bind / bind_batch leave the "
    "driver default False); reads and plain writes should be marked, so that an "
    "idempotence-aware retry policy can retry them and nothing else"
)
GAP_COMPAT = (
    "gap: coodie_compat never sets is_idempotent (connection.execute, _prepared "
    "statement_request / batch_request); reads and plain writes should be marked"
)


class Entry(Document):
    """Core: a list for appends."""

    log: Annotated[str, PartitionKey()]
    n: Annotated[int, ClusteringKey()]
    text: str = ""
    parts: list[str] = []

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
    base = Entry(log=log, n=0, text="t")
    base.save()

    def batch() -> None:
        with BatchWriter() as writer:
            writer.save(Entry(log=log, n=5))
            writer.update(base, text="b")

    return {
        "read": lambda: Entry.find(log=log).all(),
        "get": lambda: Entry.get(log=log, n=0),
        "insert": lambda: Entry(log=log, n=1, text="x").save(),
        "update": lambda: base.update(text="u"),
        "delete": lambda: Entry(log=log, n=1).delete(),
        "batch": batch,
        "counter": lambda: Tick(name=log).increment(hits=1),
        "list-append": lambda: base.update(parts__append=["a"]),
        "list-prepend": lambda: base.update(parts__prepend=["a"]),
        "lwt-insert": lambda: Entry(log=log, n=9).insert(),
        "lwt-update": lambda: base.update(text="c", iff={"text": "u"}),
        "lwt-delete": lambda: Entry(log=log, n=9).delete(if_exists=True),
    }


def _compat(log: str) -> dict[str, Callable[[], Any]]:
    CEntry.create(log=log, n=0, text="t")

    def batch() -> None:
        with BatchQuery() as b:
            CEntry.batch(b).create(log=log, n=5)
            CEntry.objects(log=log, n=0).batch(b).update(text="b")

    return {
        "read": lambda: list(CEntry.objects(log=log)),
        "get": lambda: CEntry.get(log=log, n=0),
        "insert": lambda: CEntry.create(log=log, n=1, text="x"),
        "update": lambda: CEntry.objects(log=log, n=0).update(text="u"),
        "delete": lambda: CEntry.objects(log=log, n=1).delete(),
        "batch": batch,
        "counter": lambda: CTick.objects(name=log).update(hits=1),
        "list-append": lambda: CEntry.objects(log=log, n=0).update(parts__append=["a"]),
        "list-prepend": lambda: CEntry.objects(log=log, n=0).update(parts__prepend=["a"]),
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


IDEMPOTENT = ("read", "get", "insert", "update", "delete", "batch")
NOT_IDEMPOTENT = ("counter", "list-append", "list-prepend", "lwt-insert", "lwt-update",
                  "lwt-delete")  # fmt: skip


def _params() -> list[Any]:
    params = []
    for api, gap in (("core", GAP_CORE), ("compat", GAP_COMPAT)):
        for kind in IDEMPOTENT:
            mark = pytest.mark.xfail(strict=True, reason=gap)
            params.append(pytest.param(api, kind, True, marks=[mark], id=f"{api}-{kind}"))
        for kind in NOT_IDEMPOTENT:
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
