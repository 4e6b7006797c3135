# mypy: disable-error-code="misc"
"""The sensor application's tables, as cqlengine models.

- ``Sensor``: one row per sensor; an indexed column, a set and a map.
- ``Reading``: a time series; composite partition key (sensor, day) and a
  descending clustering column, so the newest reading comes first.
- ``DailyStats``: counters per sensor and day.
- ``Alert``: alerts per site, newest first; ``message`` is stored in the column
  ``msg`` (``db_field``) and acknowledged with a lightweight transaction.
"""

from cassandra.cqlengine import columns
from cassandra.cqlengine.models import Model


class Sensor(Model):
    """A sensor and where it is installed."""

    __table_name__ = "sensors"
    sensor_id = columns.Text(primary_key=True)
    name = columns.Text(required=True)
    site = columns.Text(index=True)
    kind = columns.Text(default="temperature")
    tags = columns.Set(columns.Text)
    calibration = columns.Map(columns.Text, columns.Double)
    installed = columns.DateTime()


class Reading(Model):
    """One measurement; a partition holds one sensor's day, newest first."""

    __table_name__ = "readings"
    sensor_id = columns.Text(partition_key=True)
    day = columns.Date(partition_key=True)
    at = columns.DateTime(primary_key=True, clustering_order="DESC")
    value = columns.Double(required=True)
    unit = columns.Text(default="C")


class DailyStats(Model):
    """How many readings and alerts a sensor had on a day."""

    __table_name__ = "daily_stats"
    sensor_id = columns.Text(partition_key=True)
    day = columns.Date(primary_key=True)
    readings = columns.Counter()
    alerts = columns.Counter()


class Alert(Model):
    """A reading outside its sensor's range, until someone acknowledges it."""

    __table_name__ = "alerts"
    site = columns.Text(partition_key=True)
    raised = columns.DateTime(primary_key=True, clustering_order="DESC")
    sensor_id = columns.Text(primary_key=True)
    level = columns.Text()
    message = columns.Text(db_field="msg")
    acknowledged = columns.Boolean(default=False)
