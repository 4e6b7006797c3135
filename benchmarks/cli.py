"""``python -m benchmarks``: the whole run, from a fit process to the files.

1. Refuse a process with a tracer, profiler or coverage, or a driver without its
   compiled extensions (:mod:`benchmarks.guard`).
2. Get a database (``acquire_database``: ``COODIE_CONTACT_POINTS`` or the embedded
   node, started if none runs and stopped at the end only if started here).
3. Give each contender its own keyspace with the same tables and rows, and its own
   cluster and session with the same driver options.
4. Warm up, check answers/effects/request counts, then time the rounds
   (:mod:`benchmarks.runner`); write markdown, JSON and PNG; print the targets.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import analysis, guard, report, schema, targets
from benchmarks.catalogue import CONTENDERS, Plan, plan_for
from benchmarks.contenders import Contender, Unavailable, build
from benchmarks.dataset import Dataset
from benchmarks.plot import plot_ratios
from benchmarks.runner import Runner

__all__ = ["main", "parse_args"]

RESULTS = Path(__file__).with_name("results")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds and calls (about 3 minutes), written to results/quick")
    parser.add_argument("--rounds", type=int, help="rounds (default 25, quick 8)")
    parser.add_argument("--ops", help="comma-separated operations (default: all)")
    parser.add_argument("--contenders", default=",".join(CONTENDERS),
                        help="comma-separated contenders (default: all)")
    parser.add_argument("--seed", type=int, default=7, help="data and ordering seed")
    parser.add_argument("--out", type=Path, help="output directory")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="first wait up to SECONDS for the 1-minute load average to "
                             "drop under 1.0 (other processes are the main noise)")
    return parser.parse_args(argv)


def _connect_all(names: list[str], endpoint: schema.Endpoint, dataset: Dataset,
                 admin: Any) -> tuple[dict[str, Contender], dict[str, Any]]:
    contenders: dict[str, Contender] = {}
    status: dict[str, Any] = {}
    for name in names:
        started = time.monotonic()
        keyspace = schema.keyspace_for(name)
        schema.create_keyspace(admin, keyspace)
        schema.preload(admin, keyspace, dataset)
        try:
            contender = build(name, endpoint, dataset.get_pool)
        except Unavailable as exc:
            status[name] = {"status": f"unavailable: {exc}"}
            print(f"  {name}: unavailable: {exc}")
            continue
        contenders[name] = contender
        status[name] = {"status": "ok", "notes": dict(contender.describe())}
        print(f"  {name}: ready ({time.monotonic() - started:.0f}s)")
    return contenders, status


def _results(runner: Runner, plan: Plan, seed: int, status: dict[str, Any],
             machine: dict[str, Any]) -> dict[str, Any]:
    ops = {}
    for name, outcome in runner.outcomes.items():
        unavailable = dict(outcome.unavailable)
        for contender, info in status.items():
            if info["status"] != "ok":
                unavailable[contender] = info["status"].removeprefix("unavailable: ")
        ops[name] = analysis.analyse_op(outcome.spec, plan.calls(outcome.spec), outcome.times,
                                        unavailable, outcome.requests, outcome.failures)
    meta = {
        "plan": {"rounds": plan.rounds, "quick": plan.quick, "seed": seed,
                 "warmup_calls": plan.warmup_calls},
        "interval": "95% order-statistics (binomial) interval of the median",
        "noise": analysis.noise_verdict(ops),
        "machine": machine,
    }
    return {"meta": meta, "contenders": status, "ops": ops, "targets": targets.evaluate(ops)}


def _write(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    report.write_json(results, out / "results.json")
    (out / "results.md").write_text(report.markdown(results), encoding="utf-8")
    problem = plot_ratios(results, out / "ratios.png")
    print(f"wrote {out}/results.md, results.json" + (f"; {problem}" if problem else ", ratios.png"))


def _print_targets(results: dict[str, Any]) -> None:
    print("\ntargets:")
    for row in results["targets"]:
        median = "   -" if row["median"] is None else f"{row['median']:.2f}"
        print(f"  [{row['verdict']:>12}] {median}  {row['op']:<12} {row['target']}")
    noise = results["meta"]["noise"]
    print("run is NOISY: " + ", ".join(noise["noisy_ops"]) if noise["noisy"]
          else "noise control: raw2/raw within tolerance on every operation")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    args = parse_args(argv)
    problems = guard.environment_problems()
    if problems:
        print("refusing to run:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    plan = plan_for(quick=args.quick, rounds=args.rounds,
                    ops=args.ops.split(",") if args.ops else None)
    names = [n for n in args.contenders.split(",") if n]
    if "raw" not in names or any(n not in CONTENDERS for n in names):
        print(f"contenders must include raw and come from {CONTENDERS}", file=sys.stderr)
        return 2
    os.environ.setdefault("CQLENG_ALLOW_SCHEMA_MANAGEMENT", "1")
    logging.getLogger("cassandra").setLevel(logging.ERROR)
    from coodie_core.testing.provider import acquire_database

    database = acquire_database()
    try:
        return _run(args, plan, names, database)
    finally:
        database.release()


def _run(args: argparse.Namespace, plan: Plan, names: list[str], database: Any) -> int:
    admin_cluster, admin, endpoint = schema.connect_admin(
        schema.Endpoint(database.contact_points, database.port))
    started = time.monotonic()
    contenders: dict[str, Contender] = {}
    try:
        server = admin.execute("SELECT release_version FROM system.local").one()[0]
        dataset = Dataset(args.seed, plan)
        print(f"Cassandra {server} at {endpoint.hosts[0]}:{endpoint.port} "
              f"({endpoint.local_dc}); preparing keyspaces")
        contenders, status = _connect_all(names, endpoint, dataset, admin)
        runner = Runner(contenders, dataset, admin, random.Random(f"order:{args.seed}"))
        if args.wait_quiet:
            print(f"waiting for a quiet machine (load {guard.load_average():.2f})")
            guard.wait_until_quiet(1.0, args.wait_quiet)
        load_at_start = guard.load_average()
        runner.warm_up()
        print(f"warm-up done ({time.monotonic() - started:.0f}s)")
        runner.check()
        print(f"checks done ({time.monotonic() - started:.0f}s); timing {plan.rounds} rounds")
        runner.run_rounds()
        machine = guard.machine_info(server)
        machine["load_average_1min_at_start"] = round(load_at_start, 2)
        results = _results(runner, plan, args.seed, status, machine)
        out = args.out or (RESULTS / "quick" if plan.quick else RESULTS)
        _write(results, out)
        _print_targets(results)
    finally:
        for contender in contenders.values():
            contender.close()
        for name in names:
            schema.drop_keyspace(admin, schema.keyspace_for(name))
        admin_cluster.shutdown()
    print(f"total {time.monotonic() - started:.0f}s")
    return 0
