"""Legacy models in the star-import style (``from cassandra.cqlengine.columns import *``).

Kept apart so the rest of the corpus stays lint-clean; the star import is the point.
"""

# ruff: noqa: F403, F405

from cassandra.cqlengine.columns import *
from cassandra.cqlengine.models import Model


class Event(Model):
    __table_name__ = "events"
    kind = Text(partition_key=True)
    at = TimeUUID(primary_key=True, clustering_order="desc")
    payload = Map(Text, Text)
    weight = Float(default=1.0)
