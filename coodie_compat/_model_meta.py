"""Class-creation helpers for :mod:`coodie_compat.models`.

``ModelMetaClass`` stays small by delegating here: collecting ``Column``
declarations (inherited ones first), checking them in cqlengine's order so the
same definition errors come out, working out the keys, the routing-key
serializer, the polymorphic flags and the per-model ``DoesNotExist`` /
``MultipleObjectsReturned`` classes.  Also home of the model exceptions and of
table naming, which the bridge to :mod:`coodie_core.meta` shares.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from coodie_compat import CQLEngineException, columns
from coodie_core.errors import InvalidIdentifier, InvalidTableOption
from coodie_core.identifiers import validate_name
from coodie_core.table_options import check_table_options

__all__ = [
    "InvalidTableName",
    "InvalidTableOptions",
    "ModelDefinitionException",
    "ModelException",
    "ModelLayout",
    "PolymorphicModelException",
    "UndefinedKeyspaceWarning",
    "build_layout",
    "check_declared_names",
    "class_defaults",
    "derived_name",
    "discover_submodels",
    "exception_classes",
    "polymorphic_class_for",
    "register_udts",
    "table_name",
]

_CAMEL_BOUNDARY = re.compile(r"([a-z])([A-Z])")
_MAX_NAME = 48  # Cassandra refuses longer table and type names

Definitions = list[tuple[str, Any]]


class ModelException(CQLEngineException):
    """A model class or instance used in a way cqlengine forbids."""


class ModelDefinitionException(ModelException):
    """A model class whose column declarations are inconsistent."""


class PolymorphicModelException(ModelException):
    """A polymorphic (discriminator) model misused: base saved, unknown type read..."""


class UndefinedKeyspaceWarning(Warning):
    """Kept for cqlengine compatibility; never emitted."""


class InvalidTableName(ModelDefinitionException, InvalidIdentifier):
    """A ``__table_name__`` CQL cannot accept, refused when the class is created.

    Both the facade's ``ModelDefinitionException`` and the core's
    ``InvalidIdentifier`` (a ``ValueError``).
    """


class InvalidTableOptions(ModelDefinitionException, InvalidTableOption):
    """An ``__options__`` entry the server would refuse, refused when the class is created.

    Both the facade's ``ModelDefinitionException`` and the core's
    ``InvalidTableOption`` (with its ``owner``, ``option``, ``value`` and ``reason``).
    """


def check_declared_names(class_name: str, attrs: Mapping[str, Any]) -> None:
    """Refuse, at class creation, a ``__table_name__`` the class body sets that CQL cannot
    accept (letters, digits and underscores, at most 48 characters), and table options
    (``__options__``) the server would refuse.

    cqlengine quotes the name and sends the options as given, and the server
    refuses them only when ``sync_table`` runs.
    """
    explicit = attrs.get("__table_name__")
    if explicit:
        try:
            validate_name(explicit, "table")
        except InvalidIdentifier as exc:
            raise InvalidTableName(f"{class_name}: invalid __table_name__: {exc}") from None
    options = attrs.get("__options__")
    if options is None:
        return
    if not isinstance(options, Mapping):
        raise ModelDefinitionException(
            f"{class_name}: __options__ must be a dict of table options, got {options!r}"
        )
    try:
        check_table_options(class_name, options)
    except InvalidTableOption as exc:
        raise InvalidTableOptions(exc.owner, exc.option, exc.value, exc.reason) from None


def _clone_model_class(model: Any, attrs: dict[str, Any]) -> Any:
    """A subclass of ``model`` with ``attrs`` set, for ``using()`` and ``ContextQuery``.

    The clone keeps the model's abstract flag, discriminator value, default TTL
    and any table name the model has already worked out.
    """
    inherited = ("_table_name", "__abstract__", "__discriminator_value__")
    attrs = {**{k: getattr(model, k, None) for k in inherited}, **attrs}
    clone: Any = type(model.__name__, (model,), attrs)
    with contextlib.suppress(AttributeError):
        clone.__abstract__ = model.__abstract__
        clone.__discriminator_value__ = model.__discriminator_value__
        clone.__default_ttl__ = model.__default_ttl__
    return clone


def derived_name(class_name: str) -> str:
    """cqlengine's name for a class: ``TestTTLModel`` -> ``test_ttlmodel``.

    Camel-case boundaries become ``_``, the last 48 characters are kept, the
    result is lowercased and leading underscores are dropped.
    """
    snake = _CAMEL_BOUNDARY.sub(r"\1_\2", class_name)[-_MAX_NAME:].lower()
    return snake.lstrip("_")


def table_name(model: Any, *, warn: bool) -> str:
    """The table name of ``model``; with ``warn`` also emit cqlengine's warnings.

    The bridge computes it silently at class creation; ``_raw_column_family_name``
    computes it with warnings the first time a class is used, as cqlengine does.
    """
    explicit = model.__table_name__
    if explicit:
        if model.__table_name_case_sensitive__:
            if warn:
                warnings.warn(
                    "Model __table_name_case_sensitive__ will be removed in 4.0.",
                    PendingDeprecationWarning,
                    stacklevel=3,
                )
            return str(explicit)
        lowered = str(explicit).lower()
        if warn and lowered != explicit:
            warnings.warn(
                "Model __table_name__ will be case sensitive by default in 4.0. You should "
                f"fix the __table_name__ value of the '{model.__name__}' model.",
                stacklevel=3,
            )
        return lowered
    if model._is_polymorphic and not model._is_polymorphic_base:
        base = model._polymorphic_base
        return str(base._raw_column_family_name()) if warn else table_name(base, warn=False)
    return derived_name(model.__name__)


def class_defaults(attrs: dict[str, Any]) -> None:
    """Settle the class attributes cqlengine never inherits (in place).

    ``__abstract__`` and ``__discriminator_value__`` are reset unless the class
    body sets them; ``__default_ttl__`` mirrors ``__options__``; the table-name
    cache starts empty so a subclass never reuses its parent's name.
    """
    attrs["__abstract__"] = attrs.get("__abstract__", False)
    attrs["__discriminator_value__"] = attrs.get("__discriminator_value__")
    attrs["__default_ttl__"] = (attrs.get("__options__") or {}).get("default_time_to_live")
    attrs.setdefault("_table_name", None)


@dataclass(frozen=True)
class ModelLayout:
    """Everything the metaclass derives from a class's columns."""

    columns: OrderedDict[str, Any]
    defined_columns: OrderedDict[str, Any]
    primary_keys: OrderedDict[str, Any]
    partition_keys: OrderedDict[str, Any]
    clustering_keys: OrderedDict[str, Any]
    db_map: dict[str, str]
    partition_key_index: dict[str, int]
    key_serializer: Callable[[Iterable[Any], int], Any]
    has_counter: bool
    is_polymorphic_base: bool
    polymorphic_base: Any
    discriminator_name: str | None

    def class_attributes(self, descriptor: Callable[[Any], Any]) -> dict[str, Any]:
        """The attributes the metaclass adds, with ``descriptor(column)`` per column."""
        attrs: dict[str, Any] = {name: descriptor(col) for name, col in self.columns.items()}
        attrs["pk"] = self._pk_attribute(attrs)
        disc_name = self.discriminator_name
        discriminator = self.columns.get(disc_name) if disc_name else None
        attrs.update(
            _columns=self.columns,
            _defined_columns=self.defined_columns,
            _primary_keys=self.primary_keys,
            _partition_keys=self.partition_keys,
            _clustering_keys=self.clustering_keys,
            _db_map=self.db_map,
            _pk_name=next(iter(self.partition_keys)) if len(self.partition_keys) == 1 else None,
            _dynamic_columns={},
            _partition_key_index=self.partition_key_index,
            _key_serializer=self.key_serializer,
            _has_counter=self.has_counter,
            _container_columns=frozenset(
                n for n, c in self.columns.items() if isinstance(c, columns.BaseContainerColumn)
            ),
            _is_polymorphic_base=self.is_polymorphic_base,
            _is_polymorphic=discriminator is not None,
            _polymorphic_base=self.polymorphic_base,
            _discriminator_column=discriminator,
            _discriminator_column_name=self.discriminator_name,
            _discriminator_map={} if self.is_polymorphic_base else None,
        )
        return attrs

    def _pk_attribute(self, descriptors: Mapping[str, Any]) -> Any:
        """``pk``: the sole partition key's descriptor, else a tuple property."""
        names = tuple(self.partition_keys)
        if len(names) == 1:
            return descriptors[names[0]]

        def get_pk(instance: Any) -> tuple[Any, ...]:
            return tuple(instance._values[n].getval() for n in names)

        def set_pk(instance: Any, value: Iterable[Any]) -> None:
            for n, v in zip(names, value):  # noqa: B905 - cqlengine ignores extras
                instance._values[n].setval(v)

        return property(get_pk, set_pk, doc="The partition key values, as a tuple.")


