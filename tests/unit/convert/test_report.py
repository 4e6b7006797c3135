"""What the converter reports, per class: what it could not convert and why."""

from __future__ import annotations

import textwrap

from coodie_compat.convert import GeneratedModule, convert_modules, convert_source
from coodie_compat.convert.parse import parse_source


def report(module: GeneratedModule) -> dict[str, tuple[str, list[str]]]:
    """``{class: (target, [rendered findings])}``."""
    return {r.name: (r.target, [f.render() for f in r.findings]) for r in module.reports}


THING = """
    from cassandra.cqlengine import columns
    from cassandra.cqlengine.models import Model

    KS = "app"


    def make():
        return 1


    class Fancy(columns.Text):
        def validate(self, value):
            return value


    class Thing(Model):
        __keyspace__ = KS
        __connection__ = connection_name()
        __queryset__ = object
        __default_ttl__ = 5
        __options__ = {"read_repair_chance": 0.1, "comment": "c"}
        id = columns.Integer(primary_key=True, index=True)
        shared = columns.Text(custom_index=True)
        computed = columns.Integer(default=make)
        _hidden = columns.Text()
        keyword = columns.Text(db_field="class")
        saved = columns.Text(db_field="save")
        json = columns.Text()
        fancy = Fancy()
        LIMIT = 3

        def describe(self):
            return "thing"
"""


def test_everything_not_converted_is_reported_and_left_as_a_comment() -> None:
    module = convert_source(textwrap.dedent(THING), "legacy")
    assert report(module) == {
        "Thing": (
            "table app.thing",
            [
                "lost  Thing.__queryset__: not converted: custom QuerySet classes have no "
                "coodie_core equivalent",
                "note  Thing.__default_ttl__: ignored: cqlengine never applied it "
                "(use __options__ default_time_to_live)",
                "lost  Thing.computed: default not converted: default make is defined in the "
                "legacy module itself; copy it into the generated module and set the default "
                "by hand",
                "note  Thing.fancy: custom column class Fancy converted as text; its own Python "
                "methods are not carried over",
                "lost  Thing.LIMIT: class attribute = 3 is not a cqlengine column; not converted",
                "lost  Thing.describe: method not converted (copy it by hand)",
                "lost  Thing: __connection__ = connection_name() is not a literal; "
                "cannot read it statically",
                "note  Thing.id: index on the sole partition key dropped (coodie_core refuses "
                "it; the key is queryable anyway)",
                "note  Thing.shared: custom_index: the index is managed outside, as before; "
                "coodie_core needs no marker",
                "lost  Thing._hidden: column not converted: column name '_hidden' starts with "
                "'_' (Pydantic keeps such names private)",
                "lost  Thing.keyword: column not converted: column name 'class' is not a "
                "Python identifier",
                "lost  Thing.saved: column not converted: column name 'save' would shadow "
                "Document.save",
                "note  Thing.json: field json shadows Pydantic's deprecated BaseModel.json "
                "(Pydantic warns once at import)",
                "lost  Thing: table option 'read_repair_chance' is unknown to coodie_core; "
                "not converted",
            ],
        )
    }
    assert module.code is not None
    assert module.code.split("\n\n\n")[1].splitlines() == [
        "class Thing(Document):",
        '    """Converted from the cqlengine model ``Thing``."""',
        "",
        "    id: Annotated[Int, PartitionKey()]",
        "    shared: str | None = None",
        "    computed: Int | None = None",
        "    json: str | None = None",
        "    fancy: str | None = None",
        "    # NOT CONVERTED: Thing._hidden: column not converted: column name '_hidden' "
        "starts with '_'",
        "    # (Pydantic keeps such names private)",
        "    # NOT CONVERTED: Thing.keyword: column not converted: column name 'class' "
        "is not a Python",
        "    # identifier",
        "    # NOT CONVERTED: Thing.saved: column not converted: column name 'save' would shadow",
        "    # Document.save",
        "",
        "    class Settings:",
        '        name = "thing"',
        '        keyspace = "app"',
        '        comment = "c"',
    ]


