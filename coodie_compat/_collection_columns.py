"""Collection columns (Tuple, Set, List, Map); re-exported by ``columns``.

Sub-types are given as column classes or instances.  A collection nested in
another is frozen automatically, as CQL requires.  An empty collection counts
as null: cqlengine never writes one, it deletes the column instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from cassandra import util
from cassandra.cqltypes import _cqltypes

from coodie_compat import ValidationError
from coodie_compat._column_base import Column
from coodie_compat._input_errors import ValidationTypeError

__all__ = ["BaseCollectionColumn", "BaseContainerColumn", "List", "Map", "Set", "Tuple"]

#: Cassandra refuses collections larger than this (CASSANDRA-5428).
MAX_COLLECTION_ELEMENTS = 65535


class _TupleLengthError(ValidationTypeError):
    """A tuple value has more elements than its column declares.

    cqlengine means to raise ``ValidationError`` here but, through a bug in
    building its message, raises ``TypeError``; this error is both, so code
    written against either behaviour keeps working.
    """


def _column_instance(sub_type: Column | type[Column]) -> Column:
    """Return a column instance for a sub-type given as a class or an instance."""
    is_column = (issubclass(sub_type, Column) if isinstance(sub_type, type)
                 else isinstance(sub_type, Column))
    if not is_column:
        raise ValidationError(f"{sub_type} is not a column class")
    if sub_type.db_type is None:
        raise ValidationError(f"{sub_type} is an abstract type")
    if isinstance(sub_type, type):
        return sub_type()
    if isinstance(sub_type, BaseCollectionColumn):
        # A collection nested in another must be frozen; note it is the caller's instance.
        sub_type._freeze_db_type()
    return sub_type


class BaseCollectionColumn(Column):
    """Base of columns holding several values of declared sub-types.

    ``types`` is the list of sub-type column instances.
    """

    # The name of the collection in ``cassandra.cqltypes`` (``list``, ``map``...).
    _cqltype_name: ClassVar[str] = ""

    def __init__(self, types: Iterable[Column | type[Column]], **kwargs: Any) -> None:
        self.types: list[Column] = [_column_instance(t) for t in types]
        super().__init__(**kwargs)

    def validate(self, value: Any) -> Any:
        """Check ``required`` and the 65535-element limit."""
        value = super().validate(value)
        if value is not None and len(value) > MAX_COLLECTION_ELEMENTS:
            raise ValidationError(
                f"{self.column_name} Collection can't have more than 65535 elements."
            )
        return value

    def _val_is_null(self, val: Any) -> bool:
        return not val

    def _freeze_db_type(self) -> None:
        if not str(self.db_type).startswith("frozen"):
            self.db_type = f"frozen<{self.db_type}>"

    @property
    def sub_types(self) -> list[Column]:
        """The sub-type columns."""
        return self.types

    @property
    def cql_type(self) -> Any:
        """The driver cqltype, parameterised with the sub-types' cqltypes."""
        return _cqltypes[self._cqltype_name].apply_parameters([c.cql_type for c in self.types])


class Tuple(BaseCollectionColumn):
    """A fixed-length sequence of positional values (CQL ``tuple<...>``)."""

    _cqltype_name = "tuple"

    def __init__(self, *args: Column | type[Column], **kwargs: Any) -> None:
        if not args:
            raise ValueError("Tuple must specify at least one inner type")
        super().__init__(args, **kwargs)
        self.db_type = f"tuple<{', '.join(str(t.db_type) for t in self.types)}>"

    def validate(self, value: Any) -> tuple[Any, ...] | None:
        """Validate each element with its column; return a tuple."""
        val = super().validate(value)
        if val is None:
            return None
        if len(val) > len(self.types):
            declared = ", ".join(str(t.db_type) for t in self.types)
            raise _TupleLengthError(
                f"Value {val!r} has more fields than tuple definition ({declared})"
            )
        return tuple(t.validate(v) for t, v in zip(self.types, val, strict=False))

    def to_python(self, value: Any) -> tuple[Any, ...]:
        """Convert each element; None becomes the empty tuple."""
        if value is None:
            return ()
        return tuple(t.to_python(v) for t, v in zip(self.types, value, strict=False))

    def to_database(self, value: Any) -> tuple[Any, ...] | None:
        """Convert each element for the driver; None stays None."""
        if value is None:
            return None
        return tuple(t.to_database(v) for t, v in zip(self.types, value, strict=False))


class BaseContainerColumn(BaseCollectionColumn):
    """Base of Set, List and Map: mutable containers, optionally ``frozen``.

    Values may change in place (``m.tags.add(x)``), which the value manager
    detects by comparing with the persisted value.
    """

    _tracks_in_place_changes = True
    #: Whether the column is declared ``frozen<...>`` (indexed with ``FULL()``).
    frozen = False

    def __init__(self, types: Sequence[Column | type[Column]], frozen: bool = False,
                 **kwargs: Any) -> None:
        self.frozen = frozen
        super().__init__(types, **kwargs)

    def _apply_frozen(self) -> None:
        """Wrap ``db_type`` in ``frozen<...>`` when the column was declared frozen."""
        if self.frozen:
            self._freeze_db_type()


