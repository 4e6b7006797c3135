"""Write the results: a markdown report and the JSON document.

The markdown is a pure function of the results document, so the table in the
committed report is exactly what the JSON says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.catalogue import CONTENDERS

__all__ = ["RATIO_COLUMNS", "format_ratio", "format_time", "markdown", "write_json"]

#: The ratio columns of the main table, in order.
RATIO_COLUMNS = ("raw2/raw", "cqlengine/raw", "compat/cqlengine", "core/raw", "core/cqlengine")


def format_time(seconds: float) -> str:
    """``0.000123`` -> ``123 µs``; three significant digits, unit chosen to fit."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_ratio(entry: Mapping[str, Any] | None) -> str:
    """``0.93 [0.91, 0.97]``; a dash when the ratio was not measured."""
    if entry is None:
        return "-"
    return f"{entry['median']:.2f} [{entry['low']:.2f}, {entry['high']:.2f}]"


def _ratio_cell(op: Mapping[str, Any], pair: str) -> str:
    top, bottom = pair.split("/")
    for name in (top, bottom):
        if name in op["unavailable"]:
            return f"n/a ({name})"
    entry = op["ratios"].get(pair)
    cell = format_ratio(entry)
    if entry is not None and any(f.startswith(f"{top}:") for f in op["failures"]):
        cell += " ✗"
    return cell


def _ratio_table(ops: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = ["| operation | raw per call | " + " | ".join(RATIO_COLUMNS) + " |",
             "|---|---:|" + "---:|" * len(RATIO_COLUMNS)]
    for op in ops.values():
        raw = op["absolute"].get("raw")
        raw_time = format_time(raw["median_s"]) if raw else "-"
        cells = [_ratio_cell(op, pair) for pair in RATIO_COLUMNS]
        lines.append(f"| {op['title']} | {raw_time} | " + " | ".join(cells) + " |")
    return lines


def _absolute_table(ops: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = ["| operation | " + " | ".join(CONTENDERS) + " |",
             "|---|" + "---:|" * len(CONTENDERS)]
    for op in ops.values():
        cells = []
        for name in CONTENDERS:
            entry = op["absolute"].get(name)
            if entry is None:
                cells.append("n/a")
            elif op["rows_per_call"] > 1:
                rate = f"{entry['rows_per_s']:,.0f} rows/s"
                cells.append(f"{format_time(entry['median_s'])} ({rate})")
            else:
                cells.append(format_time(entry["median_s"]))
        lines.append(f"| {op['title']} | " + " | ".join(cells) + " |")
    return lines


def _request_table(ops: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = ["| operation | " + " | ".join(CONTENDERS) + " |",
             "|---|" + "---:|" * len(CONTENDERS)]
    for op in ops.values():
        if not op["requests"]:
            continue
        cells = [str(op["requests"].get(name, "n/a")) for name in CONTENDERS]
        lines.append(f"| {op['title']} | " + " | ".join(cells) + " |")
    return lines


def _contender_lines(results: Mapping[str, Any]) -> list[str]:
    lines = []
    for name, info in results["contenders"].items():
        notes = "; ".join(f"{k}: {v}" for k, v in info.get("notes", {}).items())
        lines.append(f"- `{name}`: {info['status']}" + (f" ({notes})" if notes else ""))
    for op_name, op in results["ops"].items():
        for name, reason in op["unavailable"].items():
            if results["contenders"].get(name, {}).get("status") == "ok":
                lines.append(f"- `{name}` / `{op_name}`: unavailable: {reason}")
    return lines


def _check_lines(results: Mapping[str, Any]) -> list[str]:
    failures = [f"- `{op}`: {f}" for op, entry in results["ops"].items()
                for f in entry["failures"]]
    return failures or ["- every contender returned the same answers and wrote the same "
                        "rows; request counts agree within raw/raw2/core and "
                        "cqlengine/compat"]


def _target_lines(results: Mapping[str, Any]) -> list[str]:
    lines = ["| target | operation | median | verdict |", "|---|---|---:|---|"]
    for row in results["targets"]:
        median = "-" if row["median"] is None else f"{row['median']:.2f}"
        lines.append(f"| {row['target']} | {row['op']} | {median} | {row['verdict']} |")
    return lines


def markdown(results: Mapping[str, Any]) -> str:
    """The report: ratios, absolute numbers, contenders, checks, targets, machine."""
    meta, noise = results["meta"], results["meta"]["noise"]
    verdict = ("NOISY: raw2/raw outside 1 ± {:.0%} on {}".format(
        noise["tolerance"], ", ".join(noise["noisy_ops"])) if noise["noisy"]
        else "quiet: raw2/raw within 1 ± {:.0%} on every operation".format(noise["tolerance"]))
    plan = meta["plan"]
    parts = [
        "# coodie benchmarks",
        "",
        f"{plan['rounds']} rounds{' (quick mode)' if plan['quick'] else ''}, seed "
        f"{plan['seed']}; {verdict}.",
        "",
        "Ratios of time per call, per round, then the median and its "
        f"{meta['interval']}; below 1 is faster. ✗ marks a failed check.",
        "",
        *_ratio_table(results["ops"]),
        "",
        "## Absolute medians (time per call)",
        "",
        *_absolute_table(results["ops"]),
        "",
        "## Contenders",
        "",
        *_contender_lines(results),
        "",
        "## Checks (outside the timing)",
        "",
        *_check_lines(results),
        "",
        "Requests sent by one call (PREPAREs excluded: statements are prepared in the "
        "warm-up):",
        "",
        *_request_table(results["ops"]),
        "",
        "## Targets",
        "",
        *_target_lines(results),
        "",
        "## Machine and versions",
        "",
        *(f"- {key}: {value}" for key, value in meta["machine"].items()),
        "",
    ]
    return "\n".join(parts)


def write_json(results: Mapping[str, Any], path: Path) -> None:
    """Write the results document as indented JSON."""
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
