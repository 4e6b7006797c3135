"""The demo's pure helpers, its converted models, and the legacy app's imports (no node)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from demo.core_stage import MODELS_PATH, convert_models, value_at
from demo.events import LegacyRun, parse_event
from demo.legacy_runner import model_library
from demo.stages import (
    Keyspaces,
    StageTime,
    StepPrinter,
    compare_outputs,
    legacy_command,
    step_table,
    summary_lines,
)

ROOT = Path(__file__).resolve().parents[3]
LEGACY_APP = ROOT / "demo" / "legacy_app"


def _run(flavour: str, *lines: tuple[str, str], seconds: dict[str, float] | None = None,
         returncode: int = 0) -> LegacyRun:
    run = LegacyRun(flavour, returncode=returncode)
    for step, line in lines:
        run.feed({"step": step, "line": line})
    for step, value in (seconds or {}).items():
        run.feed({"step": step, "seconds": value})
    return run


def test_parse_event_reads_json_objects_and_keeps_stray_output() -> None:
    assert parse_event(json.dumps({"step": "a", "line": "x"}) + "\n") == {"step": "a", "line": "x"}
    assert parse_event("hello\n") == {"step": "stdout", "line": "hello"}
    assert parse_event("[1, 2]") == {"step": "stdout", "line": "[1, 2]"}


def test_legacy_run_folds_events() -> None:
    run = LegacyRun("compat")
    for event in (
        {"library": "coodie_compat"},
        {"step": "setup", "line": "synced"},
        {"step": "setup", "seconds": 0.25},
        {"step": "ingest", "line": "12 readings"},
        {"step": "ingest", "seconds": 0.5},
    ):
        run.feed(event)
    run.returncode = 0
    assert run.library == "coodie_compat"
    assert run.output() == ["[setup] synced", "[ingest] 12 readings"]
    assert run.app_seconds == 0.75
    assert run.ok
    run.feed({"error": "Traceback ..."})
    assert not run.ok


def test_compare_outputs_is_empty_only_for_identical_lines() -> None:
    first = _run("cqlengine", ("a", "x"), ("b", "y"))
    assert compare_outputs(first, _run("compat", ("a", "x"), ("b", "y"))) == []
    diff = compare_outputs(first, _run("compat", ("a", "x"), ("b", "z")))
    assert "-[b] y" in diff and "+[b] z" in diff
    assert diff[0] == "--- cqlengine" and diff[1] == "+++ compat"


def test_step_table_puts_runs_side_by_side() -> None:
    table = step_table([
        _run("cqlengine", seconds={"setup": 0.1, "ingest": 0.02}),
        _run("compat", seconds={"setup": 0.2}),
    ])
    assert table[0].split() == ["step", "cqlengine", "compat"]
    assert table[1].split() == ["setup", "100", "ms", "200", "ms"]
    assert table[2].split() == ["ingest", "20", "ms", "-"]
    assert table[3].split() == ["total", "120", "ms", "200", "ms"]


def test_summary_lines_verdict() -> None:
    stages = [StageTime("one", True, 0.5, 1.0), StageTime("two", True, None)]
    ok = summary_lines(stages, [("identical", True)])
    assert ok[1].split() == ["one", "ok", "0.50", "s", "1.00", "s"]
    assert ok[2].split() == ["two", "ok", "-", "-"]
    assert ok[-2:] == ["identical: yes", "result: OK"]
    assert summary_lines(stages, [("identical", False)])[-2:] == [
        "identical: no", "result: FAILED"]
    assert summary_lines(stages, [("identical", None)])[-2:] == [
        "identical: not checked", "result: FAILED"]
    failed = [StageTime("one", False, 0.5)]
    assert summary_lines(failed, [])[-1] == "result: FAILED"
    assert "FAILED" in summary_lines(failed, [])[1]


def test_step_printer_names_each_step_once_and_marks_matches() -> None:
    printed: list[str] = []
    show = StepPrinter(printed.append, marks=["[a] x", "[a] y"])
    show("a", "x")
    show("a", "changed")
    show("b", "extra")
    assert [line.split(maxsplit=1)[0] for line in printed] == ["=", "!", "!"]
    assert printed[0].split() == ["=", "a", "x"]
    assert printed[1].split() == ["!", "changed"]
    plain: list[str] = []
    StepPrinter(plain.append)("a", "x")
    assert plain[0].split() == ["a", "x"]


def test_keyspaces_and_command_line() -> None:
    keyspaces = Keyspaces.with_prefix("demo_x")
    assert keyspaces.all() == ("demo_x_cqlengine", "demo_x_compat", "demo_x_core")
    command = legacy_command("compat", "ks", ["h1", "h2"], 9043)
    assert command[1:] == ["-m", "demo.legacy_runner", "compat", "--keyspace", "ks",
                           "--host", "h1", "--host", "h2", "--port", "9043"]


def test_model_library_refuses_a_mix() -> None:
    stock = type("Stock", (), {"__module__": "cassandra.cqlengine.models"})
    compat = type("Compat", (), {"__module__": "coodie_compat.models"})
    assert model_library([type("A", (stock,), {})]) == "cassandra.cqlengine"
    assert model_library([type("B", (compat,), {})]) == "coodie_compat"
    with pytest.raises(RuntimeError, match="models built on"):
        model_library([type("A", (stock,), {}), type("B", (compat,), {})])


def test_value_at_peaks_at_noon() -> None:
    assert value_at(10.0, 0) == 10.0
    assert value_at(10.0, 12) == 16.0
    assert value_at(10.0, 6) == value_at(10.0, 18) == 13.0


def test_legacy_app_imports_only_cqlengine() -> None:
    """The legacy app names cassandra.cqlengine and never coodie: the demo runs it unmodified."""
    for path in LEGACY_APP.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not any(name.startswith("coodie") for name in names), path


def test_converted_models_convert_fully(tmp_path: Path) -> None:
    conversion = convert_models(tmp_path)
    assert conversion.lost == 0
    assert conversion.classes == 4
    assert "Alert.message: field renamed to its column name 'msg'" in conversion.report
    m = conversion.module
    assert m.Alert.table_meta().name == "alerts"
    assert [c.name for c in m.Reading.table_meta().partition_key] == ["sensor_id", "day"]
    assert "msg" in m.Alert.model_fields
    assert m.DailyStats.table_meta().column("readings").cql_type == "counter"
    assert (tmp_path / "converted_models.py").read_text(encoding="utf-8") == conversion.code
    assert MODELS_PATH.is_file()


@pytest.mark.parametrize(
    ("flavour", "library"), [("cqlengine", "cassandra.cqlengine"), ("compat", "coodie_compat")]
)
def test_runner_loads_the_app_on_the_library_asked_for(flavour: str, library: str) -> None:
    code = (
        "from demo.legacy_runner import load_app, model_library\n"
        f"print(model_library(load_app({flavour!r}).MODELS))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == library
