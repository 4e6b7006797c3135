"""The typed error hierarchy of coodie_core.

Every error raised by coodie_core on bad input derives from :class:`CoodieError`,
so callers can catch the whole family with one ``except``. Messages name the model,
the field and the offending value where those exist.
"""

from __future__ import annotations

__all__ = [
    "ConnectionNotFound",
    "CoodieError",
    "DoesNotExist",
    "IncompatibleSchemaChange",
    "InvalidIdentifier",
    "InvalidQuery",
    "InvalidValue",
    "LWTException",
    "ModelDefinitionError",
    "MultipleObjectsReturned",
    "UnknownField",
]


class CoodieError(Exception):
    """Root of every error raised by coodie_core."""


class InvalidIdentifier(CoodieError, ValueError):
    """A keyspace, table, column or index name that CQL cannot accept."""


class ModelDefinitionError(CoodieError, TypeError):
    """A document class whose keys, markers, types or settings are inconsistent."""


class InvalidValue(CoodieError, ValueError):
    """A value that does not fit the CQL type of its column."""

    def __init__(self, model: str, field: str, value: object, reason: str) -> None:
        self.model = model
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{model}.{field}: invalid value {value!r}: {reason}")


class InvalidQuery(CoodieError, ValueError):
    """A query that Cassandra would refuse, caught before anything is sent."""


class UnknownField(InvalidQuery):
    """A query or update naming a field the model does not have."""

    def __init__(self, model: str, field: str) -> None:
        self.model = model
        self.field = field
        super().__init__(f"{model} has no field {field!r}")


class DoesNotExist(CoodieError, LookupError):
    """A ``get`` that found no row; each document class has its own subclass."""


class MultipleObjectsReturned(CoodieError, LookupError):
    """A ``get`` that matched more than one row; each document class has a subclass."""


class ConnectionNotFound(CoodieError, LookupError):
    """No connection is registered under the requested name."""


class IncompatibleSchemaChange(CoodieError):
    """A schema sync that would need a change Cassandra cannot make in place.

    ``problems`` lists one human-readable line per incompatibility.
    """

    def __init__(self, table: str, problems: list[str]) -> None:
        self.table = table
        self.problems = tuple(problems)
        joined = "; ".join(problems)
        super().__init__(f"cannot sync table {table}: {joined} (nothing was changed)")


class LWTException(CoodieError):
    """A conditional write (``IF ...``) that Cassandra did not apply.

    Raised only when the caller asks for it (``raise_on_failure=True``);
    ``existing`` holds the values the database compared against (the current row
    for ``IF NOT EXISTS``, the condition columns otherwise, empty when no row).
    """

    def __init__(self, existing: dict[str, object]) -> None:
        self.existing = existing
        super().__init__(f"conditional write not applied; existing values {existing!r}")
