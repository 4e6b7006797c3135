"""coodie_compat's pure statement layer: operators, query functions, clauses, statements.

Exact CQL text, placeholder numbering and context dicts, beyond what the
ported upstream tests cover.  Column dispatch in ``UpdateStatement.add_update``
is checked against a fake ``coodie_compat.columns`` module.
"""

from __future__ import annotations

import subprocess
import sys
import time
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cassandra.query import FETCH_SIZE_UNSET

import coodie_compat
from coodie_compat import functions, operators, statements
from coodie_compat.functions import MaxTimeUUID, MinTimeUUID, QueryValue, Token
from coodie_compat.operators import (
    BaseWhereOperator,
    EqualsOperator,
    GreaterThanOperator,
    InOperator,
    NotEqualsOperator,
)
from coodie_compat.statements import (
    ConditionalClause,
    CounterUpdateClause,
    DeleteStatement,
    InQuoter,
    InsertStatement,
    IsNotNull,
    ListUpdateClause,
    MapDeleteClause,
    MapUpdateClause,
    SelectStatement,
    SetUpdateClause,
    StatementException,
    UpdateStatement,
    ValueQuoter,
    WhereClause,
)


class _Col:
    """A column as the statement layer sees it; records what it converts."""

    def __init__(self, db_field: str) -> None:
        self.db_field_name = db_field
        self.converted: list[Any] = []

    def to_database(self, value: Any) -> Any:
        self.converted.append(value)
        return value


def _context(clause: Any) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    clause.update_context(ctx)
    return ctx


def _numbered(clause: Any, first: int = 0) -> Any:
    clause.set_context_id(first)
    return clause


# -- package root and import hygiene -------------------------------------------------


def test_root_names() -> None:
    assert (coodie_compat.CACHING_ALL, coodie_compat.CACHING_KEYS_ONLY) == ("ALL", "KEYS_ONLY")
    assert (coodie_compat.CACHING_ROWS_ONLY, coodie_compat.CACHING_NONE) == ("ROWS_ONLY", "NONE")
    assert issubclass(coodie_compat.ValidationError, coodie_compat.CQLEngineException)
    assert issubclass(coodie_compat.CQLEngineException, Exception)


def test_unicode_mixin_routes_str() -> None:
    class Shout(coodie_compat.UnicodeMixin):
        def __unicode__(self) -> str:
            return "HEY"

    assert str(Shout()) == "HEY"
    assert f"{Shout()}" == "HEY"


def test_statement_layer_never_imports_cqlengine() -> None:
    probe = (
        "import sys, coodie_compat.statements, coodie_compat.functions, coodie_compat.operators;"
        "loaded = sorted(m for m in sys.modules if m.startswith('cassandra.cqlengine'));"
        "assert not loaded, loaded;"
        "assert 'coodie_compat.columns' not in sys.modules"
    )
    repo_root = Path(coodie_compat.__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=repo_root)


# -- operators --------------------------------------------------------------------


def test_operator_registry_is_exact() -> None:
    assert sorted(BaseWhereOperator.opmap) == sorted(
        ["EQ", "NE", "IN", "GT", "GTE", "LT", "LTE", "CONTAINS", "LIKE", "IS NOT NULL"]
    )
    assert BaseWhereOperator.get_operator("gte") is operators.GreaterThanOrEqualOperator
    assert EqualsOperator.get_operator("is not null") is operators.IsNotNullOperator


def test_unknown_operator_is_not_a_cqlengine_exception() -> None:
    with pytest.raises(operators.QueryOperatorException, match=r"^BOGUS doesn't map"):
        BaseWhereOperator.get_operator("BOGUS")
    assert not issubclass(operators.QueryOperatorException, coodie_compat.CQLEngineException)


def test_operator_without_cql_symbol_refuses_to_render() -> None:
    with pytest.raises(operators.QueryOperatorException):
        str(operators.BaseQueryOperator())


@pytest.mark.parametrize(
    "name", ["InOperator", "ContainsOperator", "LikeOperator", "IsNotNullOperator"]
)
def test_equality_like_operators_derive_from_equals(name: str) -> None:
    assert issubclass(getattr(operators, name), EqualsOperator)


def test_ranges_and_not_equals_are_not_equalities() -> None:
    for name in ["NotEqualsOperator", "GreaterThanOperator", "LessThanOrEqualOperator"]:
        assert not issubclass(getattr(operators, name), EqualsOperator)


# -- functions ----------------------------------------------------------------------


def test_query_value_renders_and_binds() -> None:
    value = _numbered(QueryValue("v"), 4)
    assert (str(value), value.get_context_size(), _context(value)) == ("%(4)s", 1, {"4": "v"})


