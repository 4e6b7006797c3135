"""Run the legacy application in this process and report each step as a JSON line.

``python -m demo.legacy_runner cqlengine|compat --keyspace KS --host H --port P``

``cqlengine`` runs :mod:`demo.legacy_app` on the stock ``cassandra.cqlengine``.
``compat`` first calls ``coodie_compat.install_alias()``, so the very same,
unmodified source imports ``coodie_compat`` whenever it names
``cassandra.cqlengine``. Before running anything the runner checks that the
models really are built on the library asked for.

Each stdout line is one JSON event (see :mod:`demo.events`): the library in use,
each printed line of each step, each step's duration, and an error if a step
raised. The exit status is 0 when every step ran.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType

from demo.events import emit

FLAVOURS = ("cqlengine", "compat")


def model_library(models: Sequence[type]) -> str:
    """The package the models' base classes come from (``coodie_compat`` or
    ``cassandra.cqlengine``); raises if they mix both."""
    packages = set()
    for model in models:
        for cls in model.__mro__:
            if cls.__module__.startswith("coodie_compat"):
                packages.add("coodie_compat")
            elif cls.__module__.startswith("cassandra.cqlengine"):
                packages.add("cassandra.cqlengine")
    if len(packages) != 1:
        raise RuntimeError(f"models built on {sorted(packages) or 'no known library'}")
    return packages.pop()


def load_app(flavour: str) -> ModuleType:
    """Import the legacy application bound to ``flavour``'s library."""
    if flavour == "compat":
        import coodie_compat

        coodie_compat.install_alias()
    elif "coodie_compat" in sys.modules:
        raise RuntimeError("coodie_compat is loaded in the stock cqlengine run")
    from demo.legacy_app import app

    expected = "coodie_compat" if flavour == "compat" else "cassandra.cqlengine"
    found = model_library(app.MODELS)
    if found != expected:
        raise RuntimeError(f"the {flavour} run's models are built on {found}")
    return app


def run_steps(steps: Sequence[tuple[str, Callable[[], list[str]]]]) -> None:
    """Run the steps in order, emitting their lines and durations."""
    for name, step in steps:
        started = time.perf_counter()
        lines = step()
        elapsed = time.perf_counter() - started
        for line in lines:
            emit(step=name, line=line)
        emit(step=name, seconds=elapsed)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m demo.legacy_runner")
    parser.add_argument("flavour", choices=FLAVOURS)
    parser.add_argument("--keyspace", required=True)
    parser.add_argument("--host", action="append", dest="hosts", required=True)
    parser.add_argument("--port", type=int, default=9042)
    args = parser.parse_args(argv)
    os.environ.setdefault("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")
    try:
        app = load_app(args.flavour)
        emit(library=model_library(app.MODELS))
        run_steps([("setup", lambda: app.setup(args.hosts, args.port, args.keyspace))])
        try:
            run_steps(app.STEPS)
        finally:
            app.close()
    except Exception:
        emit(error=traceback.format_exc())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
