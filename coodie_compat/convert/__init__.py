"""``coodie convert``: cqlengine model modules -> coodie_core Documents, statically.

Source modules are parsed with :mod:`ast`; nothing is imported or executed, and
``cassandra.cqlengine`` is never imported. One generated module per input module;
every class gets a report of what was not converted, or converted differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from coodie_compat.convert.generate import ClassReport, GeneratedModule, generate_module
from coodie_compat.convert.model import Finding
from coodie_compat.convert.parse import SourceModule, parse_module, parse_source
from coodie_compat.convert.registry import Registry

__all__ = [
    "ClassReport",
    "Finding",
    "GeneratedModule",
    "convert_modules",
    "convert_paths",
    "convert_source",
]


def convert_modules(modules: Sequence[SourceModule]) -> list[GeneratedModule]:
    """Convert parsed modules together (bases and UDTs may come from any of them)."""
    registry = Registry(c for module in modules for c in module.classes)
    return [generate_module(module, registry) for module in modules]


def convert_paths(paths: Sequence[Path]) -> list[GeneratedModule]:
    """Parse and convert Python files (raises SyntaxError for invalid ones)."""
    return convert_modules([parse_module(path) for path in paths])


def convert_source(source: str, module: str = "legacy_models") -> GeneratedModule:
    """Convert one module given as text."""
    return convert_modules([parse_source(source, module)])[0]
