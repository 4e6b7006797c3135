"""Ported ``tests/integration/cqlengine/management``."""
