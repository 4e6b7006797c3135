"""``coodie_compat.install_alias()``: ``import cassandra.cqlengine...`` served by coodie_compat.

Every scenario runs in a fresh interpreter, since the alias changes
``sys.modules`` and ``sys.meta_path`` for the whole process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SUBMODULES = ("columns", "models", "query", "connection", "management", "usertype", "named",
              "operators", "functions", "statements")


def _python(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    """Run the interpreter with ``args``; return its stdout (stderr shown on failure)."""
    full_env = {k: v for k, v in os.environ.items() if k != "COODIE_CQLENGINE_ALIAS"}
    full_env["PYTHONPATH"] = str(ROOT)
    full_env.update(env or {})
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=full_env,
                          cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _run(code: str, env: dict[str, str] | None = None) -> Any:
    """Run ``code``, which prints one JSON document; return it decoded."""
    return json.loads(_python("-c", textwrap.dedent(code), env=env))


def test_every_submodule_is_the_compat_module_itself() -> None:
    result = _run(f"""
        import importlib, json, sys
        import coodie_compat
        coodie_compat.install_alias()
        import cassandra, cassandra.cqlengine
        from cassandra.cqlengine import {", ".join(SUBMODULES)}
        import cassandra.cqlengine.models as dotted_models
        same = {{}}
        for name in {SUBMODULES!r}:
            compat = importlib.import_module("coodie_compat." + name)
            same[name] = (importlib.import_module("cassandra.cqlengine." + name) is compat
                          and globals()[name] is compat and compat.__spec__.name == compat.__name__)
        print(json.dumps({{
            "package": cassandra.cqlengine is coodie_compat,
            "attribute": cassandra.cqlengine is sys.modules["cassandra.cqlengine"],
            "dotted": dotted_models is importlib.import_module("coodie_compat.models"),
            "same": same,
        }}))
    """)
    assert result == {"package": True, "attribute": True, "dotted": True,
                      "same": dict.fromkeys(SUBMODULES, True)}


def test_class_identity_and_patching_by_dotted_path() -> None:
    result = _run("""
        import json
        from unittest import mock
        import coodie_compat
        coodie_compat.install_alias()
        from cassandra.cqlengine import columns, models, query
        from cassandra.cqlengine.models import Model
        from cassandra.cqlengine.query import BatchQuery, DoesNotExist
        import coodie_compat.models, coodie_compat.query

        class Thing(Model):
            k = columns.Integer(primary_key=True)

        with mock.patch("cassandra.cqlengine.models.DEFAULT_KEYSPACE", "patched"):
            patched = coodie_compat.models.DEFAULT_KEYSPACE
        print(json.dumps({
            "model": Model is coodie_compat.models.Model,
            "batch": BatchQuery is coodie_compat.query.BatchQuery,
            "errors": issubclass(Thing.DoesNotExist, DoesNotExist),
            "queryset": isinstance(Thing.objects.all(), coodie_compat.query.ModelQuerySet),
            "patched": patched,
            "restored": coodie_compat.models.DEFAULT_KEYSPACE,
        }))
    """)
    assert result == {"model": True, "batch": True, "errors": True, "queryset": True,
                      "patched": "patched", "restored": None}


def test_no_stock_module_is_loaded_and_unknown_names_stay_unknown() -> None:
    result = _run("""
        import json, sys
        import coodie_compat
        coodie_compat.install_alias()
        coodie_compat.install_alias()  # idempotent
        import cassandra.cqlengine.management, cassandra.cqlengine.usertype
        try:
            import cassandra.cqlengine.no_such_module
        except ModuleNotFoundError as exc:
            missing = exc.name
        files = sorted({getattr(m, "__file__", "") for n, m in sys.modules.items()
                        if n.startswith("cassandra.cqlengine")})
        print(json.dumps({"missing": missing,
                          "finders": sys.meta_path.count(sys.meta_path[0]),
                          "stock_files": [f for f in files if "coodie_compat" not in f]}))
    """)
    assert result == {"missing": "cassandra.cqlengine.no_such_module", "finders": 1,
                      "stock_files": []}


def test_refuses_when_the_real_package_was_imported_first() -> None:
    result = _run("""
        import json, sys
        import cassandra.cqlengine.columns
        real = sys.modules["cassandra.cqlengine.columns"]
        import coodie_compat
        from coodie_compat.alias import AliasError, alias_installed
        try:
            coodie_compat.install_alias()
        except AliasError as exc:
            message = str(exc)
        print(json.dumps({"message": message, "installed": alias_installed(),
                          "untouched": sys.modules["cassandra.cqlengine.columns"] is real
                          and "coodie_compat" not in real.__file__}))
    """)
    assert result["installed"] is False
    assert result["untouched"] is True
    assert result["message"] == (
        "cannot alias cassandra.cqlengine to coodie_compat: the real package is already "
        "imported (cassandra.cqlengine, cassandra.cqlengine.columns, "
        "cassandra.cqlengine.functions). Install the alias before anything imports it: call "
        "coodie_compat.install_alias() first thing, set COODIE_CQLENGINE_ALIAS=1 and import "
        "coodie_compat first, or start the app with "
        "'python -m coodie_compat.alias'."
    )


def test_uninstall_gives_the_real_package_back() -> None:
    result = _run("""
        import json
        import coodie_compat
        from coodie_compat.alias import uninstall_alias
        coodie_compat.install_alias()
        import cassandra.cqlengine.models
        uninstall_alias()
        import cassandra
        had_attribute = hasattr(cassandra, "cqlengine")
        import cassandra.cqlengine.models as real
        print(json.dumps({"had_attribute": had_attribute, "real": real.__name__,
                          "stock": "coodie_compat" not in real.__file__}))
    """)
    assert result == {"had_attribute": False, "real": "cassandra.cqlengine.models",
                      "stock": True}


@pytest.mark.parametrize(("switch", "aliased"), [("1", True), (None, False)])
def test_environment_switch(switch: str | None, aliased: bool) -> None:
    result = _run("""
        import json, sys
        import coodie_compat.columns  # any compat import honours the switch
        import cassandra.cqlengine.columns as columns
        print(json.dumps(columns is sys.modules["coodie_compat.columns"]))
    """, env={"COODIE_CQLENGINE_ALIAS": switch} if switch else None)
    assert result is aliased


_APP = """
import json, sys
from cassandra.cqlengine import columns
from cassandra.cqlengine.models import Model
import coodie_compat.models
print(json.dumps({"aliased": Model is coodie_compat.models.Model, "argv": sys.argv,
                  "name": __name__, "path0_is_app_dir": sys.path[0].endswith("app_dir")}))
"""


def test_runner_runs_a_script_with_the_alias(tmp_path: Path) -> None:
    app_dir = tmp_path / "app_dir"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(_APP)
    out = json.loads(_python("-m", "coodie_compat.alias", str(app_dir / "app.py"), "--flag",
                             cwd=tmp_path))
    assert out == {"aliased": True, "argv": [str(app_dir / "app.py"), "--flag"],
                   "name": "__main__", "path0_is_app_dir": True}


def test_runner_runs_a_module_with_the_alias(tmp_path: Path) -> None:
    (tmp_path / "legacy_app.py").write_text(_APP)
    out = json.loads(_python("-m", "coodie_compat.alias", "-m", "legacy_app", "x",
                             env={"PYTHONPATH": f"{ROOT}{os.pathsep}{tmp_path}"}))
    assert out["aliased"] is True
    assert out["argv"][1:] == ["x"]
    assert out["name"] == "__main__"