def test_timeuuid_functions_bind_epoch_milliseconds() -> None:
    moment = datetime(2020, 1, 2, 3, 4, 5, 678000)
    low, high = _numbered(MinTimeUUID(moment), 2), _numbered(MaxTimeUUID(moment), 3)
    assert (str(low), str(high)) == ("MinTimeUUID(%(2)s)", "MaxTimeUUID(%(3)s)")
    assert _context(low) == {"2": 1577934245678}
    assert _context(high) == {"3": 1577934245678}


def test_timeuuid_functions_honour_timezones() -> None:
    eastern = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5)))
    assert MinTimeUUID(eastern).to_database(eastern) == 1577952245000
    assert functions.get_total_seconds(timedelta(minutes=2, microseconds=500)) == 120.0005


def test_timeuuid_functions_need_a_datetime() -> None:
    with pytest.raises(coodie_compat.ValidationError, match="datetime instance is required"):
        MinTimeUUID("2020-01-01")  # type: ignore[arg-type]


def test_token_unpacks_a_single_sequence() -> None:
    assert Token(1, 2).value == (1, 2)
    assert Token([1, 2]).value == [1, 2]
    assert Token((3,)).value == (3,)
    assert Token("ab").value == ("ab",)


def test_token_renders_one_placeholder_per_value_and_converts_them() -> None:
    token = _numbered(Token(1, "x"), 3)
    token.set_columns([_Col("a"), _Col("b")])
    assert (str(token), token.get_context_size()) == ("token(%(3)s, %(4)s)", 2)
    assert _context(token) == {"3": 1, "4": "x"}


def test_token_needs_its_columns_before_binding() -> None:
    with pytest.raises(TypeError):
        _context(_numbered(Token(1)))


# -- clauses ------------------------------------------------------------------------


def test_in_restriction_binds_an_in_quoter() -> None:
    clause = _numbered(WhereClause("k", InOperator(), [1, "it's"]), 2)
    assert str(clause) == '"k" IN %(2)s'
    bound = _context(clause)["2"]
    assert isinstance(bound, InQuoter)
    assert str(bound) == "(1, 'it''s')"
    assert bound == InQuoter([1, "it's"])


def test_value_quoter_renders_cql_literals() -> None:
    assert str(ValueQuoter([1, "a"])) == "[1, 'a']"
    assert str(ValueQuoter((2,))) == "[2]"
    assert str(ValueQuoter({"k": "v", "n": 1})) == "{'k':'v', 'n':1}"
    assert str(ValueQuoter({5})) == "{5}"
    assert str(ValueQuoter("o'k")) == "'o''k'"
    assert ValueQuoter(1) != InQuoter(1)


def test_token_where_clause_uses_several_placeholders() -> None:
    select = SelectStatement("ks.m", limit=10000)
    token = Token(5, 6)
    token.set_columns([_Col("p1"), _Col("p2")])
    select._add_where_clause(
        WhereClause('token("p1", "p2")', GreaterThanOperator(), token, quote_field=False)
    )
    select.add_where(_Col("v"), EqualsOperator(), 9)
    assert str(select) == (
        'SELECT * FROM ks.m WHERE token("p1", "p2") > token(%(0)s, %(1)s) AND "v" = %(2)s '
        "LIMIT 10000"
    )
    assert select.get_context() == {"0": 5, "1": 6, "2": 9}


def test_is_not_null_binds_nothing() -> None:
    clause = _numbered(IsNotNull("text"), 4)
    assert (str(clause), clause.get_context_size(), _context(clause)) == (
        '"text" IS NOT NULL', 0, {}
    )
    assert isinstance(clause, WhereClause)


def test_equal_where_clauses_hash_alike() -> None:
    first, second = WhereClause("a", EqualsOperator(), 1), WhereClause("a", EqualsOperator(), 1)
    assert first == second
    assert hash(first) == hash(second)
    assert first != WhereClause("a", NotEqualsOperator(), 1)


def test_conditional_clause() -> None:
    clause = _numbered(ConditionalClause("t", "x"), 6)
    assert (str(clause), clause.insert_tuple(), _context(clause)) == (
        '"t" = %(6)s', ("t", 6), {"6": "x"}
    )


def test_counter_without_change_still_binds_zero() -> None:
    clause = _numbered(CounterUpdateClause("c", 5, 5), 5)
    assert (str(clause), clause.get_context_size(), _context(clause)) == (
        '"c" = "c" + %(5)s', 1, {"5": 0}
    )
    assert str(_numbered(CounterUpdateClause("c", -2))) == '"c" = "c" - %(0)s'


