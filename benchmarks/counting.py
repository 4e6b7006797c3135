"""Count the requests each session sends, for the checks (never while timing).

Every request the driver sends, including PREPARE, each page of a paged read and
each retry, goes through ``ResponseFuture._query``; wrapping it for the duration
of a ``with`` block counts them per session, whatever library made the request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cassandra.cluster import ResponseFuture

__all__ = ["count_requests"]


@contextmanager
def count_requests() -> Iterator[Counter[int]]:
    """Yield a Counter of requests keyed by ``id(session)``; restores the driver after."""
    counts: Counter[int] = Counter()
    original = ResponseFuture._query

    def counted(self: ResponseFuture, *args: Any, **kwargs: Any) -> Any:
        counts[id(self.session)] += 1
        return original(self, *args, **kwargs)

    ResponseFuture._query = counted
    try:
        yield counts
    finally:
        ResponseFuture._query = original
