"""The sensor application's operations, run as a scripted session of steps.

Written against the stock ``cassandra.cqlengine`` and nothing else. Each step
returns the lines it wants printed, so whoever runs the session (``main`` below,
or the demo's runner, which also times each step) decides where they go. All data
is fixed, so two runs print the very same lines.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable, Sequence

from cassandra.cqlengine import connection, management
from cassandra.cqlengine.query import BatchQuery, LWTException

from demo.legacy_app.models import Alert, DailyStats, Reading, Sensor

MODELS = (Sensor, Reading, DailyStats, Alert)
DAY = datetime.date(2024, 5, 1)
START = datetime.datetime(2024, 5, 1)
INSTALLED = datetime.datetime(2024, 4, 1, 9, 30)
#: sensor id, name, site, tags, calibration, base value, alert limit
SENSORS: tuple[tuple[str, str, str, set[str], dict[str, float], float, float], ...] = (
    ("s-1", "bench north", "greenhouse", {"heated"}, {"offset": 0.0}, 18.0, 26.0),
    ("s-2", "bench south", "greenhouse", set(), {}, 20.5, 26.0),
    ("s-3", "shed", "garden", {"outdoor", "solar"}, {"offset": -0.5, "gain": 1.25}, 11.0, 15.5),
)
HOURS = range(0, 24, 2)


def value_at(base: float, hour: int) -> float:
    """The reading a sensor reports at ``hour``: warmest at noon (exact in binary)."""
    return base + 0.5 * (12 - abs(12 - hour))


def setup(hosts: Sequence[str], port: int, keyspace: str) -> list[str]:
    """Connect, create the keyspace and sync the tables."""
    connection.setup(list(hosts), keyspace, port=port)
    management.create_keyspace_simple(keyspace, replication_factor=1)
    for model in MODELS:
        management.sync_table(model)
    names = ", ".join(model.column_family_name(include_keyspace=False) for model in MODELS)
    return [f"synced {len(MODELS)} tables: {names}"]


def register_sensors() -> list[str]:
    """Register each sensor once (``IF NOT EXISTS``); a second registration is refused."""
    for sensor_id, name, site, tags, calibration, _, _ in SENSORS:
        Sensor.if_not_exists().create(
            sensor_id=sensor_id,
            name=name,
            site=site,
            tags=tags,
            calibration=calibration,
            installed=INSTALLED,
        )
    lines = [f"registered {len(SENSORS)} sensors with IF NOT EXISTS"]
    try:
        Sensor.if_not_exists().create(sensor_id="s-1", name="impostor")
        lines.append("registering s-1 again: applied (unexpected)")
    except LWTException as exc:
        lines.append(f"registering s-1 again: refused, existing name {exc.existing['name']!r}")
    return lines


def ingest() -> list[str]:
    """Write a day of readings per sensor, with its alerts, in one logged batch each;
    then count them in the sensor's daily counters."""
    lines = []
    for sensor_id, _, site, _, _, base, limit in SENSORS:
        alerts = 0
        with BatchQuery() as batch:
            for hour in HOURS:
                at = START + datetime.timedelta(hours=hour)
                value = value_at(base, hour)
                Reading.batch(batch).create(sensor_id=sensor_id, day=DAY, at=at, value=value)
                if value > limit:
                    alerts += 1
                    Alert.batch(batch).create(
                        site=site,
                        raised=at,
                        sensor_id=sensor_id,
                        level="high",
                        message=f"{value:.1f} C is above {limit:.1f} C",
                    )
        stats = DailyStats(sensor_id=sensor_id, day=DAY)
        stats.readings += len(HOURS)
        stats.alerts += alerts
        stats.update()  # counters: UPDATE ... SET readings = readings + 12
        lines.append(f"{sensor_id}: {len(HOURS)} readings and {alerts} alert(s) in one batch")
    return lines