class _KeySerializer:
    """Serialises partition-key values with the driver's cqltypes, in key order."""

    def __init__(self, cql_types: list[Any] | None) -> None:
        self.cql_types = cql_types

    def __call__(self, parts: Iterable[Any], protocol_version: int) -> list[bytes] | None:
        if self.cql_types is None:
            return None
        return [t.to_binary(p, protocol_version) for t, p in zip(self.cql_types, parts)]  # noqa: B905


def _collect(bases: tuple[type, ...], attrs: Mapping[str, Any]) -> tuple[Definitions, bool]:
    """Inherited columns first, then the class's own in declaration order."""
    inherited: OrderedDict[str, Any] = OrderedDict()
    for base in bases:
        for name, col in getattr(base, "_defined_columns", {}).items():
            inherited.setdefault(name, col)
    own = sorted(
        ((k, v) for k, v in attrs.items() if isinstance(v, columns.Column)),
        key=lambda item: item[1].position,
    )
    declares_discriminator = any(col.discriminator_column for _, col in own)
    return list(inherited.items()) + own, declares_discriminator


def _discriminator(definitions: Definitions, attrs: Mapping[str, Any]) -> str | None:
    found = [(n, c) for n, c in definitions if c.discriminator_column]
    if len(found) > 1:
        raise ModelDefinitionException(
            f"only one discriminator_column can be defined in a model, {len(found)} found"
        )
    if attrs["__discriminator_value__"] and not found:
        raise ModelDefinitionException(
            "__discriminator_value__ specified, but no base columns defined with "
            "discriminator_column=True"
        )
    if found and isinstance(found[0][1], (columns.BaseContainerColumn, columns.Counter)):
        raise ModelDefinitionException(
            "counter and container columns cannot be used as discriminator columns"
        )
    return found[0][0] if found else None


