"""Declaring a model with a UDT column and no connection (upstream unit `test_udt.py`)."""

from __future__ import annotations

import unittest

from coodie_compat import columns, connection
from coodie_compat.models import Model
from coodie_compat.usertype import UserType


class UDTTest(unittest.TestCase):
    def test_initialization_without_existing_connection(self) -> None:
        """A model using a UDT can be declared before any connection exists (PYTHON-649)."""

        class Value(UserType):
            t = columns.Text()

        class DummyUDT(Model):
            __keyspace__ = "ks"
            primary_key = columns.Integer(primary_key=True)
            value = columns.UserDefinedType(Value)

        assert DummyUDT._columns["value"].db_type == "frozen<value>"
        assert connection.udt_by_keyspace["ks"]["value"] is Value
