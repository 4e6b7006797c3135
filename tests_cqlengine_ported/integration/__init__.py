"""Ported ``tests/integration`` of the python-driver (cqlengine part only)."""