def test_set_without_value_or_previous_writes_an_empty_set() -> None:
    clause = _numbered(SetUpdateClause("s", None))
    assert (str(clause), clause.get_context_size(), _context(clause)) == (
        '"s" = %(0)s', 1, {"0": set()}
    )


def test_set_operations() -> None:
    added = _numbered(SetUpdateClause("s", {1}, "add", previous={9}), 2)
    assert (str(added), _context(added)) == ('"s" = "s" + %(2)s', {"2": {1}})
    removed = _numbered(SetUpdateClause("s", {1}, "remove"), 2)
    assert (str(removed), _context(removed)) == ('"s" = "s" - %(2)s', {"2": {1}})
    assert SetUpdateClause("s", set(), "add").get_context_size() == 0


def test_list_operations() -> None:
    appended = _numbered(ListUpdateClause("l", [7], "append", previous=[1]), 1)
    assert (str(appended), _context(appended)) == ('"l" = "l" + %(1)s', {"1": [7]})
    prepended = _numbered(ListUpdateClause("l", [0], "prepend"), 1)
    assert (str(prepended), _context(prepended)) == ('"l" = %(1)s + "l"', {"1": [0]})
    unchanged = ListUpdateClause("l", [1, 2], previous=[1, 2])
    assert unchanged.get_context_size() == 0
    # An empty list over no previous value is still an assignment.
    assert ListUpdateClause("l", []).get_context_size() == 1


def test_map_update_operation_keeps_the_given_key_order() -> None:
    clause = _numbered(MapUpdateClause("m", {"b": 1, "a": 2}, "update"), 3)
    assert str(clause) == '"m"[%(3)s] = %(4)s, "m"[%(5)s] = %(6)s'
    assert _context(clause) == {"3": "b", "4": 1, "5": "a", "6": 2}


def test_map_remove_operation_subtracts_keys() -> None:
    clause = _numbered(MapUpdateClause("m", {"k": None, "j": None}, "remove", previous={}), 2)
    assert (str(clause), clause.get_context_size()) == ('"m" = "m" - %(2)s', 1)
    assert _context(clause) == {"2": {"k", "j"}}


def test_empty_map_without_previous_value_is_cleared() -> None:
    clause = _numbered(MapUpdateClause("m", {}), 1)
    assert clause.is_assignment
    assert (str(clause), clause.get_context_size(), _context(clause)) == (
        '"m" = %(1)s', 1, {"1": {}}
    )


def test_unchanged_map_plans_nothing() -> None:
    clause = MapUpdateClause("m", {1: 2}, previous={1: 2})
    assert not clause.is_assignment
    assert clause.get_context_size() == 0


def test_map_delete_without_removed_keys() -> None:
    clause = MapDeleteClause("m", None, None)
    assert (str(clause), clause.get_context_size(), _context(clause)) == ("", 0, {})


# -- statements ---------------------------------------------------------------------


def test_insert_with_every_option() -> None:
    insert = InsertStatement("ks.t", ttl=30, timestamp=1700000000000000, if_not_exists=True)
    insert.add_assignment(_Col("p"), 1)
    insert.add_assignment(_Col("v"), "x")
    assert str(insert) == (
        'INSERT INTO ks.t ("p", "v") VALUES (%(0)s, %(1)s) IF NOT EXISTS '
        "USING TTL 30 AND TIMESTAMP 1700000000000000"
    )
    assert repr(insert) == str(insert)
    assert (insert.get_context(), insert.get_context_size()) == ({"0": 1, "1": "x"}, 2)


def test_insert_needs_an_assignment() -> None:
    with pytest.raises(ValueError):
        str(InsertStatement("ks.t"))


def test_update_with_every_option_and_conditionals_numbered_first() -> None:
    update = UpdateStatement(
        "ks.m", ttl=5, timestamp=42, conditionals=[WhereClause("t", EqualsOperator(), "x")],
        if_exists=True,
    )
    update.add_assignment(_Col("t"), "q")
    update.add_where(_Col("p"), EqualsOperator(), 1)
    update.add_where(_Col("c"), EqualsOperator(), 2)
    assert str(update) == (
        'UPDATE ks.m USING TTL 5 AND TIMESTAMP 42 SET "t" = %(1)s '
        'WHERE "p" = %(2)s AND "c" = %(3)s IF "t" = %(0)s IF EXISTS'
    )
    assert update.get_context() == {"0": "x", "1": "q", "2": 1, "3": 2}

    # Renumbering (as a batch does) orders WHERE, SET, then IF.
    update.update_context_id(10)
    assert str(update) == (
        'UPDATE ks.m USING TTL 5 AND TIMESTAMP 42 SET "t" = %(12)s '
        'WHERE "p" = %(10)s AND "c" = %(11)s IF "t" = %(13)s IF EXISTS'
    )
    assert update.get_context() == {"10": 1, "11": 2, "12": "q", "13": "x"}
    assert update.context_counter == 14


