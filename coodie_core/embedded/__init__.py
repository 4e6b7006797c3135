"""An embedded Apache Cassandra 5.0 node for tests and demos.

The launcher obtains ``cassandra-all`` and its runtime dependencies from Maven
Central, caches them, writes its own configuration and runs the server on
127.0.0.1 with Java 17 (or 11). See :mod:`coodie_core.embedded.node`.
"""

from coodie_core.embedded.errors import LauncherError
from coodie_core.embedded.node import EmbeddedNode, NodeStatus

__all__ = ["EmbeddedNode", "LauncherError", "NodeStatus"]
