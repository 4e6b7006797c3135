"""The typed error hierarchy of coodie_core.

Every error raised by coodie_core on bad input derives from :class:`CoodieError`,
so callers can catch the whole family with one ``except``. Messages name the model,
the field and the offending value where those exist.
"""

from __future__ import annotations

from typing import Any

from cassandra import ConsistencyLevel, Unavailable
from cassandra.cluster import NoHostAvailable

__all__ = [
    "ConnectionNotFound",
    "CoodieError",
    "DoesNotExist",
    "IncompatibleSchemaChange",
    "InvalidIdentifier",
    "InvalidKey",
    "InvalidQuery",
    "InvalidTableOption",
    "InvalidValue",
    "LWTException",
    "ModelDefinitionError",
    "MultipleObjectsReturned",
    "NotEnoughReplicas",
    "StaleConnection",
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


class NotEnoughReplicas(CoodieError, Unavailable, NoHostAvailable):  # type: ignore[misc]
    """Too few replicas alive for the consistency level asked: the coordinator
    refused the request before sending it to any replica, so nothing was applied.

    Also a ``cassandra.Unavailable``, with its ``consistency``,
    ``required_replicas`` and ``alive_replicas``. The driver's default retry
    policy tries the next host once, so the refusal usually reaches coodie
    wrapped in ``NoHostAvailable``: it stays one (code that caught it keeps
    working), with that map (host to the error it answered) as ``errors``; the
    message quotes the server's answer.
    """

    def __init__(
        self,
        consistency: int | None,
        required_replicas: int | None,
        alive_replicas: int | None,
        detail: str = "",
        errors: dict[Any, BaseException] | None = None,
    ) -> None:
        self.consistency = consistency
        self.required_replicas = required_replicas
        self.alive_replicas = alive_replicas
        self.detail = detail
        self.errors = dict(errors or {})
        level = ConsistencyLevel.value_to_name.get(consistency, consistency)
        message = (
            f"not enough replicas alive for consistency {level}: "
            f"{required_replicas} required, {alive_replicas} alive"
        )
        Exception.__init__(self, f"{message} ({detail})" if detail else message)

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self.consistency, self.required_replicas, self.alive_replicas, self.detail)
        return (type(self), args)


class StaleConnection(ConnectionNotFound):
    """A connection registered from a driver session before ``os.fork()``: the
    session's sockets and threads belong to the parent process, so the worker must
    register the connection again (coodie rebuilds only the ones it created)."""


class InvalidTableOption(ModelDefinitionError):
    """A table option (``Settings`` or ``__options__``) the server would refuse:
    an unknown name, a value that is no CQL literal, or one outside the option's
    rules. ``owner`` is the model that declares it."""

    def __init__(self, owner: str, option: str, value: object, reason: str) -> None:
        self.owner = owner
        self.option = option
        self.value = value
        self.reason = reason
        super().__init__(f"{owner}: table option {option} = {value!r}: {reason}")


class InvalidKey(InvalidValue):
    """A key value Cassandra refuses: an empty partition key, or a key longer than
    65535 bytes once serialized. The message shows at most the start of the value."""

    def __init__(self, model: str, field: str, value: object, reason: str) -> None:
        super().__init__(model, field, value, reason)
        shown = repr(value)
        if isinstance(value, (str, bytes)) and len(shown) > 40:
            unit = "characters" if isinstance(value, str) else "bytes"
            shown = f"{shown[:30]}... ({len(value)} {unit})"
        self.args = (f"{model}.{field}: invalid key value {shown}: {reason}",)
