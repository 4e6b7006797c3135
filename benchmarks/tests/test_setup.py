"""The pieces that make the run fair, checked without a database: the import
rewrite behind the compat contender, the shared arguments and the answer
normaliser."""

from __future__ import annotations

import datetime
import uuid

from benchmarks.catalogue import OPS, plan_for
from benchmarks.contenders.legacy import APP_SOURCE, rewrite_imports
from benchmarks.dataset import Dataset, ItemData
from benchmarks.verify import plain


def test_rewrite_touches_import_lines_only() -> None:
    source = (
        '"""Uses cassandra.cqlengine."""\n'
        "from cassandra.cqlengine import columns, connection\n"
        "from cassandra.cqlengine.query import BatchQuery\n"
        "import cassandra.cqlengine.models as models\n"
        "from cassandra.cluster import Cluster\n"
        "x = 'cassandra.cqlengine'\n"
    )
    assert rewrite_imports(source) == (
        '"""Uses cassandra.cqlengine."""\n'
        "from coodie_compat import columns, connection\n"
        "from coodie_compat.query import BatchQuery\n"
        "import coodie_compat.models as models\n"
        "from cassandra.cluster import Cluster\n"
        "x = 'cassandra.cqlengine'\n"
    )


def test_the_legacy_app_differs_only_in_its_imports() -> None:
    original = APP_SOURCE.read_text(encoding="utf-8").splitlines()
    rewritten = rewrite_imports("\n".join(original)).splitlines()
    changed = [(a, b) for a, b in zip(original, rewritten, strict=True) if a != b]
    assert changed == [
        ("from cassandra.cqlengine import columns, connection",
         "from coodie_compat import columns, connection"),
        ("from cassandra.cqlengine.models import Model", "from coodie_compat.models import Model"),
        ("from cassandra.cqlengine.query import BatchQuery, LWTException",
         "from coodie_compat.query import BatchQuery, LWTException"),
    ]


def test_arguments_are_deterministic_and_shared() -> None:
    plan = plan_for(quick=True, rounds=3, ops=None)
    first, second = Dataset(7, plan), Dataset(7, plan)
    for spec in OPS:
        for slot in range(first.slots):
            assert first.args(spec, slot) == second.args(spec, slot)
        assert first.args(spec, 2) is first.args(spec, 2)  # one object for every contender


def test_fresh_keys_never_repeat_across_slots() -> None:
    dataset = Dataset(7, plan_for(quick=True, rounds=3, ops=["insert"]))
    spec = dataset.plan.ops[0]
    keys = [row.id for slot in range(dataset.slots) for row in dataset.args(spec, slot)]
    assert len(keys) == len(set(keys)) == 2 + 1 + 3 * 150


def test_plain_makes_library_objects_comparable() -> None:
    key = uuid.UUID(int=1)
    naive = datetime.datetime(2024, 1, 1, 0, 0, 0, 5000)
    aware = naive.replace(tzinfo=datetime.timezone.utc)
    a = ItemData(key, "n", 3, aware, ["x"])
    b = {"id": key, "name": "n", "score": 3, "created": naive, "tags": ("x",)}
    assert plain(a) == (key, "n", 3, 1704067200005, ("x",))
    assert plain(b) == (("created", 1704067200005), ("id", key), ("name", "n"),
                        ("score", 3), ("tags", ("x",)))
