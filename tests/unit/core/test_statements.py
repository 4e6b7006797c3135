"""Unit tests for statement rendering: exact CQL text and exact bound values."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coodie_core.errors import InvalidIdentifier, InvalidQuery
from coodie_core.statements import (
    Assignment,
    Ddl,
    Delete,
    Insert,
    Select,
    Table,
    TokenWhere,
    Update,
    Where,
    render,
)

T = Table("shop", "orders")


def test_select_minimal() -> None:
    assert render(Select(T, ("id", "total"))) == ("SELECT id, total FROM shop.orders", ())


def test_select_everything_is_bound() -> None:
    stmt = Select(
        T,
        ("id", "at", "Total"),
        where=(Where("id", "=", 7), Where("at", ">=", 10), Where("tags", "CONTAINS", "x")),
        order_by=(("at", True), ("seq", False)),
        limit=50,
        per_partition_limit=2,
        allow_filtering=True,
    )
    assert render(stmt) == (
        'SELECT id, at, "Total" FROM shop.orders WHERE id = ? AND at >= ? AND tags CONTAINS ? '
        "ORDER BY at DESC, seq ASC PER PARTITION LIMIT ? LIMIT ? ALLOW FILTERING",
        (7, 10, "x", 2, 50),
    )


def test_limit_value_does_not_change_the_text() -> None:
    first = render(Select(T, ("id",), limit=1))
    second = render(Select(T, ("id",), limit=1000))
    assert first[0] == second[0] == "SELECT id FROM shop.orders LIMIT ?"
    assert (first[1], second[1]) == ((1,), (1000,))


def test_select_in_binds_one_list() -> None:
    assert render(Select(T, ("id",), where=(Where("id", "IN", [1, 2, 3]),))) == (
        "SELECT id FROM shop.orders WHERE id IN ?",
        ([1, 2, 3],),
    )


def test_select_count_and_distinct() -> None:
    assert render(Select(T, ("id",), where=(Where("id", "=", 1),), count=True)) == (
        "SELECT COUNT(*) FROM shop.orders WHERE id = ?",
        (1,),
    )
    assert render(Select(T, ("a", "b"), distinct=True)) == (
        "SELECT DISTINCT a, b FROM shop.orders",
        (),
    )


def test_token_conditions() -> None:
    stmt = Select(
        T,
        ("a",),
        where=(
            TokenWhere(("a", "b"), ">", (1, "x")),
            TokenWhere(("a", "b"), "<=", (99,), raw=True),
        ),
    )
    assert render(stmt) == (
        "SELECT a FROM shop.orders WHERE token(a, b) > token(?, ?) AND token(a, b) <= ?",
        (1, "x", 99),
    )


def test_contains_key_and_like() -> None:
    stmt = Select(T, ("id",), where=(Where("m", "CONTAINS KEY", "k"), Where("n", "LIKE", "a%")))
    assert render(stmt) == (
        "SELECT id FROM shop.orders WHERE m CONTAINS KEY ? AND n LIKE ?",
        ("k", "a%"),
    )


def test_insert_with_ttl_and_timestamp_as_markers() -> None:
    stmt = Insert(T, ("id", "total"), (1, 9.5), ttl=60, timestamp=1234)
    assert render(stmt) == (
        "INSERT INTO shop.orders (id, total) VALUES (?, ?) USING TTL ? AND TIMESTAMP ?",
        (1, 9.5, 60, 1234),
    )


def test_insert_if_not_exists() -> None:
    assert render(Insert(T, ("id",), (1,), if_not_exists=True, timestamp=5)) == (
        "INSERT INTO shop.orders (id) VALUES (?) IF NOT EXISTS USING TIMESTAMP ?",
        (1, 5),
    )


def test_insert_needs_one_value_per_column() -> None:
    with pytest.raises(InvalidQuery):
        render(Insert(T, ("id", "x"), (1,)))


def test_update_assignments() -> None:
    stmt = Update(
        T,
        (
            Assignment("total", "set", 3),
            Assignment("tags", "add", {"a"}),
            Assignment("items", "remove", [1]),
            Assignment("log", "prepend", ["x"]),
            Assignment("attrs", "set_item", "v", key="k"),
        ),
        where=(Where("id", "=", 1),),
        ttl=10,
        timestamp=20,
    )
    assert render(stmt) == (
        "UPDATE shop.orders USING TTL ? AND TIMESTAMP ? SET total = ?, tags = tags + ?, "
        "items = items - ?, log = ? + log, attrs[?] = ? WHERE id = ?",
        (10, 20, 3, {"a"}, [1], ["x"], "k", "v", 1),
    )


def test_update_conditions() -> None:
    base = Update(T, (Assignment("total", "set", 3),), where=(Where("id", "=", 1),))
    assert render(replace(base, if_exists=True)) == (
        "UPDATE shop.orders SET total = ? WHERE id = ? IF EXISTS",
        (3, 1),
    )
    conditional = replace(base, if_conditions=(Where("total", "=", 2),))
    assert render(conditional) == (
        "UPDATE shop.orders SET total = ? WHERE id = ? IF total = ?",
        (3, 1, 2),
    )


def test_update_needs_where_and_assignments() -> None:
    with pytest.raises(InvalidQuery):
        render(Update(T, (), where=(Where("id", "=", 1),)))
    with pytest.raises(InvalidQuery):
        render(Update(T, (Assignment("a", "set", 1),), where=()))


def test_delete_row_and_columns() -> None:
    assert render(Delete(T, (Where("id", "=", 1),))) == (
        "DELETE FROM shop.orders WHERE id = ?",
        (1,),
    )
    assert render(Delete(T, (Where("id", "=", 1),), columns=("a", "b"), timestamp=9)) == (
        "DELETE a, b FROM shop.orders USING TIMESTAMP ? WHERE id = ?",
        (9, 1),
    )
    assert render(Delete(T, (Where("id", "=", 1),), if_exists=True)) == (
        "DELETE FROM shop.orders WHERE id = ? IF EXISTS",
        (1,),
    )
    with pytest.raises(InvalidQuery):
        render(Delete(T, ()))


def test_ddl_is_passed_through() -> None:
    assert render(Ddl("DROP TABLE shop.orders")) == ("DROP TABLE shop.orders", ())


def test_quoting_of_keyspace_table_and_columns() -> None:
    stmt = Select(Table("Shop", "order"), ("Id", "select"), where=(Where("Id", "=", 1),))
    assert render(stmt) == ('SELECT "Id", "select" FROM "Shop"."order" WHERE "Id" = ?', (1,))


@pytest.mark.parametrize(
    "stmt",
    [
        Select(Table("ks", "t; DROP"), ("id",)),
        Select(T, ('id" FROM x --',)),
        Select(T, ("id",), where=(Where("a b", "=", 1),)),
        Insert(T, ("ok", "no-no"), (1, 2)),
    ],
)
def test_bad_identifiers_never_reach_cql(stmt: Select | Insert) -> None:
    with pytest.raises(InvalidIdentifier):
        render(stmt)


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(InvalidQuery):
        render(Select(T, ("id",), where=(Where("id", "==", 1),)))  # type: ignore[arg-type]
