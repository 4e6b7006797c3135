"""coodie_compat.query and .named without a node: exact CQL, contexts and round trips.

``connection.execute`` is replaced by a recorder that answers with canned
rows, so each test sees exactly what would be sent and how many times.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from cassandra import ConsistencyLevel
from cassandra.cluster import _NOT_SET
from cassandra.query import BatchType as DriverBatchType
from cassandra.query import SimpleStatement

from coodie_compat import CQLEngineException, ValidationError, columns, connection, models
from coodie_compat._prepared import BatchRequest
from coodie_compat.functions import Token
from coodie_compat.named import NamedColumn, NamedKeyspace, NamedTable
from coodie_compat.query import (
    BatchQuery,
    BatchType,
    ContextQuery,
    DMLQuery,
    DoesNotExist,
    IfExistsWithCounterColumn,
    IfNotExistsWithCounterColumn,
    LWTException,
    ModelQuerySet,
    MultipleObjectsReturned,
    QueryException,
    ResultObject,
    check_applied,
)
from coodie_compat.statements import BaseCQLStatement
from coodie_core import errors as core_errors
from coodie_core.errors import InvalidIdentifier


class M(models.Model):
    __keyspace__ = "ks"
    p = columns.Integer(primary_key=True)
    c = columns.Integer(primary_key=True)
    t = columns.Text(index=True)
    s = columns.Set(columns.Integer)
    l = columns.List(columns.Integer)  # noqa: E741 - the contract's column name
    m = columns.Map(columns.Text, columns.Integer)
    st = columns.Text(static=True)
    d = columns.Integer(default=7)


class Renamed(models.Model):
    __keyspace__ = "ks"
    k = columns.Integer(primary_key=True, db_field="key_col")
    v = columns.Text(db_field="val_col")


class Tally(models.Model):
    __keyspace__ = "ks"
    k = columns.Integer(primary_key=True)
    n = columns.Counter()


@dataclass
class FakeResult:
    """Rows as ``dict_factory`` gives them; ``applied`` None means "not an LWT"."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    applied: bool | None = None

    def __iter__(self) -> Any:
        return iter([dict(row) for row in self.rows])

    def one(self) -> dict[str, Any] | None:
        return dict(self.rows[0]) if self.rows else None

    @property
    def was_applied(self) -> bool:
        if self.applied is None:
            raise RuntimeError("not an LWT result")
        return self.applied


@dataclass
class Sent:
    cql: str
    params: dict[str, Any]
    consistency: Any
    timeout: Any
    connection: Any
    routing_key: Any


class _FakeConnection:
    """What a statement's router reads from a connection: the cluster's protocol."""

    class cluster:
        protocol_version = 4


class Recorder:
    """Stands in for ``connection.execute``; answers with queued results.

    It records what would be sent as text (the form every statement also has):
    a statement object's CQL, context and routing key, a batch's text batch.
    """

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.results: list[FakeResult] = []

    def __call__(self, query: Any, params: Any = None, consistency_level: Any = None,
                 timeout: Any = _NOT_SET, connection: Any = None) -> FakeResult:
        if isinstance(query, BaseCQLStatement):
            statement = SimpleStatement(str(query), consistency_level=consistency_level)
            params = query.get_context()
            if query.routing is not None:
                query.routing(query, statement, _FakeConnection())
        elif isinstance(query, BatchRequest):
            text, params = query.text_and_params()
            statement = SimpleStatement(text, consistency_level=consistency_level)
        else:
            statement = query if isinstance(query, SimpleStatement) else None
        self.sent.append(Sent(
            statement.query_string if statement else query, dict(params or {}),
            statement.consistency_level if statement else consistency_level,
            timeout, connection, statement.routing_key if statement else None))
        return self.results.pop(0) if self.results else FakeResult()

    @property
    def cql(self) -> list[str]:
        return [s.cql for s in self.sent]