def _find_polymorphic_base(bases: Iterable[type]) -> Any:
    for base in bases:
        if getattr(base, "_is_polymorphic_base", False):
            return base
        found = _find_polymorphic_base(base.__bases__)
        if found is not None:
            return found
    return None


def _check_kinds(definitions: Definitions, abstract: bool) -> bool:
    """Primary key present, counters not mixed with data; returns has_counter."""
    if not abstract and not any(c.primary_key for _, c in definitions):
        raise ModelDefinitionException("At least 1 primary key is required.")
    cols = dict(definitions).values()
    counters = [c for c in cols if isinstance(c, columns.Counter)]
    if counters and any(not c.primary_key and not isinstance(c, columns.Counter) for c in cols):
        raise ModelDefinitionException("counter models may not have data columns")
    return bool(counters)


def _place_columns(definitions: Definitions, reserved: Iterable[str]) -> OrderedDict[str, Any]:
    """Name each column, mark partition keys; a redefinition keeps the old place."""
    reserved = set(reserved)
    placed: OrderedDict[str, Any] = OrderedDict()
    has_partition = any(c.partition_key for _, c in definitions)
    position = 0
    for name, col in definitions:
        if name in reserved:
            raise ModelDefinitionException(
                f"column '{name}' conflicts with built-in attribute/method"
            )
        if col.primary_key and isinstance(col, columns.Counter):
            raise ModelDefinitionException("counter columns cannot be used as primary keys")
        if not has_partition and col.primary_key:
            col.partition_key = has_partition = True
        if col.partition_key:
            col._partition_key_index = position
            position += 1
        previous = placed.get(name)
        if previous is not None:
            col.position = previous.position
            col.partition_key = previous.partition_key
            col._partition_key_index = previous._partition_key_index
        col.set_column_name(name)
        placed[name] = col
    return placed


def _check_names(class_name: str, placed: Mapping[str, Any]) -> dict[str, str]:
    """Refuse duplicate CQL names and bad clustering orders; return the db map."""
    seen: set[str] = set()
    for col in placed.values():
        db_name = col.db_field_name
        if db_name in seen:
            raise ModelException(f"{class_name} defines the column '{db_name}' more than once")
        order = col.clustering_order
        if order and not (col.primary_key and not col.partition_key):
            raise ModelException(
                "clustering_order may be specified only for clustering primary keys"
            )
        if order and order.lower() not in ("asc", "desc"):
            raise ModelException(f"invalid clustering order {order!r} for column '{db_name}'")
        seen.add(db_name)
    return {c.db_field_name: n for n, c in placed.items() if c.db_field_name != n}


