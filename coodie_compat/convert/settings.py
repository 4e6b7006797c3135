"""The ``Settings`` inner class of a converted Document, and table option checks.

coodie_core inherits ``keyspace``, ``connection`` and table options from the base
Document (options are merged) but never the table name, so every concrete class
names its table; a subclass states only the settings that differ from its base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coodie_compat.convert.defaults import py_literal
from coodie_compat.convert.model import Finding
from coodie_compat.convert.render import Group, Node, Seq, statement
from coodie_compat.convert.resolve import ModelPlan
from coodie_core.meta import TABLE_OPTIONS

__all__ = ["CoreSettings", "check_options", "settings_lines"]

_SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class CoreSettings:
    """What coodie_core's parsed settings of a class hold (inheritable part)."""

    keyspace: str | None = None
    connection: str | None = None
    options: dict[str, object] = field(default_factory=dict)

    def merge(self, wanted: CoreSettings) -> CoreSettings:
        """The settings a subclass ends up with after stating ``wanted``."""
        return CoreSettings(wanted.keyspace, wanted.connection, {**self.options, **wanted.options})

    def cannot_become(self, wanted: CoreSettings) -> str | None:
        """Why a subclass cannot reach ``wanted`` from these settings, or None."""
        if self.keyspace and not wanted.keyspace:
            return "it has no keyspace while its base has one"
        if self.connection and not wanted.connection:
            return "it has no connection while its base has one"
        dropped = sorted(set(self.options) - set(wanted.options))
        if dropped:
            return f"it drops table options of its base: {', '.join(dropped)}"
        return None


def check_options(
    model: str, options: Mapping[Any, object]
) -> tuple[dict[str, object], list[Finding]]:
    """The ``__options__`` coodie_core accepts, and a finding for each it does not."""
    kept: dict[str, object] = {}
    findings = []
    for key, value in options.items():
        if not isinstance(key, str) or key not in TABLE_OPTIONS:
            findings.append(
                Finding(
                    "lost", model, f"table option {key!r} is unknown to coodie_core; not converted"
                )
            )
        elif not _option_value(value):
            findings.append(
                Finding("lost", model, f"table option {key} = {value!r} is not a CQL literal")
            )
        else:
            kept[key] = value
    return kept, findings


def _option_value(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and isinstance(v, _SCALARS) for k, v in value.items())
    return isinstance(value, _SCALARS)


def settings_lines(
    plan: ModelPlan,
    wanted: CoreSettings,
    inherited: CoreSettings,
    extra: list[tuple[str, object]],
) -> list[str]:
    """The ``class Settings:`` block of a converted model (``extra``: more entries)."""
    entries: list[tuple[str, object]] = []
    if plan.abstract:
        entries.append(("abstract", True))
    else:
        entries.append(("name", plan.table))
    if wanted.keyspace != inherited.keyspace:
        entries.append(("keyspace", wanted.keyspace))
    if wanted.connection != inherited.connection:
        entries.append(("connection", wanted.connection))
    entries += extra
    for key, value in wanted.options.items():
        if inherited.options.get(key) != value:
            entries.append((key, value))
    lines = ["    class Settings:"]
    for key, value in entries:
        lines += statement(Seq((f"{key} = ", _node(value))), "        ")
    return lines


def _node(value: object) -> Node:
    if isinstance(value, dict):
        items = tuple(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items())
        return Group("{", items, "}")
    return py_literal(value)
