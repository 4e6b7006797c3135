"""Column defaults: literal values, callables and the imports they need."""

from __future__ import annotations

import textwrap

import pytest

from coodie_compat.convert import convert_source

IMPORTS = """\
import datetime as dt
import uuid
from datetime import datetime, timezone
from decimal import Decimal
from uuid import uuid1

from cassandra.cqlengine import columns
from cassandra.cqlengine.models import Model
from myapp.settings import DEFAULT_STATUS

LIMIT = 10
"""


def field_line(column: str) -> tuple[str, list[str]]:
    """The generated line for ``x = <column>`` and the generated imports."""
    source = IMPORTS + (
        f"\n\nclass M(Model):\n    id = columns.Integer(primary_key=True)\n    x = {column}\n"
    )
    code = convert_source(source, "legacy").code
    assert code is not None
    lines = code.splitlines()
    imports = [line for line in lines if line.startswith(("import ", "from "))]
    start = next(i for i, line in enumerate(lines) if line.startswith("    x:"))
    end = start + 1
    while lines[end].startswith(("        ", "    )", "    ]")):
        end += 1
    return "\n".join(line[4:] for line in lines[start:end]), imports


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("columns.Text(default='ok')", 'x: str | None = "ok"'),
        ("columns.Integer(default=-3)", "x: Int | None = -3"),
        ("columns.Integer(default=LIMIT)", "x: Int | None = 10"),
        ("columns.Text(default=DEFAULT_STATUS)", "x: str | None = myapp.settings.DEFAULT_STATUS"),
        ("columns.Text(default=str)", "x: str | None = Field(default_factory=str)"),
        (
            "columns.List(columns.Integer, default=[1, 2])",
            "x: list[Int] = Field(default_factory=lambda: [1, 2])",
        ),
        (
            "columns.Map(columns.Text, columns.Text, default=dict)",
            "x: dict[str, str] = Field(default_factory=dict)",
        ),
        (
            "columns.UUID(default=uuid.uuid4)",
            "x: uuid.UUID | None = Field(default_factory=uuid.uuid4)",
        ),
        (
            "columns.TimeUUID(default=uuid1)",
            "x: TimeUUID | None = Field(default_factory=uuid.uuid1)",
        ),
        (
            "columns.DateTime(default=datetime.utcnow)",
            "x: datetime.datetime | None = Field(default_factory=datetime.datetime.utcnow)",
        ),
        (
            "columns.DateTime(default=dt.datetime.now)",
            "x: datetime.datetime | None = Field(default_factory=datetime.datetime.now)",
        ),
        (
            "columns.DateTime(default=lambda: datetime.now(timezone.utc))",
            "x: datetime.datetime | None = Field(\n"
            "    default_factory=lambda: datetime.datetime.now(datetime.timezone.utc),\n"
            ")",
        ),
        (
            "columns.Decimal(default=Decimal('1.5'))",
            "x: decimal.Decimal | None = decimal.Decimal('1.5')",
        ),
        ("columns.Boolean(required=True, default=False)", "x: bool = False"),
    ],
)
def test_default(column: str, field: str) -> None:
    assert field_line(column)[0] == field


def test_imports_for_defaults_come_from_the_legacy_module_imports() -> None:
    _, imports = field_line("columns.Text(default=DEFAULT_STATUS)")
    assert imports == [
        "from typing import Annotated",
        "import myapp.settings",
        "from coodie_core.cqltypes import Int",
        "from coodie_core.document import Document",
        "from coodie_core.fields import PartitionKey",
    ]


def test_a_default_defined_in_the_legacy_module_is_reported_not_guessed() -> None:
    source = textwrap.dedent(
        """
        from cassandra.cqlengine import columns
        from cassandra.cqlengine.models import Model


        def new_code():
            return "c"


        class M(Model):
            id = columns.Integer(primary_key=True)
            code = columns.Text(default=new_code)
            other = columns.Text(default=lambda: new_code() + "!")
        """
    )
    module = convert_source(source, "legacy")
    assert [f.render() for r in module.reports for f in r.findings] == [
        "lost  M.code: default not converted: default new_code is defined in the legacy module "
        "itself; copy it into the generated module and set the default by hand",
        "lost  M.other: default not converted: default uses new_code, defined in the legacy "
        "module itself; copy it into the generated module and set the default by hand",
    ]
    assert module.code is not None
    assert module.code.splitlines()[-6:-3] == [
        "    id: Annotated[Int, PartitionKey()]",
        "    code: str | None = None",
        "    other: str | None = None",
    ]
