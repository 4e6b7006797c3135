"""Unit tests for TableMeta / TableSettings built from document classes."""

from __future__ import annotations

import datetime
import enum
import uuid
from typing import Annotated

import pydantic
import pytest

from coodie_core.document import Document
from coodie_core.errors import (
    DoesNotExist,
    ModelDefinitionError,
    MultipleObjectsReturned,
    UnknownField,
)
from coodie_core.fields import ClusteringKey, Counter, Indexed, PartitionKey, Static
from coodie_core.meta import snake_case


class SensorReading(Document):
    """Declared with postponed annotations (this module uses ``from __future__``)."""

    day: Annotated[datetime.date, PartitionKey(1)]
    sensor: Annotated[str, PartitionKey(0)]
    at: Annotated[datetime.datetime, ClusteringKey(order="DESC")]
    seq: Annotated[int, ClusteringKey(1)]
    site: Annotated[str, Static()] = ""
    kind: Annotated[str, Indexed()] = "temp"
    value: float | None = None

    class Settings:
        keyspace = "metrics"
        default_time_to_live = 3600
        comment = "readings"


def test_keys_are_ordered_by_position() -> None:
    meta = SensorReading.table_meta()
    assert meta.name == "sensor_reading"
    assert [c.name for c in meta.partition_key] == ["sensor", "day"]
    assert [(c.name, c.clustering_order) for c in meta.clustering_key] == [
        ("at", "DESC"),
        ("seq", "ASC"),
    ]
    assert meta.names == ("day", "sensor", "at", "seq", "site", "kind", "value")
    assert [c.cql_type for c in meta.columns] == [
        "date",
        "text",
        "timestamp",
        "bigint",
        "text",
        "text",
        "double",
    ]
    assert meta.column("site").static is True
    assert meta.column("kind").index == Indexed()


def test_metadata_is_computed_once() -> None:
    assert SensorReading.table_meta() is SensorReading.table_meta()


def test_settings_are_parsed() -> None:
    settings = SensorReading.table_meta().settings
    assert settings.keyspace == "metrics"
    assert settings.name is None
    assert settings.connection is None
    assert dict(settings.options) == {"default_time_to_live": 3600, "comment": "readings"}


def test_unknown_setting_is_an_error() -> None:
    with pytest.raises(ModelDefinitionError, match=r"Bad\.Settings: unknown setting\(s\) ttl"):

        class Bad(Document):
            id: Annotated[int, PartitionKey()]

            class Settings:
                ttl = 5


def test_settings_are_inherited_but_not_the_table_name() -> None:
    class Base(Document):
        class Settings:
            abstract = True
            keyspace = "shop"
            connection = "analytics"
            comment = "base"

    class OrderLine(Base):
        id: Annotated[uuid.UUID, PartitionKey()]

        class Settings:
            name = "lines"

    class HTTPLog(Base):
        id: Annotated[uuid.UUID, PartitionKey()]

    assert OrderLine.table_meta().name == "lines"
    assert OrderLine.table_meta().keyspace == "shop"
    assert OrderLine.table_meta().settings.connection == "analytics"
    assert dict(OrderLine.table_meta().settings.options) == {"comment": "base"}
    assert HTTPLog.table_meta().name == "http_log"
    with pytest.raises(ModelDefinitionError, match="abstract"):
        Base.table_meta()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("User", "user"), ("UserEvent", "user_event"), ("HTTPLog", "http_log"), ("A1b", "a1b")],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


def test_model_without_partition_key_is_refused() -> None:
    with pytest.raises(ModelDefinitionError, match="NoKey: no partition key"):

        class NoKey(Document):
            name: str


def test_static_without_clustering_is_refused() -> None:
    with pytest.raises(ModelDefinitionError, match="need clustering keys"):

        class Lonely(Document):
            id: Annotated[int, PartitionKey()]
            s: Annotated[int, Static()] = 0


def test_counter_table_must_hold_only_counters() -> None:
    with pytest.raises(ModelDefinitionError, match="counter table holds only keys and counters"):

        class Hits(Document):
            id: Annotated[int, PartitionKey()]
            hits: Annotated[int, Counter()] = 0
            label: str = ""


def test_key_cannot_be_a_collection() -> None:
    with pytest.raises(ModelDefinitionError, match=r"Tagged\.tags: a key column"):

        class Tagged(Document):
            tags: Annotated[list[int], PartitionKey()]


def test_invalid_table_name_is_refused() -> None:
    with pytest.raises(Exception, match="invalid table name"):

        class Weird(Document):
            id: Annotated[int, PartitionKey()]

            class Settings:
                name = "bad-name"


def test_unknown_column_lookup() -> None:
    with pytest.raises(UnknownField, match="SensorReading has no field 'nope'"):
        SensorReading.table_meta().column("nope")


def test_per_model_error_types() -> None:
    assert issubclass(SensorReading.DoesNotExist, DoesNotExist)
    assert issubclass(SensorReading.MultipleObjectsReturned, MultipleObjectsReturned)
    assert SensorReading.DoesNotExist is not Document.DoesNotExist
    assert SensorReading.DoesNotExist.__qualname__ == "SensorReading.DoesNotExist"


def test_range_checks_at_construction() -> None:
    from coodie_core.cqltypes import TinyInt

    class Small(Document):
        id: Annotated[int, PartitionKey()]
        n: TinyInt = 0

    assert Small(id=1, n=127).n == 127
    with pytest.raises(pydantic.ValidationError, match=r"n: invalid value 128: out of range"):
        Small(id=1, n=128)


def test_forward_reference_resolved_on_first_use() -> None:
    meta = Holder.table_meta()  # Payload did not exist when Holder was created
    assert meta.column("payload").cql_type == "text"


def test_unresolvable_annotation_is_a_model_error() -> None:
    class Dangling(Document):
        id: Annotated[int, PartitionKey()]
        ref: NotDefinedAnywhere  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(ModelDefinitionError, match="Dangling: cannot resolve"):
        Dangling.table_meta()


class Holder(Document):
    id: Annotated[int, PartitionKey()]
    payload: Payload

    class Settings:
        keyspace = "ks"


class Payload(enum.Enum):
    A = "a"
