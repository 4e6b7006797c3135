"""The contenders: ``raw`` and ``raw2`` (the floor and its noise control),
``cqlengine`` and ``compat`` (one legacy application, two imports) and ``core``."""

from __future__ import annotations

from benchmarks.contenders.base import Contender, OpFn, Unavailable
from benchmarks.dataset import ItemData
from benchmarks.schema import Endpoint, keyspace_for

__all__ = ["Contender", "OpFn", "Unavailable", "build"]


def build(name: str, endpoint: Endpoint, pool: list[ItemData]) -> Contender:
    """Connect contender ``name``; raises :class:`Unavailable` when it cannot run."""
    keyspace = keyspace_for(name)
    if name in ("raw", "raw2"):
        from benchmarks.contenders.raw import RawContender

        return RawContender(name, keyspace, endpoint, pool)
    if name in ("cqlengine", "compat"):
        from benchmarks.contenders.legacy import LegacyContender

        return LegacyContender(name, keyspace, endpoint, pool)  # type: ignore[arg-type]
    if name == "core":
        from benchmarks.contenders.core import CoreContender

        return CoreContender(keyspace, endpoint, pool)
    raise ValueError(f"unknown contender {name!r}")
