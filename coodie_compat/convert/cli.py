"""The ``coodie`` command line: ``coodie convert PATH... [--out DIR | --stdout]``.

Exit status: 0 when everything converted, 1 when the report lists something not
converted (``lost``), 2 for usage errors and unreadable or invalid input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from coodie_compat.convert import GeneratedModule, convert_paths

__all__ = ["main", "python_files", "render_report"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coodie", description="coodie tools")
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser(
        "convert",
        help="convert cqlengine model modules to coodie_core Documents",
        description="Read cqlengine model modules (without importing them) and write "
        "equivalent coodie_core Documents; report what could not be converted.",
    )
    convert.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    where = convert.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="DIR", help="write one module per input here")
    where.add_argument("--stdout", action="store_true", help="print the code (the default)")
    return parser


def python_files(paths: Sequence[Path]) -> list[Path]:
    """The ``.py`` files named or found (recursively) under the given paths."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*.py")
                if not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return list(dict.fromkeys(p.resolve() for p in found))


def render_report(path: Path, module: GeneratedModule, out: TextIO) -> None:
    """Print the report of one module."""
    if module.code is None:
        print(f"{path}: no cqlengine models or UserTypes", file=out)
        return
    print(f"{path}:", file=out)
    for report in module.reports:
        lost = [f for f in report.findings if f.level == "lost"]
        if not report.findings:
            status = "converted"
        elif lost:
            status = f"NOT FULLY CONVERTED ({len(lost)} lost)"
        else:
            status = f"converted with {len(report.findings)} note(s)"
        where = f"line {report.line}, " if report.line else ""
        print(f"  {report.name} ({where}{report.target}): {status}", file=out)
        for finding in report.findings:
            print(f"    {finding.render()}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        files = python_files(args.paths)
        modules = convert_paths(files)
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        print(f"coodie convert: {exc}", file=sys.stderr)
        return 2
    base = Path(os.path.commonpath([f.parent for f in files])) if files else Path()
    outputs = []
    for path, module in zip(files, modules, strict=True):
        render_report(path, module, sys.stderr)
        if module.code is not None:
            outputs.append((path.relative_to(base), module.code))
    reports = [r for module in modules for r in module.reports]
    lossy = sum(any(f.level == "lost" for f in r.findings) for r in reports)
    noted = sum(bool(r.findings) for r in reports) - lossy
    print(
        f"{len(reports)} class(es): {len(reports) - lossy - noted} converted, "
        f"{noted} converted with notes, {lossy} not fully converted",
        file=sys.stderr,
    )
    for relative, code in outputs:
        if args.out is not None:
            target = args.out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(code, encoding="utf-8")
            print(f"wrote {target}", file=sys.stderr)
        else:
            if len(outputs) > 1:
                print(f"# ---- {relative} ----")
            sys.stdout.write(code)
    return 1 if lossy else 0
