"""The demo's stages as data, the subprocess runs of the legacy app, and the report.

:func:`run_legacy` starts ``python -m demo.legacy_runner`` for one flavour and
folds its events into a :class:`~demo.events.LegacyRun`, calling ``show`` for
each printed line as it arrives. The rest is pure: the keyspace names, the
comparison of two runs, the per-step timing table and the summary.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from demo.events import LegacyRun, parse_event

__all__ = [
    "ROOT",
    "STAGE_TIMEOUT",
    "Keyspaces",
    "StageTime",
    "StepPrinter",
    "compare_outputs",
    "legacy_command",
    "run_legacy",
    "step_table",
    "summary_lines",
]

ROOT = Path(__file__).resolve().parent.parent
#: Seconds a legacy run may take before it is killed.
STAGE_TIMEOUT = 300.0


class StepPrinter:
    """Prints ``(step, line)`` pairs as they arrive, naming each step once.

    With ``marks`` (another run's :meth:`~demo.events.LegacyRun.output`), each line
    is prefixed by ``=`` when it equals the line at the same position there, else
    by ``!``.
    """

    def __init__(self, out: Callable[[str], None], marks: Sequence[str] | None = None) -> None:
        self.out = out
        self.marks = marks
        self.step = ""
        self.count = 0

    def __call__(self, step: str, line: str) -> None:
        """Print one line of ``step``."""
        label = step if step != self.step else ""
        self.step = step
        prefix = ""
        if self.marks is not None:
            expected = self.marks[self.count] if self.count < len(self.marks) else None
            prefix = "= " if expected == f"[{step}] {line}" else "! "
        self.count += 1
        self.out(f"    {prefix}{label:<17} {line}")


@dataclass(frozen=True)
class Keyspaces:
    """The three keyspaces the demo creates and drops."""

    cqlengine: str
    compat: str
    core: str

    @classmethod
    def with_prefix(cls, prefix: str) -> Keyspaces:
        """``<prefix>_cqlengine``, ``<prefix>_compat`` and ``<prefix>_core``."""
        return cls(f"{prefix}_cqlengine", f"{prefix}_compat", f"{prefix}_core")

    def all(self) -> tuple[str, str, str]:
        """The three names."""
        return (self.cqlengine, self.compat, self.core)


def legacy_command(flavour: str, keyspace: str, hosts: Sequence[str], port: int) -> list[str]:
    """The command line of one legacy run."""
    command = [sys.executable, "-m", "demo.legacy_runner", flavour, "--keyspace", keyspace]
    for host in hosts:
        command += ["--host", host]
    return [*command, "--port", str(port)]


def run_legacy(
    flavour: str,
    keyspace: str,
    hosts: Sequence[str],
    port: int,
    show: Callable[[str, str], None],
    timeout: float = STAGE_TIMEOUT,
) -> LegacyRun:
    """Run the legacy application in a subprocess on ``flavour``'s library."""
    run = LegacyRun(flavour)
    env = dict(os.environ, CQLENG_ALLOW_SCHEMA_MANAGEMENT="1")
    env.pop("COODIE_CQLENGINE_ALIAS", None)  # the stock run must stay stock
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            legacy_command(flavour, keyspace, hosts, port),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
        )
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for text in process.stdout:
                event = parse_event(text)
                run.feed(event)
                if "line" in event:
                    show(str(event.get("step", "?")), str(event["line"]))
            run.returncode = process.wait()
        finally:
            watchdog.cancel()
        stderr.seek(0)
        run.stderr = stderr.read()
    run.wall_seconds = time.perf_counter() - started
    if run.returncode != 0 and run.error is None:
        run.error = f"exited with status {run.returncode}"
    return run


def compare_outputs(first: LegacyRun, second: LegacyRun) -> list[str]:
    """A unified diff of the two runs' printed lines (empty when identical)."""
    return list(
        difflib.unified_diff(
            first.output(), second.output(), first.flavour, second.flavour, lineterm=""
        )
    )


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"


def step_table(runs: Sequence[LegacyRun]) -> list[str]:
    """Per-step durations of several runs side by side, with their totals."""
    steps = list(dict.fromkeys(step for run in runs for step in run.step_seconds))
    width = max([len(s) for s in steps] + [len("total")])
    head = "".join(f"{run.flavour:>12}" for run in runs)
    rows = [f"{'step':<{width}}{head}"]
    for step in steps:
        cells = "".join(f"{_ms(run.step_seconds.get(step)):>12}" for run in runs)
        rows.append(f"{step:<{width}}{cells}")
    cells = "".join(f"{_ms(run.app_seconds):>12}" for run in runs)
    rows.append(f"{'total':<{width}}{cells}")
    return rows


@dataclass(frozen=True)
class StageTime:
    """One summary row: a stage, whether it ran cleanly, and its durations."""

    name: str
    ok: bool
    seconds: float | None
    wall_seconds: float | None = None


def summary_lines(
    stages: Sequence[StageTime], checks: Sequence[tuple[str, bool | None]]
) -> list[str]:
    """The closing summary: a row per stage, then each check, then the verdict.

    A check of None did not run (an earlier stage failed) and counts as failed.
    """
    width = max(len(s.name) for s in stages) if stages else 5
    lines = [f"{'stage':<{width}}  {'status':<6}  {'in app':>9}  {'wall':>9}"]
    for stage in stages:
        lines.append(
            f"{stage.name:<{width}}  {'ok' if stage.ok else 'FAILED':<6}  "
            f"{_seconds(stage.seconds):>9}  {_seconds(stage.wall_seconds):>9}"
        )
    for label, value in checks:
        lines.append(f"{label}: {'yes' if value else ('no' if value is False else 'not checked')}")
    passed = all(s.ok for s in stages) and all(value for _, value in checks)
    lines.append(f"result: {'OK' if passed else 'FAILED'}")
    return lines


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"
