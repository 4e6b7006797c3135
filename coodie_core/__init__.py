"""coodie_core: a Pydantic v2 object mapper for Apache Cassandra and ScyllaDB.

Declare tables as :class:`Document` subclasses with ``Annotated`` key markers,
register a driver session with :func:`register_connection` (or :func:`connect`),
create tables with :func:`sync_table`, then use ``save``/``get``/``find`` and their
asyncio twins ``asave``/``aget``/``aall``...
"""

from coodie_core.batch import BatchWriter
from coodie_core.cqltypes import (
    Ascii,
    BigInt,
    Double,
    Float32,
    Int,
    SmallInt,
    Text,
    TimeUUID,
    TinyInt,
    VarInt,
)
from coodie_core.document import Document, MaterializedView
from coodie_core.errors import (
    ConnectionNotFound,
    CoodieError,
    DoesNotExist,
    IncompatibleSchemaChange,
    InvalidIdentifier,
    InvalidQuery,
    InvalidValue,
    LWTException,
    ModelDefinitionError,
    MultipleObjectsReturned,
    UnknownField,
)
from coodie_core.execution import (
    Connection,
    arun,
    connect,
    get_connection,
    register_connection,
    run,
    unregister_connection,
)
from coodie_core.fields import (
    ClusteringKey,
    Counter,
    CqlType,
    Frozen,
    Indexed,
    PartitionKey,
    Static,
    Vector,
)
from coodie_core.lwt import LWTResult
from coodie_core.management import (
    acreate_keyspace,
    adrop_keyspace,
    adrop_table,
    async_table,
    async_type,
    create_keyspace,
    drop_keyspace,
    drop_table,
    sync_table,
    sync_type,
)
from coodie_core.meta import ColumnMeta, TableMeta, TableSettings
from coodie_core.operations import Operation, Options, Page
from coodie_core.queryset import QuerySet
from coodie_core.schema import NetworkTopologyStrategy, SimpleStrategy
from coodie_core.usertype import UserType

__all__ = [
    "Ascii",
    "BatchWriter",
    "BigInt",
    "ClusteringKey",
    "ColumnMeta",
    "Connection",
    "ConnectionNotFound",
    "CoodieError",
    "Counter",
    "CqlType",
    "Document",
    "DoesNotExist",
    "Double",
    "Float32",
    "Frozen",
    "IncompatibleSchemaChange",
    "Indexed",
    "Int",
    "InvalidIdentifier",
    "InvalidQuery",
    "InvalidValue",
    "LWTException",
    "LWTResult",
    "MaterializedView",
    "ModelDefinitionError",
    "MultipleObjectsReturned",
    "NetworkTopologyStrategy",
    "Operation",
    "Options",
    "Page",
    "PartitionKey",
    "QuerySet",
    "SimpleStrategy",
    "SmallInt",
    "Static",
    "TableMeta",
    "TableSettings",
    "Text",
    "TimeUUID",
    "TinyInt",
    "UnknownField",
    "UserType",
    "VarInt",
    "Vector",
    "acreate_keyspace",
    "adrop_keyspace",
    "adrop_table",
    "arun",
    "async_table",
    "async_type",
    "connect",
    "create_keyspace",
    "drop_keyspace",
    "drop_table",
    "get_connection",
    "register_connection",
    "run",
    "sync_table",
    "sync_type",
    "unregister_connection",
]
