"""Ported ``tests/integration/cqlengine``: one module per upstream test file, same names."""
