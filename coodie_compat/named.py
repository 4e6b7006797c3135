"""Query tables without a model class (``cassandra.cqlengine.named``).

``NamedKeyspace('ks').table('t')`` gives a :class:`NamedTable` whose
``objects`` is a :class:`~coodie_compat.query.SimpleQuerySet`: the same
filters, ordering, limits and ``get()`` as a model queryset, with rows
returned as :class:`~coodie_compat.query.ResultObject` dicts.  Keyspace,
table and column names are validated as CQL identifiers and quoted where
CQL needs it, so a name can never carry CQL text into a statement.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from coodie_compat import CQLEngineException
from coodie_compat import connection as conn
from coodie_compat.columns import Column
from coodie_compat.connection import get_cluster
from coodie_compat.models import BaseModel, UsingDescriptor
from coodie_compat.query import AbstractQueryableColumn, SimpleQuerySet
from coodie_compat.query import DoesNotExist as _DoesNotExist
from coodie_compat.query import MultipleObjectsReturned as _MultipleObjectsReturned
from coodie_core.identifiers import quote, validate_name

__all__ = ["NamedColumn", "NamedKeyspace", "NamedTable", "QuerySetDescriptor"]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += ["AbstractQueryableColumn", "BaseModel", "CQLEngineException", "Column",
            "OrderedDict", "SimpleQuerySet", "UsingDescriptor", "get_cluster"]


class QuerySetDescriptor:
    """``NamedTable.objects``: a fresh :class:`SimpleQuerySet` on every access."""

    def __get__(self, obj: Any, model: Any) -> SimpleQuerySet:
        if model.__abstract__:
            raise CQLEngineException("cannot execute queries against abstract models")
        return SimpleQuerySet(obj)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Only a hint that ``objects(...)`` is callable; the queryset does the work."""
        raise NotImplementedError


class NamedColumn(AbstractQueryableColumn):
    """A column known by name only; ``table.column('x') > 3`` builds a WHERE clause.

    Values are compared as given (``to_database`` is the identity).
    """

    def __init__(self, name: str) -> None:
        self.name = validate_name(name, "column")

    def __unicode__(self) -> str:
        return self.name

    def _get_column(self) -> NamedColumn:
        return self

    @property
    def db_field_name(self) -> str:
        """The column's name in the table."""
        return self.name

    @property
    def cql(self) -> str:
        """The quoted column name."""
        return self.get_cql()

    def get_cql(self) -> str:
        """Return the column name in double quotes."""
        return f'"{self.name}"'

    def to_database(self, val: Any) -> Any:
        """Return ``val`` unchanged: a named column has no type to convert to."""
        return val


class _KeyColumn:
    """A partition-key column read from the table metadata (what token queries need)."""

    partition_key = True
    primary_key = True

    def __init__(self, name: str) -> None:
        self.db_field_name = name
        self.column_name = name

    def to_database(self, val: Any) -> Any:
        """Return ``val`` unchanged: the driver encodes it."""
        return val


class NamedTable:
    """A table identified by keyspace and name, queried through ``objects``.

    It has no ``create``; rows come back as dicts with attribute access.
    Its partition key is read from the cluster metadata the first time a
    token query or a delete needs it.
    """

    __abstract__ = False
    __connection__: str | None = None

    objects = QuerySetDescriptor()

    _partition_key_index = None
    _connection: str | None = None

    class DoesNotExist(_DoesNotExist):
        """``get()`` on a named table found no row."""

    class MultipleObjectsReturned(_MultipleObjectsReturned):
        """``get()`` on a named table found several rows."""

    def __init__(self, keyspace: str, name: str) -> None:
        self.keyspace = validate_name(keyspace, "keyspace")
        self.name = validate_name(name, "table")
        self._connection = None
        self.__partition_keys: OrderedDict[str, Any] | None = None

    def _get_connection(self) -> str | None:
        return self._connection or self.__connection__

    def using(self, connection: str | None = None) -> NamedTable:
        """Query through the named connection; returns the table."""
        if connection:
            self._connection = connection
        return self

    @property
    def _partition_keys(self) -> OrderedDict[str, Any]:
        if not self.__partition_keys:
            self.__partition_keys = self._get_partition_keys()
        return self.__partition_keys

    def _get_partition_keys(self) -> OrderedDict[str, Any]:
        try:
            cluster = conn.get_cluster(self._get_connection())
            table = cluster.metadata.keyspaces[self.keyspace].tables[self.name]
            return OrderedDict((key.name, _KeyColumn(key.name)) for key in table.partition_key)
        except Exception as exc:
            raise CQLEngineException(
                f"Failed inspecting partition keys for {self.column_family_name()}. Ensure "
                "cqlengine is connected before attempting this with NamedTable.") from exc

    def column(self, name: str) -> NamedColumn:
        """Return the named column, for expressions such as ``table.column('x') == 1``."""
        return NamedColumn(name)

    def column_family_name(self, include_keyspace: bool = True) -> str:
        """Return ``keyspace.table`` (or the table alone), quoted where CQL needs it."""
        table = quote(self.name)
        return f"{quote(self.keyspace)}.{table}" if include_keyspace else table

    def _get_column(self, name: str) -> NamedColumn:
        return self.column(name)

    def all(self) -> SimpleQuerySet:
        """A queryset over the whole table."""
        return self.objects.all()

    def filter(self, *args: Any, **kwargs: Any) -> SimpleQuerySet:
        """A queryset restricted by these clauses or ``col__op=value`` keywords."""
        return self.objects.filter(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        """The single row matching these filters."""
        return self.objects.get(*args, **kwargs)


class NamedKeyspace:
    """A keyspace identified by name; ``table(name)`` gives a :class:`NamedTable`."""

    def __init__(self, name: str) -> None:
        self.name = validate_name(name, "keyspace")

    def table(self, name: str) -> NamedTable:
        """Return the table ``name`` of this keyspace."""
        return NamedTable(self.name, name)
