"""Column ordering, hashing and frozen collections (upstream unit `test_columns.py`)."""

from __future__ import annotations

import unittest

import pytest

from coodie_compat.columns import Column, Integer, List, Map, Set, Text


class ColumnTest(unittest.TestCase):
    def test_comparisons(self) -> None:
        c0 = Column()
        c1 = Column()
        assert c1.position - c0.position == 1

        assert c0 != c1
        assert c0 != object()

        assert c0 == c0
        assert not c0 == object()  # noqa: SIM201 - exercises __eq__ with a non-column

        assert c0 < c1
        assert c0 <= c1
        assert c0 <= c0
        assert c1 > c0
        assert c1 >= c0
        assert c1 >= c1
        for compare in (
            lambda: c0 < object(),
            lambda: c0 <= object(),
            lambda: c1 > object(),
            lambda: c1 >= object(),
        ):
            with pytest.raises(TypeError):
                compare()

    def test_hash(self) -> None:
        c0 = Column()
        assert id(c0) == c0.__hash__()


class FrozenCollectionTest(unittest.TestCase):
    """The ``frozen`` keyword of List, Set and Map."""

    def test_list_default_not_frozen(self) -> None:
        col = List(Text)
        assert col.frozen is False
        assert col.db_type == "list<text>"

    def test_list_frozen_true(self) -> None:
        col = List(Text, frozen=True)
        assert col.frozen is True
        assert col.db_type == "frozen<list<text>>"

    def test_set_default_not_frozen(self) -> None:
        col = Set(Text)
        assert col.frozen is False
        assert col.db_type == "set<text>"

    def test_set_frozen_true(self) -> None:
        col = Set(Text, frozen=True)
        assert col.frozen is True
        assert col.db_type == "frozen<set<text>>"

    def test_map_default_not_frozen(self) -> None:
        col = Map(Text, Integer)
        assert col.frozen is False
        assert col.db_type == "map<text, int>"

    def test_map_frozen_true(self) -> None:
        col = Map(Text, Integer, frozen=True)
        assert col.frozen is True
        assert col.db_type == "frozen<map<text, int>>"

    def test_frozen_with_index(self) -> None:
        """A frozen collection may be indexed."""
        col = List(Text, frozen=True, index=True)
        assert col.frozen is True
        assert col.index is True
        assert col.db_type == "frozen<list<text>>"
