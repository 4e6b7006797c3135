"""Operations: what to run and how to read the answer, with no I/O.

An :class:`Operation` bundles a statement, execution options, the name of the
connection to use and a ``result`` function that turns the driver's
:class:`ResultPage` into the value the caller gets back. The fronts build
operations; :func:`coodie_core.execution.run` and ``arun`` execute them, so the
sync and async fronts share everything but that one call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from coodie_core.statements import Batch, Statement

__all__ = [
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


@dataclass(frozen=True)
class ResultPage:
    """One page of rows as the driver returned it, with the state to fetch the next.

    ``paging_state`` is None on the last page.
    """

    rows: Sequence[Any]
    paging_state: bytes | None = None


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
    options: Options = field(default_factory=Options)
    connection: str | None = None
    fetch_all: bool = False


def list_of(decode: Callable[[Any], R]) -> Callable[[ResultPage], list[R]]:
    """Result reader: every row decoded."""

    def read(page: ResultPage) -> list[R]:
        return [decode(row) for row in page.rows]

    return read


def first_of(decode: Callable[[Any], R]) -> Callable[[ResultPage], R | None]:
    """Result reader: the first row decoded, or None."""

    def read(page: ResultPage) -> R | None:
        return decode(page.rows[0]) if page.rows else None

    return read


def page_of(decode: Callable[[Any], R]) -> Callable[[ResultPage], Page[R]]:
    """Result reader: a :class:`Page` of decoded rows with its paging state."""

    def read(page: ResultPage) -> Page[R]:
        return Page([decode(row) for row in page.rows], page.paging_state)

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
