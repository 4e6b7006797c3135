"""Fixtures for coodie_core integration tests: one keyspace for the package, a
registered default connection, and the ``front`` fixture that runs each test body
through the sync and the asyncio API."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from coodie_core import execution
from coodie_core.management import create_keyspace, drop_keyspace


class Front:
    """Calls ``name`` (sync) or ``a<name>`` (asyncio) on a target and returns the result."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, target: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.kind == "async":
            return await getattr(target, f"a{name}")(*args, **kwargs)
        return getattr(target, name)(*args, **kwargs)

    async def collect(self, iterable: Any) -> list[Any]:
        """Iterate a QuerySet with ``for`` or ``async for``."""
        if self.kind == "async":
            return [item async for item in iterable]
        return list(_sync(iterable))

    def __repr__(self) -> str:
        return self.kind


def _sync(iterable: Iterable[Any]) -> Iterator[Any]:
    yield from iterable


@pytest.fixture(params=["sync", "async"])
def front(request: pytest.FixtureRequest) -> Front:
    """Run the test once through the sync front and once through the asyncio front."""
    return Front(request.param)


@pytest.fixture(scope="session")
def core_keyspace(cassandra_session: Any) -> Iterator[str]:
    """A keyspace for this package, made default on the ``default`` connection."""
    name = f"coodie_core_{uuid.uuid4().hex[:10]}"
    execution.register_connection("default", cassandra_session, keyspace=name, default=True)
    create_keyspace(name)
    try:
        yield name
    finally:
        drop_keyspace(name)
        execution.unregister_connection("default")