def test_models_cqlengine_itself_refuses_or_that_cannot_be_read_are_not_converted() -> None:
    source = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model
        from myapp.base import Audited


        class NoKey(Model):
            name = columns.Text()


        class Mixed(Model):
            id = columns.Integer(primary_key=True)
            hits = columns.Counter()
            note = columns.Text()


        class Unreadable(Model):
            id = columns.Integer(primary_key=PK)


        class Orphan(Audited):
            id = columns.Integer(primary_key=True)


        class Mixin:
            flag = columns.Boolean()
    """
    module = convert_source(textwrap.dedent(source), "legacy")
    assert report(module) == {
        "NoKey": (
            "table <default>.no_key",
            ["lost  NoKey: model not converted: at least 1 primary key is required"],
        ),
        "Mixed": (
            "table <default>.mixed",
            ["lost  Mixed: model not converted: counter models may not have data columns"],
        ),
        "Unreadable": (
            "table <default>.unreadable",
            [
                "lost  Unreadable.id: column not converted: option primary_key=PK is not a "
                "literal; cannot read it statically",
                "lost  Unreadable: model not converted: column id may be a key but cannot be read",
            ],
        ),
        "Orphan": (
            "not converted",
            [
                "lost  Orphan: declares columns (id) but its base Audited is not among the "
                "converted modules, so it may be a model; convert that module too"
            ],
        ),
        "Mixin": (
            "not converted",
            ["note  Mixin: not a model: its columns (flag) are ignored, as cqlengine does"],
        ),
    }
    assert module.code is not None
    assert module.code.splitlines() == [
        '"""coodie_core models converted from ``legacy`` by ``coodie convert``."""',
        "",
        "",
        "# NOT CONVERTED: NoKey: at least 1 primary key is required",
        "",
        "",
        "# NOT CONVERTED: Mixed: counter models may not have data columns",
        "",
        "",
        "# NOT CONVERTED: Unreadable: column id may be a key but cannot be read",
        "",
        "",
        "# NOT CONVERTED: Orphan: declares columns (id) but its base Audited is not among the "
        "converted",
        "# modules, so it may be a model; convert that module too",
    ]


def test_user_type_and_polymorphism_notes() -> None:
    source = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model
        from cassandra.cqlengine.usertype import UserType


        class Tags(UserType):
            names = columns.List(columns.Text)


        class Special(Tags):
            x = columns.Text()


        class Animal(Model):
            id = columns.Integer(partition_key=True)
            kind = columns.Text(discriminator_column=True)


        class Bird(Animal):
            __discriminator_value__ = "bird"
    """
    assert report(convert_source(textwrap.dedent(source), "legacy")) == {
        "Tags": (
            "type tags",
            [
                "note  Tags.names: coodie_core declares this field frozen<list<text>> where "
                "cqlengine declared list<text>: values round-trip, but sync_table reports the "
                "live type as incompatible"
            ],
        ),
        "Special": (
            "type special",
            ["note  Special: fields of Tags are not inherited (cqlengine ignores them too)"],
        ),
        "Animal": ("table <default>.animal", []),
        "Bird": (
            "table <default>.animal",
            [
                "note  Bird: coodie_core filters queries through this subclass on kind, which "
                "is neither a key nor indexed: they need allow_filtering() (cqlengine did not "
                "filter them)"
            ],
        ),
    }


def test_a_model_is_flattened_when_its_base_cannot_be_subclassed() -> None:
    base = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model
        from cassandra.cqlengine.usertype import UserType


        class Point(UserType):
            x = columns.Double()


        class Base(Model):
            __abstract__ = True
            __options__ = {"comment": "base"}
            id = columns.Integer(primary_key=True)
            at = columns.UserDefinedType(Point)
    """
    child = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model

        from .base import Base


        class Child(Base):
            name = columns.Text()


        class Other(Model):
            __abstract__ = True
            extra = columns.Text()


        class Both(Base, Other):
            pass


        class Local(Other):
            __options__ = {"comment": "local"}
            id = columns.Integer(primary_key=True)


        class Drop(Local):
            __options__ = {"gc_grace_seconds": 10}
    """
    modules = [
        parse_source(textwrap.dedent(base), "app.base", "app"),
        parse_source(textwrap.dedent(child), "app.child", "app"),
    ]
    converted = convert_modules(modules)[1]
    assert report(converted) == {
        "Point": ("type point", ["note  Point: copied from app.base"]),
        "Child": (
            "table <default>.child",
            ["note  Child: flattened onto Document: its base Base is in another module"],
        ),
        "Other": ("abstract", []),
        "Both": (
            "table <default>.both",
            ["note  Both: flattened onto Document: it has several model bases"],
        ),
        "Local": ("table <default>.local", []),
        "Drop": (
            "table <default>.drop",
            [
                "note  Drop: converted with table drop, but once cqlengine has computed "
                "Local's table name (any query or sync_table on it) this class uses local "
                "instead: check which table holds its rows",
                "note  Drop: flattened onto Document: it drops table options of its base: comment",
            ],
        ),
    }
    assert converted.code is not None
    assert converted.code.split("\n\n\n")[2:4] == [
        textwrap.dedent(
            '''\
            class Child(Document):
                """Converted from the cqlengine model ``Child``."""

                id: Annotated[Int, PartitionKey()]
                at: Annotated[Point | None, Frozen()] = None
                name: str | None = None

                class Settings:
                    name = "child"
                    comment = "base"'''
        ),
        textwrap.dedent(
            '''\
            class Other(Document):
                """Converted from the abstract cqlengine model ``Other``."""

                extra: str | None = None

                class Settings:
                    abstract = True'''
        ),
    ]


def test_a_concrete_subclass_of_a_concrete_model_warns_about_cqlengines_name_cache() -> None:
    source = """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model


        class Parent(Model):
            id = columns.Integer(primary_key=True)


        class Child(Parent):
            extra = columns.Text()
    """
    assert report(convert_source(textwrap.dedent(source), "legacy")) == {
        "Parent": ("table <default>.parent", []),
        "Child": (
            "table <default>.child",
            [
                "note  Child: converted with table child, but once cqlengine has computed "
                "Parent's table name (any query or sync_table on it) this class uses parent "
                "instead: check which table holds its rows"
            ],
        ),
    }
