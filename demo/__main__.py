"""The README's main job: a legacy cqlengine app, on cqlengine, on coodie_compat, on coodie_core.

Run with ``./dev demo`` (which starts the embedded node first), or
``python -m demo`` against ``COODIE_CONTACT_POINTS`` (default 127.0.0.1:9042).

0. Connect, print the node's release_version and round-trip one row.
1. Run the legacy application (:mod:`demo.legacy_app`) in a subprocess on the
   stock ``cassandra.cqlengine``.
2. Run it again, unmodified, in a subprocess where ``coodie_compat.install_alias()``
   makes ``cassandra.cqlengine`` resolve to ``coodie_compat``; compare the outputs
   line by line and the step timings.
3. Convert its models with ``coodie convert``.
4. Use the converted Documents through the asyncio ``coodie_core`` API, then read
   the two legacy keyspaces back through them.

Each stage uses its own keyspace, created here and dropped at the end. The exit
status is 1 when a stage fails, the outputs differ or a check does not hold.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Sequence
from pathlib import Path

from cassandra.cluster import Cluster, Session

from coodie_core.testing.provider import parse_contact_points
from demo.core_stage import Conversion, CoreResult, convert_models, run_core
from demo.events import LegacyRun
from demo.stages import (
    Keyspaces,
    StageTime,
    StepPrinter,
    compare_outputs,
    run_legacy,
    step_table,
    summary_lines,
)

STAGES = 4


def say(text: str = "") -> None:
    """Print one line now (progress must show while stages run)."""
    print(text, flush=True)


def heading(number: int, text: str) -> None:
    """A stage heading."""
    say()
    say(f"[{number}/{STAGES}] {text}")


def step_printer(marks: Sequence[str] | None = None) -> StepPrinter:
    """A :class:`StepPrinter` writing with :func:`say`."""
    return StepPrinter(say, marks)


def smoke(session: Session, keyspace: str, where: str) -> None:
    """Print the node's release_version and round-trip one row through the driver."""
    version = session.execute("SELECT release_version FROM system.local").one()[0]
    say(f"Connected to Cassandra {version} at {where}")
    session.execute(
        f"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )
    session.execute(
        f"CREATE TABLE IF NOT EXISTS {keyspace}.greeting "
        "(id uuid PRIMARY KEY, message text, written_at timestamp)"
    )
    key = uuid.uuid4()
    started = time.perf_counter()
    insert = session.prepare(
        f"INSERT INTO {keyspace}.greeting (id, message, written_at) "
        "VALUES (?, ?, toTimestamp(now()))"
    )
    session.execute(insert, (key, "hello from coodie"))
    select = session.prepare(
        f"SELECT id, message, written_at FROM {keyspace}.greeting WHERE id = ?"
    )
    row = session.execute(select, (key,)).one()
    elapsed_ms = (time.perf_counter() - started) * 1000
    if row is None or row.message != "hello from coodie":
        raise RuntimeError(f"the round-tripped row came back as {row!r}")
    say(f"Round-tripped row: id={row.id} message={row.message!r} written_at={row.written_at} "
        f"({elapsed_ms:.1f} ms)")


def report_failure(run: LegacyRun) -> None:
    """Show why a legacy run failed."""
    say(f"    {run.flavour} run FAILED: {run.error or 'no error reported'}")
    if run.stderr.strip():
        say("    its stderr ends with:")
        for line in run.stderr.strip().splitlines()[-15:]:
            say(f"      {line}")


def legacy_stages(
    keyspaces: Keyspaces, hosts: Sequence[str], port: int
) -> tuple[LegacyRun, LegacyRun, bool]:
    """Stages 1 and 2; returns both runs and whether their outputs are identical."""
    heading(1, f"legacy app on the stock cassandra.cqlengine "
               f"(subprocess, keyspace {keyspaces.cqlengine})")
    stock = run_legacy("cqlengine", keyspaces.cqlengine, hosts, port, step_printer())
    say(f"    models built on: {stock.library}; {len(stock.lines)} lines printed")
    if not stock.ok:
        report_failure(stock)

    heading(2, "the same app, unmodified, on coodie_compat via coodie_compat.install_alias() "
               f"(subprocess, keyspace {keyspaces.compat})")
    say("    ('=' marks a line identical to the cqlengine run's)")
    compat = run_legacy(
        "compat", keyspaces.compat, hosts, port, step_printer(stock.output())
    )
    say(f"    models built on: {compat.library}; {len(compat.lines)} lines printed")
    if not compat.ok:
        report_failure(compat)
    diff = compare_outputs(stock, compat)
    identical = stock.ok and compat.ok and not diff and bool(stock.lines)
    say(f"    outputs identical: {'yes' if identical else 'NO'}")
    for line in diff:
        say(f"      {line}")
    say("    step timings:")
    for line in step_table([stock, compat]):
        say(f"      {line}")
    return stock, compat, identical


def convert_stage(folder: Path) -> Conversion | None:
    """Stage 3: the converter on the legacy models."""
    heading(3, "coodie convert demo/legacy_app/models.py")
    try:
        conversion = convert_models(folder)
    except Exception:
        say(f"    conversion FAILED:\n{traceback.format_exc()}")
        return None
    for line in conversion.report.rstrip().splitlines():
        say(f"    {line}")
    say("    the generated Alert (db_field 'msg' became the field name):")
    code = conversion.code
    start = code.index("class Alert(")
    for line in code[start:].rstrip().splitlines():
        say(f"      {line}")
    return conversion


def core_stage(
    conversion: Conversion, session: Session, keyspaces: Keyspaces, legacy: Sequence[str]
) -> CoreResult:
    """Stage 4: the converted Documents through the asyncio core."""
    heading(4, f"the converted models through the asyncio coodie_core "
               f"(keyspace {keyspaces.core})")
    show = step_printer()
    try:
        return asyncio.run(run_core(conversion.module, session, keyspaces.core, legacy, show))
    except Exception:
        say(f"    core stage FAILED:\n{traceback.format_exc()}")
        return CoreResult(error=traceback.format_exc())


def drop_keyspaces(session: Session, keyspaces: Keyspaces) -> None:
    """Drop the demo's keyspaces (and nothing else)."""
    for name in keyspaces.all():
        session.execute(f"DROP KEYSPACE IF EXISTS {name}", timeout=60)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every stage and print the summary; returns the exit status."""
    summary = (__doc__ or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m demo", description=summary)
    parser.add_argument("--keyspace-prefix", default="coodie_demo",
                        help="keyspaces are PREFIX_cqlengine, PREFIX_compat, PREFIX_core")
    parser.add_argument("--keep", action="store_true", help="leave the keyspaces in place")
    args = parser.parse_args(argv)
    keyspaces = Keyspaces.with_prefix(args.keyspace_prefix)
    hosts, port = parse_contact_points(os.environ.get("COODIE_CONTACT_POINTS", "127.0.0.1"))
    say("coodie demo: one legacy cqlengine application, on stock cqlengine, on coodie_compat, "
        "then converted to coodie_core")
    cluster = Cluster(list(hosts), port=port)
    session: Session | None = None
    try:
        session = cluster.connect()
        drop_keyspaces(session, keyspaces)  # leftovers of an interrupted run
        smoke(session, keyspaces.core, f"{hosts[0]}:{port}")
        started = time.perf_counter()
        stock, compat, identical = legacy_stages(keyspaces, hosts, port)
        with tempfile.TemporaryDirectory(prefix="coodie-demo-") as folder:
            convert_started = time.perf_counter()
            conversion = convert_stage(Path(folder))
            convert_seconds = time.perf_counter() - convert_started
            core: CoreResult | None = None
            core_wall = None
            if conversion is not None:
                legacy = [keyspaces.cqlengine, keyspaces.compat] if stock.ok and compat.ok else []
                core_started = time.perf_counter()
                core = core_stage(conversion, session, keyspaces, legacy)
                core_wall = time.perf_counter() - core_started
        total = time.perf_counter() - started
        core_ok = core is not None and core.error is None
        stages = [
            StageTime("1 stock cassandra.cqlengine", stock.ok, stock.app_seconds,
                      stock.wall_seconds),
            StageTime("2 coodie_compat (alias)", compat.ok, compat.app_seconds,
                      compat.wall_seconds),
            StageTime("3 coodie convert", conversion is not None and conversion.lost == 0,
                      convert_seconds, convert_seconds),
            StageTime("4 coodie_core asyncio", core_ok, core.seconds if core else None, core_wall),
        ]
        checks = [
            ("outputs identical (cqlengine vs compat)", identical),
            ("converted models match the legacy tables (no schema change)",
             core.schema_matches if core else None),
            ("legacy rows identical, read back by the converted models",
             core.stored_identical if core else None),
        ]
        say()
        say(f"Summary ({total:.1f} s in all; 'in app' excludes interpreter start-up)")
        lines = summary_lines(stages, checks)
        for line in lines:
            say(f"  {line}")
        return 0 if lines[-1] == "result: OK" else 1
    finally:
        if session is not None and not args.keep:
            try:
                drop_keyspaces(session, keyspaces)
            except Exception as exc:  # the summary is already out; say why cleanup failed
                say(f"could not drop the demo keyspaces: {exc}")
        cluster.shutdown()


if __name__ == "__main__":
    sys.exit(main())