def test_delete_with_timestamp_keeps_the_doubled_spaces() -> None:
    delete = DeleteStatement("ks.m", fields="t", timestamp=99, if_exists=True)
    delete.add_where(_Col("p"), EqualsOperator(), 1)
    assert str(delete) == 'DELETE "t" FROM ks.m  USING TIMESTAMP 99  WHERE "p" = %(0)s IF EXISTS'


def test_delete_renumbers_where_fields_then_conditionals() -> None:
    delete = DeleteStatement(
        "ks.m", conditionals=[ConditionalClause("t", "x")],
        fields=[MapDeleteClause("m", {}, {"a": 1, "b": 2})],
    )
    delete.add_where(_Col("p"), EqualsOperator(), 1)
    assert str(delete) == 'DELETE "m"[%(1)s], "m"[%(2)s] FROM ks.m WHERE "p" = %(3)s IF "t" = %(0)s'
    delete.update_context_id(0)
    assert str(delete) == 'DELETE "m"[%(1)s], "m"[%(2)s] FROM ks.m WHERE "p" = %(0)s IF "t" = %(3)s'
    assert delete.get_context() == {"0": 1, "1": "a", "2": "b", "3": "x"}


def test_delete_refuses_non_clauses() -> None:
    with pytest.raises(StatementException):
        DeleteStatement("t").add_field(3)  # type: ignore[arg-type]


def test_select_options() -> None:
    select = SelectStatement(
        "ks.m", fields="t", order_by='"c" DESC', limit=10000, fetch_size=0
    )
    select.add_where(_Col("p"), EqualsOperator(), 1)
    assert str(select) == 'SELECT "t" FROM ks.m WHERE "p" = %(0)s ORDER BY "c" DESC LIMIT 10000'
    assert select.fetch_size is FETCH_SIZE_UNSET
    in_select = SelectStatement("ks.m")
    in_select.add_where(_Col("p"), InOperator(), [1, 2])
    assert str(in_select) == 'SELECT * FROM ks.m WHERE "p" IN %(0)s'


def test_add_where_and_add_assignment_convert_values() -> None:
    column = _Col("p")
    update = UpdateStatement("t")
    update.add_assignment(column, 1)
    update.add_where(column, EqualsOperator(), 2)
    assert column.converted == [1, 2]
    assert not update.is_empty
    assert UpdateStatement("t").is_empty


def test_partition_key_values_follow_key_order_and_plain_equality() -> None:
    select = SelectStatement("t")
    select.add_where(_Col("b"), EqualsOperator(), "B")
    select.add_where(_Col("a"), InOperator(), ["A"])
    select.add_where(_Col("z"), EqualsOperator(), "Z")
    assert select.partition_key_values({"a": 0, "b": 1}) == [None, "B"]

    insert = InsertStatement("t")
    insert.add_assignment(_Col("b"), 2)
    insert.add_assignment(_Col("a"), 1)
    assert insert.partition_key_values({"a": 0, "b": 1}) == [1, 2]


def test_timestamp_normalization() -> None:
    assert UpdateStatement("t", timestamp=0).timestamp_normalized is None
    assert UpdateStatement("t").timestamp_normalized is None
    assert UpdateStatement("t", timestamp=123).timestamp_normalized == 123

    moment = datetime(2021, 6, 1, 12, 0, 0, 250)
    local_seconds = time.mktime(moment.timetuple())
    expected = int(local_seconds * 1e6 + 250)
    assert UpdateStatement("t", timestamp=moment).timestamp_normalized == expected

    before = int(time.time() * 1e6) + 10_000_000
    shifted = UpdateStatement("t", timestamp=timedelta(seconds=10)).timestamp_normalized
    after = int(time.time() * 1e6) + 10_000_000
    assert shifted is not None
    assert before - 1_000_000 <= shifted <= after


# -- UpdateStatement.add_update and column dispatch ---------------------------------


