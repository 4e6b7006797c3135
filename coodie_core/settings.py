"""The class ``Settings`` of a document, parsed and checked once into a
:class:`TableSettings` (names, connection, TTL, inheritance, table options)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from coodie_core.errors import InvalidIdentifier, ModelDefinitionError
from coodie_core.identifiers import validate_name
from coodie_core.table_options import MAX_TTL, check_table_options

__all__ = ["TABLE_OPTIONS", "TableSettings", "parse_settings"]

#: Table options a ``Settings`` class may set (rendered in ``WITH`` clauses).
TABLE_OPTIONS = frozenset(
    {
        "additional_write_policy",
        "bloom_filter_fp_chance",
        "caching",
        "cdc",
        "comment",
        "compaction",
        "compression",
        "crc_check_chance",
        "default_time_to_live",
        "gc_grace_seconds",
        "max_index_interval",
        "memtable_flush_period_in_ms",
        "min_index_interval",
        "read_repair",
        "speculative_retry",
    }
)
_SETTINGS_KEYS = (
    frozenset(
        {
            "name",
            "keyspace",
            "connection",
            "abstract",
            "default_ttl",
            "discriminator",
            "discriminator_value",
            "view_of",
        }
    )
    | TABLE_OPTIONS
)


@dataclass(frozen=True)
class TableSettings:
    """The parsed ``Settings`` of a document class."""

    name: str | None = None
    keyspace: str | None = None
    connection: str | None = None
    abstract: bool = False
    options: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    #: TTL (seconds) sent with every insert and update that names none.
    default_ttl: int | None = None
    #: Single-table inheritance: the column holding each row's subclass value.
    discriminator: str | None = None
    #: The value a (sub)class writes to the discriminator column.
    discriminator_value: object = None
    #: For a materialized view: the document class it selects from.
    view_of: Any = field(default=None, compare=False)


def parse_settings(
    model_name: str, settings: type | None, inherited: TableSettings
) -> TableSettings:
    """Parse a ``Settings`` class; keyspace, connection and options are inherited.

    Every value is checked here, once, so a bad one fails the class definition with
    an error naming the model: names, ``default_ttl`` and table option values
    (:func:`~coodie_core.table_options.check_table_options`). An option set to None
    is unset (an inherited value included).
    """
    if settings is None:
        return TableSettings(
            keyspace=inherited.keyspace,
            connection=inherited.connection,
            options=inherited.options,
            default_ttl=inherited.default_ttl,
            discriminator=inherited.discriminator,
        )
    values = {k: v for k, v in vars(settings).items() if not k.startswith("__")}
    unknown = sorted(set(values) - _SETTINGS_KEYS)
    if unknown:
        raise ModelDefinitionError(
            f"{model_name}.Settings: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(_SETTINGS_KEYS))}"
        )
    for key in ("name", "keyspace", "connection", "discriminator"):
        if values.get(key) is not None and not isinstance(values[key], str):
            raise ModelDefinitionError(f"{model_name}.Settings.{key} must be a string")
    for key, kind in (("name", "table"), ("keyspace", "keyspace")):
        if values.get(key) is not None:
            try:
                validate_name(values[key], kind)
            except InvalidIdentifier as exc:
                raise InvalidIdentifier(f"{model_name}.Settings.{key}: {exc}") from None
    ttl = values.get("default_ttl", inherited.default_ttl)
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= MAX_TTL
    ):
        raise ModelDefinitionError(
            f"{model_name}.Settings.default_ttl must be an int in 0..{MAX_TTL}, not {ttl!r}"
        )
    options = dict(inherited.options)
    options.update({k: v for k, v in values.items() if k in TABLE_OPTIONS})
    options = {k: v for k, v in options.items() if v is not None}
    check_table_options(model_name, options)
    return TableSettings(
        name=values.get("name"),
        keyspace=values.get("keyspace", inherited.keyspace),
        connection=values.get("connection", inherited.connection),
        abstract=bool(values.get("abstract", False)),
        options=MappingProxyType(options),
        default_ttl=ttl,
        discriminator=values.get("discriminator", inherited.discriminator),
        discriminator_value=values.get("discriminator_value"),
        view_of=values.get("view_of"),
    )
