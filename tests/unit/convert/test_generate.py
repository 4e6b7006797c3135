"""The converter's exact output for small cqlengine modules."""

from __future__ import annotations

import textwrap

from coodie_compat.convert import convert_source


def convert(source: str) -> str:
    """The generated code for a dedented module source."""
    code = convert_source(textwrap.dedent(source), "legacy").code
    assert code is not None
    return code


HEADER = '"""coodie_core models converted from ``legacy`` by ``coodie convert``."""\n\n'


def test_keys_static_index_db_field_defaults_required_options() -> None:
    source = """
        import uuid

        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model


        class Reading(Model):
            __table_name__ = "Readings"
            __keyspace__ = "metrics"
            __options__ = {"default_time_to_live": 3600}
            sensor = columns.Text(partition_key=True)
            day = columns.Date(partition_key=True)
            at = columns.DateTime(primary_key=True, clustering_order="DESC")
            seq = columns.Integer(primary_key=True)
            site = columns.Text(static=True)
            temperature = columns.Double(db_field="temp_c")
            status = columns.Text(index=True, default="ok")
            run = columns.UUID(default=uuid.uuid4)
            unit = columns.Ascii(required=True)
            tags = columns.Set(columns.Text)
    """
    assert convert(source) == HEADER + textwrap.dedent(
        '''\
        import datetime
        import uuid
        from typing import Annotated

        from coodie_core.cqltypes import Ascii, Int
        from coodie_core.document import Document
        from coodie_core.fields import ClusteringKey, Indexed, PartitionKey, Static
        from pydantic import Field


        class Reading(Document):
            """Converted from the cqlengine model ``Reading``."""

            sensor: Annotated[str, PartitionKey()]
            day: Annotated[datetime.date, PartitionKey(1)]
            at: Annotated[datetime.datetime, ClusteringKey(order="DESC")]
            seq: Annotated[Int, ClusteringKey(1)]
            site: Annotated[str | None, Static()] = None
            # cqlengine attribute: temperature
            temp_c: float | None = None
            status: Annotated[str | None, Indexed()] = "ok"
            run: uuid.UUID | None = Field(default_factory=uuid.uuid4)
            unit: Ascii
            tags: set[str] = Field(default_factory=set)

            class Settings:
                name = "readings"
                keyspace = "metrics"
                default_time_to_live = 3600
        '''
    )


