"""The :class:`Document` base class: a Pydantic model bound to one Cassandra table.

Each public I/O method builds an :class:`~coodie_core.operations.Operation` and
runs it; the ``a``-prefixed twin awaits it instead (``save``/``asave``,
``get``/``aget``...). Writes never send a tombstone for a field the caller did not
set: such fields are bound as ``UNSET_VALUE``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import pydantic
from cassandra.query import UNSET_VALUE
from typing_extensions import Self

from coodie_core import errors
from coodie_core.cqltypes import check_value
from coodie_core.errors import InvalidQuery, InvalidValue, ModelDefinitionError
from coodie_core.execution import arun, resolve_table, run
from coodie_core.meta import TableMeta, TableSettings, build_table_meta, parse_settings
from coodie_core.operations import Operation, Options, applied, ignore
from coodie_core.queryset import QuerySet
from coodie_core.statements import Assignment, Delete, Insert, Update, Where

__all__ = ["Document"]

D = TypeVar("D", bound="Document")


class Document(pydantic.BaseModel):
    """Base class for table-backed models.

    Declare keys with ``Annotated`` markers from :mod:`coodie_core.fields` and table
    settings in an inner ``Settings`` class (``name``, ``keyspace``, ``connection``,
    ``abstract`` and table options such as ``default_time_to_live``).
    """

    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True)

    DoesNotExist: ClassVar[type[errors.DoesNotExist]] = errors.DoesNotExist
    MultipleObjectsReturned: ClassVar[type[errors.MultipleObjectsReturned]] = (
        errors.MultipleObjectsReturned
    )
    __table_settings__: ClassVar[TableSettings] = TableSettings(abstract=True)
    _partial: bool = pydantic.PrivateAttr(default=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Parse ``Settings``, give the class its own error types, build its metadata."""
        super().__pydantic_init_subclass__(**kwargs)
        inherited = cls.__table_settings__
        settings = parse_settings(cls.__name__, cls.__dict__.get("Settings"), inherited)
        cls.__table_settings__ = settings
        cls.DoesNotExist = _error_type(cls, "DoesNotExist", cls.DoesNotExist)
        cls.MultipleObjectsReturned = _error_type(
            cls, "MultipleObjectsReturned", cls.MultipleObjectsReturned
        )
        if not settings.abstract and cls.__pydantic_complete__:
            cls.table_meta()  # errors in the model surface at class creation

    @classmethod
    def table_meta(cls) -> TableMeta:
        """The class's :class:`TableMeta`, computed once and kept on the class."""
        cached = cls.__dict__.get("__table_meta__")
        if isinstance(cached, TableMeta):
            return cached
        if cls.__table_settings__.abstract:
            raise ModelDefinitionError(f"{cls.__name__} is abstract and has no table")
        if not cls.__pydantic_complete__:
            try:
                cls.model_rebuild(raise_errors=True)
            except pydantic.PydanticUndefinedAnnotation as exc:
                raise ModelDefinitionError(f"{cls.__name__}: cannot resolve {exc}") from None
        table = build_table_meta(cls.__name__, cls.model_fields, cls.__table_settings__)
        type.__setattr__(cls, "__table_meta__", table)
        return table

    @pydantic.model_validator(mode="after")
    def _check_cql_values(self) -> Self:
        """Reject values Pydantic accepts but the CQL type cannot hold (int ranges...)."""
        if type(self).__table_settings__.abstract:
            return self
        for column in type(self).table_meta().columns:
            problem = check_value(column.cql_type, getattr(self, column.name, None))
            if problem is not None:
                raise ValueError(f"{column.name}: {problem}")
        return self

    # -- queries --------------------------------------------------------------------

    @classmethod
    def find(cls, **lookups: object) -> QuerySet[Self]:
        """A :class:`QuerySet` over this model, filtered by ``lookups``."""
        return QuerySet(cls).filter(**lookups)

    @classmethod
    def get(cls, **lookups: object) -> Self:
        """The one document matching ``lookups`` (usually the primary key)."""
        return QuerySet(cls).get(**lookups)

    @classmethod
    async def aget(cls, **lookups: object) -> Self:
        """The one document matching ``lookups`` (see :meth:`get`)."""
        return await QuerySet(cls).aget(**lookups)

    # -- writes: operation builders -------------------------------------------------

    def _key_where(self) -> tuple[Where, ...]:
        table = type(self).table_meta()
        where = []
        for column in table.primary_key:
            value = getattr(self, column.name, None)
            if value is None:
                raise InvalidValue(table.model_name, column.name, value, "key value is missing")
            where.append(Where(column.name, "=", column.validate(value)))
        return tuple(where)

    def _connection(self) -> str | None:
        return type(self).table_meta().settings.connection

    def save_op(
        self,
        *,
        ttl: int | None = None,
        timestamp: int | None = None,
        if_not_exists: bool = False,
        options: Options | None = None,
    ) -> Operation[bool]:
        """The INSERT behind :meth:`save` and :meth:`insert`.

        A field the caller never set whose value is empty (None or an empty
        collection) is bound ``UNSET_VALUE``: nothing is written, no tombstone. A
        partial document (loaded with ``only``/``defer``) writes only the fields it
        holds or that were assigned since.
        """
        table = type(self).table_meta()
        if table.is_counter_table:
            raise InvalidQuery(f"{table.model_name} is a counter table: use increment()")
        self._key_where()
        fields_set = self.model_fields_set
        values: list[object] = []
        for column in table.columns:
            value = getattr(self, column.name, None)
            unset = column.name not in fields_set
            if unset and (self._partial or value in (None, [], {}, set())):
                values.append(UNSET_VALUE)
            else:
                values.append(column.validate(value) if value is not None else None)
        insert = Insert(
            resolve_table(table),
            table.names,
            tuple(values),
            if_not_exists=if_not_exists,
            ttl=_non_negative(table, "ttl", ttl),
            timestamp=timestamp,
        )
        return Operation(insert, applied, options or Options(), self._connection())

    def update_op(
        self, *, ttl: int | None = None, timestamp: int | None = None, **values: object
    ) -> Operation[None]:
        """The UPDATE behind :meth:`update`; applies the values to ``self`` on success."""
        table = type(self).table_meta()
        if not values:
            raise InvalidQuery(f"{table.model_name}.update() needs at least one field")
        checked: dict[str, object] = {}
        for name, value in values.items():
            column = table.column(name)
            if column.is_key:
                raise InvalidQuery(f"{table.model_name}.{name}: cannot update a key column")
            checked[name] = None if value is None else column.validate(value)
        assignments = tuple(Assignment(name, "set", v) for name, v in checked.items())
        update = Update(
            resolve_table(table),
            assignments,
            self._key_where(),
            ttl=_non_negative(table, "ttl", ttl),
            timestamp=timestamp,
        )

        def apply(_: object) -> None:
            for name, value in checked.items():
                setattr(self, name, value)

        return Operation(update, apply, Options(), self._connection())

    def increment_op(self, **deltas: int) -> Operation[None]:
        """The counter UPDATE behind :meth:`increment`."""
        table = type(self).table_meta()
        assignments = []
        for name, delta in deltas.items():
            column = table.column(name)
            if column.cql_type != "counter":
                raise InvalidQuery(f"{table.model_name}.{name} is not a counter")
            assignments.append(Assignment(name, "add", column.validate(delta)))

        def apply(_: object) -> None:
            for name, delta in deltas.items():
                setattr(self, name, (getattr(self, name, None) or 0) + delta)

        update = Update(resolve_table(table), tuple(assignments), self._key_where())
        return Operation(update, apply, Options(), self._connection())

    def delete_op(self, *, timestamp: int | None = None) -> Operation[None]:
        """The DELETE behind :meth:`delete`."""
        delete = Delete(
            resolve_table(type(self).table_meta()), self._key_where(), timestamp=timestamp
        )
        return Operation(delete, ignore, Options(), self._connection())

    # -- writes: sync and async twins -----------------------------------------------

    def save(self, *, ttl: int | None = None, timestamp: int | None = None) -> None:
        """Write the document (an upsert)."""
        run(self.save_op(ttl=ttl, timestamp=timestamp))

    async def asave(self, *, ttl: int | None = None, timestamp: int | None = None) -> None:
        """Write the document (an upsert)."""
        await arun(self.save_op(ttl=ttl, timestamp=timestamp))

    def insert(self, *, ttl: int | None = None, timestamp: int | None = None) -> bool:
        """Write only if no row has this primary key (``IF NOT EXISTS``); True if written."""
        return run(self.save_op(ttl=ttl, timestamp=timestamp, if_not_exists=True))

    async def ainsert(self, *, ttl: int | None = None, timestamp: int | None = None) -> bool:
        """Write only if no row has this primary key (``IF NOT EXISTS``); True if written."""
        return await arun(self.save_op(ttl=ttl, timestamp=timestamp, if_not_exists=True))

    def update(
        self, *, ttl: int | None = None, timestamp: int | None = None, **values: object
    ) -> None:
        """Write only the named fields of this row, then set them on ``self``."""
        run(self.update_op(ttl=ttl, timestamp=timestamp, **values))

    async def aupdate(
        self, *, ttl: int | None = None, timestamp: int | None = None, **values: object
    ) -> None:
        """Write only the named fields of this row, then set them on ``self``."""
        await arun(self.update_op(ttl=ttl, timestamp=timestamp, **values))

    def increment(self, **deltas: int) -> None:
        """Add to counter columns (negative deltas subtract)."""
        run(self.increment_op(**deltas))

    async def aincrement(self, **deltas: int) -> None:
        """Add to counter columns (negative deltas subtract)."""
        await arun(self.increment_op(**deltas))

    def delete(self, *, timestamp: int | None = None) -> None:
        """Delete this row."""
        run(self.delete_op(timestamp=timestamp))

    async def adelete(self, *, timestamp: int | None = None) -> None:
        """Delete this row."""
        await arun(self.delete_op(timestamp=timestamp))


def _error_type(model: type, name: str, base: type[Exception]) -> Any:
    """A per-model subclass of ``base`` (so ``except User.DoesNotExist`` is precise)."""
    return type(
        name,
        (base,),
        {"__module__": model.__module__, "__qualname__": f"{model.__qualname__}.{name}"},
    )


def _non_negative(table: TableMeta, what: str, value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidValue(table.model_name, what, value, "must be a non-negative int")
    return value
