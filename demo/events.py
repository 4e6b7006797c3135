"""The JSON-lines protocol between the demo and its legacy-application runs.

The runner (:mod:`demo.legacy_runner`) writes one JSON object per stdout line:

- ``{"library": "coodie_compat"}``: the library the models are built on;
- ``{"step": "ingest", "line": "..."}``: a line the application printed;
- ``{"step": "ingest", "seconds": 0.012}``: how long the step took;
- ``{"error": "Traceback ..."}``: a step raised.

:class:`LegacyRun` folds those events into what the demo compares and reports.
Anything else on stdout (a stray ``print``) is kept as a line of its own.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LegacyRun", "emit", "parse_event"]


def emit(**fields: Any) -> None:
    """Write one event as a JSON line and flush, so the demo shows progress live."""
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def parse_event(text: str) -> dict[str, Any]:
    """The event on one stdout line; a line that is not a JSON object becomes
    ``{"step": "stdout", "line": text}``."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        event = None
    if not isinstance(event, dict):
        return {"step": "stdout", "line": text.rstrip("\n")}
    return event


@dataclass
class LegacyRun:
    """One run of the legacy application, as reported by its events."""

    flavour: str
    library: str | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    returncode: int | None = None
    wall_seconds: float = 0.0
    stderr: str = ""

    def feed(self, event: dict[str, Any]) -> None:
        """Take one event into account."""
        if "library" in event:
            self.library = str(event["library"])
        if "error" in event:
            self.error = str(event["error"])
        step = str(event.get("step", "?"))
        if "line" in event:
            self.lines.append((step, str(event["line"])))
        if "seconds" in event:
            self.step_seconds[step] = float(event["seconds"])

    @property
    def ok(self) -> bool:
        """The run ended with status 0 and reported no error."""
        return self.returncode == 0 and self.error is None

    @property
    def app_seconds(self) -> float:
        """Time spent in the application's steps (no interpreter start-up)."""
        return sum(self.step_seconds.values())

    def output(self) -> list[str]:
        """The printed lines, each prefixed with its step: what two runs must share."""
        return [f"[{step}] {line}" for step, line in self.lines]
