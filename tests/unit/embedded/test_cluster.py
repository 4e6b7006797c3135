"""Configuration of a several-node embedded cluster, and the CLI's parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from coodie_core.embedded.cli import build_parser
from coodie_core.embedded.cluster import balanced_token, node_configs
from coodie_core.embedded.config import render_cassandra_yaml
from coodie_core.embedded.errors import LauncherError


def test_single_node_keeps_token_zero_and_one_gib(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COODIE_CASSANDRA_CACHE", str(tmp_path))
    (cfg,) = node_configs(1)
    assert (cfg.address, cfg.initial_token, cfg.heap, cfg.jmx_port) == ("127.0.0.1", 0, "1G", 7199)
    assert cfg.home == tmp_path / "nodes" / "node1"
    assert cfg.ring_delay_ms is None


def test_three_nodes_are_balanced_seeds_on_their_own_addresses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COODIE_CASSANDRA_CACHE", str(tmp_path))
    configs = node_configs(3)
    assert [c.address for c in configs] == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    assert [c.jmx_port for c in configs] == [7199, 7200, 7201]
    assert [c.initial_token for c in configs] == [
        -9223372036854775808,
        -3074457345618258603,
        3074457345618258602,
    ]
    assert all(c.seeds == ("127.0.0.1", "127.0.0.2", "127.0.0.3") for c in configs)
    assert all(c.heap == "768M" and c.ring_delay_ms == 5000 for c in configs)
    yaml = render_cassandra_yaml(configs[2]).splitlines()
    assert "phi_convict_threshold: 5" in yaml
    assert 'initial_token: "3074457345618258602"' in yaml
    assert len({c.home for c in configs}) == 3


def test_balanced_token() -> None:
    assert balanced_token(0, 1) == 0
    assert balanced_token(1, 2) == 0
    assert balanced_token(0, 2) == -(2**63)


def test_cluster_size_is_bounded() -> None:
    with pytest.raises(LauncherError, match="1 to 9 nodes, not 0"):
        node_configs(0)


def test_auth_is_passed_to_every_node(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COODIE_CASSANDRA_CACHE", str(tmp_path))
    assert {c.authenticator for c in node_configs(3, "PasswordAuthenticator")} == {
        "PasswordAuthenticator"
    }


def test_cli_parser() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["--name", "fault", "--first-address", "2", "start", "--nodes", "3", "--auth"]
    )
    assert (args.name, args.first_address) == ("fault", 2)
    assert (args.command, args.nodes, args.auth, args.keep_data) == ("start", 3, True, False)
    assert parser.parse_args(["kill", "--node", "2"]).node == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["kill"])


def test_a_cluster_beside_the_default_node_shares_nothing_with_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COODIE_CASSANDRA_CACHE", str(tmp_path))
    configs = node_configs(3, first_address=2, name="fault")
    assert [c.address for c in configs] == ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
    assert [c.jmx_port for c in configs] == [7200, 7201, 7202]
    assert [c.home.name for c in configs] == ["fault1", "fault2", "fault3"]
    assert configs[0].seeds == ("127.0.0.2", "127.0.0.3", "127.0.0.4")
