"""Operations: what to run and how to read the answer, with no I/O.

An :class:`Operation` bundles a statement, execution options, the name of the
connection to use and a ``result`` function that turns the driver's
:class:`ResultPage` into the value the caller gets back. The fronts build
operations; :func:`coodie_core.execution.run` and ``arun`` execute them, so the
sync and async fronts share everything but that one call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from coodie_core.statements import Batch, Statement

__all__ = [
    "DEFAULT_OPTIONS",
    "Operation",
    "Options",
    "Page",
    "ResultPage",
    "applied",
    "count_of",
    "first_of",
    "ignore",
    "list_of",
    "page_of",
]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Options:
    """Per-request execution options; None means the session's default."""

    consistency: int | None = None
    serial_consistency: int | None = None
    timeout: float | None = None
    page_size: int | None = None
    paging_state: bytes | None = None


DEFAULT_OPTIONS = Options()
"""The options of an operation that sets none (one shared, immutable value)."""


@dataclass(frozen=True)
class ResultPage:
    """One page of rows as the driver returned it, with the state to fetch the next.

    ``paging_state`` is None on the last page. ``column_names`` are the names of
    the row positions when the driver reported them (rows may be plain tuples).
    """

    rows: Sequence[Any]
    paging_state: bytes | None = None
    column_names: Sequence[str] | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of decoded items and the opaque state for the next page (None at the end).

    The state can be sent to a web client and handed back to ``QuerySet.page`` later:
    nothing about the query is kept in between.
    """

    items: list[T]
    paging_state: bytes | None


@dataclass(frozen=True)
class Operation(Generic[T]):
    """A statement plus options, connection name and a reader for the result.

    With ``fetch_all`` the executor follows paging states and hands ``result`` one
    :class:`ResultPage` holding every row.
    """

    statement: Statement | Batch
    result: Callable[[ResultPage], T]
    options: Options = DEFAULT_OPTIONS
    connection: str | None = None
    fetch_all: bool = False


def _all_of(decode: Callable[[Any], R]) -> Callable[[Sequence[Any]], list[R]]:
    """A page-at-a-time form of ``decode``: its own ``decode_all`` when it has one
    (document decoders run the per-row loop in compiled code)."""
    decode_all: Callable[[Sequence[Any]], list[R]] | None = getattr(decode, "decode_all", None)
    if decode_all is not None:
        return decode_all
    return lambda rows: [decode(row) for row in rows]


def list_of(decode: Callable[[Any], R]) -> Callable[[ResultPage], list[R]]:
    """Result reader: every row decoded."""
    decode_all = _all_of(decode)

    def read(page: ResultPage) -> list[R]:
        return decode_all(page.rows)

    if hasattr(decode, "decode_all"):  # the executor may decode page by page
        read.decode_all = decode_all  # type: ignore[attr-defined]
    return read


def first_of(decode: Callable[[Any], R]) -> Callable[[ResultPage], R | None]:
    """Result reader: the first row decoded, or None."""

    def read(page: ResultPage) -> R | None:
        return decode(page.rows[0]) if page.rows else None

    return read


def page_of(decode: Callable[[Any], R]) -> Callable[[ResultPage], Page[R]]:
    """Result reader: a :class:`Page` of decoded rows with its paging state."""

    decode_all = _all_of(decode)

    def read(page: ResultPage) -> Page[R]:
        return Page(decode_all(page.rows), page.paging_state)

    return read


def count_of(page: ResultPage) -> int:
    """Result reader for ``SELECT COUNT(*)``."""
    row = page.rows[0]
    return int(row["count"] if isinstance(row, dict) else row[0])


def applied(page: ResultPage) -> bool:
    """Result reader for conditional writes: True when ``[applied]`` (or no LWT)."""
    if not page.rows:
        return True
    row = page.rows[0]
    return bool(row["[applied]"] if isinstance(row, dict) else row[0])


def ignore(page: ResultPage) -> None:
    """Result reader that returns nothing."""
    return None
