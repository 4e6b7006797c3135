"""Table options: the names a model may set and the values the server accepts.

Pure and cheap: :func:`check_table_options` runs once, when a model class is
created (core ``Settings``; compat ``__options__`` use the same CQL option
names), so a bad option raises :class:`~coodie_core.errors.InvalidTableOption`
naming the model, the option and the value before ``sync_table`` reads or sends
anything. The rules are the server's where they are cheap to state: ranges of
the numeric options, the sub-options of ``caching``, the ``class`` of
``compaction`` and ``compression``, the forms of ``speculative_retry``. Numbers
may also be given as strings (``"2063"``), as cqlengine models often do: the
server parses every option value from its text.

A None value means "not set" (as in cqlengine) and is not checked; callers drop
such options before rendering them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from coodie_core.errors import InvalidTableOption

__all__ = ["KNOWN_OPTIONS", "MAX_TTL", "check_table_options"]

#: Cassandra's maximum TTL in seconds (20 years): ``default_time_to_live`` and
#: per-write TTLs above it are refused.
MAX_TTL = 630_720_000
_INT_MAX = 2**31 - 1  # the server reads integer options as Java ints

#: Why a value breaks an option's rules, or None when it does not.
Rule = Callable[[object], "str | None"]

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_PERCENTILE = re.compile(r"([0-9.]+)p(?:ercentile)?", re.IGNORECASE)
_FIXED = re.compile(r"([0-9.]+)ms", re.IGNORECASE)
_HYBRID = re.compile(r"(?:min|max)\(\s*([0-9.]+[a-z]+)\s*,\s*([0-9.]+[a-z]+)\s*\)", re.IGNORECASE)


def _as_int(value: object) -> int | None:
    """The int the server would parse from ``value``, or None if it parses none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def _as_float(value: object) -> float | None:
    """The finite number the server would parse from ``value``, or None."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)) and not (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _integer(low: int, high: int = _INT_MAX) -> Rule:
    def rule(value: object) -> str | None:
        number = _as_int(value)
        if number is None:
            return "must be an int"
        if not low <= number <= high:
            return f"must be an int in {low}..{high}"
        return None

    return rule


def _chance(low_open: bool) -> Rule:
    interval = "(0, 1]" if low_open else "[0, 1]"

    def rule(value: object) -> str | None:
        number = _as_float(value)
        if number is None:
            return "must be a number"
        if number > 1 or number < 0 or (low_open and number == 0):
            return f"must be a number in {interval}"
        return None

    return rule


def _boolean(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return None
    return "must be a bool (or 'true'/'false')"


def _text(value: object) -> str | None:
    return None if isinstance(value, str) else "must be a str"


def _choice(*choices: str) -> Rule:
    def rule(value: object) -> str | None:
        if isinstance(value, str) and value.upper() in choices:
            return None
        return f"must be one of {', '.join(choices)}"

    return rule


def _map_problem(value: object) -> str | None:
    if not isinstance(value, Mapping):
        return "must be a map (dict) of sub-options"
    if not all(isinstance(k, str) for k in value):
        return "sub-option names must be str"
    return None


def _caching(value: object) -> str | None:
    problem = _map_problem(value)
    if problem is not None:
        return problem
    assert isinstance(value, Mapping)
    unknown = sorted(set(value) - {"keys", "rows_per_partition"})
    if unknown:
        return f"unknown caching sub-option(s) {unknown}; use keys, rows_per_partition"
    keys = value.get("keys", "ALL")
    if not (isinstance(keys, str) and keys.upper() in ("ALL", "NONE")):
        return f"keys must be 'ALL' or 'NONE', not {keys!r}"
    rows = value.get("rows_per_partition", "NONE")
    if isinstance(rows, str) and rows.upper() in ("ALL", "NONE"):
        return None
    count = None if isinstance(rows, str) and not rows.isdigit() else _as_int(rows)
    if count is None or not 0 <= count <= _INT_MAX:
        return f"rows_per_partition must be 'ALL', 'NONE' or an int >= 0, not {rows!r}"
    return None


def _compaction(value: object) -> str | None:
    problem = _map_problem(value)
    if problem is not None:
        return problem
    assert isinstance(value, Mapping)
    strategy = value.get("class")
    if not isinstance(strategy, str) or not strategy:
        return "needs a 'class' sub-option naming the compaction strategy"
    return None


def _compression(value: object) -> str | None:
    problem = _map_problem(value)
    if problem is not None:
        return problem
    assert isinstance(value, Mapping)
    disabled = "enabled" in value and str(value["enabled"]).lower() != "true"
    if disabled and len(value) > 1:
        return "with 'enabled': false no other sub-option is allowed"
    if value and not disabled and not value.get("class"):
        return "needs a 'class' sub-option (or 'enabled': false)"
    return None


def _retry_part(text: str) -> bool:
    percentile = _PERCENTILE.fullmatch(text)
    if percentile is not None:
        number = _as_float(percentile.group(1))
        return number is not None and 0 < number < 100
    fixed = _FIXED.fullmatch(text)
    return fixed is not None and _as_float(fixed.group(1)) is not None


def _retry(value: object) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        if text.upper() in ("ALWAYS", "NEVER", "NONE") or _retry_part(text):
            return None
        hybrid = _HYBRID.fullmatch(text)
        if hybrid is not None and all(_retry_part(p) for p in hybrid.groups()):
            return None
    return (
        "must be 'ALWAYS', 'NEVER', 'NONE', '<0..100>p' (percentile), '<n>ms', "
        "or MIN/MAX of two of those"
    )


_RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "additional_write_policy": _retry,
        "allow_auto_snapshot": _boolean,
        "bloom_filter_fp_chance": _chance(low_open=True),
        "caching": _caching,
        "cdc": _boolean,
        "comment": _text,
        "compaction": _compaction,
        "compression": _compression,
        "crc_check_chance": _chance(low_open=False),
        "dclocal_read_repair_chance": _chance(low_open=False),  # Cassandra 3, ScyllaDB
        "default_time_to_live": _integer(0, MAX_TTL),
        "gc_grace_seconds": _integer(0),
        "incremental_backups": _boolean,
        "max_index_interval": _integer(1),
        "memtable": _text,
        "memtable_flush_period_in_ms": _integer(0),
        "min_index_interval": _integer(1),
        "read_repair": _choice("BLOCKING", "NONE"),
        "read_repair_chance": _chance(low_open=False),  # Cassandra 3, ScyllaDB
        "speculative_retry": _retry,
    }
)

#: Every table option name :func:`check_table_options` knows (Cassandra 3 to 5 and
#: ScyllaDB; what a given server accepts is a subset).
KNOWN_OPTIONS = frozenset(_RULES)


def _literal_problem(value: object) -> str | None:
    """Why ``value`` cannot be written as a CQL literal in DDL, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    if isinstance(value, (bool, int, float, str)):
        return None
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            return "map keys must be str"
        for item in value.values():
            problem = _literal_problem(item)
            if problem is not None:
                return f"{problem} in the map"
        return None
    return "not a CQL literal (use a str, int, float, bool or a dict of them)"


def check_table_options(owner: str, options: Mapping[str, object]) -> None:
    """Raise :class:`~coodie_core.errors.InvalidTableOption` naming ``owner``, the
    option and its value for the first option the server would refuse: an unknown
    name, a value that is no CQL literal, or one outside the option's rules.
    None values (unset) are skipped."""
    for name, value in options.items():
        if value is None:
            continue
        rule = _RULES.get(name) if isinstance(name, str) else None
        if rule is None:
            known = ", ".join(sorted(_RULES))
            raise InvalidTableOption(
                owner, str(name), value, f"unknown table option; known: {known}"
            )
        problem = _literal_problem(value) or rule(value)
        if problem is not None:
            raise InvalidTableOption(owner, name, value, problem)
    low = _as_int(options.get("min_index_interval"))
    high = _as_int(options.get("max_index_interval"))
    if low is not None and high is not None and high < low:
        raise InvalidTableOption(
            owner,
            "max_index_interval",
            options["max_index_interval"],
            f"must be >= min_index_interval ({low})",
        )
