"""A separate process that runs ``sync_table`` on a start signal (used by
``test_schema_safety``: two of these race on one table).

Usage: ``python schema_worker.py API STAGE HOST PORT KEYSPACE TABLE READY GO``

- API: ``core`` or ``compat``; STAGE: ``v1`` (key ``id``, text ``a`` and a
  column ``home`` of the user type ``<TABLE>_addr`` with one field ``street``)
  or ``v2`` (the same with ten more int columns ``c0``-``c9``, an indexed text
  column ``b``, and two more type fields ``zip`` and ``city``).
- The worker connects, writes READY, waits until GO exists, calls the API's
  ``sync_table`` and prints one JSON line: ``{"ok": ..., "error": ..., "ddl":
  [...], "refused": N}`` (the DDL it sent or, for core, planned; how many of
  compat's statements the server refused because the other process had just
  made that change).
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
#: The user type's fields at each stage.
TYPE_FIELDS = {"v1": ["street"], "v2": ["street", "zip", "city"]}


def type_name(table: str) -> str:
    """The user type of ``table``'s ``home`` column."""
    return f"{table}_addr"


def core_type(stage: str, table: str) -> Any:
    """The core user type of ``stage``."""
    from coodie_core import UserType

    kinds: dict[str, Any] = {"street": str | None, "zip": int | None, "city": str | None}
    fields = {name: kinds[name] for name in TYPE_FIELDS[stage]}
    settings = type("Settings", (), {"name": type_name(table), "__qualname__": "Addr.Settings"})
    namespace = {"__annotations__": fields, "__module__": __name__, "__qualname__": "Addr",
                 "Settings": settings, **{name: None for name in fields}}  # fmt: skip
    return type("Addr", (UserType,), namespace)


def core_model(stage: str, table: str, connection: str = "race") -> Any:
    """The core model of ``stage`` on the core connection ``connection``."""
    from coodie_core import Document, Indexed, PartitionKey

    fields: dict[str, Any] = {
        "id": Annotated[int, PartitionKey()],
        "a": str | None,
        "home": core_type(stage, table) | None,
    }
    if stage == "v2":
        fields.update({name: int | None for name in EXTRA})
        fields["b"] = Annotated[str | None, Indexed()]
    settings = type("Settings", (), {"name": table, "connection": connection,
                                     "__qualname__": "Evolving.Settings"})  # fmt: skip
    namespace = {"__annotations__": fields, "__module__": __name__,
                 "__qualname__": "Evolving", "Settings": settings}  # fmt: skip
    namespace.update({name: None for name in fields if name != "id"})
    return type("Evolving", (Document,), namespace)


def compat_type(stage: str, table: str) -> Any:
    """The compat user type of ``stage``."""
    from coodie_compat import columns
    from coodie_compat.usertype import UserType

    kinds: dict[str, Any] = {"street": columns.Text, "zip": columns.Integer, "city": columns.Text}
    attrs = {name: kinds[name]() for name in TYPE_FIELDS[stage]}
    return type("CAddr", (UserType,), {"__type_name__": type_name(table), **attrs})


def compat_model(stage: str, keyspace: str, table: str, connection: str = "race_compat") -> Any:
    """The compat model of ``stage`` on the compat connection ``connection``."""
    from coodie_compat import columns
    from coodie_compat.models import Model

    attrs: dict[str, Any] = {
        "__keyspace__": keyspace, "__connection__": connection, "__table_name__": table,
        "id": columns.Integer(primary_key=True), "a": columns.Text(),
        "home": columns.UserDefinedType(compat_type(stage, table)),
    }  # fmt: skip
    if stage == "v2":
        attrs.update({name: columns.Integer() for name in EXTRA})
        attrs["b"] = columns.Text(index=True)
    return type("CEvolving", (Model,), attrs)


def _count_refusals() -> list[str]:
    """Collects compat's notes of a statement refused because the other process
    had made that change first."""
    import logging

    notes: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "already done by another client" in record.getMessage():
                notes.append(record.getMessage())

    logger = logging.getLogger("coodie_compat.management")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(Collect())
    return notes


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
        from coodie_compat import connection, management
        from coodie_compat.management import sync_table as compat_sync

        sent = management.execute

        def recording(query: Any, *args: Any, **kwargs: Any) -> Any:
            ddl.append(str(query))
            return sent(query, *args, **kwargs)

        management.execute = recording  # DDL goes through the name bound in management

        connection.register_connection("race_compat", hosts=[host],
                                       cluster_options={"port": int(port)})  # fmt: skip
        model = compat_model(stage, keyspace, table)

        def sync() -> None:
            compat_sync(model)

    refused = _count_refusals()
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
        error = f"{type(exc).__name__}: {exc}"
        print(json.dumps({"ok": False, "error": error, "ddl": ddl, "refused": len(refused)}))
        return 0
    print(json.dumps({"ok": True, "error": "", "ddl": ddl, "refused": len(refused)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
