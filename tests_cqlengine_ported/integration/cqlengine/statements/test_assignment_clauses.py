"""Collection, counter and delete clauses: analysis, rendering and bound values."""

from __future__ import annotations

import unittest
from typing import Any

from coodie_compat.statements import (
    AssignmentClause,
    BaseClause,
    CounterUpdateClause,
    FieldDeleteClause,
    ListUpdateClause,
    MapDeleteClause,
    MapUpdateClause,
    SetUpdateClause,
)


def _analyzed(clause: Any, first_id: int = 0) -> Any:
    """Run the clause's change analysis and number it from ``first_id``."""
    clause._analyze()
    clause.set_context_id(first_id)
    return clause


def _bound(clause: BaseClause) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    clause.update_context(ctx)
    return ctx


class AssignmentClauseTests(unittest.TestCase):
    def test_rendering(self) -> None:
        clause = AssignmentClause("name", "value")
        clause.set_context_id(3)
        assert str(clause) == '"name" = %(3)s'
        assert _bound(clause) == {"3": "value"}

    def test_insert_tuple(self) -> None:
        clause = AssignmentClause("x", "y")
        clause.set_context_id(10)
        assert clause.insert_tuple() == ("x", 10)


class SetUpdateClauseTests(unittest.TestCase):
    def test_update_from_none(self) -> None:
        clause = _analyzed(SetUpdateClause("s", {1, 2}, previous=None))
        assert (clause._assignments, clause._additions, clause._removals) == ({1, 2}, None, None)
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = %(0)s'
        assert _bound(clause) == {"0": {1, 2}}

    def test_null_update(self) -> None:
        # Setting a set to None over an existing value plans nothing at all.
        clause = _analyzed(SetUpdateClause("s", None, previous={1, 2}))
        assert (clause._assignments, clause._additions, clause._removals) == (None, None, None)
        assert clause.get_context_size() == 0
        assert str(clause) == ""
        assert _bound(clause) == {}

    def test_no_update(self) -> None:
        clause = _analyzed(SetUpdateClause("s", {1, 2}, previous={1, 2}))
        assert (clause._assignments, clause._additions, clause._removals) == (None, None, None)
        assert clause.get_context_size() == 0
        assert str(clause) == ""
        assert _bound(clause) == {}

    def test_update_empty_set(self) -> None:
        # Assigning an empty set is still an assignment: one placeholder bound to set().
        clause = _analyzed(SetUpdateClause(field="s", value=set()))
        assert clause._assignments == set()
        assert clause._additions is None
        assert clause._removals is None
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = %(0)s'
        assert _bound(clause) == {"0": set()}

    def test_additions(self) -> None:
        clause = _analyzed(SetUpdateClause("s", {1, 2, 3}, previous={1, 2}))
        assert (clause._assignments, clause._additions, clause._removals) == (None, {3}, None)
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = "s" + %(0)s'
        assert _bound(clause) == {"0": {3}}

    def test_removals(self) -> None:
        clause = _analyzed(SetUpdateClause("s", {1, 2}, previous={1, 2, 3}))
        assert (clause._assignments, clause._additions, clause._removals) == (None, None, {3})
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = "s" - %(0)s'
        assert _bound(clause) == {"0": {3}}

    def test_additions_and_removals(self) -> None:
        clause = _analyzed(SetUpdateClause("s", {2, 3}, previous={1, 2}))
        assert (clause._assignments, clause._additions, clause._removals) == (None, {3}, {1})
        assert clause.get_context_size() == 2
        assert str(clause) == '"s" = "s" + %(0)s, "s" = "s" - %(1)s'
        assert _bound(clause) == {"0": {3}, "1": {1}}


