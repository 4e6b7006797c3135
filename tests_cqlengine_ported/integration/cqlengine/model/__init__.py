"""Ported ``tests/integration/cqlengine/model``."""
