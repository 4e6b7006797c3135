"""The ``cqlengine`` and ``compat`` contenders: one application source, two imports.

:func:`load_app` executes ``legacy_app.py`` as a fresh module under a name of its
own; for ``compat`` only the import lines are rewritten from ``cassandra.cqlengine``
to ``coodie_compat``. Each library keeps its own connection registry, so the two
copies connect separately (each to its own cluster, session and keyspace).
Throughput runs through a thread pool: cqlengine has no asynchronous API.
"""

from __future__ import annotations

import re
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

from cassandra.cluster import Session

from benchmarks.catalogue import CONCURRENCY
from benchmarks.contenders.base import Contender, Unavailable
from benchmarks.dataset import ItemData
from benchmarks.schema import Endpoint, cluster_options

__all__ = ["APP_SOURCE", "LegacyContender", "load_app", "rewrite_imports"]

APP_SOURCE = Path(__file__).with_name("legacy_app.py")
Flavour = Literal["cqlengine", "compat"]
_IMPORT_LINE = re.compile(r"^(\s*(?:from|import)\s+)cassandra\.cqlengine\b", re.MULTILINE)
_PLAIN_OPS = ("insert", "get", "range_1k", "full_10k", "update", "append", "delete",
              "batch_100", "insert_lwt", "count_1k", "instantiate")
_APP_FUNCTIONS = {"range_1k": "range_read", "full_10k": "full_read", "batch_100": "batch",
                  "count_1k": "count"}


def rewrite_imports(source: str, package: str = "coodie_compat") -> str:
    """``source`` with every ``cassandra.cqlengine`` import line pointed at ``package``."""
    rewritten, n = _IMPORT_LINE.subn(rf"\g<1>{package}", source)
    if n == 0:
        raise ValueError("no cassandra.cqlengine import to rewrite")
    return rewritten


def load_app(flavour: Flavour) -> types.ModuleType:
    """A fresh copy of the legacy application bound to ``flavour``'s library."""
    source = APP_SOURCE.read_text(encoding="utf-8")
    if flavour == "compat":
        source = rewrite_imports(source)
    name = f"benchmarks.contenders._legacy_app_{flavour}"
    module = types.ModuleType(name)
    module.__file__ = str(APP_SOURCE)
    sys.modules[name] = module
    try:
        exec(compile(source, f"{APP_SOURCE} ({flavour})", "exec"), module.__dict__)
    except Exception as exc:
        del sys.modules[name]
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
    return module


def _refuse_stock_classes(app: types.ModuleType) -> None:
    """The compat copy must not be running on stock cqlengine under another name."""
    stock = sorted({cls.__module__ for model in (app.Item, app.Event) for cls in model.__mro__
                    if cls.__module__.startswith("cassandra.cqlengine")})
    if stock:
        raise Unavailable(f"compat models inherit from stock cqlengine: {', '.join(stock)}")


class LegacyContender(Contender):
    """The legacy application run on stock cqlengine or on coodie_compat."""

    def __init__(
        self, flavour: Flavour, keyspace: str, endpoint: Endpoint, pool: list[ItemData]
    ) -> None:
        super().__init__(flavour, keyspace)
        self.app = load_app(flavour)
        if flavour == "compat":
            _refuse_stock_classes(self.app)
        try:
            self.session: Session = self.app.connect(
                list(endpoint.hosts), keyspace, cluster_options(endpoint))
        except Exception as exc:
            raise Unavailable(f"connect failed: {type(exc).__name__}: {exc}") from exc
        self.executor = ThreadPoolExecutor(max_workers=CONCURRENCY)
        for op in _PLAIN_OPS:
            self.ops[op] = getattr(self.app, _APP_FUNCTIONS.get(op, op))
        self._setup_no_db(pool)
        self.ops["async_insert"] = self.async_insert

    def _setup_no_db(self, pool: list[ItemData]) -> None:
        try:
            objects = [self.app.instantiate(d) for d in pool]
            self.ops["serialize"] = lambda i: self.app.serialize(objects[i])
        except Exception as exc:
            self.missing["serialize"] = f"error: {type(exc).__name__}: {exc}"
        try:
            rows = self.app.driver_rows()
            self.ops["hydrate"] = lambda _: self.app.hydrate(rows)
        except Exception as exc:
            self.missing["hydrate"] = f"error: {type(exc).__name__}: {exc}"

    def async_insert(self, rows: list[ItemData]) -> int:
        """Insert ``rows`` from a pool of ``CONCURRENCY`` threads."""
        return int(self.app.insert_many(self.executor, rows))

    def sessions(self) -> list[Session]:
        """The session the library connected."""
        return [self.session]

    def describe(self) -> dict[str, str]:
        """Row factory and how throughput is driven."""
        factory = getattr(self.session.cluster.profile_manager.default.row_factory,
                          "__name__", "?")
        return {"rows": f"{factory} (set by the library)",
                "async": f"thread pool of {CONCURRENCY} (no async API)"}

    def close(self) -> None:
        """Stop the pool and shut the cluster down."""
        self.executor.shutdown(wait=True)
        self.app.disconnect()
