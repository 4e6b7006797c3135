"""``coodie-cassandra``: start, stop, inspect the embedded Cassandra node(s)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from coodie_core.embedded.cluster import MAX_NODES, EmbeddedCluster, node_configs
from coodie_core.embedded.config import ClientTls, NodeConfig
from coodie_core.embedded.distribution import cache_root
from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.node import EmbeddedNode

#: Environment variable read for the keystore password when ``--tls-password`` is absent.
TLS_PASSWORD_ENV = "COODIE_TLS_PASSWORD"


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="coodie-cassandra", description="Run embedded Apache Cassandra 5.0 test nodes."
    )
    parser.add_argument(
        "--name", default="node", help="node directory prefix: <cache>/nodes/<name>N (node)"
    )
    parser.add_argument(
        "--first-address", type=int, default=1, help="node 1 listens on 127.0.0.<this> (1)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="download if needed, start, wait until it answers")
    start.add_argument("--nodes", type=int, default=1, help="cluster size on 127.0.0.1.. (1)")
    start.add_argument("--node", type=int, help="(re)start only this node of the cluster")
    start.add_argument("--auth", action="store_true", help="enable PasswordAuthenticator")
    start.add_argument("--keep-data", action="store_true", help="reuse the previous data dir")
    start.add_argument("--timeout", type=float, default=240.0, help="seconds to wait (240)")
    start.add_argument(
        "--tls-keystore",
        type=Path,
        help="require TLS on the native port, with this keystore (key and certificate)",
    )
    start.add_argument(
        "--tls-password",
        help=f"the keystore's password (default: ${TLS_PASSWORD_ENV}, which keeps it out of ps)",
    )
    start.add_argument("--tls-store-type", default="PKCS12", help="PKCS12 or JKS (PKCS12)")
    start.add_argument(
        "--no-schema-flush",
        action="store_true",
        help="do not flush schema changes to disk (faster DDL; a killed node may lose "
        "recently created keyspaces and tables)",
    )
    stop = sub.add_parser("stop", help="stop the node(s) this launcher started")
    stop.add_argument("--node", type=int, help="stop only this node")
    stop.add_argument("--grace", type=float, default=60.0, help="seconds before SIGKILL (60)")
    kill = sub.add_parser("kill", help="SIGKILL one node (a crash, for fault tests)")
    kill.add_argument("--node", type=int, required=True)
    sub.add_parser("status", help="say whether each node is up, and its version")
    logs = sub.add_parser("logs", help="print the tail of a node's system.log")
    logs.add_argument("--node", type=int, default=1)
    logs.add_argument("-n", "--lines", type=int, default=60)
    return parser


def known_cluster(name: str = "node", first_address: int = 1) -> EmbeddedCluster:
    """The nodes called ``<name>N`` whose home directories exist (one at least)."""
    homes = cache_root() / "nodes"
    numbers = [p.name[len(name) :] for p in homes.glob(f"{name}[0-9]")]
    count = max([1, *(int(n) for n in numbers if n.isdigit())])
    configs = node_configs(min(count, MAX_NODES), first_address=first_address, name=name)
    return EmbeddedCluster(configs, progress=_stderr)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def client_tls(args: argparse.Namespace) -> ClientTls | None:
    """The TLS settings ``start`` was given (None without ``--tls-keystore``)."""
    if args.tls_keystore is None:
        if args.tls_password is not None:
            raise LauncherError("--tls-password needs --tls-keystore")
        return None
    keystore = args.tls_keystore.expanduser().resolve()
    if not keystore.is_file():
        raise LauncherError(f"--tls-keystore {keystore}: no such file")
    password = args.tls_password or os.environ.get(TLS_PASSWORD_ENV)
    if not password:
        raise LauncherError(f"--tls-keystore needs --tls-password or ${TLS_PASSWORD_ENV}")
    if args.tls_store_type not in ("PKCS12", "JKS"):
        raise LauncherError(f"--tls-store-type must be PKCS12 or JKS, not {args.tls_store_type}")
    return ClientTls(keystore, password, args.tls_store_type)


def start_configs(args: argparse.Namespace) -> list[NodeConfig]:
    """The node configurations ``start`` asks for."""
    authenticator = "PasswordAuthenticator" if args.auth else "AllowAllAuthenticator"
    configs = node_configs(args.nodes, authenticator, args.first_address, args.name)
    tls = client_tls(args)
    return [
        dataclasses.replace(c, client_tls=tls, flush_schema=not args.no_schema_flush)
        for c in configs
    ]


def _start(args: argparse.Namespace) -> int:
    configs = start_configs(args)
    cluster = EmbeddedCluster(configs, progress=_stderr)
    if args.node is not None:
        node: EmbeddedNode = cluster.node(args.node)
        print(node.start(keep_data=args.keep_data, timeout=args.timeout).describe())
        return 0
    for status in cluster.start(keep_data=args.keep_data, timeout=args.timeout):
        print(status.describe())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "start":
            return _start(args)
        cluster = known_cluster(args.name, args.first_address)
        if args.command == "stop":
            nodes = [cluster.node(args.node)] if args.node else cluster.nodes
            stopped = sum(n.stop(grace=args.grace) for n in nodes)
            print(f"stopped {stopped} node(s)" if stopped else "no node of ours was running")
        elif args.command == "kill":
            print("killed" if cluster.node(args.node).kill() else "that node was not running")
        elif args.command == "status":
            statuses = [n.status() for n in cluster.nodes]
            for number, status in enumerate(statuses, 1):
                print(f"node{number}: {status.describe()}")
            return 0 if statuses[0].running else 3
        else:
            print(cluster.node(args.node).logs(args.lines))
    except LauncherError as exc:
        print(f"coodie-cassandra: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
