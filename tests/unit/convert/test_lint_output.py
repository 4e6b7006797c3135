"""Generated code for awkward inputs (aliased imports, wrapped lines, ambiguous names,
third-party defaults, lost columns) passes ruff with the project's rules and imports."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

from coodie_compat.convert import convert_source

ROOT = Path(__file__).resolve().parents[3]

AWKWARD = textwrap.dedent(
    """
    import datetime
    import uuid as u

    from cassandra.cqlengine import columns
    from cassandra.cqlengine.models import Model
    from cassandra.cqlengine.usertype import UserType
    from cassandra.util import uuid_from_time


    class Duration(UserType):
        Int = columns.Integer()
        l = columns.List(columns.Text)


    class Document(Model):
        __table_name__ = "a_rather_long_table_name_for_awkward_documents"
        __options__ = {
            "comment": (
                "a comment long enough that the generated settings line cannot fit in one "
                "hundred characters"
            ),
            "compaction": {
                "class": "SizeTieredCompactionStrategy", "min_threshold": "6", "max_threshold": "40"
            },
        }
        uuid = columns.UUID(primary_key=True, default=u.uuid4)
        datetime = columns.DateTime(
            primary_key=True, clustering_order="desc", default=datetime.datetime.now
        )
        l = columns.Integer(static=True)
        O = columns.Duration()
        spans = columns.Map(columns.Text, columns.List(columns.UserDefinedType(Duration)))
        a_very_long_column_name_holding_nested_tuples = columns.Set(
            columns.Tuple(
                columns.Text, columns.Integer, columns.Text, columns.Boolean, columns.Text
            ),
            static=True,
        )
        stamp = columns.TimeUUID(default=lambda: uuid_from_time(0))
        _private = columns.Text()
        I = columns.Text(
            default="a default long enough that the generated field cannot fit in one line"
        )

        def method(self):
            return 1
    """
)


def test_awkward_output_lints_and_imports(tmp_path: Path) -> None:
    code = convert_source(AWKWARD, "awkward").code
    assert code is not None
    (tmp_path / "awkward.py").write_text(code)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--config",
            str(ROOT / "pyproject.toml"),
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")
    spec = importlib.util.spec_from_file_location("awkward_converted", tmp_path / "awkward.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        meta = module.Document.table_meta()
        assert [(c.name, c.cql_type) for c in meta.columns] == [
            ("uuid", "uuid"),
            ("datetime", "timestamp"),
            ("l", "int"),
            ("O", "duration"),
            ("spans", "map<text, frozen<list<frozen<duration>>>>"),
            (
                "a_very_long_column_name_holding_nested_tuples",
                "set<frozen<tuple<text, int, text, boolean, text>>>",
            ),
            ("stamp", "timeuuid"),
            ("I", "text"),
        ]
    finally:
        sys.modules.pop(spec.name, None)
