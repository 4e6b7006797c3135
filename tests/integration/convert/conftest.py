"""Fixtures for the converter's proof on the real node.

``legacy``: the corpus imported on the STOCK ``cassandra.cqlengine`` (its own
process-global connection, set up here and torn down after the module), with
its tables and types synced by cqlengine's ``management.sync_table``.
``converted``: the corpus converted by ``coodie convert`` into a temporary
folder and imported, with coodie_core connections pointing at the same keyspace.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from coodie_compat.convert.cli import main as convert_main
from coodie_core import execution
from coodie_core.errors import ConnectionNotFound

CORPUS = Path(__file__).parent / "corpus"
LEGACY_MODULES = ("legacy_models", "legacy_star")


def load_module(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` (registered in ``sys.modules``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Legacy:
    """The corpus on stock cqlengine."""

    keyspace: str
    models: ModuleType
    star: ModuleType


@dataclass(frozen=True)
class Converted:
    """The converted corpus, imported."""

    folder: Path
    models: ModuleType
    star: ModuleType


class Front:
    """Calls ``name`` (sync) or ``a<name>`` (asyncio) on a target."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    async def __call__(self, target: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.kind == "async":
            return await getattr(target, f"a{name}")(*args, **kwargs)
        return getattr(target, name)(*args, **kwargs)

    async def collect(self, queryset: Any) -> list[Any]:
        """Iterate a QuerySet with ``for`` or ``async for``."""
        if self.kind == "async":
            return [item async for item in queryset]
        return list(iter(queryset))

    def __repr__(self) -> str:
        return self.kind


@pytest.fixture(params=["sync", "async"])
def front(request: pytest.FixtureRequest) -> Front:
    """Run the coodie_core side of a test through the sync and the asyncio API."""
    return Front(request.param)


@pytest.fixture(scope="module")
def converted_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus converted by the command line into a fresh folder."""
    folder = tmp_path_factory.mktemp("converted")
    assert convert_main(["convert", str(CORPUS), "--out", str(folder)]) == 0
    return folder


def _create_keyspace(session: Any, name: str) -> None:
    session.execute(
        f"CREATE KEYSPACE IF NOT EXISTS {name} WITH replication = "
        "{'class': 'SimpleStrategy', 'replication_factor': 1}"
    )


@pytest.fixture(scope="module")
def legacy(cassandra_node: Any, cassandra_session: Any) -> Iterator[Legacy]:
    """The corpus imported on stock cqlengine, tables and types synced by cqlengine."""
    from cassandra.cqlengine import connection, management, models
    from cassandra.cqlengine.models import Model

    keyspace = f"coodie_convert_{uuid.uuid4().hex[:10]}"
    _create_keyspace(cassandra_session, keyspace)
    legacy_models = load_module(CORPUS / "legacy_models.py", f"legacy_models_{keyspace}")
    _create_keyspace(cassandra_session, legacy_models.EXPLICIT_KEYSPACE)
    star = load_module(CORPUS / "legacy_star.py", f"legacy_star_{keyspace}")
    saved_env = os.environ.get("CQLENG_ALLOW_SCHEMA_MANAGEMENT")
    os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = "1"
    hosts = list(cassandra_node.contact_points)
    connection.setup(hosts, keyspace, port=cassandra_node.port)
    connection.register_connection("legacy_alt", session=connection.get_session())
    try:
        with warnings.catch_warnings():
            # the corpus names two tables the deprecated ways on purpose
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            for module in (legacy_models, star):
                for value in vars(module).values():
                    concrete = isinstance(value, type) and issubclass(value, Model)
                    if concrete and value is not Model and not value.__abstract__:
                        management.sync_table(value)
        yield Legacy(keyspace, legacy_models, star)
    finally:
        connection.unregister_connection("legacy_alt")
        connection.unregister_connection("default")
        models.DEFAULT_KEYSPACE = None
        if saved_env is None:
            os.environ.pop("CQLENG_ALLOW_SCHEMA_MANAGEMENT", None)
        else:
            os.environ["CQLENG_ALLOW_SCHEMA_MANAGEMENT"] = saved_env
        cassandra_session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}")
        cassandra_session.execute(f"DROP KEYSPACE IF EXISTS {legacy_models.EXPLICIT_KEYSPACE}")


@pytest.fixture(scope="module")
def converted(
    legacy: Legacy, converted_folder: Path, cassandra_session: Any
) -> Iterator[Converted]:
    """The converted corpus with coodie_core connections on the legacy keyspace.

    The connection registered as default before this module is restored after it.
    """
    try:
        previous = execution.get_connection()
    except ConnectionNotFound:
        previous = None
    name = f"convert_{legacy.keyspace}"
    execution.register_connection(name, cassandra_session, keyspace=legacy.keyspace, default=True)
    execution.register_connection("legacy_alt", cassandra_session, keyspace=legacy.keyspace)
    suffix = legacy.keyspace
    try:
        yield Converted(
            converted_folder,
            load_module(converted_folder / "legacy_models.py", f"converted_models_{suffix}"),
            load_module(converted_folder / "legacy_star.py", f"converted_star_{suffix}"),
        )
    finally:
        execution.unregister_connection("legacy_alt")
        execution.unregister_connection(name)
        if previous is not None:
            execution.register_connection(
                previous.name, previous.session, keyspace=previous.keyspace, default=True
            )
