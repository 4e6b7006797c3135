"""Every way of importing cqlengine (or coodie_compat) converts to the same code."""

from __future__ import annotations

import textwrap

import pytest

from coodie_compat.convert import convert_source

BODY = """
class Place(UserType):
    city = {cols}Text()


class Visit(Model):
    who = {cols}Text(partition_key=True)
    at = {cols}TimeUUID(primary_key=True, clustering_order="desc")
    where = {cols}UserDefinedType(Place)
    tags = {cols}List({cols}Integer)
"""

STYLES = {
    "module": (
        "from cassandra.cqlengine import columns\n"
        "from cassandra.cqlengine.models import Model\n"
        "from cassandra.cqlengine.usertype import UserType\n",
        "columns.",
    ),
    "star": (
        "from cassandra.cqlengine.columns import *\n"
        "from cassandra.cqlengine.models import *\n"
        "from cassandra.cqlengine.usertype import *\n",
        "",
    ),
    "aliases": (
        "import cassandra.cqlengine.columns as c\n"
        "import cassandra.cqlengine.models as m\n"
        "import cassandra.cqlengine.usertype as u\n"
        "Model = m.Model\n"
        "UserType = u.UserType\n",
        "c.",
    ),
    "coodie_compat": (
        "from coodie_compat import columns\n"
        "from coodie_compat.models import Model\n"
        "from coodie_compat.usertype import UserType\n",
        "columns.",
    ),
    "package": (
        "import cassandra.cqlengine\n"
        "from cassandra import cqlengine\n"
        "Model = cassandra.cqlengine.models.Model\n"
        "UserType = cqlengine.usertype.UserType\n",
        "cqlengine.columns.",
    ),
    "columns_via_models": (
        "try:\n"
        "    from cassandra.cqlengine.models import Model, columns\n"
        "except ImportError:\n"
        "    from coodie_compat.models import Model, columns\n"
        "from cassandra.cqlengine.usertype import UserType\n",
        "columns.",
    ),
}


def _code(style: str) -> str:
    imports, prefix = STYLES[style]
    code = convert_source(imports + BODY.format(cols=prefix), "legacy").code
    assert code is not None
    return code


@pytest.mark.parametrize("style", sorted(STYLES))
def test_import_style_converts_like_the_plain_one(style: str) -> None:
    assert _code(style) == _code("module")


def test_the_plain_style_output() -> None:
    assert _code("module") == textwrap.dedent(
        '''\
        """coodie_core models converted from ``legacy`` by ``coodie convert``."""

        from typing import Annotated

        from coodie_core.cqltypes import Int, TimeUUID
        from coodie_core.document import Document
        from coodie_core.fields import ClusteringKey, Frozen, PartitionKey
        from coodie_core.usertype import UserType
        from pydantic import Field


        class Place(UserType):
            """Converted from the cqlengine UserType ``Place``."""

            city: str | None = None

            class Settings:
                name = "place"


        class Visit(Document):
            """Converted from the cqlengine model ``Visit``."""

            who: Annotated[str, PartitionKey()]
            at: Annotated[TimeUUID, ClusteringKey(order="DESC")]
            where: Annotated[Place | None, Frozen()] = None
            tags: list[Int] = Field(default_factory=list)

            class Settings:
                name = "visit"
        '''
    )


def test_a_class_named_like_an_import_gets_the_import_aliased() -> None:
    source = (
        "from cassandra.cqlengine import columns\n"
        "from cassandra.cqlengine.models import Model\n\n\n"
        "class Document(Model):\n"
        "    Int = columns.Integer(primary_key=True)\n"
    )
    assert convert_source(source, "legacy").code == textwrap.dedent(
        '''\
        """coodie_core models converted from ``legacy`` by ``coodie convert``."""

        from typing import Annotated

        from coodie_core.cqltypes import Int as Int_
        from coodie_core.document import Document as Document_
        from coodie_core.fields import PartitionKey


        class Document(Document_):
            """Converted from the cqlengine model ``Document``."""

            Int: Annotated[Int_, PartitionKey()]

            class Settings:
                name = "document"
        '''
    )