class Set(BaseContainerColumn):
    """An unordered set of unique values (CQL ``set<...>``).

    With ``strict=False`` a list or tuple is accepted and turned into a set.
    """

    _cqltype_name = "set"
    _python_type_hashable = False

    def __init__(self, value_type: Column | type[Column], strict: bool = True,
                 default: Any = set, frozen: bool = False, **kwargs: Any) -> None:
        self.strict = strict
        super().__init__((value_type,), frozen=frozen, default=default, **kwargs)
        self.value_col = self.types[0]
        if not self.value_col._python_type_hashable:
            raise ValidationError("Cannot create a Set with unhashable value type (see PYTHON-494)")
        self.db_type = f"set<{self.value_col.db_type}>"
        self._apply_frozen()

    def validate(self, value: Any) -> set[Any] | None:
        """Check the container type and elements; return a Python ``set``."""
        val: Any = super().validate(value)
        if val is None:
            return None
        accepted: tuple[type, ...] = (set, util.SortedSet)
        if not self.strict:
            accepted += (list, tuple)
        accepted_type = isinstance(val, accepted)
        if not accepted_type:
            problem = "is not a set object" if self.strict else "cannot be coerced to a set object"
            raise ValidationError(f"{self.column_name} {val} {problem}")
        if None in val:
            raise ValidationError(f"{self.column_name} None not allowed in a set")
        return {self.value_col.validate(v) for v in val}

    def to_python(self, value: Any) -> set[Any]:
        """Convert each element; None becomes the empty set."""
        if value is None:
            return set()
        return {self.value_col.to_python(v) for v in value}

    def to_database(self, value: Any) -> set[Any] | None:
        """Convert each element for the driver; None stays None."""
        if value is None:
            return None
        return {self.value_col.to_database(v) for v in value}


class List(BaseContainerColumn):
    """An ordered list of values (CQL ``list<...>``); sets and tuples are accepted."""

    _cqltype_name = "list"
    _python_type_hashable = False

    def __init__(self, value_type: Column | type[Column], default: Any = list,
                 frozen: bool = False, **kwargs: Any) -> None:
        super().__init__((value_type,), frozen=frozen, default=default, **kwargs)
        self.value_col = self.types[0]
        self.db_type = f"list<{self.value_col.db_type}>"
        self._apply_frozen()

    def validate(self, value: Any) -> list[Any] | None:
        """Check the container type and elements; return a Python ``list``."""
        val = super().validate(value)
        if val is None:
            return None
        if not isinstance(val, (set, list, tuple)):
            raise ValidationError(f"{self.column_name} {val} is not a list object")
        if None in val:
            raise ValidationError(f"{self.column_name} None is not allowed in a list")
        return [self.value_col.validate(v) for v in val]

    def to_python(self, value: Any) -> list[Any]:
        """Convert each element; None becomes the empty list."""
        if value is None:
            return []
        return [self.value_col.to_python(v) for v in value]

    def to_database(self, value: Any) -> list[Any] | None:
        """Convert each element for the driver; None stays None."""
        if value is None:
            return None
        return [self.value_col.to_database(v) for v in value]


class Map(BaseContainerColumn):
    """A key-to-value mapping (CQL ``map<k, v>``)."""

    _cqltype_name = "map"
    _python_type_hashable = False

    def __init__(self, key_type: Column | type[Column], value_type: Column | type[Column],
                 default: Any = dict, frozen: bool = False, **kwargs: Any) -> None:
        super().__init__((key_type, value_type), frozen=frozen, default=default, **kwargs)
        self.key_col = self.types[0]
        self.value_col = self.types[1]
        if not self.key_col._python_type_hashable:
            raise ValidationError("Cannot create a Map with unhashable key type (see PYTHON-494)")
        self.db_type = f"map<{self.key_col.db_type}, {self.value_col.db_type}>"
        self._apply_frozen()

    def validate(self, value: Any) -> dict[Any, Any] | None:
        """Check the container type, keys and values; return a Python ``dict``."""
        val = super().validate(value)
        if val is None:
            return None
        if not isinstance(val, (dict, util.OrderedMap)):
            raise ValidationError(f"{self.column_name} {val} is not a dict object")
        if None in val:
            raise ValidationError(f"{self.column_name} None is not allowed in a map")
        return {self.key_col.validate(k): self.value_col.validate(v) for k, v in val.items()}

    def to_python(self, value: Any) -> dict[Any, Any]:
        """Convert keys and values; None becomes the empty dict."""
        if value is None:
            return {}
        return {self.key_col.to_python(k): self.value_col.to_python(v) for k, v in value.items()}

    def to_database(self, value: Any) -> dict[Any, Any] | None:
        """Convert keys and values for the driver; None stays None."""
        if value is None:
            return None
        return {
            self.key_col.to_database(k): self.value_col.to_database(v) for k, v in value.items()
        }
