"""``coodie-cassandra``: start, stop, inspect the embedded Cassandra node."""

from __future__ import annotations

import argparse
import sys

from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.node import EmbeddedNode


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="coodie-cassandra", description="Run an embedded Apache Cassandra 5.0 test node."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="download if needed, start, wait until it answers")
    start.add_argument("--keep-data", action="store_true", help="reuse the previous data dir")
    start.add_argument("--timeout", type=float, default=180.0, help="seconds to wait (180)")
    stop = sub.add_parser("stop", help="stop the node this launcher started")
    stop.add_argument("--grace", type=float, default=60.0, help="seconds before SIGKILL (60)")
    sub.add_parser("status", help="say whether the node is up, and its version")
    logs = sub.add_parser("logs", help="print the tail of the node's system.log")
    logs.add_argument("-n", "--lines", type=int, default=60)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    node = EmbeddedNode()
    try:
        if args.command == "start":
            status = node.start(keep_data=args.keep_data, timeout=args.timeout)
            print(status.describe())
        elif args.command == "stop":
            print("stopped" if node.stop(grace=args.grace) else "no node of ours was running")
        elif args.command == "status":
            status = node.status()
            print(status.describe())
            return 0 if status.running else 3
        else:
            print(node.logs(args.lines))
    except LauncherError as exc:
        print(f"coodie-cassandra: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
