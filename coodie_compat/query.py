"""Querysets, batches and instance writes (``cassandra.cqlengine.query``).

The names live in private modules, one concept each, and are re-exported
here so ``from coodie_compat.query import X`` works as with cqlengine:

- ``_query_base``: the errors, :func:`check_applied`,
  :class:`AbstractQueryableColumn` and the one execution path;
- ``_batch``: :class:`BatchType`, :class:`BatchQuery`, :class:`ContextQuery`;
- ``_queryset`` and ``_model_queryset``: :class:`AbstractQuerySet`,
  :class:`SimpleQuerySet`, :class:`ResultObject`, :class:`ModelQuerySet`;
- ``_dml``: :class:`DMLQuery`.

Every statement is sent by ``coodie_compat.connection.execute``, looked up
when the statement is sent, with exactly cqlengine's number of round trips.
"""

from __future__ import annotations

import copy
import time
from datetime import datetime, timedelta
from functools import partial
from warnings import warn

from cassandra.query import BatchStatement, SimpleStatement
from cassandra.query import BatchType as CBatchType

from coodie_compat import CQLEngineException, UnicodeMixin, ValidationError, columns
from coodie_compat import connection as conn
from coodie_compat._batch import BatchQuery, BatchType, ContextQuery
from coodie_compat._dml import DMLQuery
from coodie_compat._model_queryset import ModelQuerySet, ResultObject, SimpleQuerySet
from coodie_compat._query_base import (
    AbstractQueryableColumn,
    DoesNotExist,
    IfExistsWithCounterColumn,
    IfNotExistsWithCounterColumn,
    LWTException,
    MultipleObjectsReturned,
    QueryException,
    check_applied,
)
from coodie_compat._query_base import execute_statement as _execute_statement  # noqa: F401
from coodie_compat._queryset import AbstractQuerySet
from coodie_compat.functions import BaseQueryFunction, QueryValue, Token
from coodie_compat.operators import (
    BaseWhereOperator,
    ContainsOperator,
    EqualsOperator,
    GreaterThanOperator,
    GreaterThanOrEqualOperator,
    InOperator,
    LessThanOperator,
    LessThanOrEqualOperator,
)
from coodie_compat.statements import (
    BaseCQLStatement,
    ConditionalClause,
    DeleteStatement,
    InsertStatement,
    MapDeleteClause,
    SelectStatement,
    UpdateStatement,
    WhereClause,
)

__all__ = [
    "AbstractQuerySet",
    "AbstractQueryableColumn",
    "BatchQuery",
    "BatchType",
    "ContextQuery",
    "DMLQuery",
    "DoesNotExist",
    "IfExistsWithCounterColumn",
    "IfNotExistsWithCounterColumn",
    "LWTException",
    "ModelQuerySet",
    "MultipleObjectsReturned",
    "QueryException",
    "ResultObject",
    "SimpleQuerySet",
    "check_applied",
]

# The public classes present themselves as members of this module, as in
# cqlengine (reprs, pickles and messages built from ``__module__``).
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) or callable(_obj):
        _obj.__module__ = __name__
del _name, _obj

# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += [
    "BaseCQLStatement", "BaseQueryFunction", "BaseWhereOperator", "BatchStatement", "CBatchType",
    "CQLEngineException", "ConditionalClause", "ContainsOperator", "DeleteStatement",
    "EqualsOperator", "GreaterThanOperator", "GreaterThanOrEqualOperator", "InOperator",
    "InsertStatement", "LessThanOperator", "LessThanOrEqualOperator", "MapDeleteClause",
    "QueryValue", "SelectStatement", "SimpleStatement", "Token", "UnicodeMixin",
    "UpdateStatement", "ValidationError", "WhereClause", "columns", "conn", "copy", "datetime",
    "partial", "time", "timedelta", "warn",
]
