"""Unit tests: keys Cassandra refuses whatever their type allows (an empty partition
key, keys over 65535 bytes serialized) are refused on every write and key filter,
before anything is sent; exact messages and the byte arithmetic at the limits."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import pytest

from coodie_core.batch import BatchWriter
from coodie_core.document import Document
from coodie_core.errors import InvalidKey, InvalidValue
from coodie_core.fields import ClusteringKey, Counter, PartitionKey
from coodie_core.key_size import MAX_KEY_BYTES, check_key
from coodie_core.statements import render

EMPTY = "invalid key value '': Cassandra refuses an empty partition key"


class Tag(Document):
    name: Annotated[str, PartitionKey()]
    n: int = 0

    class Settings:
        keyspace = "app"


class Blob(Document):
    key: Annotated[bytes, PartitionKey()]
    n: int = 0

    class Settings:
        keyspace = "app"


class Views(Document):
    page: Annotated[str, PartitionKey()]
    n: Annotated[int, Counter()] = 0

    class Settings:
        keyspace = "app"


class Pair(Document):
    a: Annotated[str, PartitionKey()]
    b: Annotated[str, PartitionKey(1)]
    at: Annotated[int, PartitionKey(2)] = 0  # bigint: 8 bytes + 3 of framing
    step: Annotated[str, ClusteringKey()] = ""

    class Settings:
        keyspace = "app"


class ById(Document):
    id: Annotated[uuid.UUID, PartitionKey()]
    label: str = ""

    class Settings:
        keyspace = "app"


def refused(call: Any) -> str:
    with pytest.raises(InvalidKey) as info:
        call()
    assert isinstance(info.value, InvalidValue)
    return str(info.value)


def test_an_empty_partition_key_is_refused_on_every_write() -> None:
    doc = Tag(name="")
    for call in (doc.save_op, doc.changes_op, lambda: doc.update_op(n=1), doc.delete_op):
        assert refused(call) == f"Tag.name: {EMPTY}"
    assert refused(lambda: Views(page="").increment_op(n=1)) == f"Views.page: {EMPTY}"
    assert refused(lambda: BatchWriter().save(doc)) == f"Tag.name: {EMPTY}"
    message = refused(Blob(key=b"").save_op)
    assert message == "Blob.key: invalid key value b'': Cassandra refuses an empty partition key"


def test_an_empty_partition_key_is_refused_in_filters() -> None:
    assert refused(lambda: Tag.find(name="")) == f"Tag.name: {EMPTY}"
    assert refused(lambda: Tag.find(name__in=["a", ""])) == f"Tag.name: {EMPTY}"
    assert refused(lambda: Tag.find(name__in=("",)).delete_op()) == f"Tag.name: {EMPTY}"


def test_empty_components_of_a_composite_key_and_clustering_values_are_allowed() -> None:
    assert Pair(a="", b="").save_op() is not None
    assert Pair.find(a="", b="", at=0, step="") is not None


def test_a_partition_key_over_65535_bytes_is_refused() -> None:
    ok = Tag(name="k" * MAX_KEY_BYTES)
    assert render(ok.save_op().statement)[1][0] == "k" * MAX_KEY_BYTES
    long = "k" * (MAX_KEY_BYTES + 1)
    expected = (
        "Tag.name: invalid key value 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkk... (65536 characters): "
        "the partition key is 65536 bytes serialized, more than the 65535 Cassandra allows"
    )
    assert refused(Tag(name=long).save_op) == expected
    assert refused(lambda: Tag.find(name=long)) == expected
    assert refused(lambda: Tag.find(name__in=[long])) == expected
    assert "70000 bytes serialized" in refused(lambda: Views(page="k" * 70_000).increment_op(n=1))


def test_text_keys_are_measured_in_utf8_bytes() -> None:
    assert Tag(name="é" * 32_767).save_op() is not None  # 65534 bytes
    message = refused(Tag(name="é" * 32_768).save_op)  # 65536 bytes, 32768 characters
    assert "(32768 characters): the partition key is 65536 bytes serialized" in message
    assert Tag(name="€" * 21_845).save_op() is not None  # 3 bytes each: 65535
    assert "65538 bytes" in refused(Tag(name="€" * 21_846).save_op)


def test_a_composite_key_counts_every_component_and_its_framing() -> None:
    # a, b, at: (len(a) + 3) + (len(b) + 3) + (8 + 3) <= 65535
    room = MAX_KEY_BYTES - 3 - 3 - 11
    assert Pair(a="x" * room, b="").save_op() is not None
    message = refused(Pair(a="x" * room, b="y").save_op)
    assert message.startswith("Pair.a: invalid key value 'xxxxxxxxx")
    assert message.endswith(
        "the partition key is 65536 bytes serialized, more than the 65535 Cassandra allows"
    )
    half = "é" * 20_000  # 40000 bytes each: only the sum is too long
    assert "80017 bytes serialized" in refused(Pair(a=half, b=half).save_op)
    alone = "z" * (MAX_KEY_BYTES - 2)
    assert refused(lambda: Pair.find(a=alone)) == (
        "Pair.a: invalid key value 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzz... (65533 characters): "
        "this key component is 65536 bytes serialized, more than the 65535 Cassandra allows"
    )


def test_a_clustering_value_over_65535_bytes_is_refused() -> None:
    step = "s" * (MAX_KEY_BYTES + 1)
    expected = "the clustering value is 65536 bytes serialized, more than the 65535"
    assert expected in refused(Pair(a="a", b="b", step=step).save_op)
    assert expected in refused(lambda: Pair.find(a="a", b="b", at=0, step=step))
    assert Pair(a="a", b="b", step="s" * MAX_KEY_BYTES).save_op() is not None


def test_keys_of_other_types_are_not_measured() -> None:
    table = ById.table_meta()
    check_key(table, {"id": uuid.uuid4()})
    assert ById(id=uuid.uuid4(), label="").save_op() is not None  # not a key: may be empty
