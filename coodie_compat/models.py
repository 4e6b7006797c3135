"""Models of the facade (``cassandra.cqlengine.models``).

A model class declares ``Column`` attributes; :class:`ModelMetaClass` turns
them into descriptors, works out the keys once (helpers in
:mod:`coodie_compat._model_meta`) and hands the columns to the bridge, which
stores the core's :class:`~coodie_core.meta.TableMeta` on the class as
``_table_meta``.  Instances keep one value manager per column (built lazily,
:mod:`coodie_compat._instance_state`): change tracking, null-means-delete and
the INSERT-versus-UPDATE choice of :meth:`BaseModel.save` rest on them.
Reads and writes go through ``__queryset__`` and ``__dmlquery__``.

Models are plain classes, not Pydantic models: cqlengine column names such as
``validate``, ``copy`` or ``json`` must stay free for users.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, cast
from warnings import warn

from cassandra.metadata import protect_name

from coodie_compat import CQLEngineException, ValidationError, _bridge, columns, connection, query
from coodie_compat import _model_meta as meta
from coodie_compat._input_errors import (
    check_counter_deltas,
    check_row_key,
    qualify,
    sized_key_names,
)
from coodie_compat._instance_state import (
    LazyValues,
    ModelPlan,
    construct_eagerly,
    install_loader,
    load_eagerly,
    plan_of,
    reset_loader,
)
from coodie_compat._model_descriptors import (
    ColumnDescriptor,
    ColumnQueryEvaluator,
    ConditionalDescriptor,
    ConsistencyDescriptor,
    IfExistsDescriptor,
    IfNotExistsDescriptor,
    QuerySetDescriptor,
    TimestampDescriptor,
    TTLDescriptor,
    UsingDescriptor,
    hybrid_classmethod,
)
from coodie_compat._model_meta import (
    ModelDefinitionException,
    ModelException,
    PolymorphicModelException,
    UndefinedKeyspaceWarning,
)
from coodie_compat._model_meta import _clone_model_class as _clone_model_class
from coodie_core import errors as core_errors

if TYPE_CHECKING:
    from coodie_core.meta import TableMeta

__all__ = [
    "DEFAULT_KEYSPACE", "BaseModel", "ColumnDescriptor", "ColumnQueryEvaluator",
    "ConditionalDescriptor", "ConsistencyDescriptor", "IfExistsDescriptor",
    "IfNotExistsDescriptor", "Model", "ModelDefinitionException", "ModelException",
    "ModelMetaClass", "PolymorphicModelException", "QuerySetDescriptor", "TTLDescriptor",
    "TimestampDescriptor", "UndefinedKeyspaceWarning", "UsingDescriptor", "ValidationError",
    "hybrid_classmethod",
]
# Names cqlengine's module has because it imports them: a star import brings them too.
__all__ += ["CQLEngineException", "OrderedDict", "columns", "connection", "log", "logging",
            "protect_name", "query", "re", "warn"]

log = logging.getLogger(__name__)

#: Keyspace of models without ``__keyspace__``; ``connection.setup`` and
#: ``connection.set_session`` set it, and it is read at call time.
DEFAULT_KEYSPACE: str | None = None

for _public in (
    ColumnDescriptor, ColumnQueryEvaluator, ConditionalDescriptor, ConsistencyDescriptor,
    IfExistsDescriptor, IfNotExistsDescriptor, QuerySetDescriptor, TTLDescriptor,
    TimestampDescriptor, UsingDescriptor, hybrid_classmethod, ModelDefinitionException,
    ModelException, PolymorphicModelException, UndefinedKeyspaceWarning,
):
    _public.__module__ = __name__  # where cqlengine defines them (reprs, pickling)


class BaseModel:
    """Behaviour shared by every model; inherit from :class:`Model`, not from this."""

    class DoesNotExist(query.DoesNotExist, core_errors.DoesNotExist):
        """No row matched a ``get``; every model class has its own subclass."""

    class MultipleObjectsReturned(
        query.MultipleObjectsReturned, core_errors.MultipleObjectsReturned
    ):
        """More than one row matched a ``get``; every model class has its own subclass."""

    objects = QuerySetDescriptor()
    ttl = TTLDescriptor()
    consistency = ConsistencyDescriptor()
    iff = ConditionalDescriptor()
    timestamp = TimestampDescriptor()
    if_not_exists = IfNotExistsDescriptor()
    if_exists = IfExistsDescriptor()
    using = UsingDescriptor()

    __table_name__: str | None = None
    __table_name_case_sensitive__ = False
    __keyspace__: str | None = None
    __connection__: str | None = None
    __discriminator_value__: Any = None
    __options__: dict[str, Any] | None = None
    __compute_routing_key__ = True
    __queryset__ = query.ModelQuerySet
    __dmlquery__ = query.DMLQuery
    __consistency__: Any = None

    _timestamp: Any = None
    _if_not_exists = False
    _has_counter = False  # the metaclass sets these from the columns
    _sized_keys: tuple[tuple[str, str], ...] = ()  # see _check_key
    _if_exists = False
    _table_name: str | None = None  # cache of the name, filled on first use
    _connection: str | None = None
    _table_meta: TableMeta | None = None  # the core's metadata, set by the metaclass
    _ttl: Any = None  # per-instance state from here: what a new instance starts with
    _conditional: Any = None
    _batch: Any = None
    _timeout: Any = connection.NOT_SET
    _is_persisted = False
    _values = LazyValues()  # the value managers, built on first use
    _compat_plan: ModelPlan | None = None  # see coodie_compat._instance_state
    _qualified_name: tuple[Any, str, str, str] | None = None  # column_family_name's last

    # Set on every model class by ModelMetaClass (``_model_meta.ModelLayout``); declared
    # here for type checkers only, so this base class keeps none of them.
    __abstract__: ClassVar[bool]
    _columns: ClassVar[OrderedDict[str, Any]]
    _defined_columns: ClassVar[OrderedDict[str, Any]]
    _primary_keys: ClassVar[OrderedDict[str, Any]]
    _db_map: ClassVar[dict[str, str]]
    _dynamic_columns: ClassVar[dict[str, Any]]
    _key_serializer: ClassVar[Callable[[Iterable[Any], int], Any]]
    _is_polymorphic: ClassVar[bool]
    _is_polymorphic_base: ClassVar[bool]
    _discriminator_column_name: ClassVar[str | None]
    _discriminator_map: ClassVar[dict[Any, type[BaseModel]] | None]

    _len: int  # __len__'s cache, set on first use

    def __init__(self, **values: Any) -> None:
        plan = plan_of(type(self))
        if plan.lazy:
            plan.construct(self, values)
        else:
            construct_eagerly(self, values)

    def __repr__(self) -> str:
        shown = (k for k in self._defined_columns if k != self._discriminator_column_name)
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in shown)})"

    def __str__(self) -> str:
        keys = ", ".join(f"{k}={getattr(self, k)}" for k in self._primary_keys)
        return f"{type(self).__name__} <{keys}>"

    @classmethod
    def _routing_key_from_values(cls, pk_values: Any, protocol_version: int) -> Any:
        """Serialise partition-key values as the driver's routing key (None if disabled)."""
        return cls._key_serializer(pk_values, protocol_version)

    @classmethod
    def _discover_polymorphic_submodels(cls) -> None:
        if not cls._is_polymorphic_base:
            raise ModelException(
                "_discover_polymorphic_submodels can only be called on polymorphic base classes"
            )
        meta.discover_submodels(cls)

    @classmethod
    def _get_model_by_discriminator_value(cls, key: Any) -> Any:
        submodels = cls._discriminator_map  # a dict exactly on polymorphic bases
        if not cls._is_polymorphic_base or submodels is None:
            raise ModelException(
                "_get_model_by_discriminator_value can only be called on polymorphic base classes"
            )
        return submodels.get(key)

    @classmethod
    def _construct_instance(cls, values: dict[str, Any]) -> Any:
        """Build a persisted instance from a row dict (db names); resolves subclasses."""
        hydrate = install_loader(cls, BaseModel.__dict__["_construct_instance"])
        if hydrate is not None:
            return hydrate(values)
        return load_eagerly(cls, values)

    def _set_persisted(self, force: bool = False) -> None:
        for manager in self._values.values():
            if force or manager.changed:
                manager.reset_previous_value()
                manager.explicit = False
        self._is_persisted = True

    def _can_update(self) -> bool:
        """True when ``save()`` may UPDATE: persisted, and no primary key changed."""
        if not self._is_persisted:
            return False
        return not any(self._values[k].changed for k in self._primary_keys)

    @classmethod
    def _get_keyspace(cls) -> str | None:
        """The model's ``__keyspace__``, else ``models.DEFAULT_KEYSPACE`` (read now)."""
        return cls.__keyspace__ or DEFAULT_KEYSPACE

    @classmethod
    def _get_column(cls, name: str) -> Any:
        return cls._columns[name]

    @classmethod
    def _get_column_by_db_name(cls, name: str) -> Any:
        return cls._columns.get(cls._db_map.get(name, name))

    def __eq__(self, other: object) -> bool:
        if self.__class__ != other.__class__:
            return False
        keys = set(self._columns)
        if keys != set(other._columns):
            return False
        return all(getattr(self, k, None) == getattr(other, k, None) for k in keys)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # unhashable: mutable, compared by value

    @classmethod
    def column_family_name(cls, include_keyspace: bool = True) -> str:
        """The CQL table name, quoted as needed, prefixed with the keyspace by default."""
        raw = cls._table_name or cls._raw_column_family_name()
        if not include_keyspace:
            return cast(str, protect_name(raw))  # the driver is untyped
        keyspace = cls._get_keyspace()
        cached = cls._qualified_name
        if cached is not None and cached[0] is cls and cached[1] == keyspace and cached[2] == raw:
            return cached[3]
        if not keyspace:
            raise CQLEngineException(
                "Model keyspace is not set and no default is available. Set model keyspace or "
                "setup connection before attempting to generate a query."
            )
        name = f"{protect_name(keyspace)}.{protect_name(raw)}"
        cls._qualified_name = (cls, keyspace, raw, name)  # one entry, checked above
        return name

    @classmethod
    def _raw_column_family_name(cls) -> str:
        if not cls._table_name:
            cls._table_name = meta.table_name(cls, warn=True)
        return cls._table_name

    def _set_column_value(self, name: str, value: Any) -> None:
        """Replace a value without touching the value manager's tracking state."""
        self._values[name].value = value

    def validate(self) -> None:
        """Clean and validate every value, re-applying defaults to implicit Nones.

        Errors name the model and the column (``CItem.tiny 300 is out of
        range...``).  Counter changes must fit a bigint, and text and blob key
        values must be what Cassandra accepts in a key: a partition key neither
        empty nor over 65535 bytes serialized, a clustering value at most that.
        """
        managers = self._values
        manager = value = None
        try:
            for manager in managers.values():
                col = manager.column
                value = manager.getval()
                if value is None and not manager.explicit and col.has_default:
                    value = col.get_default()
                manager.value = col.validate(value)
        except CQLEngineException as exc:
            if manager is not None:  # None only if building the managers failed
                qualify(exc, type(self).__name__, manager.column.column_name, value)
            raise
        if self._has_counter:
            check_counter_deltas(type(self).__name__, managers.values())
        keys = self._sized_keys
        if keys:
            check_row_key(type(self), {name: managers[attr].value for attr, name in keys})

    def _check_key(self) -> None:
        """Refuse an empty partition key, or a key over 65535 bytes (text and blob keys)."""
        check_row_key(type(self), {name: getattr(self, attr) for attr, name in self._sized_keys})

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise TypeError
        if key not in self._columns:
            raise KeyError
        return getattr(self, key)

    def __setitem__(self, key: str, val: Any) -> None:
        if not isinstance(key, str):
            raise TypeError
        if key not in self._columns:
            raise KeyError
        setattr(self, key, val)

    def __len__(self) -> int:
        try:
            return self._len
        except AttributeError:
            self._len = len(self._columns)
            return self._len

    def keys(self) -> list[str]:
        """The column names, in model order."""
        return list(self._columns)

    def values(self) -> list[Any]:
        """The column values, in model order."""
        return [self[k] for k in self]

    def items(self) -> list[tuple[str, Any]]:
        """``(name, value)`` pairs, in model order."""
        return [(k, self[k]) for k in self]

    def _as_dict(self) -> dict[str, Any]:
        """Column names mapped to their database values."""
        values = dict(self._dynamic_columns)
        for name, col in self._columns.items():
            values[name] = col.to_database(getattr(self, name, None))
        return values

    @classmethod
    def create(cls, **kwargs: Any) -> Any:
        """Insert a new row built from ``kwargs`` and return the instance.

        A ``None`` value deletes that column; unknown names raise ``ValidationError``.
        """
        extra = set(kwargs) - set(cls._columns)
        if extra:
            raise ValidationError(f"{cls.__name__}: Incorrect columns passed: {extra}")
        return cls.objects.create(**kwargs)

    @classmethod
    def all(cls) -> Any:
        """A queryset over every row (``objects.all()``)."""
        return cls.objects.all()

    @classmethod
    def filter(cls, *args: Any, **kwargs: Any) -> Any:
        """A filtered queryset (``objects.filter(...)``)."""
        return cls.objects.filter(*args, **kwargs)

    @classmethod
    def get(cls, *args: Any, **kwargs: Any) -> Any:
        """The single instance matching the filters (``objects.get(...)``)."""
        return cls.objects.get(*args, **kwargs)

    def timeout(self, timeout: Any) -> Any:
        """Set the driver timeout of this instance's ``save``/``update``/``delete``."""
        assert self._batch is None, "Setting both timeout and batch is not supported"
        self._timeout = timeout
        return self

    def _dml(self, **options: Any) -> Any:
        return self.__dmlquery__(
            self.__class__, self, batch=self._batch, timestamp=self._timestamp,
            consistency=self.__consistency__, conditional=self._conditional,
            timeout=self._timeout, if_exists=self._if_exists, **options,
        )

    def _prepare_write(self, action: str) -> None:
        discriminator = self._discriminator_column_name  # set exactly on polymorphic models
        if self._is_polymorphic and discriminator is not None:
            if self._is_polymorphic_base:
                raise PolymorphicModelException(f"cannot {action} polymorphic base model")
            setattr(self, discriminator, self.__discriminator_value__)
        self.validate()

    def _written(self) -> Any:
        self._set_persisted()
        self._timestamp = None
        return self

    def save(self) -> Any:
        """Write the instance: UPDATE of changed columns if loaded, else INSERT.

        Columns set to None are deleted. Returns the instance.
        """
        self._prepare_write("save")
        self._dml(ttl=self._ttl, if_not_exists=self._if_not_exists).save()
        return self._written()

    def update(self, **values: Any) -> Any:
        """Set ``values`` and write the changed columns with an UPDATE (a blind upsert).

        Nothing is sent when nothing changed; a changed primary key or an
        unknown column raises ``ValidationError``. Returns the instance.
        """
        for name, value in values.items():
            col = self._columns.get(name)
            where = f"{self.__module__}.{self.__class__.__name__}"
            if col is None:
                raise ValidationError(f"{where} has no column named: {name}")
            if col.is_primary_key and value != getattr(self, name):
                raise ValidationError(f"Cannot apply update to primary key '{name}' for {where}")
            setattr(self, name, value)
        self._prepare_write("update")
        self._dml(ttl=self._ttl).update()
        return self._written()

    def delete(self) -> None:
        """Delete the instance's row."""
        if self._sized_keys:
            self._check_key()
        self._dml().delete()

    def get_changed_columns(self) -> list[str]:
        """Names of the columns changed since construction or the last write."""
        return [k for k, v in self._values.items() if v.changed]

    @classmethod
    def _class_batch(cls, batch: Any) -> Any:
        return cls.objects.batch(batch)

    def _inst_batch(self, batch: Any) -> Any:
        no_timeout = self._timeout is connection.NOT_SET
        assert no_timeout, "Setting both timeout and batch is not supported"
        if self._connection:
            raise CQLEngineException("Cannot specify a connection on model in batch mode.")
        self._batch = batch
        return self

    batch = hybrid_classmethod(_class_batch, _inst_batch)

    @classmethod
    def _class_get_connection(cls) -> str | None:
        return cls.__connection__

    def _inst_get_connection(self) -> str | None:
        return self._connection or self.__connection__

    _get_connection = hybrid_classmethod(_class_get_connection, _inst_get_connection)


