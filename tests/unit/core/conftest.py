"""Shared fixtures of the core unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coodie_core import execution


@pytest.fixture
def registry() -> Iterator[None]:
    """An empty connection registry for the test; the previous one is put back after."""
    saved = (
        dict(execution._connections),
        list(execution._default),
        dict(execution._forked),
        dict(execution._owner),
    )
    execution._connections.clear()
    execution._default.clear()
    execution._forked.clear()
    yield
    execution._connections.clear()
    execution._connections.update(saved[0])
    execution._default[:] = saved[1]
    execution._forked.clear()
    execution._forked.update(saved[2])
    execution._owner.update(saved[3])
