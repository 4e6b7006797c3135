"""The :class:`Document` base class: a Pydantic model bound to one Cassandra table.

Each public I/O method builds an :class:`~coodie_core.operations.Operation` and
runs it; the ``a``-prefixed twin awaits it instead (``save``/``asave``,
``get``/``aget``...). Writes never send a tombstone for a field the caller did not
set: such fields are bound as ``UNSET_VALUE``. A document read from the database
remembers what it was loaded with, so ``save()`` sends only the changed columns.

Single-table inheritance: a class whose ``Settings`` name a ``discriminator``
column is the root; subclasses set ``Settings.discriminator_value`` and share its
table. Reading through the root returns each row as its subclass; querying a
subclass filters on its value.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import pydantic
from typing_extensions import Self

from coodie_core import document_ops, errors
from coodie_core.errors import ModelDefinitionError
from coodie_core.execution import arun, run
from coodie_core.identifiers import snake_case
from coodie_core.lwt import LWTResult
from coodie_core.meta import TableMeta, TableSettings, build_table_meta, parse_settings
from coodie_core.operations import Operation, Options
from coodie_core.queryset import QuerySet
from coodie_core.readers import cql_checks, get_state, set_state
from coodie_core.view_schema import check_view

__all__ = ["Document", "MaterializedView"]

D = TypeVar("D", bound="Document")
Timestamp = int | datetime.datetime | None


class Document(pydantic.BaseModel):
    """Base class for table-backed models.

    Declare keys with ``Annotated`` markers from :mod:`coodie_core.fields` and table
    settings in an inner ``Settings`` class (``name``, ``keyspace``, ``connection``,
    ``abstract`` and table options such as ``default_time_to_live``).

    An unknown keyword (``Item(bodyy=...)``) is refused (``extra="forbid"``), so a
    typo never silently drops a value; rows read from a table with more columns
    than the model load the model's columns only.
    """

    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    DoesNotExist: ClassVar[type[errors.DoesNotExist]] = errors.DoesNotExist
    MultipleObjectsReturned: ClassVar[type[errors.MultipleObjectsReturned]] = (
        errors.MultipleObjectsReturned
    )
    __table_settings__: ClassVar[TableSettings] = TableSettings(abstract=True)

    # What a document knows about its row lives in ``__pydantic_private__`` (see
    # coodie_core.readers), not in Pydantic private attributes: those would cost
    # every instance, rows read included, a Python ``model_post_init`` call.
    _snapshot = property(
        lambda self: get_state(self, "_snapshot"),
        lambda self, value: set_state(self, "_snapshot", value),
        doc="Column values the row is known to hold (None: never read nor written).",
    )
    _partial = property(
        lambda self: bool(get_state(self, "_partial")),
        lambda self, value: set_state(self, "_partial", value),
        doc="True for a document loaded with ``only``/``defer``.",
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Attach :func:`_fill_discriminator` to a class whose ``Settings`` set a
        ``discriminator_value`` (before Pydantic collects the validators): only
        there, since a model validator costs every construction."""
        super().__init_subclass__(**kwargs)
        settings = cls.__dict__.get("Settings")
        value = vars(settings).get("discriminator_value") if isinstance(settings, type) else None
        if value is not None and not hasattr(cls, "_fill_discriminator"):
            fill: Any = classmethod(_fill_discriminator)
            validator = pydantic.model_validator(mode="before")(fill)
            type.__setattr__(cls, "_fill_discriminator", validator)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """Parse ``Settings``, give the class its own error types, build its metadata."""
        super().__pydantic_init_subclass__(**kwargs)
        inherited = cls.__table_settings__
        settings = parse_settings(cls.__name__, cls.__dict__.get("Settings"), inherited)
        if inherited.discriminator is not None and not inherited.abstract:
            # a subclass in single-table inheritance shares its parent's table
            parent = next(b for b in cls.__mro__[1:] if issubclass(b, Document))
            settings = dataclasses.replace(
                settings,
                name=inherited.name or snake_case(parent.__name__),
                keyspace=inherited.keyspace,
                options=inherited.options,
            )
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
        source = table.settings.view_of
        if source is not None:
            if not (isinstance(source, type) and issubclass(source, Document)):
                raise ModelDefinitionError(f"{cls.__name__}.Settings.view_of must be a Document")
            check_view(table, source.table_meta())
        type.__setattr__(cls, "__table_meta__", table)
        return table

    def __eq__(self, other: object) -> bool:
        """Documents are equal when of the same class with equal field values
        (what they remember about their row does not count)."""
        if not isinstance(other, Document):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable, as Pydantic models are

    @pydantic.model_validator(mode="after")
    def _check_cql_values(self) -> Self:
        """Reject values Pydantic accepts but the CQL type cannot hold (int ranges...).

        Only columns whose type needs a check are visited (their checks are built
        once per class); None values need none.
        """
        checks = type(self).__dict__.get("__cql_checks__")
        if checks is None:
            checks = cql_checks(type(self))
        values = self.__dict__
        for name, check in checks:
            value = values.get(name)
            if value is not None:
                problem = check(value)
                if problem is not None:
                    # the value goes in the message: Pydantic shortens input_value
                    raise ValueError(f"{name}: invalid value {_shown(value)}: {problem}")
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

    # -- writes: operation builders (see coodie_core.document_ops) ---------------

    def _connection(self) -> str | None:
        return type(self).table_meta().settings.connection

    def save_op(
        self,
        *,
        ttl: int | None = None,
        timestamp: Timestamp = None,
        if_not_exists: bool = False,
        options: Options | None = None,
        raise_on_failure: bool = False,
    ) -> Operation[LWTResult]:
        """The INSERT of the whole document (behind :meth:`insert` and a first save).

        A field the caller never set whose value is empty (None or an empty
        collection) is bound ``UNSET_VALUE``: nothing is written, no tombstone. A
        partial document (loaded with ``only``/``defer``) writes only the fields it
        holds or that were assigned since. ``ttl`` defaults to
        ``Settings.default_ttl``; ``timestamp`` is microseconds or an aware datetime.
        """
        return document_ops.insert_op(
            self,
            ttl=ttl,
            timestamp=timestamp,
            if_not_exists=if_not_exists,
            options=options,
            raise_on_failure=raise_on_failure,
        )

    def changes_op(
        self, *, ttl: int | None = None, timestamp: Timestamp = None
    ) -> Operation[LWTResult] | None:
        """What :meth:`save` sends: the INSERT for a document never written or read,
        else an UPDATE of the changed columns only (None when nothing changed)."""
        return document_ops.changes_op(self, ttl=ttl, timestamp=timestamp)

    def update_op(
        self,
        *,
        ttl: int | None = None,
        timestamp: Timestamp = None,
        if_exists: bool = False,
        iff: Mapping[str, object] | None = None,
        raise_on_failure: bool = False,
        serial_consistency: int | None = None,
        **values: object,
    ) -> Operation[LWTResult]:
        """The UPDATE behind :meth:`update`; applies the values to ``self`` on success."""
        return document_ops.update_op(
            self,
            values,
            ttl=ttl,
            timestamp=timestamp,
            if_exists=if_exists,
            iff=iff,
            raise_on_failure=raise_on_failure,
            serial_consistency=serial_consistency,
        )

    def increment_op(self, **deltas: int) -> Operation[None]:
        """The counter UPDATE behind :meth:`increment`."""
        return document_ops.counter_op(self, deltas, 1)

    def decrement_op(self, **deltas: int) -> Operation[None]:
        """The counter UPDATE behind :meth:`decrement`."""
        return document_ops.counter_op(self, deltas, -1)

    def delete_op(
        self,
        *,
        timestamp: Timestamp = None,
        if_exists: bool = False,
        iff: Mapping[str, object] | None = None,
        raise_on_failure: bool = False,
        serial_consistency: int | None = None,
    ) -> Operation[LWTResult]:
        """The DELETE behind :meth:`delete`."""
        return document_ops.delete_op(
            self,
            timestamp=timestamp,
            if_exists=if_exists,
            iff=iff,
            raise_on_failure=raise_on_failure,
            serial_consistency=serial_consistency,
        )

    def _by_key(self) -> QuerySet[Self]:
        keys = document_ops.key_where(self)
        return QuerySet(type(self)).filter(**{w.column: w.value for w in keys})

    # -- writes: sync and async twins -----------------------------------------------

    def save(self, *, ttl: int | None = None, timestamp: Timestamp = None) -> None:
        """Write the document: an INSERT when new, else only the changed columns
        (nothing at all when nothing changed)."""
        op = self.changes_op(ttl=ttl, timestamp=timestamp)
        if op is not None:
            run(op)

    async def asave(self, *, ttl: int | None = None, timestamp: Timestamp = None) -> None:
        """Write the document (see :meth:`save`)."""
        op = self.changes_op(ttl=ttl, timestamp=timestamp)
        if op is not None:
            await arun(op)

    def insert(
        self,
        *,
        ttl: int | None = None,
        timestamp: Timestamp = None,
        raise_on_failure: bool = False,
        serial_consistency: int | None = None,
    ) -> LWTResult:
        """Write only if no row has this primary key (``IF NOT EXISTS``).

        The result is truthy when written; otherwise ``existing`` holds the row
        found (or :class:`~coodie_core.errors.LWTException` is raised when
        ``raise_on_failure``).
        """
        options = Options(serial_consistency=serial_consistency)
        return run(
            self.save_op(
                ttl=ttl,
                timestamp=timestamp,
                if_not_exists=True,
                options=options,
                raise_on_failure=raise_on_failure,
            )
        )

    async def ainsert(
        self,
        *,
        ttl: int | None = None,
        timestamp: Timestamp = None,
        raise_on_failure: bool = False,
        serial_consistency: int | None = None,
    ) -> LWTResult:
        """Write only if no row has this primary key (see :meth:`insert`)."""
        options = Options(serial_consistency=serial_consistency)
        return await arun(
            self.save_op(
                ttl=ttl,
                timestamp=timestamp,
                if_not_exists=True,
                options=options,
                raise_on_failure=raise_on_failure,
            )
        )

    def update(self, **kwargs: Any) -> LWTResult:
        """Write the named fields of this row, then set them on ``self``.

        ``field=value`` sets (None deletes the cell); collection operations
        (``tags__append=[..]``, ``tags__add={..}``, ``prefs__put={..}``...) need no
        read. Options: ``ttl``, ``timestamp``, ``if_exists``, ``iff={"field__op":
        value}`` conditions, ``raise_on_failure``, ``serial_consistency``.
        """
        return run(self.update_op(**kwargs))

    async def aupdate(self, **kwargs: Any) -> LWTResult:
        """Write the named fields of this row (see :meth:`update`)."""
        return await arun(self.update_op(**kwargs))

    def increment(self, **deltas: int) -> None:
        """Add to counter columns (negative deltas subtract)."""
        run(self.increment_op(**deltas))

    async def aincrement(self, **deltas: int) -> None:
        """Add to counter columns (negative deltas subtract)."""
        await arun(self.increment_op(**deltas))

    def decrement(self, **deltas: int) -> None:
        """Subtract from counter columns."""
        run(self.decrement_op(**deltas))

    async def adecrement(self, **deltas: int) -> None:
        """Subtract from counter columns."""
        await arun(self.decrement_op(**deltas))

    def delete(self, **kwargs: Any) -> LWTResult:
        """Delete this row; ``timestamp``, ``if_exists``, ``iff``, ``raise_on_failure``
        and ``serial_consistency`` as for :meth:`update`."""
        return run(self.delete_op(**kwargs))

    async def adelete(self, **kwargs: Any) -> LWTResult:
        """Delete this row (see :meth:`delete`)."""
        return await arun(self.delete_op(**kwargs))

    def ttl_of(self, name: str) -> int | None:
        """The remaining TTL (seconds) of this row's ``name`` cell, None if none."""
        return self._by_key().ttl_of(name)

    async def attl_of(self, name: str) -> int | None:
        """The remaining TTL of this row's ``name`` cell (see :meth:`ttl_of`)."""
        return await self._by_key().attl_of(name)

    def writetime_of(self, name: str) -> int | None:
        """When this row's ``name`` cell was written (microseconds), None if unset."""
        return self._by_key().writetime_of(name)

    async def awritetime_of(self, name: str) -> int | None:
        """When this row's ``name`` cell was written (see :meth:`writetime_of`)."""
        return await self._by_key().awritetime_of(name)


def _fill_discriminator(cls: type[Document], data: Any) -> Any:
    """A subclass in single-table inheritance writes its own discriminator value
    (a ``mode="before"`` model validator, see ``Document.__init_subclass__``)."""
    settings = cls.__table_settings__
    name, value = settings.discriminator, settings.discriminator_value
    if name is not None and value is not None and isinstance(data, dict):
        if name not in data:
            return {**data, name: value}
        if data[name] != value:
            raise ValueError(f"{name} must be {value!r} for {cls.__name__}")
    return data


def _shown(value: object, limit: int = 500) -> str:
    """``repr(value)``, cut to ``limit`` characters (a value can be a long collection)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _error_type(model: type, name: str, base: type[Exception]) -> Any:
    """A per-model subclass of ``base`` (so ``except User.DoesNotExist`` is precise)."""
    return type(
        name,
        (base,),
        {"__module__": model.__module__, "__qualname__": f"{model.__qualname__}.{name}"},
    )


class MaterializedView(Document):
    """Base class for read-only materialized views.

    Declare the view's columns (base columns, same types) with its own key
    markers and name the base document in ``Settings.view_of``; sync it with
    ``sync_table`` after the base table. Writes raise InvalidQuery.
    """

    class Settings:
        abstract = True
