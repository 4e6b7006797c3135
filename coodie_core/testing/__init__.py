"""Test infrastructure shipped with coodie: where tests get a database.

:func:`coodie_core.testing.provider.acquire_database` picks an existing
cluster, a testcontainers container or the embedded node; the pytest plugin
:mod:`coodie_core.testing.pytest_plugin` wraps it in fixtures.
"""

from coodie_core.testing.provider import Database, acquire_database

__all__ = ["Database", "acquire_database"]
