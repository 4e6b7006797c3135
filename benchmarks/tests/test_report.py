"""The results document, the target verdicts and the markdown writer (exact output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import analysis, report, targets
from benchmarks.catalogue import OpSpec

GET = OpSpec("get", "get by primary key", "single", 1, 10, 5)
RANGE = OpSpec("range_1k", "range read, 1k rows", "bulk_read", 1000, 4, 2)
COVERAGE_3 = 1 - 2 / 8  # three rounds: [min, max]


def _results() -> dict[str, Any]:
    # powers of two keep every ratio exact
    get_times = {
        "raw": [0.5, 0.25, 1.0],
        "raw2": [0.5, 0.25, 1.0],
        "cqlengine": [2.0, 1.0, 4.0],
        "core": [1.0, 0.25, 0.5],
    }
    ops = {
        "get": analysis.analyse_op(
            GET, 10, get_times, {"compat": "ImportError: no"},
            {"raw": 1, "raw2": 1, "cqlengine": 1, "core": 1}, [],
        ),
        "range_1k": analysis.analyse_op(
            RANGE, 4, {"raw": [0.5, 0.5, 0.5], "core": [0.25, 0.25, 0.5]}, {},
            {"raw": 1, "core": 2}, ["core: 2 request(s) per call, raw 1"],
        ),
    }
    meta = {
        "plan": {"rounds": 3, "quick": True, "seed": 7, "warmup_calls": 2},
        "interval": "95% order-statistics (binomial) interval of the median",
        "noise": analysis.noise_verdict(ops),
        "machine": {"python": "3.11.7", "cpus": 2},
    }
    contenders = {
        "raw": {"status": "ok", "notes": {"rows": "tuple_factory"}},
        "compat": {"status": "unavailable: ImportError: no"},
    }
    return {"meta": meta, "contenders": contenders, "ops": ops,
            "targets": targets.evaluate(ops)}


def test_format_time_picks_the_unit() -> None:
    assert [report.format_time(s) for s in (1.5, 0.0125, 0.000123, 2e-8)] == [
        "1.5 s", "12.5 ms", "123 µs", "20 ns"]


def test_format_ratio() -> None:
    assert report.format_ratio({"median": 0.934, "low": 0.9, "high": 1.0}) == "0.93 [0.90, 1.00]"
    assert report.format_ratio(None) == "-"


def test_analyse_op_ratios_are_per_round() -> None:
    ratios = _results()["ops"]["get"]["ratios"]
    assert ratios == {
        "raw2/raw": {"median": 1.0, "low": 1.0, "high": 1.0, "coverage": COVERAGE_3, "n": 3},
        "cqlengine/raw": {"median": 4.0, "low": 4.0, "high": 4.0, "coverage": COVERAGE_3,
                          "n": 3},
        "core/raw": {"median": 1.0, "low": 0.5, "high": 2.0, "coverage": COVERAGE_3, "n": 3},
        "core/cqlengine": {"median": 0.25, "low": 0.125, "high": 0.5, "coverage": COVERAGE_3,
                           "n": 3},
    }


def test_analyse_op_absolute_numbers() -> None:
    assert _results()["ops"]["range_1k"]["absolute"] == {
        "raw": {"median_s": 0.5, "low_s": 0.5, "high_s": 0.5, "rows_per_s": 2000.0},
        "core": {"median_s": 0.25, "low_s": 0.25, "high_s": 0.5, "rows_per_s": 4000.0},
    }


def test_noise_verdict() -> None:
    quiet: dict[str, Any] = {"get": {"ratios": {"raw2/raw": {"median": 1.03}}}}
    noisy: dict[str, Any] = {"get": {"ratios": {"raw2/raw": {"median": 1.04}}},
                             "x": {"ratios": {}}}
    assert analysis.noise_verdict(quiet) == {"tolerance": 0.03, "noisy": False, "noisy_ops": []}
    assert analysis.noise_verdict(noisy) == {"tolerance": 0.03, "noisy": True,
                                             "noisy_ops": ["get"]}


def test_targets_verdicts() -> None:
    verdicts = [(r["op"], r["ratio"], r["median"], r["verdict"])
                for r in _results()["targets"]]
    assert verdicts == [
        ("get", "core/raw", 1.0, "holds"),
        ("range_1k", "core/raw", 0.5, "holds"),
        ("get", "compat/cqlengine", None, "not measured"),
        ("range_1k", "compat/cqlengine", None, "not measured"),
        ("get", "core/cqlengine", 0.25, "holds"),
        ("range_1k", "core/cqlengine", None, "not measured"),
    ]


def test_a_missed_and_a_firm_target() -> None:
    many = {"median": 0.5, "low": 0.4, "high": 0.6, "coverage": 0.96, "n": 20}
    ops = {"get": {"ratios": {"core/raw": {**many, "median": 1.2},
                              "core/cqlengine": many}}}
    verdicts = [(r["ratio"], r["verdict"]) for r in targets.evaluate(ops)]
    assert verdicts == [("core/raw", "missed"), ("compat/cqlengine", "not measured"),
                        ("core/cqlengine", "holds firmly")]


def test_markdown_report() -> None:
    assert report.markdown(_results()) == "\n".join([
        "# coodie benchmarks",
        "",
        "3 rounds (quick mode), seed 7; quiet: raw2/raw within 1 ± 3% on every operation.",
        "",
        "Ratios of time per call, per round, then the median and its 95% order-statistics "
        "(binomial) interval of the median; below 1 is faster. ✗ marks a failed check.",
        "",
        "| operation | raw per call | raw2/raw | cqlengine/raw | compat/cqlengine | core/raw "
        "| core/cqlengine |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| get by primary key | 500 ms | 1.00 [1.00, 1.00] | 4.00 [4.00, 4.00] | n/a (compat) "
        "| 1.00 [0.50, 2.00] | 0.25 [0.12, 0.50] |",
        "| range read, 1k rows | 500 ms | - | - | - | 0.50 [0.50, 1.00] ✗ | - |",
        "",
        "## Absolute medians (time per call)",
        "",
        "| operation | raw | raw2 | cqlengine | compat | core |",
        "|---|---:|---:|---:|---:|---:|",
        "| get by primary key | 500 ms | 500 ms | 2 s | n/a | 500 ms |",
        "| range read, 1k rows | 500 ms (2,000 rows/s) | n/a | n/a | n/a "
        "| 250 ms (4,000 rows/s) |",
        "",
        "## Contenders",
        "",
        "- `raw`: ok (rows: tuple_factory)",
        "- `compat`: unavailable: ImportError: no",
        "",
        "## Checks (outside the timing)",
        "",
        "- `range_1k`: core: 2 request(s) per call, raw 1",
        "",
        "Requests sent by one call (PREPAREs excluded: statements are prepared in the "
        "warm-up):",
        "",
        "| operation | raw | raw2 | cqlengine | compat | core |",
        "|---|---:|---:|---:|---:|---:|",
        "| get by primary key | 1 | 1 | 1 | n/a | 1 |",
        "| range read, 1k rows | 1 | n/a | n/a | n/a | 2 |",
        "",
        "## Targets",
        "",
        "| target | operation | median | verdict |",
        "|---|---|---:|---|",
        "| core/raw <= 1.05 on single-row operations | get | 1.00 | holds |",
        "| core/raw <= 1.15 on the 1k/10k reads (full validation) | range_1k | 0.50 | holds |",
        "| compat/cqlengine <= 0.6 on every DB operation | get | - | not measured |",
        "| compat/cqlengine <= 0.6 on every DB operation | range_1k | - | not measured |",
        "| core ahead of cqlengine on every operation (core/cqlengine < 1) | get | 0.25 "
        "| holds |",
        "| core ahead of cqlengine on every operation (core/cqlengine < 1) | range_1k | - "
        "| not measured |",
        "",
        "## Machine and versions",
        "",
        "- python: 3.11.7",
        "- cpus: 2",
        "",
    ])


def test_json_round_trips(tmp_path: Path) -> None:
    results = _results()
    report.write_json(results, tmp_path / "results.json")
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8")) == results
