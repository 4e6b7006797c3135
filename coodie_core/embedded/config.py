"""Configuration files and JVM arguments for one embedded node (pure functions).

Everything here is computed from a :class:`NodeConfig`; nothing touches the
disk or starts a process, so unit tests can check the exact output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CASSANDRA_VERSION = "5.0.6"
"""The one pinned Apache Cassandra release the launcher runs."""

MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon"


@dataclass(frozen=True)
class ClientTls:
    """TLS on the native port: required (``enabled: true, optional: false``).

    ``keystore`` holds the node's key and certificate (``store_type`` PKCS12 or
    JKS), opened with ``password``. Clients are not asked for a certificate.
    """

    keystore: Path
    password: str
    store_type: str = "PKCS12"

    def __repr__(self) -> str:
        """Hide the password."""
        return f"ClientTls(keystore={str(self.keystore)!r}, store_type={self.store_type!r})"


@dataclass(frozen=True)
class NodeConfig:
    """Where one node lives and how it listens.

    ``home`` holds ``conf/``, ``data/``, ``logs/`` and ``tmp/`` of this node.
    ``seeds`` defaults to the node's own address (a single-node cluster).
    ``client_tls`` makes the native port speak TLS only (the readiness probe
    then connects over TLS). ``flush_schema`` writes each schema change to disk
    at once (Cassandra's default): without it a node killed with SIGKILL can
    come back without keyspaces and tables created shortly before.
    """

    home: Path
    address: str = "127.0.0.1"
    native_port: int = 9042
    storage_port: int = 7000
    jmx_port: int = 7199
    cluster_name: str = "coodie"
    datacenter: str = "dc1"
    rack: str = "rack1"
    initial_token: int = 0
    seeds: tuple[str, ...] = ()
    heap: str = "1G"
    authenticator: str = "AllowAllAuthenticator"
    extra_properties: tuple[str, ...] = field(default_factory=tuple)
    ring_delay_ms: int | None = None
    phi_convict_threshold: int | None = None
    client_tls: ClientTls | None = None
    flush_schema: bool = True

    @property
    def conf_dir(self) -> Path:
        """Directory holding cassandra.yaml, logback.xml and the rack/DC file."""
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        """Root of the node's storage (data, commitlog, saved caches, hints)."""
        return self.home / "data"

    @property
    def log_dir(self) -> Path:
        """Directory of ``system.log`` and the captured console output."""
        return self.home / "logs"

    @property
    def tmp_dir(self) -> Path:
        """An exec-able temporary directory (JNA unpacks a native library here)."""
        return self.home / "tmp"

    @property
    def pidfile(self) -> Path:
        """The pidfile written by the launcher when it starts the JVM."""
        return self.home / "cassandra.pid"

    @property
    def system_log(self) -> Path:
        """The server's own log file."""
        return self.log_dir / "system.log"

    @property
    def console_log(self) -> Path:
        """stdout and stderr of the JVM."""
        return self.log_dir / "console.log"


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_cassandra_yaml(cfg: NodeConfig) -> str:
    """Return ``cassandra.yaml`` for a fast test node (5.0 key names only)."""
    seeds = ",".join(cfg.seeds or (cfg.address,))
    data = cfg.data_dir
    lines = [
        f"cluster_name: {_yaml_quote(cfg.cluster_name)}",
        "num_tokens: 1",
        f"initial_token: {_yaml_quote(str(cfg.initial_token))}",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: GossipingPropertyFileSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        f"      - seeds: {_yaml_quote(seeds)}",
        f"listen_address: {cfg.address}",
        f"rpc_address: {cfg.address}",
        f"storage_port: {cfg.storage_port}",
        f"native_transport_port: {cfg.native_port}",
        "start_native_transport: true",
        "auto_bootstrap: false",
        f"authenticator: {cfg.authenticator}",
        "authorizer: "
        + (
            "CassandraAuthorizer"
            if cfg.authenticator == "PasswordAuthenticator"
            else "AllowAllAuthorizer"
        ),
        "data_file_directories:",
        f"  - {_yaml_quote(str(data / 'data'))}",
        f"commitlog_directory: {_yaml_quote(str(data / 'commitlog'))}",
        f"saved_caches_directory: {_yaml_quote(str(data / 'saved_caches'))}",
        f"hints_directory: {_yaml_quote(str(data / 'hints'))}",
        f"cdc_raw_directory: {_yaml_quote(str(data / 'cdc_raw'))}",
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "commitlog_segment_size: 32MiB",
        "disk_failure_policy: stop",
        "commit_failure_policy: stop",
        "auto_snapshot: false",
        "materialized_views_enabled: true",
        "sasi_indexes_enabled: true",
        "user_defined_functions_enabled: true",
        "read_request_timeout: 10000ms",
        "write_request_timeout: 10000ms",
        "range_request_timeout: 20000ms",
        "request_timeout: 20000ms",
        "batch_size_warn_threshold: 64KiB",
        "batch_size_fail_threshold: 640KiB",
        "tombstone_failure_threshold: 1000000",
        "concurrent_materialized_view_builders: 1",
    ]
    if cfg.phi_convict_threshold is not None:
        lines.append(f"phi_convict_threshold: {cfg.phi_convict_threshold}")
    if cfg.client_tls is not None:
        lines += _client_encryption_lines(cfg.client_tls)
    return "\n".join(lines) + "\n"


def _client_encryption_lines(tls: ClientTls) -> list[str]:
    return [
        "client_encryption_options:",
        "  enabled: true",
        "  optional: false",
        f"  keystore: {_yaml_quote(str(tls.keystore))}",
        f"  keystore_password: {_yaml_quote(tls.password)}",
        f"  store_type: {_yaml_quote(tls.store_type)}",
        "  require_client_auth: false",
    ]


def tls_enabled_in(yaml_text: str) -> bool:
    """Whether a ``cassandra.yaml`` this module rendered requires TLS on the native port."""
    return "client_encryption_options:\n  enabled: true\n" in yaml_text


def render_rackdc_properties(cfg: NodeConfig) -> str:
    """Return ``cassandra-rackdc.properties`` naming the node's DC and rack."""
    return f"dc={cfg.datacenter}\nrack={cfg.rack}\n"


def render_logback_xml(cfg: NodeConfig) -> str:
    """Return a logback configuration writing INFO and above to ``system.log``."""
    log = cfg.system_log
    return f"""<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>{log}</file>
    <append>true</append>
    <encoder>
      <pattern>%-5level [%thread] %date{{ISO8601}} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="FILE"/>
  </root>
  <logger name="org.apache.cassandra" level="INFO"/>
  <logger name="com.thinkaurelius.thrift" level="ERROR"/>
</configuration>
"""


_ADD_EXPORTS = (
    "java.base/jdk.internal.misc",
    "java.management.rmi/com.sun.jmx.remote.internal.rmi",
    "java.management/com.sun.jmx.remote.security",
    "java.rmi/sun.rmi.registry",
    "java.rmi/sun.rmi.server",
    "java.sql/java.sql",
    "java.base/java.lang.ref",
    "jdk.unsupported/sun.misc",
)

_ADD_OPENS = (
    "java.base/java.lang.module",
    "java.base/jdk.internal.loader",
    "java.base/jdk.internal.ref",
    "java.base/jdk.internal.reflect",
    "java.base/jdk.internal.math",
    "java.base/jdk.internal.module",
    "java.base/jdk.internal.util.jar",
    "jdk.management/com.sun.management.internal",
    "java.base/sun.nio.ch",
    "java.base/java.io",
    "java.base/java.lang.reflect",
    "java.base/java.lang",
    "java.base/java.util",
    "java.base/java.nio",
)

_JAVA17_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:+ParallelRefProcEnabled",
    "-XX:MaxTenuringThreshold=1",
    "-XX:G1HeapRegionSize=16m",
    "-XX:G1RSetUpdatingPauseTimePercent=5",
    "-XX:MaxGCPauseMillis=300",
    "-XX:InitiatingHeapOccupancyPercent=70",
    "-Djdk.attach.allowAttachSelf=true",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dio.netty.allocator.useCacheForAllThreads=true",
    "-Dio.netty.allocator.maxOrder=11",
)