class FakeCluster:
    protocol_version = 4
    metadata: Any = None


@pytest.fixture
def db(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(connection, "execute", recorder)
    monkeypatch.setattr(connection, "get_cluster", lambda name=None: FakeCluster())
    return recorder


def _row(**values: Any) -> dict[str, Any]:
    return values


# ---- rendering ----------------------------------------------------------------


def test_default_select_defers_equality_columns() -> None:
    qs = M.objects(p=1)
    assert str(qs) == ('SELECT "c", "t", "s", "l", "m", "st", "d" FROM ks.m '
                       'WHERE "p" = %(0)s LIMIT 10000')
    assert qs._limit == 10000 and qs._defer_fields == {"p"}


@pytest.mark.parametrize(("qs", "cql"), [
    (lambda: M.objects.filter(p__in=[1, 2]).limit(None), 'SELECT * FROM ks.m WHERE "p" IN %(0)s'),
    (lambda: M.objects(pk__token__gt=Token(5)),
     'SELECT * FROM ks.m WHERE token("p") > token(%(0)s) LIMIT 10000'),
    (lambda: M.objects(p=1).order_by("-c").only(["t"]),
     'SELECT "t" FROM ks.m WHERE "p" = %(0)s ORDER BY "c" DESC LIMIT 10000'),
    (lambda: M.objects.distinct(), 'SELECT DISTINCT "p" FROM ks.m LIMIT 10000'),
    (lambda: M.objects.filter(M.c > 3).allow_filtering().limit(5),
     'SELECT * FROM ks.m WHERE "c" > %(0)s LIMIT 5 ALLOW FILTERING'),
    (lambda: M.objects(p__eq=1, c__gte=2).defer(["t", "s"]),
     'SELECT "p", "c", "l", "m", "st", "d" FROM ks.m WHERE "p" = %(0)s AND "c" >= %(1)s '
     'LIMIT 10000'),
    (lambda: Renamed.objects(k=1), 'SELECT "val_col" FROM ks.renamed WHERE "key_col" = %(0)s '
     'LIMIT 10000'),
])
def test_select_rendering(qs: Any, cql: str) -> None:
    assert str(qs()) == cql


def test_token_and_in_contexts() -> None:
    statement = M.objects(pk__token__gte=Token(5), c__in=["3", 4])._select_query()
    assert statement.get_context()["0"] == 5
    assert list(statement.get_context()["1"].value) == [3, 4]


def test_filter_errors() -> None:
    with pytest.raises(CQLEngineException, match="None values on filter are not allowed"):
        M.objects(p=None)
    with pytest.raises(QueryException, match="Can't resolve column name: 'nope'"):
        M.objects(nope=1)
    with pytest.raises(QueryException):
        M.objects.filter("p = 1")
    with pytest.raises(QueryException, match="IN queries must use a list/tuple value"):
        M.objects(p__in=1)
    with pytest.raises(QueryException, match="may only be compared to the 'pk__token'"):
        M.objects(p=Token(1))
    with pytest.raises(QueryException, match="received 2 arguments but model has 1"):
        M.objects(pk__token__gt=Token(1, 2))
    with pytest.raises(QueryException, match="Can't resolve column name: 'pk__token'"):
        M.objects(pk__token__gt=1)


def test_ordering_rules() -> None:
    for bad in ("t", "p", "nope"):
        with pytest.raises(QueryException):
            M.objects(p=1).order_by(bad)
    qs = M.objects(p=1).order_by("c").order_by("-c")
    assert qs._order == ['"c" ASC', '"c" DESC']
    assert qs.order_by()._order == []


def test_only_defer_and_limits() -> None:
    with pytest.raises(QueryException, match="already has 'only'"):
        M.objects.only(["t"]).only(["s"])
    with pytest.raises(QueryException, match="Can't resolve fields nope in M"):
        M.objects.defer(["nope"])
    with pytest.raises(QueryException, match="No fields in select query"):
        M.objects.only(["t"]).defer(["t"])._select_fields()
    assert Renamed.objects.defer(["k", "v"])._select_fields() == ["key_col"]
    with pytest.raises(QueryException):
        M.objects.limit(-1)
    with pytest.raises(TypeError):
        M.objects.limit("1")  # type: ignore[arg-type]
    with pytest.raises(QueryException):
        M.objects.fetch_size(0)
    qs = M.objects.fetch_size(10)
    assert qs.fetch_size(10) is qs and qs.limit(10000) is qs
    assert qs._select_query().fetch_size == 10


def test_validation_on_evaluation(db: Recorder) -> None:
    with pytest.raises(QueryException, match="Where clauses require either"):
        list(M.objects(d=1))
    with pytest.raises(QueryException, match="Filtering on a clustering key"):
        list(M.objects(c=1))
    list(M.objects(c=1).allow_filtering())
    list(M.objects(t="x"))
    list(M.objects(pk__token__gt=Token(1), c=2))
    assert len(db.sent) == 3


def test_clones_are_independent_and_share_the_batch() -> None:
    batch = BatchQuery()
    base = M.objects(p=1).batch(batch)
    child = base.filter(c=2).iff(t="a").order_by("c").defer(["s"])
    assert (len(base._where), len(base._conditional), base._order) == (1, 0, [])
    assert base._defer_fields == {"p"} and child._defer_fields == {"p", "c", "s"}
    assert child._batch is batch and child.all() == child and child.all() is not child
    assert M.objects(p=1, c=2) == M.objects(c=2, p=1) and M.objects(p=1) != M.objects(p=2)


# ---- evaluation and round trips -----------------------------------------------


def test_one_select_serves_len_count_index_slice_and_iteration(db: Recorder) -> None:
    db.results.append(FakeResult([_row(c=i, t=str(i)) for i in range(3)]))
    qs = M.objects(p=1)
    assert len(qs) == 3 and qs.count() == 3
    assert [r.c for r in qs] == [0, 1, 2] and [r.p for r in qs] == [1, 1, 1]
    assert qs[1].t == "1" and [r.c for r in qs[1:]] == [1, 2] and qs.first().c == 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert qs[-1].c == 2 and [r.c for r in qs[-2:]] == [1, 2]
    assert [str(w.message)[:40] for w in caught] == [
        "ModelQuerySet indexing with negative ind", "ModelQuerySet slicing with negative indi"]
    with pytest.raises(IndexError):
        qs[3]
    with pytest.raises(TypeError):
        qs["x"]  # type: ignore[index]
    assert len(db.sent) == 1 and qs._result_cache is not None
    assert qs.filter(c=0)._result_cache is None


def test_count_without_evaluation_sends_one_count(db: Recorder) -> None:
    db.results.append(FakeResult([{"count": 42}]))
    qs = M.objects(p=1).order_by("-c")
    assert qs.count() == 42 and qs.count() == 42
    assert db.cql == ['SELECT COUNT(*) FROM ks.m WHERE "p" = %(0)s LIMIT 10000']
    db.results.append(FakeResult([{"count": 2}]))
    assert M.objects.distinct().count() == 2
    assert db.cql[-1] == 'SELECT DISTINCT COUNT("p") FROM ks.m LIMIT 10000'


def test_get_first_and_errors(db: Recorder) -> None:
    db.results.append(FakeResult([_row(p=1, c=1), _row(p=1, c=2)]))
    with pytest.raises(M.MultipleObjectsReturned, match="Multiple objects found"):
        M.objects.get(p=1)
    with pytest.raises(M.DoesNotExist):
        M.get(p=1, c=3)
    with pytest.raises(core_errors.DoesNotExist):
        M.get(p=1, c=3)
    assert M.objects(p=9).first() is None
    db.results.append(FakeResult([_row(t="x")]))
    found = M.get(p=1, c=3)
    assert (found.p, found.c, found.t, found._is_persisted) == (1, 3, "x", True)
    assert len(db.sent) == 5  # one SELECT per get()/first()
    assert issubclass(DoesNotExist, core_errors.DoesNotExist)
    assert issubclass(MultipleObjectsReturned, QueryException)


def test_values_list(db: Recorder) -> None:
    db.results.append(FakeResult([_row(c=1, t="a"), _row(c=2, t="b")]))
    assert list(M.objects(p=1).values_list("c", "t")) == [[1, "a"], [2, "b"]]
    db.results.append(FakeResult([_row(c=5)]))
    assert list(M.objects(p=1).values_list("c", flat=True)) == [5]
    with pytest.raises(TypeError):
        M.objects.values_list("c", "t", flat=True)


def test_options_reach_the_driver(db: Recorder) -> None:
    list(M.objects(p=1, c=2).consistency(ConsistencyLevel.TWO).timeout(2.5)
         .using(connection="other"))
    sent = db.sent[0]
    assert (sent.consistency, sent.timeout, sent.connection) == (ConsistencyLevel.TWO, 2.5, "other")
    assert sent.routing_key == b"\x00\x00\x00\x01"
    list(M.objects(p__in=[1]))
    assert db.sent[1].routing_key is None and db.sent[1].timeout is _NOT_SET


def test_using_keyspace_clones_the_model(db: Recorder) -> None:
    qs = M.objects.using(keyspace="other_ks")
    assert qs.model is not M and issubclass(qs.model, M)
    assert str(qs) == "SELECT * FROM other_ks.m LIMIT 10000" and M._get_keyspace() == "ks"


def test_batch_mode_rejects_reads_and_connections() -> None:
    qs = M.objects(p=1).batch(BatchQuery())
    for read in (list, len, lambda q: q.count()):
        with pytest.raises(CQLEngineException, match="Only inserts, updates, and deletes"):
            read(qs)
    with pytest.raises(CQLEngineException):
        qs.using(connection="other")
    with pytest.raises(CQLEngineException):
        M.objects.using(connection="other").batch(BatchQuery())
    with pytest.raises(CQLEngineException):
        M.objects.batch("nope")  # type: ignore[arg-type]


# ---- queryset writes ------------------------------------------------------------


def test_blind_update_with_collection_operations(db: Recorder) -> None:
    M.objects(p=1, c=2).update(s__add={5}, l__prepend=[0], m__update={"k": 1}, t=None)
    assert db.cql == [
        'UPDATE ks.m SET "s" = "s" + %(2)s, "l" = %(3)s + "l", "m"[%(4)s] = %(5)s '
        'WHERE "p" = %(0)s AND "c" = %(1)s',
        'DELETE "t" FROM ks.m WHERE "p" = %(0)s AND "c" = %(1)s',
    ]
    assert db.sent[0].params == {"0": 1, "1": 2, "2": {5}, "3": [0], "4": "k", "5": 1}
    M.objects(p=1, c=2).update(m__remove={"k"}, s__remove={1}, l__append=[9], s__add=set())
    assert db.cql[-1] == ('UPDATE ks.m SET "m" = "m" - %(2)s, "s" = "s" - %(3)s, '
                          '"l" = "l" + %(4)s WHERE "p" = %(0)s AND "c" = %(1)s')


def test_blind_update_errors_and_no_op(db: Recorder) -> None:
    with pytest.raises(ValidationError, match="A set is required"):
        M.objects(p=1, c=2).update(m__remove=["k"])
    with pytest.raises(ValidationError, match="has no column named: nope"):
        M.objects(p=1).update(nope=1)
    with pytest.raises(ValidationError, match="Cannot apply update to primary key 'c'"):
        M.objects(p=1).update(c=1)
    M.objects(p=1, c=2).update()
    Renamed.objects(k=1).update(v=None)
    assert db.cql == ['DELETE "val_col" FROM ks.renamed WHERE "key_col" = %(0)s']


def test_conditional_update_numbering_and_lwt(db: Recorder) -> None:
    db.results.append(FakeResult([{"[applied]": False, "t": "b"}], applied=False))
    with pytest.raises(LWTException) as raised:
        M.objects(p=1, c=2).iff(t="a").update(d=3, t=None)
    assert raised.value.existing == {"[applied]": False, "t": "b"}
    # Conditions are numbered when the statement is built, before the assignments.
    assert db.cql == ['UPDATE ks.m SET "d" = %(3)s WHERE "p" = %(0)s AND "c" = %(1)s '
                      'IF "t" = %(2)s']
    M.objects(p=1, c=2).iff(d__ne=3).update(t=None)
    assert db.cql[-1] == 'DELETE "t" FROM ks.m WHERE "p" = %(0)s AND "c" = %(1)s IF "d" != %(2)s'
    with pytest.raises(QueryException):
        M.objects.iff(p=Token(1))
    with pytest.raises(CQLEngineException):
        M.objects.iff(t=None)


def test_queryset_delete(db: Recorder) -> None:
    with pytest.raises(QueryException, match="The partition key must be defined"):
        M.objects(c=1).delete()
    M.objects(p=1, c__gte=2, c__lt=5).if_exists().delete()
    assert db.cql == ['DELETE FROM ks.m WHERE "p" = %(0)s AND "c" >= %(1)s AND "c" < %(2)s '
                      'IF EXISTS']


def test_counter_models_refuse_existence_conditions() -> None:
    with pytest.raises(IfNotExistsWithCounterColumn):
        Tally.objects.if_not_exists()
    with pytest.raises(IfExistsWithCounterColumn):
        Tally.objects.if_exists()


# ---- instance writes (DMLQuery) ---------------------------------------------------


def test_create_inserts_then_deletes_explicit_nulls(db: Recorder) -> None:
    M.create(p=1, c=2, t=None)
    assert db.cql == ['INSERT INTO ks.m ("p", "c", "d") VALUES (%(0)s, %(1)s, %(2)s)',
                      'DELETE "t" FROM ks.m WHERE "p" = %(0)s AND "c" = %(1)s']
    assert db.sent[0].params == {"0": 1, "1": 2, "2": 7}


def test_loaded_instance_updates_only_changes(db: Recorder) -> None:
    db.results.append(FakeResult([_row(t="x", s={1}, m={"a": 1, "b": 2})]))
    row = M.get(p=1, c=2)
    row.save()
    assert len(db.sent) == 1
    row.t = "q"
    row.s.add(3)
    del row.m["a"]
    row.iff(t="x").save()
    assert db.cql[1:] == [
        'UPDATE ks.m SET "t" = %(1)s, "s" = "s" + %(2)s WHERE "p" = %(3)s AND "c" = %(4)s '
        'IF "t" = %(0)s',
        # The condition on "t", just updated, is dropped from the follow-up DELETE.
        'DELETE "m"[%(0)s] FROM ks.m WHERE "p" = %(1)s AND "c" = %(2)s',
    ]


def test_static_only_update_and_write_options(db: Recorder) -> None:
    M(p=1, st="z").update()
    assert db.cql == ['UPDATE ks.m SET "st" = %(0)s WHERE "p" = %(1)s']
    M.ttl(30).timestamp(1000).if_not_exists().create(p=3, c=4)
    assert db.cql[-1] == ('INSERT INTO ks.m ("p", "c", "d") VALUES (%(0)s, %(1)s, %(2)s) '
                          'IF NOT EXISTS USING TTL 30 AND TIMESTAMP 1000')
    M(p=3, c=4).timestamp(1000).if_exists().delete()
    assert db.cql[-1] == ('DELETE FROM ks.m  USING TIMESTAMP 1000  WHERE "p" = %(0)s '
                          'AND "c" = %(1)s IF EXISTS')


def test_counter_save_is_a_relative_update(db: Recorder) -> None:
    tally = Tally(k=1)
    tally.n += 5
    with pytest.warns(DeprecationWarning, match="'create' and 'save' actions on Counters"):
        tally.save()
    assert db.cql == ['UPDATE ks.tally SET "n" = "n" + %(0)s WHERE "k" = %(1)s']
    assert db.sent[0].params == {"0": 5, "1": 1}


# ---- batches ---------------------------------------------------------------------


def test_batch_renders_one_statement(db: Recorder) -> None:
    with BatchQuery(timestamp=datetime(2020, 1, 2, 3, 4, 5, 6)) as batch:
        M.batch(batch).create(p=1, c=2)
        M.objects(p=1, c=2).batch(batch).update(t="x")
        M.objects(p=5).batch(batch).delete()
        assert db.sent == [] and len(batch.queries) == 3
    stamp = int(datetime(2020, 1, 2, 3, 4, 5).timestamp()) * 1_000_000 + 6
    assert db.cql == [
        f"BEGIN  BATCH USING TIMESTAMP {stamp}\n"
        '  INSERT INTO ks.m ("p", "c", "d") VALUES (%(0)s, %(1)s, %(2)s)\n'
        '  UPDATE ks.m SET "t" = %(5)s WHERE "p" = %(3)s AND "c" = %(4)s\n'
        '  DELETE FROM ks.m WHERE "p" = %(6)s\n'
        "APPLY BATCH;"]
    assert db.sent[0].params == {"0": 1, "1": 2, "2": 7, "3": 1, "4": 2, "5": "x", "6": 5}
    assert batch.queries == []


@pytest.mark.parametrize(("kind", "opener"), [
    (BatchType.Unlogged, "BEGIN UNLOGGED  BATCH"), (BatchType.Counter, "BEGIN COUNTER  BATCH"),
    (DriverBatchType.UNLOGGED, "BEGIN UNLOGGED  BATCH"), (DriverBatchType.LOGGED, "BEGIN  BATCH"),
])
def test_batch_types(db: Recorder, kind: Any, opener: str) -> None:
    batch = BatchQuery(batch_type=kind, consistency=ConsistencyLevel.ALL, timeout=3)
    Tally.objects(k=1).batch(batch).update(n=1)
    batch.execute()
    assert db.cql[0].split("\n")[0] == opener
    assert (db.sent[0].consistency, db.sent[0].timeout) == (ConsistencyLevel.ALL, 3)


def test_batch_callbacks_and_warnings(db: Recorder) -> None:
    calls: list[Any] = []
    batch = BatchQuery()
    batch.add_callback(calls.append, 1)
    batch.add_callback(calls.extend, [2])
    assert batch._callbacks == [(calls.append, (1,), {}), (calls.extend, ([2],), {})]
    with pytest.raises(ValueError):
        batch.add_callback("nope")  # type: ignore[arg-type]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        batch.execute()
        batch.execute()
    assert calls == [1, 2, 1, 2] and db.sent == []
    assert [str(w.message) for w in caught] == ["Batch executed multiple times."]


def test_batch_context_with_exception(db: Recorder) -> None:
    calls: list[int] = []
    for on_exception, expected in ((False, 0), (True, 1)):
        with pytest.raises(ZeroDivisionError), \
                BatchQuery(execute_on_exception=on_exception) as batch:
            batch.add_callback(calls.append, 1)
            M.batch(batch).create(p=1, c=1)
            1 / 0  # noqa: B018 - the exception under test
        assert len(db.sent) == expected and len(calls) == expected


def test_batch_argument_checks() -> None:
    with pytest.raises(CQLEngineException):
        BatchQuery(timestamp=5)  # type: ignore[arg-type]
    with pytest.raises(CQLEngineException):
        BatchQuery().add_query("SELECT 1")  # type: ignore[arg-type]


def test_batch_connection_must_not_change(db: Recorder) -> None:
    batch = BatchQuery()
    # An instance cannot take both using() and batch(); set the state directly.
    first, second = M(p=1, c=1).using(connection="other"), M(p=2, c=2).using(connection="x")
    first._batch = second._batch = batch
    first.save()
    assert batch._connection == "other"
    with pytest.raises(CQLEngineException, match="same connection"):
        second.save()
    batch.execute()
    assert db.sent[0].connection == "other"


def test_lwt_batch_and_check_applied(db: Recorder) -> None:
    db.results.append(FakeResult([{"[applied]": False, "p": 1}], applied=False))
    with pytest.raises(LWTException) as raised, BatchQuery() as batch:
        M.objects(p=1, c=1).batch(batch).iff(t="a").update(d=1)
    assert raised.value.existing == {"[applied]": False, "p": 1}
    check_applied(FakeResult())  # not an LWT result: treated as applied
    assert str(LWTException({})) == "LWT Query was not applied"


# ---- ContextQuery, expressions, named tables ----------------------------------------


def test_context_query() -> None:
    with ContextQuery(M, keyspace="ks2") as m2:
        assert m2.column_family_name() == "ks2.m" and M.column_family_name() == "ks.m"
    with ContextQuery(M, Renamed, connection="other") as (a, b):
        assert a.__connection__ == b.__connection__ == "other"
    for args, kwargs in (((), {}), ((M(),), {}), ((M,), {"nope": 1})):
        with pytest.raises(ValueError):
            ContextQuery(*args, **kwargs)


def test_column_expressions() -> None:
    clauses = [M.c == "1", M.c > 1, M.c >= 1, M.c < 1, M.c <= 1, M.c.in_([1]), M.l.contains_(1)]
    assert [f"{w.field} {w.operator}" for w in clauses] == [
        "c =", "c >", "c >=", "c <", "c <=", "c IN", "l CONTAINS"]
    assert clauses[0].value == 1
    assert str(M.objects.filter(M.p == 1, M.c > 3)).endswith(
        'WHERE "p" = %(0)s AND "c" > %(1)s LIMIT 10000')


def test_named_table_queries(db: Recorder) -> None:
    table = NamedKeyspace("ks").table("Things")
    assert table.column_family_name() == 'ks."Things"'
    assert table.column_family_name(include_keyspace=False) == '"Things"'
    qs = table.objects.filter(table.column("a") > 1, b=2)
    assert str(qs) == 'SELECT * FROM ks."Things" WHERE "a" > %(0)s AND "b" = %(1)s LIMIT 10000'
    db.results.append(FakeResult([{"a": 5}]))
    found = table.get(b=2)
    assert isinstance(found, ResultObject) and (found.a, found.b) == (5, 2)
    with pytest.raises(AttributeError):
        found.nope  # noqa: B018 - attribute access under test
    with pytest.raises(NamedTable.DoesNotExist):
        table.get(b=3)
    assert issubclass(NamedTable.MultipleObjectsReturned, MultipleObjectsReturned)


def test_named_identifiers_are_validated() -> None:
    for bad in ('x"; DROP TABLE y', "a b", ""):
        with pytest.raises(InvalidIdentifier):
            NamedTable("ks", bad)
        with pytest.raises(InvalidIdentifier):
            NamedKeyspace(bad)
        with pytest.raises(InvalidIdentifier):
            NamedColumn(bad)


def test_named_token_reads_partition_keys(db: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    class Key:
        def __init__(self, name: str) -> None:
            self.name = name

    class Meta:
        keyspaces = {"ks": type("K", (), {"tables": {"t": type("T", (), {
            "partition_key": [Key("a"), Key("b")]})}})}

    cluster = FakeCluster()
    cluster.metadata = Meta()
    monkeypatch.setattr(connection, "get_cluster", lambda name=None: cluster)
    table = NamedTable("ks", "t")
    qs = table.objects.filter(pk__token__gt=Token(1, 2))
    assert str(qs) == 'SELECT * FROM ks.t WHERE token("a", "b") > token(%(0)s, %(1)s) LIMIT 10000'
    table.objects(a=1, b=2).delete()
    assert db.cql == ['DELETE FROM ks.t WHERE "a" = %(0)s AND "b" = %(1)s']
    with pytest.raises(CQLEngineException, match="Failed inspecting partition keys"):
        NamedTable("ks", "missing")._partition_keys  # noqa: B018


def test_queryset_class_identity() -> None:
    # That no cassandra.cqlengine module is loaded is checked in fresh
    # interpreters (test_public_api, tests/integration/compat).
    assert isinstance(M.objects, ModelQuerySet) and M.__queryset__ is ModelQuerySet
    assert BatchQuery.__module__ == "coodie_compat.query"


def test_timestamp_timedelta_is_relative_to_now(db: Recorder) -> None:
    batch = BatchQuery(timestamp=timedelta(seconds=30))
    M.batch(batch).create(p=1, c=1)
    before = datetime.now().timestamp()
    batch.execute()
    stamp = int(db.cql[0].split("USING TIMESTAMP ")[1].split("\n")[0])
    assert before + 29 < stamp / 1e6 < before + 31


class _TextBatchResult(FakeResult):
    """A driver result the driver cannot classify: several rows of a text batch."""

    def __init__(self, text: str, rows: list[dict[str, Any]]) -> None:
        super().__init__(rows)
        self.column_names = list(rows[0]) if rows else []
        self.current_rows = rows
        self.response_future = type("F", (), {"query": SimpleStatement(text)})()


def test_check_applied_reads_failed_text_batches_itself() -> None:
    rows = [{"[applied]": False, "p": 1, "c": 1}, {"[applied]": False, "p": 1, "c": 2}]
    with pytest.raises(LWTException) as raised:
        check_applied(_TextBatchResult("BEGIN UNLOGGED BATCH\n  ...\nAPPLY BATCH;", rows))
    assert raised.value.existing == rows[0]
    check_applied(_TextBatchResult("BEGIN  BATCH\n  ...\nAPPLY BATCH;", [{"p": 1}]))
    check_applied(_TextBatchResult("SELECT * FROM ks.m", rows))  # not a batch: applied


def test_queued_statements_keep_their_own_numbering(db: Recorder) -> None:
    batch = BatchQuery()
    conditional = M.objects(p=1, c=2).iff(t="a").batch(batch)
    conditional.update(d=1)
    conditional.update(d=2, st="x")
    assert [str(q) for q in batch.queries] == [
        'UPDATE ks.m SET "d" = %(3)s WHERE "p" = %(0)s AND "c" = %(1)s IF "t" = %(2)s',
        'UPDATE ks.m SET "d" = %(3)s, "st" = %(4)s WHERE "p" = %(0)s AND "c" = %(1)s '
        'IF "t" = %(2)s',
    ]
    assert conditional._conditional[0].context_id is None  # the queryset's clause is untouched


def test_deepcopy_is_a_cheap_clone() -> None:
    qs = M.objects(p=1).batch(BatchQuery())
    twin = copy.deepcopy(qs)
    assert twin == qs and twin is not qs and twin._batch is qs._batch
    assert twin._where is not qs._where


def test_dml_query_needs_an_instance() -> None:
    dml = DMLQuery(M)
    for action in (dml.save, dml.update, dml.delete):
        with pytest.raises(CQLEngineException, match="DML Query instance attribute is None"):
            action()
    with pytest.raises(CQLEngineException):
        dml.batch("nope")  # type: ignore[arg-type]
    assert dml.batch(None) is dml