class ListUpdateClauseTests(unittest.TestCase):
    def _assert_whole_assignment(self, clause: ListUpdateClause, value: list[int]) -> None:
        assert (clause._assignments, clause._append, clause._prepend) == (value, None, None)
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = %(0)s'
        assert _bound(clause) == {"0": value}

    def test_update_from_none(self) -> None:
        self._assert_whole_assignment(_analyzed(ListUpdateClause("s", [1, 2, 3])), [1, 2, 3])

    def test_update_from_empty(self) -> None:
        clause = _analyzed(ListUpdateClause("s", [1, 2, 3], previous=[]))
        self._assert_whole_assignment(clause, [1, 2, 3])

    def test_update_from_different_list(self) -> None:
        clause = _analyzed(ListUpdateClause("s", [1, 2, 3], previous=[3, 2, 1]))
        self._assert_whole_assignment(clause, [1, 2, 3])

    def test_append(self) -> None:
        clause = _analyzed(ListUpdateClause("s", [1, 2, 3, 4], previous=[1, 2]))
        assert (clause._assignments, clause._append, clause._prepend) == (None, [3, 4], None)
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = "s" + %(0)s'
        assert _bound(clause) == {"0": [3, 4]}

    def test_prepend(self) -> None:
        clause = _analyzed(ListUpdateClause("s", [1, 2, 3, 4], previous=[3, 4]))
        assert (clause._assignments, clause._append, clause._prepend) == (None, None, [1, 2])
        assert clause.get_context_size() == 1
        assert str(clause) == '"s" = %(0)s + "s"'
        assert _bound(clause) == {"0": [1, 2]}

    def test_append_and_prepend(self) -> None:
        clause = _analyzed(ListUpdateClause("s", [1, 2, 3, 4, 5, 6], previous=[3, 4]))
        assert (clause._assignments, clause._append, clause._prepend) == (None, [5, 6], [1, 2])
        assert clause.get_context_size() == 2
        # The prepended head takes the first placeholder, the appended tail the next.
        assert str(clause) == '"s" = %(0)s + "s", "s" = "s" + %(1)s'
        assert _bound(clause) == {"0": [1, 2], "1": [5, 6]}

    def test_shrinking_list_update(self) -> None:
        # A shorter list cannot be reached by prepending/appending: rewrite it whole.
        clause = _analyzed(ListUpdateClause("s", [1, 2, 3], previous=[1, 2, 3, 4]))
        self._assert_whole_assignment(clause, [1, 2, 3])


class MapUpdateTests(unittest.TestCase):
    _PER_KEY = '"s"[%(0)s] = %(1)s, "s"[%(2)s] = %(3)s'

    def test_update(self) -> None:
        clause = _analyzed(MapUpdateClause("s", {3: 0, 5: 6}, previous={5: 0, 3: 4}))
        assert clause._updates == [3, 5]
        assert clause.get_context_size() == 4
        assert str(clause) == self._PER_KEY
        assert _bound(clause) == {"0": 3, "1": 0, "2": 5, "3": 6}

    def test_update_from_null(self) -> None:
        clause = _analyzed(MapUpdateClause("s", {5: 6, 3: 0}))
        assert clause._updates == [3, 5]
        assert clause.get_context_size() == 4
        assert str(clause) == self._PER_KEY
        assert _bound(clause) == {"0": 3, "1": 0, "2": 5, "3": 6}

    def test_nulled_columns_arent_included(self) -> None:
        # Key 1 vanished from the map: that is a delete, not part of the update.
        clause = _analyzed(MapUpdateClause("s", {3: 0}, {1: 2, 3: 4}))
        assert clause._updates == [3]
        assert 1 not in clause._updates


class CounterUpdateTests(unittest.TestCase):
    def test_positive_update(self) -> None:
        clause = CounterUpdateClause("a", 5, 3)
        clause.set_context_id(5)
        assert clause.get_context_size() == 1
        assert str(clause) == '"a" = "a" + %(5)s'
        assert _bound(clause) == {"5": 2}

    def test_negative_update(self) -> None:
        clause = CounterUpdateClause("a", 4, 7)
        clause.set_context_id(3)
        assert clause.get_context_size() == 1
        assert str(clause) == '"a" = "a" - %(3)s'
        assert _bound(clause) == {"3": 3}

    def noop_update(self) -> None:
        # Not collected, exactly like its upstream twin (no ``test_`` prefix);
        # tests/unit/compat/test_statements_render.py covers the zero delta.
        clause = CounterUpdateClause("a", 5, 5)
        clause.set_context_id(5)
        assert clause.get_context_size() == 1
        assert str(clause) == '"a" = "a" + %(5)s'
        assert _bound(clause) == {"5": 0}


class MapDeleteTests(unittest.TestCase):
    def test_update(self) -> None:
        clause = _analyzed(MapDeleteClause("s", {3: 0}, {5: 6, 1: 2, 3: 4}))
        assert clause._removals == [1, 5]
        assert clause.get_context_size() == 2
        assert str(clause) == '"s"[%(0)s], "s"[%(1)s]'
        assert _bound(clause) == {"0": 1, "1": 5}


class FieldDeleteTests(unittest.TestCase):
    def test_str(self) -> None:
        assert str(FieldDeleteClause("blake")) == '"blake"'