TEST_SPEED_PROPERTIES = (
    "-Dcassandra.skip_wait_for_gossip_to_settle=0",
    "-Dcassandra.skip_sync=true",
    "-Dcassandra.superuser_setup_delay_ms=0",
)
"""System properties that make a test node start faster."""


def schema_flush_property(flush: bool) -> str:
    """The system property that flushes (or not) each local schema change to disk."""
    return f"-Dcassandra.test.flush_local_schema_changes={'true' if flush else 'false'}"


def jamm_agent(lib_dir: Path) -> Path:
    """Return the jamm jar in ``lib_dir`` (needed as ``-javaagent``)."""
    jars = sorted(lib_dir.glob("jamm-*.jar"))
    if not jars:
        from coodie_core.embedded.errors import LauncherError

        raise LauncherError(f"jamm jar not found in {lib_dir}: the cached distribution is broken")
    return jars[-1]


def jvm_arguments(cfg: NodeConfig, lib_dir: Path) -> list[str]:
    """Return the JVM arguments (everything after ``java``) that start the node."""
    args = [
        f"-Xms{cfg.heap}",
        f"-Xmx{cfg.heap}",
        "-XX:+ExitOnOutOfMemoryError",
        "-ea",
        "-da:net.openhft...",
        "-XX:+UseThreadPriorities",
        "-Xss256k",
        "-XX:+UseTLAB",
        "-XX:+ResizeTLAB",
        "-XX:+PerfDisableSharedMem",
        "-Djava.net.preferIPv4Stack=true",
        "-Dchronicle.analytics.disable=true",
        *_JAVA17_FLAGS,
    ]
    for module in _ADD_EXPORTS:
        args += ["--add-exports", f"{module}=ALL-UNNAMED"]
    for module in _ADD_OPENS:
        args += ["--add-opens", f"{module}=ALL-UNNAMED"]
    args += [
        f"-javaagent:{jamm_agent(lib_dir)}",
        f"-Dcassandra.config=file://{cfg.conf_dir / 'cassandra.yaml'}",
        f"-Dlogback.configurationFile=file://{cfg.conf_dir / 'logback.xml'}",
        f"-Dcassandra.logdir={cfg.log_dir}",
        f"-Dcassandra.storagedir={cfg.data_dir}",
        f"-Dcassandra.triggers_dir={cfg.home / 'triggers'}",
        "-Dcassandra-foreground=yes",
        f"-Dcassandra-pidfile={cfg.home / 'cassandra-jvm.pid'}",
        f"-Djava.io.tmpdir={cfg.tmp_dir}",
        f"-Dcassandra.jmx.local.port={cfg.jmx_port}",
        "-Dcom.sun.management.jmxremote.authenticate=false",
        *TEST_SPEED_PROPERTIES,
        schema_flush_property(cfg.flush_schema),
    ]
    if cfg.ring_delay_ms is not None:
        args.append(f"-Dcassandra.ring_delay_ms={cfg.ring_delay_ms}")
    args += list(cfg.extra_properties)
    args += ["-cp", f"{cfg.conf_dir}:{lib_dir}/*", MAIN_CLASS]
    return args
