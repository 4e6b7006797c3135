"""Ported ``tests/integration/cqlengine/query``."""
