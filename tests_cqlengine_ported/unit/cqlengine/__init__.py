"""Ported ``tests/unit/cqlengine``: cqlengine tests that need no node."""
