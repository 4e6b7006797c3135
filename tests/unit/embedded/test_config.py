"""The embedded node's generated configuration and JVM arguments."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from coodie_core.embedded.config import (
    MAIN_CLASS,
    NodeConfig,
    jvm_arguments,
    render_cassandra_yaml,
    render_logback_xml,
    render_rackdc_properties,
)
from coodie_core.embedded.errors import LauncherError


def _yaml_dict(text: str) -> dict[str, str]:
    """Top-level ``key: value`` pairs of the generated yaml."""
    pairs = {}
    for line in text.splitlines():
        if line and not line.startswith(" ") and ":" in line:
            key, _, value = line.partition(":")
            pairs[key] = value.strip()
    return pairs


def test_yaml_has_the_fast_single_node_settings(tmp_path: Path) -> None:
    cfg = NodeConfig(home=tmp_path)
    settings = _yaml_dict(render_cassandra_yaml(cfg))
    assert settings["listen_address"] == "127.0.0.1"
    assert settings["rpc_address"] == "127.0.0.1"
    assert settings["native_transport_port"] == "9042"
    assert settings["num_tokens"] == "1"
    assert settings["initial_token"] == '"0"'
    assert settings["partitioner"] == "org.apache.cassandra.dht.Murmur3Partitioner"
    assert settings["endpoint_snitch"] == "GossipingPropertyFileSnitch"
    assert settings["commitlog_sync"] == "periodic"
    assert settings["commitlog_sync_period"] == "10000ms"
    assert settings["auto_snapshot"] == "false"
    assert settings["materialized_views_enabled"] == "true"
    assert settings["sasi_indexes_enabled"] == "true"
    assert settings["user_defined_functions_enabled"] == "true"
    assert settings["authenticator"] == "AllowAllAuthenticator"


def test_yaml_uses_only_new_key_names(tmp_path: Path) -> None:
    text = render_cassandra_yaml(NodeConfig(home=tmp_path))
    for old in (
        "enable_materialized_views",
        "enable_sasi_indexes",
        "enable_user_defined_functions",
    ):
        assert old not in text
    assert "scripted_user_defined_functions_enabled" not in text
    assert "allocate_tokens_for_local_replication_factor" not in text


def test_yaml_directories_live_under_the_node_home(tmp_path: Path) -> None:
    text = render_cassandra_yaml(NodeConfig(home=tmp_path))
    assert f'commitlog_directory: "{tmp_path}/data/commitlog"' in text.splitlines()
    assert f'  - "{tmp_path}/data/data"' in text.splitlines()


def test_seeds_default_to_own_address_and_can_list_peers(tmp_path: Path) -> None:
    single = render_cassandra_yaml(NodeConfig(home=tmp_path))
    assert '      - seeds: "127.0.0.1"' in single.splitlines()
    multi = render_cassandra_yaml(
        NodeConfig(home=tmp_path, address="127.0.0.2", seeds=("127.0.0.1", "127.0.0.2"))
    )
    assert '      - seeds: "127.0.0.1,127.0.0.2"' in multi.splitlines()
    assert "listen_address: 127.0.0.2" in multi.splitlines()


def test_password_authenticator_brings_its_authorizer(tmp_path: Path) -> None:
    settings = _yaml_dict(
        render_cassandra_yaml(NodeConfig(home=tmp_path, authenticator="PasswordAuthenticator"))
    )
    assert settings["authenticator"] == "PasswordAuthenticator"
    assert settings["authorizer"] == "CassandraAuthorizer"


def test_rackdc_names_dc1_and_rack1(tmp_path: Path) -> None:
    assert render_rackdc_properties(NodeConfig(home=tmp_path)) == "dc=dc1\nrack=rack1\n"


def test_logback_writes_system_log(tmp_path: Path) -> None:
    xml = render_logback_xml(NodeConfig(home=tmp_path))
    assert f"<file>{tmp_path}/logs/system.log</file>" in xml


def _lib(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "jamm-0.4.0.jar").write_bytes(b"")
    return lib


def test_jvm_arguments(tmp_path: Path) -> None:
    lib = _lib(tmp_path)
    cfg = NodeConfig(home=tmp_path / "node")
    args = jvm_arguments(cfg, lib)
    assert args[:2] == ["-Xms1G", "-Xmx1G"]
    assert args[-3:] == ["-cp", f"{cfg.conf_dir}:{lib}/*", MAIN_CLASS]
    for flag in (
        "-XX:+ExitOnOutOfMemoryError",
        "-Dchronicle.analytics.disable=true",
        "-Dcassandra-foreground=yes",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.test.flush_local_schema_changes=true",
        "-Dcassandra.skip_sync=true",
        "-Dcassandra.superuser_setup_delay_ms=0",
        f"-javaagent:{lib}/jamm-0.4.0.jar",
        f"-Djava.io.tmpdir={cfg.tmp_dir}",
        "-Dcassandra.jmx.local.port=7199",
        f"-Dcassandra.config=file://{cfg.conf_dir}/cassandra.yaml",
    ):
        assert flag in args
    assert "-XX:+AlwaysPreTouch" not in args
    pairs = list(itertools.pairwise(args))
    assert ("--add-opens", "java.base/java.lang=ALL-UNNAMED") in pairs
    assert ("--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED") in pairs


def test_jvm_arguments_need_jamm(tmp_path: Path) -> None:
    empty = tmp_path / "lib"
    empty.mkdir()
    with pytest.raises(LauncherError, match="jamm jar not found"):
        jvm_arguments(NodeConfig(home=tmp_path), empty)


def test_schema_changes_are_flushed_unless_switched_off(tmp_path: Path) -> None:
    """Flushed by default: a SIGKILLed node restarted with its data otherwise lists
    a keyspace created just before in system_schema yet says it does not exist."""
    lib = _lib(tmp_path)
    flushed = jvm_arguments(NodeConfig(home=tmp_path), lib)
    fast = jvm_arguments(NodeConfig(home=tmp_path, flush_schema=False), lib)
    prefix = "-Dcassandra.test.flush_local_schema_changes="
    assert [a for a in flushed if a.startswith(prefix)] == [prefix + "true"]
    assert [a for a in fast if a.startswith(prefix)] == [prefix + "false"]
