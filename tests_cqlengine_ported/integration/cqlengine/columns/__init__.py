"""Ported ``tests/integration/cqlengine/columns``."""
