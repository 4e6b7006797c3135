"""Lazy value managers: how model instances are built and loaded cheaply.

cqlengine gives every instance one value manager per column, built in
``__init__`` and snapshotted (a ``deepcopy`` per column) when a row is loaded.
Most instances never need them: rows that are read and never changed, objects
built and only read.  So an instance starts *lazy*: its converted column
values sit in its ``__dict__`` under the column names (the column descriptors
are data descriptors, so those entries are never seen directly), with
``_explicit`` telling how it was made:

- the constructor's keyword dict for an instance built by ``Model(**values)``:
  a column is explicit when its name is in it;
- None for an instance loaded from a row: every column is persisted and
  not explicit, and ``_is_persisted`` is True.

The managers are built (:func:`materialize`) the first time anything needs
them: ``instance._values``, an assignment or deletion, ``save()``, a read
of a loaded mutable value (a collection, a UDT...) that the caller could
change in place.  They come out exactly as cqlengine's constructor and
``_set_persisted(force=True)`` would have made them, so change tracking is
unchanged.  Reads of a lazy instance's values return what the manager's
``getval()`` would.

A :class:`ModelPlan` (one per model class) precomputes, per column, which
value types its ``to_python`` returns unchanged, so loading a driver row
skips the identity conversions.  Models with a user-defined ``__init__``,
custom value managers, or polymorphism take the eager path, which is
cqlengine's.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable
from copy import deepcopy
from typing import Any, Protocol

from cassandra import util

from coodie_compat import CQLEngineException, ValidationError, columns
from coodie_compat._column_base import Column
from coodie_compat._input_errors import NO_VALUE, qualify, shown
from coodie_compat._model_meta import polymorphic_class_for
from coodie_compat._value_managers import (
    IMMUTABLE,
    BaseValueManager,
    CounterValueManager,
    UDTValueManager,
)

__all__ = [
    "IMMUTABLE", "LazyValues", "ModelPlan", "construct_eagerly", "install_loader",
    "load_eagerly", "materialize", "plan_of", "refuse_unknown", "reset_loader",
]

_MISSING: Any = object()
_NONE = type(None)
_MANAGERS = (BaseValueManager, CounterValueManager, UDTValueManager)


def _identity_table() -> dict[Any, frozenset[type] | None]:
    """``to_python`` implementations -> the value types they return unchanged.

    None means "any value" (the base class's identity conversion); a column
    whose ``to_python`` is not listed here is always called.
    """
    return {
        Column.to_python: None,
        columns.Integer.to_python: frozenset({int}),
        columns.UUID.to_python: frozenset({uuid.UUID}),
        columns.BaseFloat.to_python: frozenset({float}),
        columns.Decimal.to_python: frozenset({decimal.Decimal}),
        columns.Boolean.to_python: frozenset({bool}),
        columns.Date.to_python: frozenset({util.Date}),
        columns.Time.to_python: frozenset({util.Time}),
    }


_IDENTITY = _identity_table()


def _kept_types(column: Any) -> frozenset[type]:
    """The types of values that need no conversion for ``column`` (None stays None).

    For ``DateTime`` this holds only while ``truncate_microseconds`` is off,
    which the loader checks at each row.
    """
    method = type(column).to_python
    container = isinstance(column, columns.BaseContainerColumn)
    found: frozenset[type] = frozenset()
    if method is columns.DateTime.to_python:
        found = frozenset({datetime.datetime})
    elif method in _IDENTITY:
        found = _IDENTITY[method] or IMMUTABLE
    if isinstance(column, columns.Counter):
        return found  # None becomes 0, as the counter's manager makes it
    return found if container else found | {_NONE}


def _converter(column: Any) -> Callable[[Any], Any]:
    """Convert one value the way the constructor does (``_MISSING``: use the default)."""
    container = isinstance(column, columns.BaseContainerColumn)
    counter = isinstance(column, columns.Counter)
    to_python, get_default = column.to_python, column.get_default

    def convert(value: Any) -> Any:
        if value is _MISSING:
            value = get_default()
        if value is not None or container:
            value = to_python(value)
        return (value or 0) if counter else value

    return convert


class ModelPlan:
    """What loading and constructing instances of one model class needs, computed once.

    ``hydrate`` (a row of db names -> a lazy loaded instance) is None when the
    class must take cqlengine's eager path.
    """

    def __init__(self, model: Any) -> None:
        self.owner = model
        self.lazy = _can_be_lazy(model)
        cols = model._columns
        #: The column names, which are the constructor's only keywords.
        self.names = frozenset(cols)
        self.entries = tuple(
            (name, col.db_field_name, _kept_types(col), _converter(col),
             type(col).to_python is columns.DateTime.to_python)
            for name, col in cols.items()
        )
        self.hydrate = _hydrator(model, self.entries) if self.lazy else None
        self.managers = tuple((name, col, col.value_manager) for name, col in cols.items())
        #: True when the write-option methods (``batch``, ``ttl``...) are cqlengine's own,
        #: so a queryset's ``create`` may set the options directly on a new instance.
        self.plain_options = self.lazy and _plain_options(model)

    def construct(self, instance: Any, values: dict[str, Any]) -> None:
        """Fill a new lazy instance from the constructor's keywords (owned by it).

        An unknown keyword or a value its column cannot convert raises a
        ``ValidationError`` naming the model and the column.
        """
        if not self.names.issuperset(values):
            refuse_unknown(self.owner, values)
        state = instance.__dict__
        truncate = columns.DateTime.truncate_microseconds
        name = ""
        try:
            for name, _key, kept, convert, is_datetime in self.entries:
                value = values.get(name, _MISSING)
                if type(value) not in kept or (is_datetime and truncate):
                    value = convert(value)
                state[name] = value
        except CQLEngineException as exc:
            qualify(exc, self.owner.__name__, name, values.get(name, NO_VALUE))
            raise
        state["_explicit"] = values


def _can_be_lazy(model: Any) -> bool:
    from coodie_compat.models import BaseModel

    if model.__init__ is not BaseModel.__init__ or model._is_polymorphic:
        return False
    return all(type(col).value_manager in _MANAGERS for col in model._columns.values())


_OPTIONS = ("batch", "ttl", "consistency", "if_not_exists", "timestamp", "if_exists", "using")


def _plain_options(model: Any) -> bool:
    from coodie_compat.models import BaseModel

    for name in _OPTIONS:
        found = next(k.__dict__[name] for k in model.__mro__ if name in k.__dict__)
        if found is not BaseModel.__dict__[name]:
            return False
    return True


class _Loader(Protocol):
    """A generated row loader, marked so that it is recognised when installed."""

    coodie_loader: bool

    def __call__(self, values: dict[str, Any], /) -> Any: ...


def _hydrator(model: Any, entries: tuple[Any, ...]) -> Callable[[dict[str, Any]], Any]:
    """A function building a lazy loaded instance of ``model`` from a row (db names;
    a model with ``db_field`` columns renames the row's keys first, as cqlengine does).

    The per-column steps are unrolled into generated code (as ``dataclasses``
    does for ``__init__``): loading rows is the hot path of every read.  Only
    indexes appear in the source; names, keys and converters are passed in.
    """
    namespace: dict[str, Any] = {"MISSING": _MISSING, "new": object.__new__, "model": model,
                                 "DateTime": columns.DateTime, "db_map": model._db_map}
    lines = ["def hydrate(row):"]
    if model._db_map:  # renamed exactly as cqlengine does, then read by attribute name
        lines.append("    row = {db_map.get(k, k): v for k, v in row.items()}")
    lines.append("    get = row.get")
    for i, (name, _key, kept, convert, is_datetime) in enumerate(entries):
        namespace.update({f"n{i}": name, f"key{i}": name, f"k{i}": kept, f"c{i}": convert})
        truncate = " or DateTime.truncate_microseconds" if is_datetime else ""
        lines += [f"    v{i} = get(key{i}, MISSING)",
                  f"    if type(v{i}) not in k{i}{truncate}:",
                  f"        v{i} = c{i}(v{i})"]
    values = "".join(f", n{i}: v{i}" for i in range(len(entries)))
    lines += ["    instance = new(model)",
              f'    instance.__dict__ = {{"_is_persisted": True, "_explicit": None{values}}}',
              "    return instance"]
    exec(compile("\n".join(lines), f"<coodie_compat hydrate {model.__name__}>", "exec"),
         namespace)
    hydrate: _Loader = namespace["hydrate"]
    hydrate.coodie_loader = True
    return hydrate


def _nearest_loader(model: Any) -> Any:
    """The ``_construct_instance`` attribute ``model`` would use, as stored."""
    for klass in model.__mro__:
        found = klass.__dict__.get("_construct_instance")
        if found is not None:
            return found
    return None


def _is_installed(loader: Any) -> bool:
    return bool(getattr(getattr(loader, "__func__", None), "coodie_loader", False))


def reset_loader(model: Any, default: Any) -> None:
    """At class creation: never inherit a parent's installed loader (it builds the
    parent's instances); start from ``default``, ``BaseModel``'s classmethod."""
    if _is_installed(_nearest_loader(model)):
        model._construct_instance = default


def install_loader(model: Any, default: Any) -> Callable[[dict[str, Any]], Any] | None:
    """The lazy loader of ``model``, installed as its ``_construct_instance`` unless
    the user defined one; None when the model must load eagerly.

    Called on first use, so rows then load with one plain function call.
    """
    hydrate = plan_of(model).hydrate
    if hydrate is not None and _nearest_loader(model) is default:
        model._construct_instance = staticmethod(hydrate)
        pending = list(model.__subclasses__())
        while pending:  # subclasses created earlier must not inherit it
            sub = pending.pop()
            if "_construct_instance" not in sub.__dict__:
                sub._construct_instance = default
            pending.extend(sub.__subclasses__())
    return hydrate


def plan_of(model: Any) -> ModelPlan:
    """The :class:`ModelPlan` of ``model`` (built on first use, kept on the class)."""
    plan: ModelPlan | None = model._compat_plan
    if plan is None or plan.owner is not model:
        plan = ModelPlan(model)
        model._compat_plan = plan
    return plan


def materialize(instance: Any) -> dict[str, Any]:
    """Build a lazy instance's value managers (once) and return ``_values``.

    The managers get exactly the state cqlengine's constructor (and, for a
    loaded instance, ``_set_persisted(force=True)``) gives them; the built-in
    manager classes are filled directly rather than through ``__init__``.
    """
    state = instance.__dict__
    managers: dict[str, Any] | None = state.get("_values")
    if managers is not None:
        return managers
    explicit = state.pop("_explicit", _MISSING)
    loaded = explicit is None
    new = object.__new__
    managers = {}
    for name, column, kind in plan_of(type(instance)).managers:
        value = state.pop(name, None)
        manager = new(kind)
        if kind is CounterValueManager:
            value = value or 0
        manager.__dict__ = {"instance": instance, "column": column, "value": value,
                            "previous_value": 0 if kind is CounterValueManager else None,
                            "explicit": not loaded and explicit is not _MISSING
                            and name in explicit}
        if loaded:  # the value is what the database holds: snapshot it
            if kind is UDTValueManager:
                manager.reset_previous_value()
            else:
                manager.previous_value = value if type(value) in IMMUTABLE else deepcopy(value)
        managers[name] = manager
    state["_values"] = managers
    return managers


def refuse_unknown(model: Any, values: dict[str, Any]) -> None:
    """Raise the ``ValidationError`` for constructor keywords that name no column."""
    unknown = sorted(set(values) - set(model._columns))
    if unknown:
        listed = ", ".join(f"{name}={shown(values[name])}" for name in unknown)
        raise ValidationError(f"{model.__name__}: no column named {listed}")


def construct_eagerly(instance: Any, values: dict[str, Any]) -> None:
    """cqlengine's constructor: one value manager per column, built now.

    Unlike cqlengine, an unknown keyword is refused (see :func:`refuse_unknown`).
    """
    model = type(instance)
    if not values.keys() <= model._columns.keys():
        refuse_unknown(model, values)
    managers: dict[str, Any] = {}
    instance._values = managers
    containers = instance._container_columns
    name = ""
    try:
        for name, column in instance._columns.items():
            explicit = name in values
            value = values[name] if explicit else column.get_default()
            if value is not None or name in containers:
                value = column.to_python(value)
            manager = column.value_manager(instance, column, value)
            manager.explicit = explicit
            managers[name] = manager
    except CQLEngineException as exc:
        qualify(exc, model.__name__, name, values.get(name, NO_VALUE))
        raise


def load_eagerly(model: Any, values: dict[str, Any]) -> Any:
    """cqlengine's loader: rename, resolve the polymorphic class, construct, snapshot."""
    db_map = model._db_map
    if db_map:
        values = {db_map.get(k, k): v for k, v in values.items()}
    klass = model
    if model._is_polymorphic:
        klass, values = polymorphic_class_for(model, values)
    elif not values.keys() <= model._columns.keys():
        # A row may hold columns the model does not declare: they are not its values.
        values = {k: v for k, v in values.items() if k in model._columns}
    instance = klass(**values)
    instance._set_persisted(force=True)
    return instance


class LazyValues:
    """``instance._values``: the value managers, built on first access."""

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        return materialize(instance)
