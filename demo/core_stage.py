"""Stages 3 and 4: convert the legacy models, then use them through the asyncio core.

:func:`convert_models` runs ``coodie convert`` (its library functions) on
``demo/legacy_app/models.py`` and imports the generated module from a folder of
the caller's. :func:`run_core` drives the converted ``Sensor``, ``Reading``,
``DailyStats`` and ``Alert`` Documents with ``asyncio``: concurrent LWT
inserts, concurrent writes, a batch, counters, concurrent reads, paging and a
conditional update, in the core's own keyspace. It then points the same
Documents at the two keyspaces the legacy runs wrote: the schema plan must be
empty (the converted models describe the legacy tables exactly) and the rows
read from both must be identical.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import importlib.util
import io
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from cassandra.cluster import Session

from coodie_compat.convert import convert_paths
from coodie_compat.convert.cli import render_report
from coodie_core import (
    BatchWriter,
    Document,
    acreate_keyspace,
    async_table,
    get_connection,
    register_connection,
    unregister_connection,
)

__all__ = [
    "MODELS_PATH",
    "Conversion",
    "CoreResult",
    "convert_models",
    "run_core",
    "value_at",
]

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
MODELS_PATH = ROOT / "demo" / "legacy_app" / "models.py"
MODEL_NAMES = ("Sensor", "Reading", "DailyStats", "Alert")
UTC = datetime.timezone.utc
DAY = datetime.date(2024, 5, 2)
START = datetime.datetime(2024, 5, 2, tzinfo=UTC)
INSTALLED = datetime.datetime(2024, 4, 1, 9, 30, tzinfo=UTC)
EVERY = datetime.timedelta(minutes=10)
PER_SENSOR = 144  # a day of readings, one every ten minutes
CONCURRENCY = 64  # writes in flight at once
PAGE_SIZE = 50
#: sensor id, name, site, tags, calibration, base value, alert limit
SENSORS: tuple[tuple[str, str, str, set[str], dict[str, float], float, float], ...] = (
    ("s-1", "bench north", "greenhouse", {"heated"}, {"offset": 0.0}, 18.0, 26.0),
    ("s-2", "bench south", "greenhouse", set(), {}, 20.5, 26.0),
    ("s-3", "shed", "garden", {"outdoor", "solar"}, {"offset": -0.5, "gain": 1.25}, 11.0, 15.5),
)


def value_at(base: float, hours: float) -> float:
    """The value a sensor reports ``hours`` after midnight: warmest at noon."""
    return base + 0.5 * (12 - abs(12 - hours))


@dataclass(frozen=True)
class Conversion:
    """The legacy models converted: the generated code, its report, the module."""

    code: str
    report: str
    classes: int
    lost: int
    module: ModuleType


def convert_models(folder: Path, source: Path = MODELS_PATH) -> Conversion:
    """Convert ``source`` into ``folder/converted_models.py`` and import it."""
    [generated] = convert_paths([source])
    if generated.code is None:
        raise RuntimeError(f"{source}: the converter found no cqlengine models")
    report = io.StringIO()
    shown = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source
    render_report(shown, generated, report)
    lost = sum(f.level == "lost" for r in generated.reports for f in r.findings)
    path = folder / "converted_models.py"
    path.write_text(generated.code, encoding="utf-8")
    name = f"demo_converted_models_{id(folder):x}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return Conversion(generated.code, report.getvalue(), len(generated.reports), lost, module)


@dataclass
class CoreResult:
    """What the asyncio stage printed and measured."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    schema_matches: bool | None = None
    stored_identical: bool | None = None
    stored_rows: int = 0
    error: str | None = None

    @property
    def seconds(self) -> float:
        """Time spent in all the steps."""
        return sum(self.step_seconds.values())


class _Steps:
    """Times steps and hands their lines to the result and to ``show``."""

    def __init__(self, result: CoreResult, show: Callable[[str, str], None]) -> None:
        self.result = result
        self.show = show

    async def run(self, name: str, step: Callable[[], Awaitable[list[str]]]) -> None:
        started = time.perf_counter()
        lines = await step()
        self.result.step_seconds[name] = time.perf_counter() - started
        for line in lines:
            self.result.lines.append((name, line))
            self.show(name, line)


