"""The connection registry when nothing is registered (upstream unit `test_connection.py`)."""

from __future__ import annotations

import unittest
from unittest.mock import Mock

import pytest
from cassandra.cluster import _ConfigMode
from cassandra.query import dict_factory

from coodie_compat import connection


class ConnectionTest(unittest.TestCase):
    no_registered_connection_msg = "doesn't exist in the registry"

    def setUp(self) -> None:
        super().setUp()
        assert not connection._connections, (
            f"Test precondition not met: connections are registered: {connection._connections}"
        )

    def test_set_session_without_existing_connection(self) -> None:
        """A default session can be set when no default connection exists yet."""
        mock_cluster = Mock(_config_mode=_ConfigMode.LEGACY)
        mock_session = Mock(row_factory=dict_factory, encoder=Mock(mapping={}),
                            cluster=mock_cluster)

        connection.set_session(mock_session)

        assert connection.get_session() is mock_session
        assert connection.get_connection("default").session is mock_session
        assert mock_session.encoder.mapping[tuple] is mock_session.encoder.cql_encode_tuple

    def test_get_session_fails_without_existing_connection(self) -> None:
        """Without a default connection there is no default session to get."""
        with pytest.raises(connection.CQLEngineException, match=self.no_registered_connection_msg):
            connection.get_session(connection=None)

    def test_get_cluster_fails_without_existing_connection(self) -> None:
        """Without a default connection there is no default cluster to get."""
        with pytest.raises(connection.CQLEngineException, match=self.no_registered_connection_msg):
            connection.get_cluster(connection=None)