class ModelMetaClass(type):
    """Turns ``Column`` attributes into descriptors and derives the table layout once."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        try:
            meta.check_declared_names(name, attrs)
            meta.class_defaults(attrs)
            layout = meta.build_layout(name, bases, attrs, BaseModel.__dict__)
        except CQLEngineException as exc:
            qualify(exc, name)
            raise
        attrs.update(layout.class_attributes(ColumnDescriptor))
        qualname = attrs.get("__qualname__", name)
        module = attrs.get("__module__", __name__)
        attrs.update(meta.exception_classes(qualname, module, bases, attrs, BaseModel))
        klass = cast("type[BaseModel]", super().__new__(mcs, name, bases, attrs))
        klass._table_meta = None if klass.__abstract__ else _bridge.table_meta(klass)
        klass._sized_keys = sized_key_names(klass)
        meta.register_udts(klass)
        reset_loader(klass, BaseModel.__dict__["_construct_instance"])
        return klass


class Model(BaseModel, metaclass=ModelMetaClass):
    """Base class of user models: declare ``Column`` attributes on a subclass.

    Optional class attributes: ``__abstract__`` (no table; not inherited),
    ``__table_name__`` (lowercased unless ``__table_name_case_sensitive__``),
    ``__keyspace__`` (else ``DEFAULT_KEYSPACE``), ``__connection__``,
    ``__options__`` (table properties), ``__discriminator_value__`` (for
    polymorphic models; not inherited) and ``__compute_routing_key__``.
    """

    __abstract__ = True
    __table_name__ = None
    __table_name_case_sensitive__ = False
    __keyspace__ = None
    __connection__ = None
    __options__ = None
    __discriminator_value__ = None
    __compute_routing_key__ = True