async def _bounded(awaitables: Sequence[Awaitable[T]], limit: int = CONCURRENCY) -> list[T]:
    """``asyncio.gather`` with at most ``limit`` awaitables running at once."""
    gate = asyncio.Semaphore(limit)

    async def one(item: Awaitable[T]) -> T:
        async with gate:
            return await item

    return await asyncio.gather(*(one(a) for a in awaitables))


@contextlib.contextmanager
def _default_keyspace(session: Session, keyspace: str) -> Iterator[None]:
    """Make a connection on ``keyspace`` the default while the block runs.

    The converted models name no keyspace, so they use the default connection's.
    """
    previous = get_connection()
    name = f"demo_{keyspace}"
    register_connection(name, session, keyspace=keyspace, default=True)
    try:
        yield
    finally:
        unregister_connection(name)
        register_connection(previous.name, previous.session, keyspace=previous.keyspace,
                            default=True)


def _row_key(doc: Document) -> str:
    return f"{type(doc).__name__} {sorted(doc.model_dump().items(), key=str)!r}"


class _Session:
    """The asyncio session over the converted models ``m``."""

    def __init__(self, m: ModuleType, session: Session, keyspace: str) -> None:
        self.m = m
        self.session = session
        self.keyspace = keyspace
        self.models: tuple[type[Document], ...] = tuple(getattr(m, n) for n in MODEL_NAMES)

    async def setup(self) -> list[str]:
        await acreate_keyspace(self.keyspace)
        for model in self.models:
            await async_table(model)
        names = ", ".join(model.table_meta().name for model in self.models)
        return [f"created {len(self.models)} tables with async_table: {names}"]

    async def register(self) -> list[str]:
        m = self.m
        sensors = [
            m.Sensor(sensor_id=sid, name=name, site=site, tags=tags, calibration=calibration,
                     installed=INSTALLED)
            for sid, name, site, tags, calibration, _, _ in SENSORS
        ]
        results = await asyncio.gather(*(sensor.ainsert() for sensor in sensors))
        again = await m.Sensor(sensor_id="s-1", name="impostor").ainsert()
        existing = again.existing or {}
        return [
            f"{sum(r.applied for r in results)} of {len(sensors)} sensors registered "
            "concurrently with ainsert() (IF NOT EXISTS)",
            f"registering s-1 again: LWTResult(applied={again.applied}), "
            f"existing name {existing.get('name')!r}",
        ]

    async def ingest(self) -> list[str]:
        m = self.m
        readings, alerts = [], []
        for sid, _, site, _, _, base, limit in SENSORS:
            for i in range(PER_SENSOR):
                at = START + i * EVERY
                value = value_at(base, i * EVERY / datetime.timedelta(hours=1))
                readings.append(m.Reading(sensor_id=sid, day=DAY, at=at, value=value))
                if value > limit:
                    alerts.append(m.Alert(site=site, raised=at, sensor_id=sid, level="high",
                                          msg=f"{value:.1f} C is above {limit:.1f} C"))
        started = time.perf_counter()
        await _bounded([reading.asave() for reading in readings])
        elapsed = time.perf_counter() - started
        async with BatchWriter() as batch:
            for alert in alerts:
                batch.save(alert)
        await asyncio.gather(*(
            m.DailyStats(sensor_id=sid, day=DAY).aincrement(
                readings=PER_SENSOR, alerts=sum(a.sensor_id == sid for a in alerts))
            for sid, *_ in SENSORS
        ))
        return [
            f"{len(readings)} readings saved with asave(), {CONCURRENCY} in flight: "
            f"{elapsed:.2f} s ({len(readings) / elapsed:,.0f} writes/s)",
            f"{len(alerts)} alerts in one BatchWriter; daily counters via aincrement()",
        ]

    async def reads(self) -> list[str]:
        m = self.m
        ids = [sid for sid, *_ in SENSORS]
        partitions = [m.Reading.find(sensor_id=sid, day=DAY) for sid in ids]
        counts, newest, stats = await asyncio.gather(
            asyncio.gather(*(p.acount() for p in partitions)),
            asyncio.gather(*(p.afirst() for p in partitions)),
            asyncio.gather(*(m.DailyStats.aget(sensor_id=sid, day=DAY) for sid in ids)),
        )
        lines = []
        for sid, count, last, stat in zip(ids, counts, newest, stats, strict=True):
            lines.append(
                f"{sid}: acount()={count}, afirst() at {last.at:%H:%M %Z} value "
                f"{last.value:.2f}, counters readings={stat.readings} alerts={stat.alerts}"
            )
        return lines

    async def paging(self) -> list[str]:
        m = self.m
        query = m.Reading.find(sensor_id="s-1", day=DAY).page_size(PAGE_SIZE)
        sizes, state, first, last = [], None, None, None
        while True:
            page = await query.apage(state)
            sizes.append(len(page.items))
            if page.items:
                first = first or page.items[0]
                last = page.items[-1]
            state = page.paging_state
            if state is None:
                break
        streamed = [r async for r in m.Reading.find(sensor_id="s-2", day=DAY).page_size(40)]
        assert first is not None and last is not None
        return [
            f"s-1 in pages of {PAGE_SIZE} with apage(): "
            f"{' + '.join(map(str, sizes))} rows, {first.at:%H:%M} down to {last.at:%H:%M}",
            f"s-2 with 'async for' (page_size 40): {len(streamed)} rows",
        ]

    async def updates(self) -> list[str]:
        m = self.m
        shed = await m.Sensor.aget(sensor_id="s-3")
        shed.installed = None  # a loaded document: None deletes the cell
        await shed.asave()
        cleared = (await m.Sensor.aget(sensor_id="s-3")).installed
        key = {"site": "garden", "raised": START + datetime.timedelta(hours=12), "sensor_id": "s-3"}
        first, second = await asyncio.gather(m.Alert.aget(**key), m.Alert.aget(**key))
        one = await first.aupdate(acknowledged=True, iff={"acknowledged": False})
        two = await second.aupdate(acknowledged=True, iff={"acknowledged": False})
        existing = two.existing or {}
        return [
            f"s-3 install date set to None and saved: now {cleared}",
            f"alert 12:00 s-3 acknowledged: applied={one.applied}; the second operator's "
            f"update: applied={two.applied}, existing acknowledged={existing.get('acknowledged')}",
        ]

    async def legacy_data(self, legacy_keyspaces: Sequence[str]) -> tuple[list[str], bool, bool,
                                                                            int]:
        plans: list[str] = []
        rows: dict[str, list[str]] = {}
        sample = ""
        for keyspace in legacy_keyspaces:
            with _default_keyspace(self.session, keyspace):
                for model in self.models:
                    plans += await async_table(model, dry_run=True)
                docs: list[Document] = []
                for model in self.models:
                    docs += await model.find().aall()
                rows[keyspace] = sorted(_row_key(d) for d in docs)
                if not sample:
                    s1 = await self.m.Sensor.aget(sensor_id="s-1")
                    sample = f"s-1 installed={s1.installed!r}"
        counts = [len(r) for r in rows.values()]
        identical = len(set(map(tuple, rows.values()))) == 1
        lines = [
            f"async_table(dry_run=True) of the converted models on {', '.join(legacy_keyspaces)}"
            f": {plans or 'no change'}",
            f"rows read back by the converted models: {' and '.join(map(str, counts))}, "
            f"identical: {'yes' if identical else 'no'}",
            f"a naive datetime cqlengine wrote comes back aware (UTC): {sample}",
        ]
        return lines, not plans, identical, counts[0] if counts else 0


async def run_core(
    models: ModuleType,
    session: Session,
    keyspace: str,
    legacy_keyspaces: Sequence[str],
    show: Callable[[str, str], None],
) -> CoreResult:
    """Run the asyncio stage on ``session``; ``show(step, line)`` prints progress."""
    result = CoreResult()
    steps = _Steps(result, show)
    app = _Session(models, session, keyspace)
    name = f"demo_{keyspace}"
    register_connection(name, session, keyspace=keyspace, default=True)
    try:
        await steps.run("setup", app.setup)
        await steps.run("register sensors", app.register)
        await steps.run("ingest", app.ingest)
        await steps.run("concurrent reads", app.reads)
        await steps.run("paging", app.paging)
        await steps.run("updates", app.updates)
        if legacy_keyspaces:

            async def legacy() -> list[str]:
                lines, matches, identical, count = await app.legacy_data(legacy_keyspaces)
                result.schema_matches, result.stored_identical = matches, identical
                result.stored_rows = count
                return lines

            await steps.run("legacy data", legacy)
    finally:
        unregister_connection(name)
    return result


def describe(value: Any) -> str:
    """``yes``/``no`` for a boolean, ``n/a`` for None."""
    return "n/a" if value is None else ("yes" if value else "no")
