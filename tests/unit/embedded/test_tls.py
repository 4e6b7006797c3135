"""TLS on the embedded node's native port: the yaml section, the readiness
probe's context and the command-line options (no Cassandra needed)."""

from __future__ import annotations

import argparse
import json
import ssl
from pathlib import Path
from typing import Any

import pytest

from coodie_core.embedded import node as nodemod
from coodie_core.embedded.cli import TLS_PASSWORD_ENV, build_parser, start_configs
from coodie_core.embedded.config import ClientTls, NodeConfig, render_cassandra_yaml, tls_enabled_in
from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.node import EmbeddedNode, probe_ssl_context, query_release_version


def _tls(tmp_path: Path, password: str = "s3cret") -> ClientTls:
    keystore = tmp_path / "node.p12"
    keystore.write_bytes(b"not really a keystore")
    return ClientTls(keystore, password)


# -- cassandra.yaml ----------------------------------------------------------------


def _section(text: str, name: str) -> dict[str, object]:
    """The ``key: value`` lines indented under ``name:``; double-quoted values are
    decoded (the launcher escapes only ``\\`` and ``"``, as JSON does)."""
    lines = text.splitlines()
    if f"{name}:" not in lines:
        return {}
    found: dict[str, object] = {}
    for line in lines[lines.index(f"{name}:") + 1 :]:
        if not line.startswith("  "):
            break
        key, _, value = line.strip().partition(": ")
        found[key] = json.loads(value) if value.startswith('"') else value
    return found


def test_client_tls_renders_a_required_encryption_section(tmp_path: Path) -> None:
    tls = _tls(tmp_path, password='pa"ss\\word: #1')
    text = render_cassandra_yaml(NodeConfig(home=tmp_path, client_tls=tls))
    assert _section(text, "client_encryption_options") == {
        "enabled": "true",
        "optional": "false",
        "keystore": str(tls.keystore),
        "keystore_password": 'pa"ss\\word: #1',
        "store_type": "PKCS12",
        "require_client_auth": "false",
    }
    assert tls_enabled_in(text)


def test_no_client_tls_no_section(tmp_path: Path) -> None:
    text = render_cassandra_yaml(NodeConfig(home=tmp_path))
    assert "client_encryption_options" not in text
    assert not tls_enabled_in(text)


def test_client_tls_repr_hides_the_password(tmp_path: Path) -> None:
    tls = _tls(tmp_path, password="hunter2")
    assert "hunter2" not in repr(tls)
    assert "hunter2" not in repr(NodeConfig(home=tmp_path, client_tls=tls))


# -- the readiness probe -------------------------------------------------------------


def test_probe_context_encrypts_without_verifying() -> None:
    context = probe_ssl_context()
    assert context.verify_mode == ssl.CERT_NONE
    assert context.check_hostname is False


def test_probe_uses_tls_only_for_a_tls_node(tmp_path: Path) -> None:
    plain = EmbeddedNode(NodeConfig(home=tmp_path / "plain"), progress=lambda m: None)
    secure = EmbeddedNode(
        NodeConfig(home=tmp_path / "tls", client_tls=_tls(tmp_path)), progress=lambda m: None
    )
    assert plain.probe_context() is None
    assert isinstance(secure.probe_context(), ssl.SSLContext)


def test_probe_reads_tls_from_a_node_started_earlier(tmp_path: Path) -> None:
    """``coodie-cassandra status`` knows no --tls-keystore: the written yaml says."""
    started = EmbeddedNode(NodeConfig(home=tmp_path, client_tls=_tls(tmp_path)), lambda m: None)
    started.write_config()
    later = EmbeddedNode(NodeConfig(home=tmp_path), progress=lambda m: None)
    assert isinstance(later.probe_context(), ssl.SSLContext)


class _Refused(Exception):
    pass


def test_wait_ready_probes_with_the_tls_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_query(address: str, port: int, **kwargs: Any) -> str:
        calls.append({"address": address, "port": port, **kwargs})
        return "5.0.6"

    monkeypatch.setattr(nodemod, "query_release_version", fake_query)
    monkeypatch.setattr(nodemod, "port_accepts", lambda *a, **k: True)
    monkeypatch.setattr(nodemod, "_alive", lambda pid: True)
    config = NodeConfig(home=tmp_path, address="127.0.0.7", authenticator="PasswordAuthenticator",
                        client_tls=_tls(tmp_path))  # fmt: skip
    assert EmbeddedNode(config, lambda m: None).wait_ready(pid=1, timeout=5) == "5.0.6"
    (call,) = calls
    assert call["address"] == "127.0.0.7"
    assert call["credentials"] == ("cassandra", "cassandra")
    assert isinstance(call["ssl_context"], ssl.SSLContext)


def test_query_release_version_hands_the_context_to_the_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cassandra.cluster

    seen: dict[str, Any] = {}

    class FakeCluster:
        def __init__(self, hosts: list[str], **options: Any) -> None:
            seen.update(options)

        def connect(self) -> Any:
            raise _Refused("no node here")

        def shutdown(self) -> None:
            seen["shut down"] = True

    monkeypatch.setattr(cassandra.cluster, "Cluster", FakeCluster)
    context = probe_ssl_context()
    assert query_release_version("127.0.0.7", 9042, ssl_context=context) is None
    assert seen["ssl_context"] is context
    assert seen["shut down"]
    seen.clear()
    assert query_release_version("127.0.0.7", 9042) is None
    assert seen["ssl_context"] is None


# -- the command line ---------------------------------------------------------------


def _start_args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["start", *argv])


def test_cli_tls_options_reach_every_node(tmp_path: Path) -> None:
    keystore = _tls(tmp_path).keystore
    configs = start_configs(
        _start_args("--nodes", "2", "--tls-keystore", str(keystore), "--tls-password", "pw")
    )
    assert [c.client_tls for c in configs] == [ClientTls(keystore.resolve(), "pw")] * 2


def test_cli_tls_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keystore = _tls(tmp_path).keystore
    monkeypatch.setenv(TLS_PASSWORD_ENV, "from-env")
    (config,) = start_configs(_start_args("--tls-keystore", str(keystore)))
    assert config.client_tls == ClientTls(keystore.resolve(), "from-env")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tls-keystore", "{keystore}"], "needs --tls-password"),
        (["--tls-keystore", "{missing}", "--tls-password", "pw"], "no such file"),
        (["--tls-password", "pw"], "--tls-password needs --tls-keystore"),
        (["--tls-keystore", "{keystore}", "--tls-password", "pw", "--tls-store-type", "PEM"],
         "must be PKCS12 or JKS"),
    ],
)  # fmt: skip
def test_cli_tls_mistakes_are_refused(
    argv: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TLS_PASSWORD_ENV, raising=False)
    keystore = _tls(tmp_path).keystore
    filled = [a.format(keystore=keystore, missing=tmp_path / "absent.p12") for a in argv]
    with pytest.raises(LauncherError, match=message):
        start_configs(_start_args(*filled))


def test_cli_schema_flush_is_on_unless_switched_off() -> None:
    assert [c.flush_schema for c in start_configs(_start_args())] == [True]
    assert [c.flush_schema for c in start_configs(_start_args("--no-schema-flush"))] == [False]
