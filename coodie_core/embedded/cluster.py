"""Several embedded nodes on 127.0.0.1, .2, .3 ... forming one cluster.

Used by the fault-injection tests: every node is a seed, tokens are balanced,
each node has its own home directory and JMX port, and the nodes are started
close together so they gossip into one ring.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from coodie_core.embedded.config import NodeConfig
from coodie_core.embedded.distribution import ensure_distribution
from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.java import find_java
from coodie_core.embedded.node import EmbeddedNode, NodeStatus, default_home

Progress = Callable[[str], None]

MAX_NODES = 9
BASE_JMX_PORT = 7199


def balanced_token(index: int, count: int) -> int:
    """Return the Murmur3 token of node ``index`` (0-based) in a ring of ``count``."""
    return index * (2**64 // count) - 2**63 if count > 1 else 0


def node_configs(
    count: int,
    authenticator: str = "AllowAllAuthenticator",
    first_address: int = 1,
    name: str = "node",
) -> list[NodeConfig]:
    """Return the configuration of each node of a ``count``-node cluster.

    Node ``i`` (1-based) listens on ``127.0.0.<first_address + i - 1>`` and
    lives in ``<cache>/nodes/<name><i>``; a single node keeps token 0 and the
    default 1 GiB heap, several nodes get 768 MiB each. A cluster started
    beside the default node (``first_address=2``, another ``name``) shares no
    address, directory or JMX port with it.
    """
    if not 1 <= count <= MAX_NODES:
        raise LauncherError(f"a cluster has 1 to {MAX_NODES} nodes, not {count}")
    if not 1 <= first_address <= 250:
        raise LauncherError(f"first_address must be 1..250, not {first_address}")
    addresses = tuple(f"127.0.0.{first_address + i}" for i in range(count))
    multi = count > 1
    return [
        NodeConfig(
            home=default_home(f"{name}{i}"),
            address=addresses[i - 1],
            jmx_port=BASE_JMX_PORT + first_address + i - 2,
            initial_token=balanced_token(i - 1, count),
            seeds=addresses,
            heap="768M" if multi else "1G",
            authenticator=authenticator,
            ring_delay_ms=5000 if multi else None,
            phi_convict_threshold=5 if multi else None,
        )
        for i in range(1, count + 1)
    ]


class EmbeddedCluster:
    """Start, stop and kill the nodes of one embedded cluster."""

    def __init__(self, configs: list[NodeConfig], progress: Progress) -> None:
        """Describe the nodes; nothing starts until :meth:`start`."""
        self.nodes = [EmbeddedNode(cfg, progress) for cfg in configs]
        self.progress = progress

    def node(self, number: int) -> EmbeddedNode:
        """Return node ``number`` (1-based)."""
        if not 1 <= number <= len(self.nodes):
            raise LauncherError(f"no node {number}: this cluster has {len(self.nodes)}")
        return self.nodes[number - 1]

    def start(self, keep_data: bool = False, timeout: float = 240.0) -> list[NodeStatus]:
        """Start every node that is not running, together, and wait for all."""
        java = find_java()
        lib_dir = ensure_distribution(progress=self.progress)
        pids: dict[int, int] = {}
        for index, node in enumerate(self.nodes):
            pid = node.pid()
            if pid is None:
                node.check_ports()
                pid = node.launch(java, lib_dir, keep_data=keep_data)
            pids[index] = pid
        begun = time.monotonic()
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            versions = list(
                pool.map(lambda i: self.nodes[i].wait_ready(pids[i], timeout), range(len(pids)))
            )
        self.progress(
            f"{len(self.nodes)} node(s) ready in {time.monotonic() - begun:.1f}s: "
            + ", ".join(n.config.address for n in self.nodes)
        )
        return [
            NodeStatus(True, pids[i], versions[i], n.config.address, n.config.native_port)
            for i, n in enumerate(self.nodes)
        ]

    def stop(self, grace: float = 60.0) -> int:
        """Stop every running node; return how many were stopped."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            return sum(pool.map(lambda n: n.stop(grace), self.nodes))