def test_first_primary_key_is_the_partition_key_and_every_scalar_type() -> None:
    source = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model


        class Scalars(Model):
            a = columns.Ascii(primary_key=True)
            b = columns.BigInt(primary_key=True)
            c = columns.Blob()
            d = columns.Bytes()
            e = columns.Boolean()
            f = columns.Date()
            g = columns.DateTime()
            h = columns.Decimal()
            i = columns.Double()
            j = columns.Duration()
            k = columns.Float()
            m = columns.Inet()
            n = columns.Integer()
            o = columns.SmallInt()
            p = columns.Text()
            q = columns.Time()
            r = columns.TimeUUID()
            s = columns.TinyInt()
            t = columns.UUID()
            u = columns.VarInt()
    """
    assert convert(source) == HEADER + textwrap.dedent(
        '''\
        import datetime
        import decimal
        import uuid
        from typing import Annotated

        from cassandra.util import Duration
        from coodie_core.cqltypes import Ascii, Float32, Int, SmallInt, TimeUUID, TinyInt, VarInt
        from coodie_core.document import Document
        from coodie_core.fields import ClusteringKey, CqlType, PartitionKey


        class Scalars(Document):
            """Converted from the cqlengine model ``Scalars``."""

            a: Annotated[Ascii, PartitionKey()]
            b: Annotated[int, ClusteringKey()]
            c: bytes | None = None
            d: bytes | None = None
            e: bool | None = None
            f: datetime.date | None = None
            g: datetime.datetime | None = None
            h: decimal.Decimal | None = None
            i: float | None = None
            j: Duration | None = None
            k: Float32 | None = None
            m: Annotated[str | None, CqlType("inet")] = None
            n: Int | None = None
            o: SmallInt | None = None
            p: str | None = None
            q: datetime.time | None = None
            r: TimeUUID | None = None
            s: TinyInt | None = None
            t: uuid.UUID | None = None
            u: VarInt | None = None

            class Settings:
                name = "scalars"
        '''
    )


def test_collections_nested_frozen_and_user_types() -> None:
    source = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model
        from cassandra.cqlengine.usertype import UserType


        class Address(UserType):
            street = columns.Text()
            zipcode = columns.Integer(db_field="zip")


        class Person(UserType):
            __type_name__ = "Person_Info"
            name = columns.Text(default="?")
            home = columns.UserDefinedType(Address)


        class Bag(Model):
            id = columns.Integer(primary_key=True)
            scores = columns.List(columns.Integer, required=True)
            attrs = columns.Map(columns.Text, columns.List(columns.Integer()))
            pair = columns.Tuple(columns.Integer, columns.Set(columns.Text))
            pairs = columns.List(columns.Tuple(columns.Integer, columns.Text))
            fixed = columns.Set(columns.Text, frozen=True)
            owner = columns.UserDefinedType(Person)
            homes = columns.Map(columns.Text, columns.UserDefinedType(Address))
    """
    assert convert(source) == HEADER + textwrap.dedent(
        '''\
        from typing import Annotated

        from coodie_core.cqltypes import Int
        from coodie_core.document import Document
        from coodie_core.fields import Frozen, PartitionKey
        from coodie_core.usertype import UserType
        from pydantic import Field


        class Address(UserType):
            """Converted from the cqlengine UserType ``Address``."""

            street: str | None = None
            # cqlengine attribute: zipcode
            zip: Int | None = None

            class Settings:
                name = "address"


        class Person(UserType):
            """Converted from the cqlengine UserType ``Person``."""

            name: str | None = "?"
            home: Address | None = None

            class Settings:
                name = "person_info"


        class Bag(Document):
            """Converted from the cqlengine model ``Bag``."""

            id: Annotated[Int, PartitionKey()]
            scores: list[Int]
            attrs: dict[str, list[Int]] = Field(default_factory=dict)
            pair: tuple[Int, set[str]] | None = None
            pairs: list[tuple[Int, str]] = Field(default_factory=list)
            fixed: Annotated[set[str] | None, Frozen()] = None
            owner: Annotated[Person | None, Frozen()] = None
            homes: dict[str, Address] = Field(default_factory=dict)

            class Settings:
                name = "bag"
        '''
    )


def test_abstract_base_inheritance_polymorphism_and_counters() -> None:
    source = """
        import uuid
        from datetime import datetime

        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model


        class Base(Model):
            __abstract__ = True
            __keyspace__ = "app"
            id = columns.TimeUUID(primary_key=True, default=uuid.uuid1)
            created = columns.DateTime(default=datetime.utcnow)


        class Pet(Base):
            __table_name__ = "pets"
            kind = columns.Text(discriminator_column=True, index=True)
            name = columns.Text()


        class Cat(Pet):
            __discriminator_value__ = "cat"
            lives = columns.Integer(default=9)


        class Hits(Model):
            url = columns.Text(primary_key=True)
            views = columns.Counter()
            clicks = columns.Counter(db_field="click_count")
    """
    assert convert(source) == HEADER + textwrap.dedent(
        '''\
        import datetime
        import uuid
        from typing import Annotated

        from coodie_core.cqltypes import Int, TimeUUID
        from coodie_core.document import Document
        from coodie_core.fields import Counter, Indexed, PartitionKey
        from pydantic import Field


        class Base(Document):
            """Converted from the abstract cqlengine model ``Base``."""

            id: Annotated[TimeUUID, PartitionKey()] = Field(default_factory=uuid.uuid1)
            created: datetime.datetime | None = Field(default_factory=datetime.datetime.utcnow)

            class Settings:
                abstract = True
                keyspace = "app"


        class Pet(Base):
            """Converted from the cqlengine model ``Pet``."""

            kind: Annotated[str | None, Indexed()] = None
            name: str | None = None

            class Settings:
                name = "pets"
                discriminator = "kind"


        class Cat(Pet):
            """Converted from the cqlengine model ``Cat``."""

            lives: Int | None = 9

            class Settings:
                name = "pets"
                discriminator_value = "cat"


        class Hits(Document):
            """Converted from the cqlengine model ``Hits``."""

            url: Annotated[str, PartitionKey()]
            views: Annotated[int, Counter()] = 0
            # cqlengine attribute: clicks
            click_count: Annotated[int, Counter()] = 0

            class Settings:
                name = "hits"
        '''
    )


