"""Refuse to measure in a distorted process, and record what was measured on.

A tracer or profiler slows every Python call and so flatters the raw driver; a
driver without its compiled extensions slows raw and cqlengine alike and makes
the ORMs' own overhead look small. Either way the ratios would lie.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import os
import platform
import sys
import time
from typing import Any

__all__ = ["environment_problems", "load_average", "machine_info", "wait_until_quiet"]

_PROFILERS = ("coverage", "cProfile", "profile", "pyinstrument", "yappi", "line_profiler",
              "pytest_cov", "memray", "scalene")
_COMPILED = ("cassandra.cluster", "cassandra.connection", "cassandra.protocol",
             "cassandra.cqltypes", "cassandra.query")


def _is_compiled(module_name: str) -> bool:
    module = importlib.import_module(module_name)
    return str(getattr(module, "__file__", "")).endswith((".so", ".pyd"))


def environment_problems() -> list[str]:
    """Reasons not to run; empty when the process is fit to measure."""
    problems = []
    if sys.gettrace() is not None:
        problems.append("a trace function is set (debugger or coverage)")
    if sys.getprofile() is not None:
        problems.append("a profile function is set")
    loaded = [name for name in _PROFILERS if name in sys.modules]
    if loaded:
        problems.append(f"coverage/profiler module(s) loaded: {', '.join(loaded)}")
    if any(key.startswith("COV_CORE_") for key in os.environ):
        problems.append("COV_CORE_* set: pytest-cov would measure this process")
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        used = [i for i in range(6) if monitoring.get_tool(i) is not None]
        if used:
            problems.append(f"sys.monitoring tool ids in use: {used}")
    problems.extend(_driver_problems())
    return problems


def _driver_problems() -> list[str]:
    problems = []
    not_compiled = [name for name in _COMPILED if not _is_compiled(name)]
    if not_compiled:
        problems.append(f"cassandra-driver modules not compiled: {', '.join(not_compiled)}")
    try:
        from cassandra.cython_deps import HAVE_CYTHON
        from cassandra.protocol import HAVE_CYTHON as PROTOCOL_CYTHON

        importlib.import_module("cassandra.deserializers")
        importlib.import_module("cassandra.row_parser")
    except ImportError as exc:
        problems.append(f"cassandra-driver Cython row parsing missing: {exc}")
    else:
        if not (HAVE_CYTHON and PROTOCOL_CYTHON):
            problems.append("cassandra-driver reports HAVE_CYTHON = False")
    from cassandra.cluster import DefaultConnection

    if DefaultConnection.__name__ != "LibevConnection":
        problems.append(f"driver event loop is {DefaultConnection.__name__}, not libev")
    return problems


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> float:
    """The one-minute load average (0.0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def wait_until_quiet(limit: float, timeout: float) -> float:
    """Wait (up to ``timeout`` seconds) for the load average to drop under ``limit``;
    returns the load average seen last. Other processes on the CPUs, the node's
    included, are the main source of noise on a small machine."""
    deadline = time.monotonic() + timeout
    load = load_average()
    while load >= limit and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    return load


def machine_info(server_version: str | None) -> dict[str, Any]:
    """The machine, interpreter, library and server versions of this run."""
    from cassandra.cluster import DefaultConnection

    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "load_average_1min_at_end": round(load_average(), 2),
        "cassandra_server": server_version or "unknown",
        "cassandra_driver": _version("cassandra-driver"),
        "driver_event_loop": DefaultConnection.__name__,
        "pydantic": _version("pydantic"),
        "pydantic_core": _version("pydantic_core"),
        "coodie": _version("coodie"),
    }