@pytest.fixture
def fake_columns(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Install a stand-in ``coodie_compat.columns`` with the classes add_update dispatches on."""
    module = types.ModuleType("coodie_compat.columns")
    for name in ["Column", "Set", "List", "Map", "Counter", "Text"]:
        base = (_Col,) if name == "Column" else (module.Column,)
        setattr(module, name, type(name, base, {}))
    monkeypatch.setitem(sys.modules, "coodie_compat.columns", module)
    return module


def test_clause_column_types_resolve_lazily(fake_columns: types.ModuleType) -> None:
    assert SetUpdateClause.col_type is fake_columns.Set
    assert ListUpdateClause.col_type is fake_columns.List
    assert MapUpdateClause.col_type is fake_columns.Map
    assert CounterUpdateClause.col_type is fake_columns.Counter
    type_map = statements.ContainerUpdateClause.type_map
    assert dict(type_map) == {
        fake_columns.Set: SetUpdateClause,
        fake_columns.List: ListUpdateClause,
        fake_columns.Map: MapUpdateClause,
    }


def test_without_columns_module_everything_is_a_plain_assignment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "coodie_compat.columns", None)
    assert SetUpdateClause.col_type is None
    assert len(statements.ContainerUpdateClause.type_map) == 0
    update = UpdateStatement("t")
    update.add_update(_Col("s"), {1}, previous={2})
    assert str(update) == 'UPDATE t SET "s" = %(0)s'


def test_loaded_instance_save_render(fake_columns: types.ModuleType) -> None:
    update = UpdateStatement("ks.m")
    update.add_update(fake_columns.Text("t"), "q", previous="old")
    update.add_update(fake_columns.Set("s"), {2, 3}, previous={1, 2})
    update.add_update(fake_columns.List("l"), [1, 2, 3], previous=[1, 2])
    update.add_update(fake_columns.Map("m"), {"b": 2, "c": 5}, previous={"a": 1, "b": 2})
    update.add_where(fake_columns.Column("p"), EqualsOperator(), 1)
    update.add_where(fake_columns.Column("c"), EqualsOperator(), 2)
    assert str(update) == (
        'UPDATE ks.m SET "t" = %(0)s, "s" = "s" + %(1)s, "s" = "s" - %(2)s, '
        '"l" = "l" + %(3)s, "m"[%(4)s] = %(5)s WHERE "p" = %(6)s AND "c" = %(7)s'
    )
    assert update.get_context() == {
        "0": "q", "1": {3}, "2": {1}, "3": [3], "4": "c", "5": 5, "6": 1, "7": 2,
    }


def test_queryset_update_render(fake_columns: types.ModuleType) -> None:
    where = [WhereClause("p", EqualsOperator(), 1), WhereClause("c", EqualsOperator(), 2)]
    update = UpdateStatement("ks.m", where=where)
    update.add_update(fake_columns.Set("s"), {5}, operation="add")
    update.add_update(fake_columns.List("l"), [0], operation="prepend")
    update.add_update(fake_columns.Map("m"), {"k": 1}, operation="update")
    assert str(update) == (
        'UPDATE ks.m SET "s" = "s" + %(2)s, "l" = %(3)s + "l", "m"[%(4)s] = %(5)s '
        'WHERE "p" = %(0)s AND "c" = %(1)s'
    )

    removal = UpdateStatement("ks.m", where=where)
    removal.add_update(fake_columns.Map("m"), {"k": None}, operation="remove")
    assert str(removal) == 'UPDATE ks.m SET "m" = "m" - %(2)s WHERE "p" = %(0)s AND "c" = %(1)s'


def test_remove_skips_value_conversion_but_not_previous(fake_columns: types.ModuleType) -> None:
    column = fake_columns.Set("s")
    UpdateStatement("t").add_update(column, {1}, operation="remove", previous={1, 2})
    assert column.converted == [{1, 2}]
    other = fake_columns.Set("s")
    UpdateStatement("t").add_update(other, {1}, operation="add")
    assert other.converted == [{1}, None]


def test_counter_dispatch_and_exact_column_classes(fake_columns: types.ModuleType) -> None:
    update = UpdateStatement("t")
    update.add_update(fake_columns.Counter("n"), 7, previous=10)
    # A subclass of Set is not a Set for dispatch: it is assigned whole.
    special_set = type("SpecialSet", (fake_columns.Set,), {})
    update.add_update(special_set("s"), {1}, previous={1, 2})
    assert str(update) == 'UPDATE t SET "n" = "n" - %(0)s, "s" = %(1)s'
    assert update.get_context() == {"0": 3, "1": {1}}


def test_add_update_drops_clauses_with_nothing_to_do(fake_columns: types.ModuleType) -> None:
    update = UpdateStatement("t")
    update.add_update(fake_columns.Set("s"), {1}, previous={1})
    update.add_update(fake_columns.Map("m"), {1: 2}, previous={1: 2, 3: 4})
    update.add_update(fake_columns.List("l"), [], operation="append")
    assert update.assignments == []
    assert update.context_counter == 0