def queries() -> list[str]:
    """Read back: newest first, a time range in ascending order, counts, an index."""
    lines = []
    latest = Reading.objects(sensor_id="s-1", day=DAY).limit(3)
    lines.append("s-1 newest 3: " + ", ".join(f"{r.at:%H:%M}={r.value:.1f}" for r in latest))
    morning = (
        Reading.objects(sensor_id="s-2", day=DAY)
        .filter(at__gte=START + datetime.timedelta(hours=6))
        .filter(at__lt=START + datetime.timedelta(hours=12))
        .order_by("at")
    )
    lines.append("s-2 06:00-12:00: " + ", ".join(f"{r.at:%H:%M}={r.value:.1f}" for r in morning))
    for sensor_id, *_ in SENSORS:
        partition = Reading.objects(sensor_id=sensor_id, day=DAY)
        values = list(partition.values_list("value", flat=True))
        lines.append(
            f"{sensor_id} on {DAY}: count={partition.count()} min={min(values):.1f} "
            f"max={max(values):.1f} mean={sum(values) / len(values):.2f}"
        )
    greenhouse = sorted(s.sensor_id for s in Sensor.objects(site="greenhouse"))
    lines.append(f"sensors at the greenhouse (secondary index): {', '.join(greenhouse)}")
    for alert in Alert.objects(site="garden"):
        lines.append(f"garden alert {alert.raised:%H:%M} {alert.sensor_id}: {alert.message}")
    return lines


def maintenance() -> list[str]:
    """Collection updates, a cell deleted with None, an acknowledgement race, a delete."""
    Sensor.objects(sensor_id="s-2").update(
        tags__add={"calibrated"}, calibration__update={"offset": 0.25}
    )
    shed = Sensor.get(sensor_id="s-3")
    shed.installed = None  # cqlengine: None deletes the cell
    shed.save()
    lines = ["s-2 tagged 'calibrated' and given an offset; s-3 install date cleared"]

    key = {"site": "garden", "raised": START + datetime.timedelta(hours=12), "sensor_id": "s-3"}
    first, second = Alert.get(**key), Alert.get(**key)  # two operators open the same alert
    first.iff(acknowledged=False).update(acknowledged=True)
    lines.append("alert 12:00 s-3 acknowledged by the first operator")
    try:
        second.iff(acknowledged=False).update(acknowledged=True)
        lines.append("second acknowledgement: applied (unexpected)")
    except LWTException as exc:
        lines.append(
            f"second acknowledgement refused (LWT), acknowledged={exc.existing['acknowledged']}"
        )

    Reading.objects(sensor_id="s-1", day=DAY, at=START).delete()
    remaining = Reading.objects(sensor_id="s-1", day=DAY).count()
    lines.append(f"deleted s-1's 00:00 reading: {remaining} left")
    return lines


def report() -> list[str]:
    """Each sensor as stored now, with its counters, and every alert."""
    lines = []
    for sensor_id, *_ in SENSORS:
        sensor = Sensor.get(sensor_id=sensor_id)
        stats = DailyStats.get(sensor_id=sensor_id, day=DAY)
        calibration = ", ".join(f"{k}={v}" for k, v in sorted(sensor.calibration.items()))
        installed = sensor.installed.isoformat() if sensor.installed else None
        lines.append(
            f"{sensor.sensor_id} {sensor.name!r} at {sensor.site} ({sensor.kind}): "
            f"tags={sorted(sensor.tags)} calibration={{{calibration}}} installed={installed} "
            f"readings={stats.readings} alerts={stats.alerts}"
        )
    for site in ("garden", "greenhouse"):
        for alert in Alert.objects(site=site):
            state = "acknowledged" if alert.acknowledged else "open"
            lines.append(
                f"{site} alert {alert.raised.isoformat()} {alert.sensor_id} {alert.level}: "
                f"{alert.message} ({state})"
            )
    return lines


def close() -> None:
    """Shut the connection down."""
    connection.get_cluster().shutdown()
    connection.unregister_connection("default")


#: The session after ``setup``, in order: (step name, step).
STEPS: tuple[tuple[str, Callable[[], list[str]]], ...] = (
    ("register sensors", register_sensors),
    ("ingest", ingest),
    ("queries", queries),
    ("maintenance", maintenance),
    ("report", report),
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the whole session against a node and print every line."""
    parser = argparse.ArgumentParser(description="the legacy sensor application")
    parser.add_argument("--host", action="append", dest="hosts", default=None)
    parser.add_argument("--port", type=int, default=9042)
    parser.add_argument("--keyspace", default="sensors_app")
    args = parser.parse_args(argv)
    for line in setup(args.hosts or ["127.0.0.1"], args.port, args.keyspace):
        print(line)
    try:
        for _, step in STEPS:
            for line in step():
                print(line)
    finally:
        close()
    return 0
