"""A separate process that runs ``sync_table`` on a start signal (used by
``test_schema_safety``: two of these race on one table).

Usage: ``python schema_worker.py API STAGE HOST PORT KEYSPACE TABLE READY GO``

- API: ``core`` or ``compat``; STAGE: ``v1`` (create the table) or ``v2`` (the
  same table with ten more columns and an index).
- The worker connects, writes READY, waits until GO exists, calls the API's
  ``sync_table`` and prints one JSON line: ``{"ok": ..., "error": ..., "ddl": [...]}``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated, Any

EXTRA = [f"c{i}" for i in range(10)]


def core_model(stage: str, table: str) -> Any:
    """The core model of ``stage``."""
    from coodie_core import Document, Indexed, PartitionKey

    fields: dict[str, Any] = {"id": Annotated[int, PartitionKey()], "a": str | None}
    if stage == "v2":
        fields.update({name: int | None for name in EXTRA})
        fields["b"] = Annotated[str | None, Indexed()]
    settings = type("Settings", (), {"name": table, "connection": "race",
                                     "__qualname__": "Evolving.Settings"})  # fmt: skip
    namespace = {"__annotations__": fields, "__module__": __name__,
                 "__qualname__": "Evolving", "Settings": settings}  # fmt: skip
    namespace.update({name: None for name in fields if name != "id"})
    return type("Evolving", (Document,), namespace)


def compat_model(stage: str, keyspace: str, table: str) -> Any:
    """The compat model of ``stage``."""
    from coodie_compat import columns
    from coodie_compat.models import Model

    attrs: dict[str, Any] = {
        "__keyspace__": keyspace, "__connection__": "race_compat", "__table_name__": table,
        "id": columns.Integer(primary_key=True), "a": columns.Text(),
    }  # fmt: skip
    if stage == "v2":
        attrs.update({name: columns.Integer() for name in EXTRA})
        attrs["b"] = columns.Text(index=True)
    return type("CEvolving", (Model,), attrs)


def main(argv: list[str]) -> int:
    """Connect, signal ready, wait for go, sync, report."""
    api, stage, host, port, keyspace, table, ready, go = argv
    warnings.simplefilter("ignore")
    os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = "1"
    ddl: list[str] = []
    if api == "core":
        from coodie_core import execution, sync_table

        execution.connect([host], name="race", keyspace=keyspace, port=int(port))
        model = core_model(stage, table)

        def sync() -> None:
            ddl.extend(sync_table(model))
    else:
        from coodie_compat import connection
        from coodie_compat.management import sync_table as compat_sync

        connection.register_connection("race_compat", hosts=[host],
                                       cluster_options={"port": int(port)})  # fmt: skip
        model = compat_model(stage, keyspace, table)

        def sync() -> None:
            compat_sync(model)

    Path(ready).write_text("ready")
    deadline = time.monotonic() + 60
    while not Path(go).exists():
        if time.monotonic() > deadline:
            print(json.dumps({"ok": False, "error": "no start signal", "ddl": ddl}))
            return 1
        time.sleep(0.001)
    try:
        sync()
    except Exception as exc:
        print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}", "ddl": ddl}))
        return 0
    print(json.dumps({"ok": True, "error": "", "ddl": ddl}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
