"""Every code example in docs/migration.md runs, and says what it shows.

The guide's fenced blocks are extracted and checked according to their kind:

- a ``python`` block with no mark runs on its own, in this process, with no node;
- ``<!-- check: subprocess -->`` before a ``python`` block: it runs on its own
  in a fresh interpreter (the alias example must not alias this process);
- ``<!-- check: node -->`` before a ``python`` block: the node blocks form one
  session, run in order in a fresh interpreter against the session's node;
- a ``bash`` block holds commands this module knows how to check;
- ``<!-- check: convert-report -->`` before a ``text`` block: it must be what
  ``coodie convert`` reports for the command shown.

Any other block fails :func:`test_every_block_is_checked`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import types
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from coodie_compat.convert.cli import main as convert_main

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "migration.md"
NODE_KEYSPACE = "migration_guide"
ALIAS_KEYSPACE = "sensors_app"
_MARK = re.compile(r"^<!-- check: ([a-z-]+) -->$")
_FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block of the guide."""

    lang: str
    mark: str | None
    code: str
    line: int  # of the first line of code

    def __str__(self) -> str:
        return f"migration.md:{self.line}"


def extract(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, each with the check mark just before it."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        mark = _MARK.match(lines[i - 1]) if i > 0 else None
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        code = "\n".join(lines[i + 1 : end]) + "\n"
        blocks.append(Block(opening.group(1), mark.group(1) if mark else None, code, i + 2))
        i = end + 1
    return blocks


BLOCKS = extract(DOC.read_text(encoding="utf-8"))
CHECKED = {("python", None), ("python", "subprocess"), ("python", "node"), ("bash", None),
           ("text", "convert-report")}


def _of(lang: str, mark: str | None) -> list[Block]:
    return [b for b in BLOCKS if b.lang == lang and b.mark == mark]


def _commands() -> list[list[str]]:
    return [shlex.split(line) for b in _of("bash", None) for line in b.code.splitlines()
            if line.strip()]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env.pop("COODIE_CQLENGINE_ALIAS", None)
    return env


def test_extract_finds_marks_and_code() -> None:
    text = "intro\n<!-- check: node -->\n```python\nx = 1\n```\n\n```bash\nls\n```\n"
    assert extract(text) == [Block("python", "node", "x = 1\n", 4), Block("bash", None, "ls\n", 8)]


def test_every_block_is_checked() -> None:
    unchecked = [str(b) for b in BLOCKS if (b.lang, b.mark) not in CHECKED]
    assert unchecked == []
    assert _of("python", None) and _of("python", "node") and _of("python", "subprocess")


def test_every_command_is_known() -> None:
    for command in _commands():
        assert command[:2] == ["coodie", "convert"] or command[:4] == [
            "python", "-m", "coodie_compat.alias", "-m"], command


@pytest.mark.parametrize("block", _of("python", None), ids=str)
def test_standalone_example(block: Block) -> None:
    """Runs in a module of its own (Pydantic resolves annotations through it)."""
    name = f"migration_example_{block.line}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(block.code, str(DOC) + f":{block.line}", "exec"), module.__dict__)
    finally:
        del sys.modules[name]


@pytest.mark.parametrize("block", _of("python", "subprocess"), ids=str)
def test_subprocess_example(block: Block) -> None:
    done = subprocess.run([sys.executable, "-c", block.code], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_convert_command_and_its_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ``coodie convert`` command runs, and the report shown is what it prints."""
    [command] = [c for c in _commands() if c[:2] == ["coodie", "convert"]]
    argv = command[1:]
    argv[argv.index("--out") + 1] = str(tmp_path / "converted")
    monkeypatch.chdir(ROOT)
    assert convert_main(argv) == 0
    printed = capsys.readouterr().err.replace(f"{ROOT}{os.sep}", "")
    printed_lines = [line for line in printed.splitlines() if not line.startswith("wrote ")]
    [report] = _of("text", "convert-report")
    assert printed_lines == report.code.splitlines()
    assert sorted(p.name for p in (tmp_path / "converted").iterdir()) == ["models.py"]


_SESSION = """
import json, sys
for line, code in json.load(open(sys.argv[1], encoding="utf-8")):
    exec(compile(code, f"{sys.argv[2]}:{line}", "exec"), globals())
"""


def _drop(session: Any, keyspace: str) -> None:
    session.execute(f"DROP KEYSPACE IF EXISTS {keyspace}", timeout=60)


def test_node_examples(cassandra_node: Any, cassandra_session: Any, tmp_path: Path) -> None:
    """The node blocks, in order, as one program against the session's node."""
    blocks = tmp_path / "blocks.json"
    blocks.write_text(json.dumps([[b.line, b.code] for b in _of("python", "node")]),
                      encoding="utf-8")
    points = ",".join(f"{h}:{cassandra_node.port}" for h in cassandra_node.contact_points)
    _drop(cassandra_session, NODE_KEYSPACE)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _SESSION, str(blocks), str(DOC)],
            cwd=ROOT, env=_env(COODIE_CONTACT_POINTS=points, CQLENG_ALLOW_SCHEMA_MANAGEMENT="1"),
            capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        _drop(cassandra_session, NODE_KEYSPACE)


def test_alias_runner_command(cassandra_node: Any, cassandra_session: Any) -> None:
    """``python -m coodie_compat.alias -m demo.legacy_app ...`` runs the legacy app on compat."""
    [command] = [c for c in _commands() if c[:3] == ["python", "-m", "coodie_compat.alias"]]
    assert command[command.index("--keyspace") + 1] == ALIAS_KEYSPACE
    keyspace = f"coodie_doc_{uuid.uuid4().hex[:8]}"
    argv = [sys.executable, *command[1:]]
    argv[argv.index("--keyspace") + 1] = keyspace
    for host in cassandra_node.contact_points:
        argv += ["--host", host]
    argv += ["--port", str(cassandra_node.port)]
    try:
        done = subprocess.run(argv, cwd=ROOT, env=_env(CQLENG_ALLOW_SCHEMA_MANAGEMENT="1"),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("synced 4 tables: sensors, readings, daily_stats, alerts")
    finally:
        _drop(cassandra_session, keyspace)