def build_layout(
    class_name: str, bases: tuple[type, ...], attrs: dict[str, Any], reserved: Iterable[str]
) -> ModelLayout:
    """Check a class body's columns the way cqlengine does and derive its layout."""
    definitions, declares_discriminator = _collect(bases, attrs)
    discriminator_name = _discriminator(definitions, attrs)
    polymorphic_base = None
    if discriminator_name and not declares_discriminator:
        polymorphic_base = _find_polymorphic_base(bases)
    abstract = bool(attrs["__abstract__"])
    has_counter = _check_kinds(definitions, abstract)
    placed = _place_columns(definitions, reserved)
    primary = OrderedDict((n, c) for n, c in placed.items() if c.primary_key)
    partition = OrderedDict((n, c) for n, c in primary.items() if c.partition_key)
    if attrs.get("__compute_routing_key__", True):
        index = {c.db_field_name: c._partition_key_index for c in partition.values()}
        serializer = _KeySerializer([c.cql_type for c in partition.values()])
    else:
        index, serializer = {}, _KeySerializer(None)
    if not partition and not abstract:
        raise ModelException("at least one partition key must be defined")
    return ModelLayout(
        columns=placed,
        defined_columns=OrderedDict(definitions),
        primary_keys=primary,
        partition_keys=partition,
        clustering_keys=OrderedDict((n, c) for n, c in primary.items() if not c.partition_key),
        db_map=_check_names(class_name, placed),
        partition_key_index=index,
        key_serializer=serializer,
        has_counter=has_counter,
        is_polymorphic_base=declares_discriminator,
        polymorphic_base=polymorphic_base,
        discriminator_name=discriminator_name,
    )


def exception_classes(
    qualname: str, module: str, bases: tuple[type, ...], attrs: dict[str, Any], root: type
) -> dict[str, type]:
    """Fresh ``DoesNotExist`` / ``MultipleObjectsReturned`` for one model class.

    Each derives from the nearest base model's class of the same name, so a
    parent's ``except`` catches a child's error but siblings stay apart.
    """
    made: dict[str, type] = {}
    for name in ("DoesNotExist", "MultipleObjectsReturned"):
        parent = next((getattr(b, name) for b in bases if getattr(b, name, None)), None)
        parent = parent or attrs.pop(name, getattr(root, name))
        namespace = {"__module__": module, "__qualname__": f"{qualname}.{name}"}
        made[name] = type(name, (parent,), namespace)
    return made


def register_udts(model: Any) -> None:
    """Register the user types a model uses for its keyspace (works offline)."""
    found: list[Any] = []
    for col in model._columns.values():
        columns.resolve_udts(col, found)
    for user_type in set(found):
        user_type.register_for_keyspace(model._get_keyspace())


def discover_submodels(base: Any) -> None:
    """Fill a polymorphic base's ``_discriminator_map`` from its subclasses."""

    def visit(klass: Any) -> None:
        if not klass._is_polymorphic_base and klass.__discriminator_value__ is not None:
            base._discriminator_map[klass.__discriminator_value__] = klass
        for sub in klass.__subclasses__():
            visit(sub)

    visit(base)


def polymorphic_class_for(model: Any, values: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The subclass a row of a polymorphic table belongs to, and its own fields."""
    key = values.get(model._discriminator_column_name)
    if key is None:
        raise PolymorphicModelException("discriminator value was not found in values")
    base = model if model._is_polymorphic_base else model._polymorphic_base
    klass = base._get_model_by_discriminator_value(key)
    if klass is None:
        base._discover_polymorphic_submodels()
        klass = base._get_model_by_discriminator_value(key)
        if klass is None:
            raise PolymorphicModelException(
                f"unrecognized discriminator column {key} for class {base.__name__}"
            )
    if not issubclass(klass, model):
        raise PolymorphicModelException(f"{klass.__name__} is not a subclass of {model.__name__}")
    own = klass._columns
    return klass, {k: v for k, v in values.items() if k in own}
