"""Ported ``tests/integration/cqlengine/connections``."""
