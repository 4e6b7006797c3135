"""``DMLQuery``: the INSERT, UPDATE and DELETE statements for one model instance.

The instance's value managers say what changed since it was loaded or
saved: ``save()`` inserts (or updates a persisted instance), ``update()``
writes changed columns only, and columns set to None are removed by a
separate DELETE, as cqlengine does.  Public names are re-exported by
:mod:`coodie_compat.query`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any, cast

from cassandra.cluster import _NOT_SET

from coodie_compat import CQLEngineException, ValidationError, columns
from coodie_compat._batch import BatchQuery
from coodie_compat._input_errors import qualify
from coodie_compat._query_base import check_applied, execute_statement, fresh
from coodie_compat.operators import EqualsOperator
from coodie_compat.statements import (
    BaseCQLStatement,
    DeleteStatement,
    InsertStatement,
    MapDeleteClause,
    UpdateStatement,
)

__all__ = ["DMLQuery"]

_NO_INSTANCE = "DML Query instance attribute is None"
_COUNTER_SAVE = ("'create' and 'save' actions on Counters are deprecated. It will be disallowed "
                 "in 4.0. Use the 'update' mechanism instead.")


def _refuse_null_map_value(model: Any, column: Any, value: dict[Any, Any]) -> None:
    """A map written whole (an INSERT) may not hold None: the server refuses it.

    (An UPDATE writes a map key by key, where None deletes the key.)
    """
    error = ValidationError(f"{column.column_name} None is not allowed as a map value in an "
                            "INSERT; set the key to None with update() to delete it")
    qualify(error, model.__name__, column.column_name, value)
    raise error


def _null_clustering_key(instance: Any) -> bool:
    """True when the model has clustering keys and the instance has none of them set."""
    keys = instance._clustering_keys
    return bool(keys) and all(col._val_is_null(getattr(instance, name, None))
                              for name, col in keys.items())


class DMLQuery:
    """Writes one model instance: built by the model for ``save``, ``update`` and ``delete``.

    Unlike querysets it is mutable; it carries the instance's write options
    (batch, TTL, consistency, timestamp, conditions, timeout).
    """

    _ttl: int | None = None
    _consistency: Any = None
    _timestamp: Any = None
    _if_not_exists = False
    _if_exists = False

    def __init__(self, model: Any, instance: Any = None, batch: BatchQuery | None = None,
                 ttl: int | None = None, consistency: Any = None, timestamp: Any = None,
                 if_not_exists: bool = False, conditional: Iterable[Any] | None = None,
                 timeout: Any = _NOT_SET, if_exists: bool = False) -> None:
        self.model = model
        self.column_family_name = model.column_family_name()
        self.instance = instance
        self._batch = batch
        self._ttl = ttl
        self._consistency = consistency
        self._timestamp = timestamp
        self._if_not_exists = if_not_exists
        self._if_exists = if_exists
        self._conditional = conditional
        self._timeout = timeout

    def _connection(self) -> str | None:
        owner = self.instance if self.instance is not None else self.model
        return cast("str | None", owner._get_connection())

    def _queue(self, statement: BaseCQLStatement, connection: str | None) -> None:
        """Add to the batch, which must stay on one connection."""
        batch = self._batch
        assert batch is not None
        if not batch._connection:
            batch._connection = connection
        elif not batch._connection_explicit and connection and connection != batch._connection:
            raise CQLEngineException("BatchQuery queries must be executed on the same connection")
        batch.add_query(statement)

    def _execute(self, statement: BaseCQLStatement) -> Any:
        """Queue ``statement`` on the batch, or send it (one round trip)."""
        connection = self._connection()
        if self._batch:
            return self._queue(statement, connection)
        result = execute_statement(self.model, statement, self._consistency, self._timeout,
                                   connection=connection)
        if self._if_not_exists or self._if_exists or self._conditional:
            check_applied(result)
        return result

    def batch(self, batch_obj: BatchQuery | None) -> DMLQuery:
        """Queue the writes on ``batch_obj`` (None: send them); returns self."""
        if batch_obj is not None and not isinstance(batch_obj, BatchQuery):
            raise CQLEngineException("batch_obj must be a BatchQuery instance or None")
        self._batch = batch_obj
        return self

    def _require_instance(self) -> Any:
        if self.instance is None:
            raise CQLEngineException(_NO_INSTANCE)
        assert type(self.instance) is self.model
        return self.instance

    def _where_keys(self, statement: BaseCQLStatement, keys: Mapping[str, Any],
                    skip_clustering: bool = False) -> None:
        for name, col in keys.items():
            if skip_clustering and not col.partition_key:
                continue
            statement.add_where(col, EqualsOperator(), getattr(self.instance, name))

    def _delete_null_columns(self, conditionals: Iterable[Any] | None = None) -> None:
        """DELETE the columns now null and the map keys removed since the last snapshot."""
        fields: list[Any] = []
        static_only = True
        for manager in self.instance._values.values():
            col: Any = manager.column
            if manager.deleted:
                fields.append(col.db_field_name)
            elif isinstance(col, columns.Map):
                removal = MapDeleteClause(str(col.db_field_name), manager.value,
                                          manager.previous_value)
                if removal.get_context_size() == 0:
                    continue
                fields.append(removal)
            else:
                continue
            static_only = static_only and col.static
        if fields:
            statement = DeleteStatement(self.column_family_name,
                                        conditionals=fresh(conditionals),
                                        if_exists=self._if_exists)
            for field in fields:
                statement.add_field(field)
            keys = self.model._partition_keys if static_only else self.model._primary_keys
            self._where_keys(statement, keys)
            self._execute(statement)

    def _changed_updates(self, statement: UpdateStatement, null_clustering_key: bool
                         ) -> tuple[set[str], bool]:
        """Add the changed columns to ``statement``; return their db names and static-ness."""
        instance = self.instance
        updated: set[str] = set()
        static_only = True
        for manager in instance._values.values():
            col = manager.column
            if null_clustering_key and not col.static and not col.partition_key:
                continue  # without a clustering key only static columns can be written
            if col.primary_key:
                continue
            value = manager.getval()
            if value is None:
                continue
            if not manager.changed and not isinstance(col, columns.Counter):
                continue
            static_only = static_only and col.static
            statement.add_update(col, value, previous=manager.previous_value)
            updated.add(col.db_field_name)
        return updated, static_only

    def update(self) -> None:
        """Write the changed columns (a blind upsert), then delete those set to None."""
        instance = self._require_instance()
        null_clustering_key = _null_clustering_key(instance)
        statement = UpdateStatement(self.column_family_name, ttl=self._ttl,
                                    timestamp=self._timestamp,
                                    conditionals=fresh(self._conditional),
                                    if_exists=self._if_exists)
        updated, static_only = self._changed_updates(statement, null_clustering_key)
        if statement.assignments:
            # A static-only write must not name the clustering key.
            self._where_keys(statement, self.model._primary_keys,
                             skip_clustering=null_clustering_key or static_only)
            self._execute(statement)
        if not null_clustering_key:
            conditionals = [c for c in self._conditional if c.field not in updated] \
                if self._conditional else None
            self._delete_null_columns(conditionals)

    def _insert(self, static_save_only: bool) -> InsertStatement:
        """The INSERT of every non-null column; nulled ones are deleted afterwards."""
        instance = self.instance
        insert = InsertStatement(self.column_family_name, ttl=self._ttl,
                                 timestamp=self._timestamp, if_not_exists=self._if_not_exists)
        for manager in instance._values.values():
            col = manager.column
            if static_save_only and not col.static and not col.partition_key:
                continue
            value = manager.getval()
            if col._val_is_null(value):
                continue
            if type(value) is dict and None in value.values():
                _refuse_null_map_value(self.model, col, value)
            if col.has_default and not manager.changed:
                # Mark defaults explicit so the post-save snapshot records them.
                manager.explicit = True
            insert.add_assignment(col, value)
        return insert

    def save(self) -> None:
        """INSERT a new instance (UPDATE a persisted one or a counter row)."""
        instance = self._require_instance()
        if instance._has_counter or instance._can_update():
            if instance._has_counter:
                warnings.warn(_COUNTER_SAVE, DeprecationWarning, stacklevel=3)
            self.update()
            return
        static_save_only = _null_clustering_key(instance)
        insert = self._insert(static_save_only)
        if not insert.is_empty:
            self._execute(insert)
        if not static_save_only:
            self._delete_null_columns()

    def delete(self) -> None:
        """DELETE the instance's row (or its static part when the clustering key is null)."""
        if self.instance is None:
            raise CQLEngineException(_NO_INSTANCE)
        statement = DeleteStatement(self.column_family_name, timestamp=self._timestamp,
                                    conditionals=fresh(self._conditional),
                                    if_exists=self._if_exists)
        for name, col in self.model._primary_keys.items():
            value = getattr(self.instance, name)
            if value is None and not col.partition_key:
                continue
            statement.add_where(col, EqualsOperator(), value)
        self._execute(statement)
