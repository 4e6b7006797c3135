"""The ``Column`` base class; re-exported by ``columns``.

A column describes one CQL column of a model (or one field of a user type):
its name, key role, index, default and static flags, and how values are
validated and converted between Python and the database.  Concrete types
live in ``columns`` and ``_collection_columns``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from cassandra.cqltypes import _cqltypes

from coodie_compat import ValidationError
from coodie_compat._value_managers import BaseValueManager

__all__ = ["Column"]


class Column:
    """Base of every column type.

    Columns are ordered by creation (``position``, from the class-wide
    ``instance_counter``), which gives a model its column order; comparisons
    compare positions and the hash is the identity.

    ``partition_key=True`` implies ``primary_key=True``.  ``index`` asks
    ``sync_table`` for a secondary index; ``custom_index`` declares an index
    managed elsewhere (it only relaxes query validation).  ``db_field`` is the
    CQL name when it differs from the attribute name.  ``default`` is a value
    or a zero-argument callable.  ``required`` rejects None on validation.
    ``clustering_order`` ('asc'/'desc') applies to clustering keys only.
    ``discriminator_column`` marks the column holding a polymorphic model's
    type.  ``static`` makes a CQL ``static`` column.
    """

    #: The CQL type this column maps to; None for abstract column classes.
    db_type: str | None = None
    #: The class that holds this column's value on a model instance.
    value_manager: ClassVar[type[BaseValueManager]] = BaseValueManager
    #: Global creation counter giving each column its ``position``.
    instance_counter: ClassVar[int] = 0

    # Whether Python values of this type are hashable (sets and map keys need it).
    _python_type_hashable: ClassVar[bool] = True
    # Whether a value can change in place, without an assignment (containers).
    _tracks_in_place_changes: ClassVar[bool] = False

    primary_key = False
    partition_key = False
    index = False
    custom_index = False
    db_field: str | None = None
    default: Any = None
    required = False
    clustering_order: str | None = None
    discriminator_column = False
    static = False

    def __init__(self, primary_key: bool = False, partition_key: bool = False,
                 index: bool = False, db_field: str | None = None, default: Any = None,
                 required: bool = False, clustering_order: str | None = None,
                 discriminator_column: bool = False, static: bool = False,
                 custom_index: bool = False) -> None:
        self.partition_key = partition_key
        self.primary_key = partition_key or primary_key
        self.index = index
        self.custom_index = custom_index
        self.db_field = db_field
        self.default = default
        self.required = required
        self.clustering_order = clustering_order
        self.discriminator_column = discriminator_column
        #: The attribute name in the model, set by the model metaclass.
        self.column_name: str | None = None
        self._partition_key_index: int | None = None
        self.static = static
        self.value: Any = None
        self.position = Column.instance_counter
        Column.instance_counter += 1

    # Ordering and equality compare creation positions; anything else is not comparable.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.position == other.position
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.position != other.position
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.position < other.position
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.position <= other.position
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.position > other.position
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.position >= other.position
        return NotImplemented

    def __hash__(self) -> int:
        return id(self)

    def validate(self, value: Any) -> Any:
        """Return the cleaned value; raise ``ValidationError`` if it is not acceptable.

        The base class only enforces ``required``.
        """
        if value is None and self.required:
            name = self.column_name or self.db_field
            raise ValidationError(f"{name} - None values are not allowed")
        return value

    def to_python(self, value: Any) -> Any:
        """Convert a database (or constructor) value to its Python form."""
        return value

    def to_database(self, value: Any) -> Any:
        """Convert a Python value to what the driver sends to the database."""
        return value

    @property
    def has_default(self) -> bool:
        """True when a default (value or callable) is set."""
        return self.default is not None

    @property
    def is_primary_key(self) -> bool:
        """True for partition and clustering key columns."""
        return self.primary_key

    @property
    def can_delete(self) -> bool:
        """True when the column may be deleted (set to null): any non-key column."""
        return not self.primary_key

    def get_default(self) -> Any:
        """Return the default value, calling it when it is callable (None if unset)."""
        if not self.has_default:
            return None
        return self.default() if callable(self.default) else self.default

    def get_column_def(self) -> str:
        """Return this column's definition for ``CREATE TABLE``.

        The format is ``"name" type static``; when the column is not static
        the text keeps a trailing space, exactly as cqlengine renders it.
        """
        static = "static" if self.static else ""
        return f"{self.cql} {self.db_type} {static}"

    def cql_parameterized_type(self) -> str | None:
        """Return the CQL type text used in DDL (``int``, ``frozen<list<text>>``...).

        This is the one hook a schema bridge needs to map the column onto
        core metadata; for every column it equals ``db_type``.
        """
        return self.db_type

    def set_column_name(self, name: str) -> None:
        """Record the attribute name the column has in its model (metaclass hook)."""
        self.column_name = name

    @property
    def db_field_name(self) -> str | None:
        """The CQL column name: ``db_field`` if given, else the attribute name."""
        return self.db_field if self.db_field is not None else self.column_name

    @property
    def db_index_name(self) -> str:
        """The name cqlengine gives this column's index: ``index_<db_field>``."""
        return f"index_{self.db_field_name}"

    @property
    def has_index(self) -> bool:
        """True when the column has a cqlengine-managed or a custom index."""
        return self.index or self.custom_index

    @property
    def cql(self) -> str:
        """The double-quoted CQL column name."""
        return self.get_cql()

    def get_cql(self) -> str:
        """Return the double-quoted CQL column name."""
        return f'"{self.db_field_name}"'

    def _val_is_null(self, val: Any) -> bool:
        """Whether ``val`` counts as null for this column (collections override it)."""
        return val is None

    @property
    def sub_types(self) -> list[Any]:
        """The columns (or UDT fields) nested in this one; empty for scalar columns."""
        return []

    @property
    def cql_type(self) -> Any:
        """The driver's ``cassandra.cqltypes`` class for this column's type."""
        return _cqltypes[self.db_type]
