"""A tiny pre-fork server (used by ``test_prefork``): connect, fork workers, let each
worker query, then query again in the parent.

Usage: ``python prefork_server.py MODE HOST PORT KEYSPACE``

MODE ``pattern`` installs the documented hook (``os.register_at_fork``: the
worker connects anew under the same names); MODE ``bare`` installs nothing and
relies on coodie's own fork hooks (connections made from hosts are made again
in the worker on first use); MODE ``sessions`` registers sessions the
application made itself, which a worker cannot inherit: it must get
``StaleConnection`` from both registries, then register its own sessions.
Every worker then reads and writes. Prints one JSON line: the parent's view
and each worker's report.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
import warnings
from typing import Annotated, Any

from cassandra.cluster import Cluster

from coodie_compat import columns
from coodie_compat import connection as compat_connection
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_core import Document, PartitionKey, StaleConnection, execution, sync_table

WORKERS = 2
CORE, COMPAT = "app", "app_compat"


class Visit(Document):
    """A core row."""

    id: Annotated[str, PartitionKey()]
    who: str = ""

    class Settings:
        connection = CORE
        name = "prefork_visit"


class CVisit(Model):
    """A compat row."""

    __connection__ = COMPAT
    __table_name__ = "prefork_cvisit"
    id = columns.Text(partition_key=True)
    who = columns.Text()


def connect(host: str, port: int, keyspace: str) -> None:
    """Register the core connection ``app`` and the compat connection ``app_compat``
    (a new driver Cluster each). Called in the parent, and by the hook in workers."""
    execution.connect([host], name=CORE, keyspace=keyspace, port=port)
    compat_connection.register_connection(COMPAT, hosts=[host], cluster_options={"port": port})


def register_sessions(host: str, port: int, keyspace: str) -> None:
    """Register sessions made here (not by coodie) under the same names."""
    execution.register_connection(CORE, Cluster([host], port=port).connect(), keyspace=keyspace)
    session = Cluster([host], port=port).connect()
    compat_connection.register_connection(COMPAT, session=session)


def stale_errors() -> list[str]:
    """What each registry raises for an inherited application session."""
    found = []
    for lookup in (lambda: execution.get_connection(CORE),
                   lambda: compat_connection.get_connection(COMPAT)):  # fmt: skip
        try:
            lookup()
        except StaleConnection as exc:
            found.append(f"{type(exc).__module__}.{type(exc).__name__}: {exc}")
        else:
            found.append("no error")
    return found


def local_ports(session: Any) -> set[int]:
    """The local TCP ports of a driver session's pooled connections."""
    ports = set()
    for pool in list(session._pools.values()):
        for conn in getattr(pool, "_connections", None) or [pool._connection]:
            ports.add(conn._socket.getsockname()[1])
    return ports


def sessions() -> tuple[Any, Any]:
    """The core and compat sessions in use now."""
    return execution.get_connection(CORE).session, compat_connection.get_session(COMPAT)


def worker(mode: str, parent: tuple[Any, Any], parent_ports: set[int], argv: list[str],
           write: int) -> None:  # fmt: skip
    """Run in the forked child; report on fd ``write``."""
    report: dict[str, Any] = {"pid": os.getpid()}
    if mode == "sessions":
        report["stale"] = stale_errors()
        register_sessions(argv[1], int(argv[2]), argv[3])
    core, compat = sessions()
    report["core_shared"] = core is parent[0]
    report["compat_shared"] = compat is parent[1]
    report["ports_shared"] = sorted((local_ports(core) | local_ports(compat)) & parent_ports)
    key = f"worker-{os.getpid()}"
    Visit(id=key, who="core").save()
    report["core_read"] = Visit.get(id=key).who
    report["core_async_read"] = asyncio.run(Visit.aget(id=key)).who
    CVisit.create(id=key, who="compat")
    report["compat_read"] = CVisit.get(id=key).who
    report["parent_row"] = Visit.get(id="parent").who
    os.write(write, (json.dumps(report) + "\n").encode())


def main(argv: list[str]) -> int:
    """Connect, fork, collect."""
    mode, host, port, keyspace = argv[0], argv[1], int(argv[2]), argv[3]
    warnings.simplefilter("ignore")
    os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = "1"
    CVisit.__keyspace__ = keyspace
    if mode == "sessions":
        register_sessions(host, port, keyspace)
    else:
        connect(host, port, keyspace)
    sync_table(Visit)
    compat_sync_table(CVisit)
    Visit(id="parent", who="parent").save()
    parent = sessions()
    parent_ports = local_ports(parent[0]) | local_ports(parent[1])
    if mode == "pattern":
        # The documented pattern: every forked worker connects anew.
        os.register_at_fork(after_in_child=lambda: connect(host, port, keyspace))
    read, write = os.pipe()
    children = []
    for _ in range(WORKERS):
        pid = os.fork()
        if pid == 0:
            os.close(read)
            code = 0
            try:
                worker(mode, parent, parent_ports, argv, write)
            except BaseException as exc:  # report, never fall back into the parent's loop
                os.write(write, (json.dumps({"error": repr(exc)}) + "\n").encode())
                code = 1
            os._exit(code)
        children.append(pid)
    os.close(write)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    with os.fdopen(read) as pipe:
        reports = [json.loads(line) for line in pipe if line.strip()]
    key = f"parent-after-{uuid.uuid4().hex[:6]}"
    Visit(id=key, who="still").save()  # the parent's connections still work
    CVisit.create(id=key, who="still")
    summary = {
        "codes": codes,
        "workers": reports,
        "parent_after": [Visit.get(id=key).who, CVisit.get(id=key).who],
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
