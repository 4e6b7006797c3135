"""A legacy cqlengine application's models: the corpus ``coodie convert`` is proven on.

Written against the stock ``cassandra.cqlengine``. It covers every column type,
collections nested and frozen, UDTs (nested too), keys (composite partition key,
clustering order), static and indexed columns, db_field, defaults (literal and
callable), required, counters, polymorphism, table options, keyspace, table
naming (default rule, lowercased, case sensitive) and a named connection, in
three import styles.
"""

import uuid
from datetime import datetime

import cassandra.cqlengine.columns as c
from cassandra.cqlengine import columns
from cassandra.cqlengine.columns import Text
from cassandra.cqlengine.models import Model
from cassandra.cqlengine.usertype import UserType

EXPLICIT_KEYSPACE = "coodie_convert_explicit"


class Address(UserType):
    street = columns.Text()
    zipcode = columns.Integer(db_field="zip")


class Person(UserType):
    __type_name__ = "person_info"
    name = columns.Text()
    birthday = columns.Date()
    home = columns.UserDefinedType(Address)


class AllTypes(Model):
    id = columns.UUID(primary_key=True, default=uuid.uuid4)
    v_ascii = columns.Ascii()
    v_bigint = columns.BigInt()
    v_blob = columns.Blob()
    v_bytes = columns.Bytes()
    v_boolean = columns.Boolean()
    v_date = columns.Date()
    v_datetime = columns.DateTime()
    v_decimal = columns.Decimal()
    v_double = columns.Double()
    v_duration = columns.Duration()
    v_float = columns.Float()
    v_inet = columns.Inet()
    v_integer = columns.Integer()
    v_smallint = columns.SmallInt()
    v_text = Text()
    v_time = columns.Time()
    v_timeuuid = columns.TimeUUID()
    v_tinyint = columns.TinyInt()
    v_uuid = columns.UUID()
    v_varint = columns.VarInt()


class Collections(Model):
    __table_name__ = "collections"
    id = c.Integer(primary_key=True)
    tags = c.Set(c.Text, index=True)
    scores = c.List(c.Integer)
    attrs = c.Map(c.Text, c.Double)
    pair = c.Tuple(c.Integer, c.Text)
    nested = c.Map(c.Text, c.List(c.Integer))
    sets = c.List(c.Set(c.Text))
    pairs = c.List(c.Tuple(c.Integer, c.Text))
    deep = c.Tuple(c.List(c.Integer), c.Map(c.Text, c.Boolean))
    owner = c.UserDefinedType(Person)
    addresses = c.List(c.UserDefinedType(Address))
    by_name = c.Map(c.Text, c.UserDefinedType(Address))


class Reading(Model):
    __table_name__ = "Readings"
    __options__ = {
        "comment": "sensor readings",
        "default_time_to_live": 86400,
        "gc_grace_seconds": 3600,
        "bloom_filter_fp_chance": 0.05,
        "compaction": {"class": "LeveledCompactionStrategy", "sstable_size_in_mb": "64"},
        "caching": {"keys": "ALL", "rows_per_partition": "NONE"},
    }
    sensor = columns.Text(partition_key=True)
    day = columns.Date(partition_key=True)
    at = columns.DateTime(primary_key=True, clustering_order="DESC")
    seq = columns.Integer(primary_key=True)
    sensor_name = columns.Text(static=True)
    temperature = columns.Double(db_field="temp_c")
    status = columns.Text(index=True, default="ok")
    recorded = columns.DateTime(default=datetime.utcnow)
    unit = columns.Ascii(required=True, max_length=8)


class CamelTable(Model):
    __table_name__ = "CamelTable"
    __table_name_case_sensitive__ = True
    userId = columns.Integer(primary_key=True)
    displayName = columns.Text()


class PageViews(Model):
    url = columns.Text(primary_key=True)
    views = columns.Counter()
    clicks = columns.Counter(db_field="click_count")


class Pet(Model):
    __table_name__ = "pets"
    owner = columns.UUID(partition_key=True)
    pet_id = columns.UUID(primary_key=True, default=uuid.uuid4)
    pet_type = columns.Text(discriminator_column=True, index=True)
    name = columns.Text()


class Cat(Pet):
    __discriminator_value__ = "cat"
    lives = columns.Integer(default=9)


class Dog(Pet):
    __discriminator_value__ = "dog"
    good_boy = columns.Boolean(default=True)


class Timestamped(Model):
    __abstract__ = True
    __keyspace__ = EXPLICIT_KEYSPACE
    id = columns.TimeUUID(primary_key=True, default=uuid.uuid1)
    created = columns.DateTime(default=datetime.utcnow)


class Note(Timestamped):
    body = columns.Text(required=True)


class AltNote(Model):
    __connection__ = "legacy_alt"
    id = columns.Integer(primary_key=True)
    body = columns.Text()
