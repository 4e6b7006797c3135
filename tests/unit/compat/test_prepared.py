"""coodie_compat._prepared and ._literals without a node.

Plans (cqlengine text -> ``?`` text and marker sources), the per-session
prepared cache with its schema check, binding and the fall back to text,
batches, and the values bound so that they store what cqlengine's literals
store.  Sessions are small fakes whose ``prepare`` returns genuine driver
``PreparedStatement`` objects.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from cassandra import cqltypes
from cassandra.encoder import Encoder
from cassandra.protocol import ColumnMetadata
from cassandra.query import BatchType as DriverBatchType
from cassandra.query import PreparedStatement

from coodie_compat import CQLEngineException, columns
from coodie_compat._clauses import InQuoter
from coodie_compat._literals import fixes_for, float32_of_literal
from coodie_compat._prepared import (
    BatchRequest,
    CqlengineBatchStatement,
    CqlengineBoundStatement,
    Statements,
    plan_for,
)
from coodie_compat.operators import EqualsOperator
from coodie_compat.query import BatchQuery, BatchType
from coodie_compat.statements import InsertStatement, SelectStatement, WhereClause

# ---- plans ----------------------------------------------------------------------


def test_placeholders_become_markers_in_text_order() -> None:
    plan = plan_for('UPDATE ks.t SET "v" = %(2)s WHERE "k" = %(0)s AND "c" = %(1)s')
    assert plan.cql == 'UPDATE ks.t SET "v" = ? WHERE "k" = ? AND "c" = ?'
    assert plan.values({"0": "k", "1": "c", "2": "v"}) == ["v", "k", "c"]


def test_literal_numbers_become_markers_too() -> None:
    text = 'UPDATE ks.t USING TTL 30 AND TIMESTAMP 1700 SET "v" = %(1)s WHERE "k" = %(0)s'
    plan = plan_for(text)
    assert plan.cql == 'UPDATE ks.t USING TTL ? AND TIMESTAMP ? SET "v" = ? WHERE "k" = ?'
    assert plan.values({"0": 1, "1": 2}) == [30, 1700, 2, 1]
    other = plan_for(text.replace("TTL 30", "TTL 31"))
    assert other.cql == plan.cql and other.values({"0": 1, "1": 2})[0] == 31
    select = plan_for('SELECT * FROM ks.t WHERE "k" = %(0)s LIMIT 10000')
    assert select.cql == 'SELECT * FROM ks.t WHERE "k" = ? LIMIT ?'
    assert select.values({"0": 5}) == [5, 10000]


def test_in_values_are_unwrapped_and_quoted_names_kept() -> None:
    plan = plan_for('SELECT "TTL 3" FROM ks.t WHERE "k" IN %(0)s AND "c" = %(1)s')
    assert plan.cql == 'SELECT "TTL 3" FROM ks.t WHERE "k" IN ? AND "c" = ?'
    assert plan.values({"0": InQuoter([1, 2]), "1": 3}) == [[1, 2], 3]


def test_functions_keep_their_markers() -> None:
    plan = plan_for('SELECT * FROM t WHERE token("a", "b") > token(%(0)s, %(1)s) '
                    'AND "u" > MinTimeUUID(%(2)s)')
    assert plan.cql == ('SELECT * FROM t WHERE token("a", "b") > token(?, ?) '
                        'AND "u" > MinTimeUUID(?)')


def test_a_missing_context_key_raises() -> None:
    with pytest.raises(KeyError):
        plan_for('SELECT * FROM t WHERE "k" = %(0)s').values({})


# ---- fakes ----------------------------------------------------------------------


def _spec(name: str, cql_type: Any, table: str = "t") -> ColumnMetadata:
    return ColumnMetadata("ks", table, name, cql_type)


def _prepared(cql: str, types: list[Any], table: str = "t") -> PreparedStatement:
    specs = [_spec(f"c{i}", t, table) for i, t in enumerate(types)]
    return PreparedStatement(specs, b"id-" + cql.encode(), [], cql, "ks", 5, [], None)


@dataclass
class FakeKeyspace:
    tables: dict[str, Any] = field(default_factory=dict)
    user_types: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeMetadata:
    keyspaces: dict[str, FakeKeyspace] = field(default_factory=dict)


class FakeCluster:
    def __init__(self) -> None:
        self.metadata = FakeMetadata({"ks": FakeKeyspace({"t": object(), "u": object()})})


class FakeSession:
    """Prepares every text with the bind types given per text (int by default)."""

    def __init__(self, types: dict[str, list[Any]] | None = None) -> None:
        self.cluster = FakeCluster()
        self.encoder = Encoder()
        self.types = types or {}
        self.prepared: list[str] = []
        self.refuse = False

    def prepare(self, cql: str) -> PreparedStatement:
        if self.refuse:
            raise RuntimeError("refused")
        self.prepared.append(cql)
        default = [cqltypes.Int32Type] * cql.count("?")
        return _prepared(cql, self.types.get(cql, default))


# ---- the cache and binding ------------------------------------------------------------


def test_bound_statement_shows_the_cqlengine_text() -> None:
    statements = Statements(FakeSession())
    text = 'SELECT * FROM ks.t WHERE "k" = %(0)s LIMIT 10000'
    bound = statements.bound(text, {"0": 7}, "ONE", 50)
    assert isinstance(bound, CqlengineBoundStatement)
    assert bound.query_string == text
    assert bound.consistency_level == "ONE" and bound.fetch_size == 50
    assert bound.values == [struct.pack(">i", 7), struct.pack(">i", 10000)]


def test_each_text_is_prepared_once() -> None:
    session = FakeSession()
    statements = Statements(session)
    for ttl in (10, 20, 10):
        text = f'INSERT INTO ks.t ("k") VALUES (%(0)s) USING TTL {ttl}'
        assert statements.bound(text, {"0": 1}, None, None) is not None
    assert session.prepared == ['INSERT INTO ks.t ("k") VALUES (?) USING TTL ?']


def test_a_changed_table_is_prepared_again() -> None:
    session = FakeSession()
    statements = Statements(session)
    text = 'SELECT * FROM ks.t WHERE "k" = %(0)s'
    statements.bound(text, {"0": 1}, None, None)
    statements.bound(text, {"0": 1}, None, None)
    session.cluster.metadata.keyspaces["ks"].tables["t"] = object()  # dropped and created
    statements.bound(text, {"0": 1}, None, None)
    assert len(session.prepared) == 2


def test_what_cannot_be_prepared_or_bound_goes_as_text() -> None:
    session = FakeSession()
    statements = Statements(session)
    assert statements.bound('SELECT * FROM t WHERE "k" = %(0)s', {"0": "not an int"},
                            None, None) is None
    session.refuse = True
    assert statements.bound('SELECT * FROM t WHERE "j" = %(0)s', {"0": 1}, None, None) is None

    class Double(FakeSession):
        def prepare(self, cql: str) -> Any:
            return object()  # a test double's answer, not a PreparedStatement

    assert Statements(Double()).bound('SELECT * FROM t WHERE "k" = %(0)s', {"0": 1},
                                      None, None) is None


def _insert(value: int) -> InsertStatement:
    statement = InsertStatement("ks.t")
    statement.add_assignment(columns.Integer(db_field="k"), value)
    return statement


def test_a_batch_becomes_one_driver_batch() -> None:
    statements = Statements(FakeSession())
    request = BatchRequest([_insert(1), _insert(2)], BatchType.Unlogged, None, lambda: "BEGIN")
    batch = statements.batch(request, "QUORUM")
    assert isinstance(batch, CqlengineBatchStatement)
    assert batch.batch_type == DriverBatchType.UNLOGGED
    assert batch.consistency_level == "QUORUM"
    assert len(batch._statements_and_parameters) == 2
    assert batch.query_string.splitlines()[1:] == [
        '  INSERT INTO ks.t ("k") VALUES (%(0)s)', '  INSERT INTO ks.t ("k") VALUES (%(1)s)',
        "APPLY BATCH;"]


def test_a_batch_with_its_own_timestamp_goes_as_text() -> None:
    statements = Statements(FakeSession())
    assert statements.batch(BatchRequest([_insert(1)], None, 123, lambda: "BEGIN"), None) is None
    assert statements.batch(BatchRequest([_insert(1)], "ODD", None, lambda: "BEGIN"), None) is None


def test_a_text_batch_cannot_carry_core_writes() -> None:
    request = BatchRequest([_insert(1)], None, None, lambda: "BEGIN  BATCH", core_ops=[object()])
    with pytest.raises(CQLEngineException):
        request.text_and_params()


def test_batch_query_refuses_other_objects() -> None:
    with pytest.raises(CQLEngineException):
        BatchQuery().add_query(object())  # type: ignore[arg-type]


def test_statement_objects_render_the_same_text_for_both_paths() -> None:
    select = SelectStatement("ks.t", where=[WhereClause("k", EqualsOperator(), 1)], limit=5)
    plan = plan_for(str(select))
    assert plan.cql == 'SELECT * FROM ks.t WHERE "k" = ? LIMIT ?'
    assert plan.values(select.get_context()) == [1, 5]


# ---- values as the literals store them ----------------------------------------------


def test_decimals_are_bound_as_their_literal_reads() -> None:
    [(index, fix)] = fixes_for([cqltypes.Int32Type, cqltypes.DecimalType], Encoder())
    assert index == 1
    assert fix(Decimal("1.23456789012345678901234")) == Decimal(repr(1.2345678901234568))
    assert fix(3) == Decimal(3) and fix(None) is None
    with pytest.raises(ValueError):
        fix(Decimal("NaN"))


def test_float32_rounds_the_literal_once() -> None:
    midpoint = 1 + 2**-24  # halfway between two floats; its repr is just above
    assert float32_of_literal(repr(midpoint)) == 1 + 2**-23
    assert struct.unpack(">f", struct.pack(">f", midpoint))[0] == 1.0  # the driver's rounding
    assert float32_of_literal("16777217.0") == 16777216.0  # an exact tie: to even
    assert float32_of_literal("0.1") == struct.unpack(">f", struct.pack(">f", 0.1))[0]
    assert float32_of_literal("-0.0") == 0.0
    with pytest.raises(OverflowError):
        float32_of_literal("1e39")


def test_nested_values_are_fixed_where_they_hold_decimals_or_floats() -> None:
    encoder = Encoder()
    decimal_list = cqltypes.ListType.apply_parameters([cqltypes.DecimalType])
    float_map = cqltypes.MapType.apply_parameters([cqltypes.UTF8Type, cqltypes.FloatType])
    pair = cqltypes.TupleType.apply_parameters([cqltypes.DecimalType, cqltypes.UTF8Type])
    frozen_set = cqltypes.FrozenType.apply_parameters(
        [cqltypes.SetType.apply_parameters([cqltypes.DecimalType])])
    udt = cqltypes.UserType.make_udt_class("ks", "money", ["amount", "unit"],
                                           [cqltypes.DecimalType, cqltypes.UTF8Type])
    fixes = dict(fixes_for([decimal_list, float_map, pair, frozen_set, udt,
                            cqltypes.UTF8Type], encoder))
    assert sorted(fixes) == [0, 1, 2, 3, 4]
    long = Decimal("0.10000000000000000000001")
    assert fixes[0]([long]) == [Decimal("0.1")]
    assert fixes[1]({"k": 1 + 2**-24}) == {"k": 1 + 2**-23}
    assert fixes[2]((long, "x")) == (Decimal("0.1"), "x")
    assert fixes[3]({long}) == {Decimal("0.1")}

    class Money:
        amount = long
        unit = "EUR"

    assert fixes[4](Money()) == (Decimal("0.1"), "EUR")
    assert fixes_for([cqltypes.UTF8Type, cqltypes.Int32Type], encoder) == ()


def test_unknown_composites_holding_decimals_go_as_text() -> None:
    class Opaque(cqltypes._ParameterizedType):  # type: ignore[misc]
        typename = "org.apache.cassandra.db.marshal.OpaqueForTests"
        subtypes = (cqltypes.DecimalType,)

    assert fixes_for([Opaque], Encoder()) is None
    session = FakeSession({'SELECT * FROM t WHERE "k" = ?': [Opaque]})
    assert Statements(session).bound('SELECT * FROM t WHERE "k" = %(0)s', {"0": 1},
                                     None, None) is None
