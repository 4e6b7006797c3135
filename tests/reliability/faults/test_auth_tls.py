"""Authentication and TLS on a node with PasswordAuthenticator and TLS required
on its native port (the ``auth_node`` fixture: the launcher's
``NodeConfig.client_tls`` with a self-signed certificate made with keytool; the
launcher waits for it over TLS).

Right credentials over TLS work through core (``coodie_core.connect`` passes
``auth_provider`` and ``ssl_context`` to the driver's ``Cluster``) and compat
(``connection.setup(..., auth_provider=..., ssl_context=...)``). Wrong or
missing credentials, plaintext and an untrusted certificate are refused with
errors that say why, and nothing gets registered; a role without MODIFY
permission cannot write.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from cassandra import AuthenticationFailed, Unauthorized
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import NoHostAvailable

from coodie_compat import columns
from coodie_compat import connection as compat_connection
from coodie_compat import models as compat_models
from coodie_compat.management import sync_table as compat_sync_table
from coodie_compat.models import Model
from coodie_core import ConnectionNotFound, Document, PartitionKey, execution, sync_table
from coodie_core.embedded.config import CASSANDRA_VERSION
from coodie_core.embedded.node import probe_ssl_context, query_release_version
from coodie_core.management import create_keyspace
from tests.reliability.support import schema_management_allowed

KEYSPACE = "coodie_auth"


class Secret(Document):
    """A core row on the auth node."""

    id: Annotated[int, PartitionKey()]
    body: str

    class Settings:
        connection = "auth"
        keyspace = KEYSPACE


class CSecret(Model):
    """A compat row on the auth node (default connection and keyspace from setup())."""

    __table_name__ = "c_secret"
    id = columns.Integer(primary_key=True)
    body = columns.Text()


def _connect(node: Any, name: str, **options: Any) -> execution.Connection:
    options.setdefault("connect_timeout", 15)
    return execution.connect([node.address], name=name, **options)


@pytest.fixture(scope="module")
def core_auth(auth_node: Any) -> Iterator[execution.Connection]:
    """The core connection ``auth`` as the superuser, over TLS."""
    conn = _connect(auth_node, "auth", auth_provider=auth_node.superuser(),
                    ssl_context=auth_node.ssl_context())  # fmt: skip
    create_keyspace(KEYSPACE, connection="auth")
    sync_table(Secret)
    conn.session.execute(
        f"CREATE TABLE IF NOT EXISTS {KEYSPACE}.c_secret (id int PRIMARY KEY, body text)"
    )
    conn.session.execute(
        "CREATE ROLE IF NOT EXISTS reader WITH PASSWORD = 'r3ad-only' AND LOGIN = true"
    )
    conn.session.execute(f"GRANT SELECT ON KEYSPACE {KEYSPACE} TO reader")
    yield conn
    execution.unregister_connection("auth", shutdown=True)


@pytest.fixture
def compat_default(auth_node: Any) -> Iterator[None]:
    """Let a test call ``connection.setup()`` (compat's default connection, which
    compat also shares into core's registry), then unregister what it added and
    put the default keyspace back."""
    names = set(compat_connection._connections)
    keyspace = compat_models.DEFAULT_KEYSPACE
    with schema_management_allowed():
        yield
    for name in list(compat_connection._connections):
        if name not in names and name is not compat_connection.DEFAULT_CONNECTION:
            compat_connection.unregister_connection(name)
    compat_models.DEFAULT_KEYSPACE = keyspace


def test_core_right_credentials_over_tls(core_auth: execution.Connection) -> None:
    Secret(id=1, body="core").save()
    assert Secret.get(id=1).body == "core"
    control = core_auth.session.cluster.control_connection._connection
    assert isinstance(control._socket, ssl.SSLSocket)


def test_compat_setup_with_auth_provider_and_tls(
    auth_node: Any, core_auth: execution.Connection, compat_default: None
) -> None:
    compat_connection.setup([auth_node.address], KEYSPACE, auth_provider=auth_node.superuser(),
                            ssl_context=auth_node.ssl_context(), connect_timeout=15)  # fmt: skip
    compat_sync_table(CSecret)
    CSecret.create(id=1, body="compat")
    assert CSecret.get(id=1).body == "compat"
    control = compat_connection.get_cluster().control_connection._connection
    assert isinstance(control._socket, ssl.SSLSocket)


def _auth_failure(error: NoHostAvailable) -> AuthenticationFailed:
    (inner,) = error.errors.values()
    assert isinstance(inner, AuthenticationFailed), repr(inner)
    return inner


def test_core_wrong_password_is_refused_clearly(auth_node: Any) -> None:
    with pytest.raises(NoHostAvailable) as caught:
        _connect(auth_node, "wrong", ssl_context=auth_node.ssl_context(),
                 auth_provider=PlainTextAuthProvider("cassandra", "not-the-password"))  # fmt: skip
    assert "Provided username cassandra and/or password are incorrect" in str(
        _auth_failure(caught.value)
    )
    with pytest.raises(ConnectionNotFound):
        execution.get_connection("wrong")


def test_core_missing_credentials_are_refused_clearly(auth_node: Any) -> None:
    with pytest.raises(NoHostAvailable) as caught:
        _connect(auth_node, "anonymous", ssl_context=auth_node.ssl_context())
    assert "requires authentication" in str(_auth_failure(caught.value))


def test_compat_wrong_password_is_refused_clearly(auth_node: Any, compat_default: None) -> None:
    with pytest.raises(NoHostAvailable) as caught:
        compat_connection.register_connection(
            "wrong", hosts=[auth_node.address],
            cluster_options={"ssl_context": auth_node.ssl_context(), "connect_timeout": 15,
                             "auth_provider": PlainTextAuthProvider("cassandra", "nope")},
        )  # fmt: skip
    assert "password are incorrect" in str(_auth_failure(caught.value))
    assert "wrong" not in compat_connection._connections


def test_plaintext_is_refused_when_tls_is_required(auth_node: Any) -> None:
    with pytest.raises(NoHostAvailable):
        _connect(auth_node, "plain", auth_provider=auth_node.superuser())
    with pytest.raises(ConnectionNotFound):
        execution.get_connection("plain")


def test_untrusted_certificate_is_refused(auth_node: Any) -> None:
    with pytest.raises(NoHostAvailable) as caught:
        _connect(auth_node, "untrusted", auth_provider=auth_node.superuser(),
                 ssl_context=ssl.create_default_context())  # fmt: skip
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_read_only_role_cannot_write(
    auth_node: Any, core_auth: execution.Connection, compat_default: None
) -> None:
    reader = PlainTextAuthProvider("reader", "r3ad-only")
    Secret(id=2, body="kept").save()
    conn = _connect(auth_node, "reader", auth_provider=reader, ssl_context=auth_node.ssl_context())
    try:
        execution.register_connection("auth", conn.session, keyspace=KEYSPACE)
        assert Secret.get(id=2).body == "kept"
        with pytest.raises(Unauthorized, match="has no MODIFY permission"):
            Secret(id=2, body="overwritten").save()
        context = auth_node.ssl_context()
        compat_connection.setup([auth_node.address], KEYSPACE, auth_provider=reader,
                                ssl_context=context, connect_timeout=15)  # fmt: skip
        with pytest.raises(Unauthorized, match="has no MODIFY permission"):
            CSecret.create(id=3, body="nope")
    finally:
        execution.register_connection("auth", core_auth.session, keyspace=KEYSPACE)
        execution.unregister_connection("reader", shutdown=True)
    assert Secret.get(id=2).body == "kept"


def test_launcher_probe_speaks_tls_to_the_node(auth_node: Any) -> None:
    """The launcher's readiness probe answers only over TLS here: a node that
    requires TLS refuses the plain probe, so ``wait_ready`` uses the TLS one."""
    credentials = ("cassandra", "cassandra")
    plain = query_release_version(auth_node.address, 9042, credentials=credentials)
    secure = query_release_version(
        auth_node.address, 9042, credentials=credentials, ssl_context=probe_ssl_context()
    )
    assert plain is None
    assert secure == CASSANDRA_VERSION
