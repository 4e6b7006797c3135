"""Ported ``tests/unit`` of the python-driver (cqlengine part only)."""
