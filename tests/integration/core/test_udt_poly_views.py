"""Integration: user-defined types, single-table inheritance and materialized views on
a real node, each body through the sync and the asyncio front."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

import pytest

from coodie_core import execution
from coodie_core.document import Document, MaterializedView
from coodie_core.errors import InvalidQuery
from coodie_core.fields import ClusteringKey, Indexed, PartitionKey
from coodie_core.management import sync_table, sync_type
from coodie_core.usertype import UserType


class Point(UserType):
    x: float
    y: float


class Place(UserType):
    label: str
    at: Point | None = None
    tags: list[str] = []


class Trip(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    start: Place | None = None
    stops: list[Place] = []
    named: dict[str, Place] = {}
    seen: set[Point] = set()


class Animal(Document):
    zoo: Annotated[uuid.UUID, PartitionKey()]
    name: Annotated[str, ClusteringKey()]
    kind: Annotated[str, Indexed()] = "animal"

    class Settings:
        discriminator = "kind"


class Lion(Animal):
    roar: int = 0

    class Settings:
        discriminator_value = "lion"


class Snake(Animal):
    venom: bool = False

    class Settings:
        discriminator_value = "snake"


class Score(Document):
    game: Annotated[str, PartitionKey()]
    player: Annotated[str, ClusteringKey()]
    points: int = 0


class ScoreByPoints(MaterializedView):
    game: Annotated[str, PartitionKey()]
    points: Annotated[int, ClusteringKey(order="DESC")]
    player: Annotated[str, ClusteringKey(1)]

    class Settings:
        view_of = Score


@pytest.fixture(scope="module", autouse=True)
def tables(core_keyspace: str) -> None:
    for model in (Trip, Animal, Score, ScoreByPoints):
        sync_table(model)


async def test_udts_nested_and_in_collections(front: Any) -> None:
    trip = Trip(
        id=uuid.uuid4(),
        start=Place(label="home", at=Point(x=1, y=2), tags=["a"]),
        stops=[Place(label="s1"), Place(label="s2", at=Point(x=3, y=4))],
        named={"w": Place(label="work")},
        seen={Point(x=0, y=0), Point(x=1, y=1)},
    )
    await front(trip, "save")
    got = await front(Trip, "get", id=trip.id)
    assert got == trip
    await front(got, "update", stops__append=[Place(label="s3")])
    got.start = Place(label="moved")
    got.named["h"] = Place(label="hotel")
    await front(got, "save")
    again = await front(Trip, "get", id=trip.id)
    assert [s.label for s in again.stops] == ["s1", "s2", "s3"]
    assert (again.start, set(again.named)) == (Place(label="moved"), {"w", "h"})


def test_types_synced_in_dependency_order_and_extended(core_keyspace: str) -> None:
    assert sync_type(Place) == []  # created with Trip's table, Point first

    class Gadget(UserType):
        serial: str

        class Settings:
            name = "gadget_v"

    assert sync_type(Gadget) == [
        f"CREATE TYPE IF NOT EXISTS {core_keyspace}.gadget_v (serial text)"
    ]

    class GadgetV2(UserType):
        serial: str
        model: str = "?"

        class Settings:
            name = "gadget_v"

    assert sync_type(GadgetV2) == [
        f"ALTER TYPE {core_keyspace}.gadget_v ADD model text"
    ]
    assert sync_type(GadgetV2) == []


async def test_single_table_inheritance(front: Any) -> None:
    zoo = uuid.uuid4()
    await front(Lion(zoo=zoo, name="leo", roar=9), "save")
    await front(Snake(zoo=zoo, name="sid", venom=True), "save")
    everyone = await front(Animal.find(zoo=zoo), "all")
    assert everyone == [Lion(zoo=zoo, name="leo", roar=9), Snake(zoo=zoo, name="sid", venom=True)]
    assert await front(Lion.find(zoo=zoo), "all") == [Lion(zoo=zoo, name="leo", roar=9)]
    assert await front(Snake.find(zoo=zoo), "count") == 1
    snake = await front(Animal.find(zoo=zoo, name="sid"), "get")
    assert isinstance(snake, Snake) and snake.venom
    with pytest.raises(Lion.DoesNotExist):
        await front(Lion.find(zoo=zoo, name="sid"), "get")


async def test_materialized_view_is_read_only(front: Any) -> None:
    game = str(uuid.uuid4())
    for player, points in (("a", 5), ("b", 9), ("c", 1)):
        await front(Score(game=game, player=player, points=points), "save")
    rows: list[ScoreByPoints] = []
    for _ in range(50):  # views are updated asynchronously
        rows = await front(ScoreByPoints.find(game=game), "all")
        if len(rows) == 3:
            break
        await asyncio.sleep(0.1)
    assert [(r.player, r.points) for r in rows] == [("b", 9), ("a", 5), ("c", 1)]
    top = await front(ScoreByPoints.find(game=game).limit(1), "first")
    assert top is not None and top.player == "b"
    with pytest.raises(InvalidQuery, match="read-only"):
        await front(top, "save")


def test_view_sync_is_idempotent(core_keyspace: str) -> None:
    assert sync_table(ScoreByPoints) == []
    conn = execution.get_connection()
    rows = conn.session.execute(
        "SELECT view_name FROM system_schema.views WHERE keyspace_name = %s", (core_keyspace,)
    )
    assert "score_by_points" in {r.view_name for r in rows}
