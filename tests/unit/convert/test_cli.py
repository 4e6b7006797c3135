"""The ``coodie convert`` command line: outputs, report, exit status; no user code runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coodie_compat.convert import convert_source
from coodie_compat.convert.cli import main

MODEL = textwrap.dedent(
    """
    from cassandra.cqlengine import columns
    from cassandra.cqlengine.models import Model


    class Item(Model):
        id = columns.Integer(primary_key=True)
    """
)
LOSSY = textwrap.dedent(
    """
    from cassandra.cqlengine import columns
    from cassandra.cqlengine.models import Model


    class Box(Model):
        id = columns.Integer(primary_key=True)

        def describe(self):
            return "box"
    """
)


def test_stdout_prints_the_code_and_stderr_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "items.py"
    path.write_text(MODEL)
    assert main(["convert", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == convert_source(MODEL, "items").code
    assert err.splitlines() == [
        f"{path}:",
        "  Item (line 6, table <default>.item): converted",
        "1 class(es): 1 converted, 0 converted with notes, 0 not fully converted",
    ]


def test_out_writes_one_module_per_input_keeping_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "app"
    (source / "shop").mkdir(parents=True)
    (source / "items.py").write_text(MODEL)
    (source / "shop" / "boxes.py").write_text(LOSSY)
    (source / "shop" / "helpers.py").write_text("def helper():\n    return 1\n")
    out = tmp_path / "out"
    assert main(["convert", str(source), "--out", str(out)]) == 1  # something was lost
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.py"))
    assert written == ["items.py", "shop/boxes.py"]
    assert (out / "items.py").read_text() == convert_source(MODEL, "items").code
    assert capsys.readouterr().err.splitlines() == [
        f"{source / 'items.py'}:",
        "  Item (line 6, table <default>.item): converted",
        f"{source / 'shop' / 'boxes.py'}:",
        "  Box (line 6, table <default>.box): NOT FULLY CONVERTED (1 lost)",
        "    lost  Box.describe: method not converted (copy it by hand)",
        f"{source / 'shop' / 'helpers.py'}: no cqlengine models or UserTypes",
        "2 class(es): 1 converted, 0 converted with notes, 1 not fully converted",
        f"wrote {out / 'items.py'}",
        f"wrote {out / 'shop' / 'boxes.py'}",
    ]


def test_several_modules_on_stdout_are_separated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text(MODEL)
    (tmp_path / "b.py").write_text(MODEL)
    assert main(["convert", str(tmp_path / "a.py"), str(tmp_path / "b.py"), "--stdout"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "# ---- a.py ----\n"
        + (convert_source(MODEL, "a").code or "")
        + "# ---- b.py ----\n"
        + (convert_source(MODEL, "b").code or "")
    )


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(tmp_path / "missing.py")]) == 2
    assert (
        capsys.readouterr().err
        == f"coodie convert: no such file or folder: {tmp_path}/missing.py\n"
    )
    broken = tmp_path / "broken.py"
    broken.write_text("class (:\n")
    assert main(["convert", str(broken)]) == 2
    assert capsys.readouterr().err.startswith("coodie convert: invalid syntax")


def test_the_legacy_module_is_never_imported_nor_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    legacy = tmp_path / "legacy.py"
    legacy.write_text(f"open({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n" + MODEL)
    script = (
        "import sys\n"
        "from coodie_compat.convert.cli import main\n"
        f"status = main(['convert', {str(legacy)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "print(status, sorted(m for m in sys.modules if m.startswith('cassandra.cqlengine')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout == "0 []\n"
    assert not marker.exists()
    assert (tmp_path / "out" / "legacy.py").exists()


def test_python_dash_m_runs_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coodie_compat.convert", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.splitlines()[0] == "usage: coodie [-h] {convert} ..."