def test_overriding_a_key_in_a_subclass_redeclares_it() -> None:
    source = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model


        class Base(Model):
            __abstract__ = True
            a = columns.Integer(primary_key=True)
            b = columns.Integer(primary_key=True)


        class Child(Base):
            b = columns.Text(primary_key=True, clustering_order="desc")
            c = columns.Integer(primary_key=True)
    """
    assert convert(source) == HEADER + textwrap.dedent(
        '''\
        from typing import Annotated

        from coodie_core.cqltypes import Int
        from coodie_core.document import Document
        from coodie_core.fields import ClusteringKey, PartitionKey


        class Base(Document):
            """Converted from the abstract cqlengine model ``Base``."""

            a: Annotated[Int, PartitionKey()]
            b: Annotated[Int, ClusteringKey()]

            class Settings:
                abstract = True


        class Child(Base):
            """Converted from the cqlengine model ``Child``."""

            b: Annotated[str, ClusteringKey(order="DESC")]
            c: Annotated[Int, ClusteringKey(1)]

            class Settings:
                name = "child"
        '''
    )


def test_names_that_shadow_imports_get_aliased_imports_and_long_fields_wrap() -> None:
    source = """
        import datetime

        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model

        T = columns.Text


        class Event(Model):
            __table_name__ = "a_rather_long_table_name_for_an_event_log"
            uuid = columns.UUID(primary_key=True)
            datetime = columns.DateTime(default=datetime.datetime.now)
            a_long_column_name_for_a_nested_map = columns.Map(
                T, columns.Map(T, columns.Tuple(columns.Integer, T))
            )
            a_static_set_of_longish_tuple_values = columns.Set(
                columns.Tuple(T, columns.Integer, T), static=True
            )
            a_static_set_of_even_longer_tuple_values = columns.Set(
                columns.Tuple(T, columns.Integer, T, columns.Boolean), static=True
            )
            stamp = columns.DateTime(primary_key=True, clustering_order="desc")
    """
    expected = [
        "import datetime as datetime_",
        "import uuid as uuid_",
        "from typing import Annotated",
        "",
        "from coodie_core.cqltypes import Int",
        "from coodie_core.document import Document",
        "from coodie_core.fields import ClusteringKey, PartitionKey, Static",
        "from pydantic import Field",
        "",
        "",
        "class Event(Document):",
        '    """Converted from the cqlengine model ``Event``."""',
        "",
        "    uuid: Annotated[uuid_.UUID, PartitionKey()]",
        "    datetime: datetime_.datetime | None = Field(default_factory=datetime_.datetime.now)",
        "    a_long_column_name_for_a_nested_map: dict[str, dict[str, tuple[Int, str]]] = Field(",
        "        default_factory=dict,",
        "    )",
        "    a_static_set_of_longish_tuple_values: "
        "Annotated[set[tuple[str, Int, str]], Static()] = Field(",
        "        default_factory=set,",
        "    )",
        "    a_static_set_of_even_longer_tuple_values: Annotated[",
        "        set[tuple[str, Int, str, bool]],",
        "        Static(),",
        "    ] = Field(default_factory=set)",
        '    stamp: Annotated[datetime_.datetime, ClusteringKey(order="DESC")]',
        "",
        "    class Settings:",
        '        name = "a_rather_long_table_name_for_an_event_log"',
    ]
    code = convert(source)
    assert code == HEADER + "\n".join(expected) + "\n"
    assert max(len(line) for line in code.splitlines()) <= 100
