"""Key values Cassandra refuses whatever their type allows: an empty partition key,
and keys longer than 65535 bytes once serialized.

The server answers "Key may not be empty" for an empty single-column partition
key of text or blob type (a component of a composite key may be empty), and
"Key length of N is longer than maximum of 65535" for a partition key whose
serialized form (for a composite key: every component plus 3 bytes of framing)
or a clustering value exceeds 65535 bytes. Writes and key filters check both
here, before anything is sent, raising :class:`~coodie_core.errors.InvalidKey`.

Cheap on the hot path: only text and blob key columns are looked at, and a str's
UTF-8 length is computed only when its length could put it over the limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from coodie_core.errors import InvalidKey
from coodie_core.meta import SIZED_KEY_KINDS, ColumnMeta, TableMeta

__all__ = ["MAX_KEY_BYTES", "check_key", "check_key_value"]

#: Cassandra's limit on a serialized partition key and on each clustering value.
MAX_KEY_BYTES = 65535
#: Serialized widths of fixed-size types, for the size of a composite partition key.
_FIXED = {
    "boolean": 1, "tinyint": 1, "smallint": 2, "int": 4, "date": 4, "float": 4,
    "bigint": 8, "double": 8, "timestamp": 8, "time": 8, "counter": 8,
    "uuid": 16, "timeuuid": 16,
}  # fmt: skip
_EMPTY = "Cassandra refuses an empty partition key"
#: A str this long or shorter fits in any key position, even as 4-byte UTF-8
#: characters with 3 bytes of framing: the common case, checked first.
_SAFE_CHARS = (MAX_KEY_BYTES - 3) // 4


def _bound(value: object) -> int:
    """At most the serialized size of a text or blob value (4 bytes per character
    of a str, the UTF-8 maximum); 0 for other values."""
    if isinstance(value, str):
        return 4 * len(value)
    return len(value) if isinstance(value, (bytes, bytearray)) else 0


def _exact(value: object) -> int:
    """The serialized size of a text or blob value; 0 for other values."""
    if isinstance(value, str):
        return len(value) if value.isascii() else len(value.encode("utf-8"))
    return len(value) if isinstance(value, (bytes, bytearray)) else 0


def _too_long(table: TableMeta, column: ColumnMeta, value: object, what: str, size: int) -> None:
    raise InvalidKey(
        table.model_name,
        column.name,
        value,
        f"{what} is {size} bytes serialized, more than the {MAX_KEY_BYTES} Cassandra allows",
    )


def check_key_value(table: TableMeta, column: ColumnMeta, value: object) -> None:
    """Check one key value used alone (a filter's ``=`` or ``IN`` value, or a row's
    single-column partition key or clustering value)."""
    if type(value) is str and 0 < len(value) <= _SAFE_CHARS:
        return
    if column.kind not in SIZED_KEY_KINDS or not isinstance(value, (str, bytes, bytearray)):
        return
    position = column.partition_position
    sole = position is not None and len(table.partition_key) == 1
    if sole and not value:
        raise InvalidKey(table.model_name, column.name, value, _EMPTY)
    framing = 0 if position is None or sole else 3  # a component of a composite key
    if _bound(value) + framing <= MAX_KEY_BYTES:
        return
    size = _exact(value) + framing
    if size > MAX_KEY_BYTES:
        what = "the clustering value" if position is None else "the partition key"
        _too_long(table, column, value, what if framing == 0 else "this key component", size)


def check_key(table: TableMeta, values: Mapping[str, object]) -> None:
    """Check a row's key (``values`` holds every primary key column, checked)."""
    sized_keys = table.sized_keys
    if not sized_keys:
        return
    partition = table.partition_key
    composite = len(partition) > 1
    for column in sized_keys:
        value = values[column.name]
        if type(value) is str and 0 < len(value) <= _SAFE_CHARS:
            continue
        if not composite or column.partition_position is None:
            check_key_value(table, column, value)
    if composite:
        sized = [c for c in sized_keys if c.partition_position is not None]
        # every component costs its serialized bytes plus 3 bytes of framing
        fixed = sum(_FIXED.get(c.kind, 0) + 3 for c in partition)
        if sized and fixed + sum(_bound(values[c.name]) for c in sized) > MAX_KEY_BYTES:
            sizes = {c.name: _exact(values[c.name]) for c in sized}
            total = fixed + sum(sizes.values())
            if total > MAX_KEY_BYTES:
                name = max(sizes, key=sizes.__getitem__)
                _too_long(table, table.column(name), values[name], "the partition key", total)
