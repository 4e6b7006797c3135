"""Every public name of the installed ``cassandra.cqlengine`` exists in ``coodie_compat``.

For each module of the stock package (the root, columns, models, query,
connection, management, usertype, named, operators, functions, statements)
every public name (no leading underscore) must exist in the matching
``coodie_compat`` module:

- in its ``__all__``, so ``from ... import *`` brings what the stock star
  import brings (stock modules define no ``__all__``: every public name);
- as the same object: a driver or standard-library object re-exported by
  stock (``query.SimpleStatement``, ``columns.datetime``) is that very
  object, and a cqlengine object re-exported elsewhere (``query.Token``) is
  the compat object of the module that defines it (``functions.Token``);
- with a compatible signature: functions, classes' ``__init__`` and the
  public methods of cqlengine classes take the same parameters, by name and
  kind, in the same positions, with defaults wherever stock has one; compat
  may add parameters only if they are optional and come after stock's.

The stock package is described in a subprocess (this file run as a script),
so this test process never imports ``cassandra.cqlengine``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

STOCK = "cassandra.cqlengine"
COMPAT = "coodie_compat"
MODULES = ("", "columns", "models", "query", "connection", "management", "usertype", "named",
           "operators", "functions", "statements")

#: A parameter as ``[name, kind, has_default]``; kinds are ``inspect.Parameter`` kind names.
Param = list[Any]
_POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")
_VARIADIC = ("VAR_POSITIONAL", "VAR_KEYWORD")
_BY_KEYWORD = ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")


# --- describing a package (also run as a script on the stock package) ---------------------


def _params(obj: Any) -> list[Param] | None:
    """The parameters of a callable, or None when Python cannot tell (builtins)."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, p.default is not inspect.Parameter.empty]
            for p in signature.parameters.values()]


def _member_kind(cls: type, name: str) -> str:
    raw = inspect.getattr_static(cls, name)
    if isinstance(raw, (classmethod, staticmethod, property)):
        return type(raw).__name__
    return "function" if inspect.isfunction(raw) else type(raw).__name__


def _public_methods(cls: type, package: str) -> dict[str, dict[str, Any]]:
    """Public methods and properties (and ``__init__``) that ``package``'s own classes define."""
    methods: dict[str, dict[str, Any]] = {}
    for klass in cls.__mro__:
        if not (klass.__module__ or "").startswith(package):
            continue
        for name, raw in vars(klass).items():
            if name in methods or (name.startswith("_") and name != "__init__"):
                continue
            if isinstance(raw, (classmethod, staticmethod, property)) or inspect.isfunction(raw):
                kind = _member_kind(cls, name)
                params = None if kind == "property" else _params(getattr(cls, name))
                methods[name] = {"kind": kind, "params": params}
    return methods


def _origin(value: Any) -> list[str] | None:
    """``[module, qualified name]`` of a module, class or function; None for other values."""
    if isinstance(value, types.ModuleType):
        return [value.__name__, ""]
    if inspect.isclass(value) or inspect.isroutine(value):
        module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
        if isinstance(module, str) and isinstance(qualname, str):
            return [module, qualname]
    return None


def describe(module: types.ModuleType, package: str) -> dict[str, dict[str, Any]]:
    """Every public name of ``module``: its kind, origin and parameters."""
    names: dict[str, dict[str, Any]] = {}
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        entry: dict[str, Any] = {"origin": _origin(value), "params": None, "methods": {}}
        if isinstance(value, types.ModuleType):
            entry["kind"] = "module"
        elif inspect.isclass(value):
            entry["kind"] = "class"
            if (value.__module__ or "").startswith(package):
                entry["methods"] = _public_methods(value, package)
        elif callable(value):
            entry["kind"] = "function"
            entry["params"] = _params(value)
        else:
            entry["kind"] = "value"
        names[name] = entry
    return names


def describe_package(package: str) -> dict[str, dict[str, dict[str, Any]]]:
    """:func:`describe` for every module of :data:`MODULES` under ``package``."""
    return {short: describe(importlib.import_module(_dotted(package, short)), package)
            for short in MODULES}


def _dotted(package: str, short: str) -> str:
    return f"{package}.{short}" if short else package


# --- comparing ----------------------------------------------------------------------------


def signature_problems(stock: list[Param] | None, compat: list[Param] | None) -> list[str]:
    """Why a call valid against ``stock``'s parameters could fail against ``compat``'s."""
    if stock is None:
        return []
    if compat is None:
        return ["compat signature cannot be read"]
    problems = []
    stock_pos = [p for p in stock if p[1] in _POSITIONAL]
    compat_pos = [p for p in compat if p[1] in _POSITIONAL]
    for index, (name, kind, has_default) in enumerate(stock_pos):
        twin = compat_pos[index] if index < len(compat_pos) else None
        if twin is None or twin[:2] != [name, kind]:
            problems.append(f"position {index}: {name} ({kind}) became {twin}")
        elif has_default and not twin[2]:
            problems.append(f"{name} lost its default")
    by_name = {p[0]: p for p in compat}
    for name, kind, has_default in stock:
        if kind == "KEYWORD_ONLY":
            twin = by_name.get(name)
            if twin is None or twin[1] not in _BY_KEYWORD:
                problems.append(f"keyword {name} missing")
            elif has_default and not twin[2]:
                problems.append(f"{name} lost its default")
        elif kind in _VARIADIC and not any(p[1] == kind for p in compat):
            problems.append(f"{kind} missing")
    stock_names = {p[0] for p in stock}
    for position, (name, kind, has_default) in enumerate(compat):
        if name in stock_names or kind in _VARIADIC:
            continue
        if not has_default:
            problems.append(f"extra required parameter {name}")
        elif kind in _POSITIONAL and position < len(stock_pos):
            problems.append(f"extra parameter {name} before stock's positional ones")
    return problems


def _compat_module(short: str) -> types.ModuleType:
    return importlib.import_module(_dotted(COMPAT, short))


def _counterpart(origin: list[str]) -> Any:
    """The object compat must expose for a stock object of this origin."""
    module, qualname = origin
    if module == STOCK or module.startswith(STOCK + "."):
        module = COMPAT + module[len(STOCK):]
    found: Any = importlib.import_module(module)
    for part in filter(None, qualname.split(".")):
        found = getattr(found, part)
    return found


@pytest.fixture(scope="module")
def stock() -> dict[str, dict[str, dict[str, Any]]]:
    """The installed stock package, described by a subprocess."""
    done = subprocess.run([sys.executable, __file__, STOCK], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[3])
    described: dict[str, dict[str, dict[str, Any]]] = json.loads(done.stdout)
    return described


@pytest.mark.parametrize("short", MODULES)
def test_every_public_name_exists(stock: dict[str, Any], short: str) -> None:
    module = _compat_module(short)
    assert [name for name in stock[short] if not hasattr(module, name)] == []


@pytest.mark.parametrize("short", MODULES)
def test_star_import_brings_every_public_name(stock: dict[str, Any], short: str) -> None:
    exported: dict[str, Any] = {}
    exec(f"from {_dotted(COMPAT, short)} import *", exported)
    assert sorted(set(stock[short]) - set(exported)) == []


@pytest.mark.parametrize("short", MODULES)
def test_names_hold_the_same_objects(stock: dict[str, Any], short: str) -> None:
    module = _compat_module(short)
    wrong = [f"{name}: expected {entry['origin']}" for name, entry in stock[short].items()
             if entry["origin"]
             and getattr(module, name, None) is not _counterpart(entry["origin"])]
    assert wrong == []


@pytest.mark.parametrize("short", MODULES)
def test_functions_and_constructors_have_compatible_signatures(
        stock: dict[str, Any], short: str) -> None:
    module = _compat_module(short)
    problems = []
    for name, entry in stock[short].items():
        value = getattr(module, name, None)
        if entry["kind"] == "function":
            ours = _params(value)
            problems += [f"{name}: {p}" for p in signature_problems(entry["params"], ours)]
        elif entry["kind"] == "class" and "__init__" in entry["methods"]:
            ours = _params(value.__init__) if inspect.isclass(value) else None
            stock_init = entry["methods"]["__init__"]["params"]
            problems += [f"{name}.__init__: {p}" for p in signature_problems(stock_init, ours)]
    assert problems == []


@pytest.mark.parametrize("short", MODULES)
def test_public_methods_have_compatible_signatures(stock: dict[str, Any], short: str) -> None:
    module = _compat_module(short)
    problems = []
    for name, entry in stock[short].items():
        cls = getattr(module, name, None)
        for method, spec in entry["methods"].items():
            where = f"{name}.{method}"
            if not inspect.isclass(cls) or not hasattr(cls, method):
                problems.append(f"{where} missing")
                continue
            if _member_kind(cls, method) != spec["kind"]:
                problems.append(f"{where} is a {_member_kind(cls, method)}, not a {spec['kind']}")
            elif spec["kind"] != "property":
                ours = _params(getattr(cls, method))
                problems += [f"{where}: {p}" for p in signature_problems(spec["params"], ours)]
    assert problems == []


def test_the_description_covers_the_stock_api(stock: dict[str, Any]) -> None:
    assert stock["models"]["Model"]["kind"] == "class"
    assert stock["query"]["BatchQuery"]["methods"]["__init__"]["params"][:2] == [
        ["self", "POSITIONAL_OR_KEYWORD", False], ["batch_type", "POSITIONAL_OR_KEYWORD", True]]
    assert stock["connection"]["setup"]["kind"] == "function"
    assert stock["query"]["SimpleStatement"]["origin"] == ["cassandra.query", "SimpleStatement"]
    assert stock["query"]["Token"]["origin"] == ["cassandra.cqlengine.functions", "Token"]
    assert sum(len(names) for names in stock.values()) > 250


def test_importing_every_compat_module_never_imports_stock() -> None:
    # In a fresh interpreter: other tests of this session (the converter's
    # round trips) import stock cqlengine on purpose.
    code = (
        "import importlib, sys\n"
        "for m in ('', '.columns', '.models', '.query', '.connection', '.management',\n"
        "          '.usertype', '.named', '.operators', '.functions', '.statements'):\n"
        "    importlib.import_module('coodie_compat' + m)\n"
        f"print(sorted(n for n in sys.modules if n.startswith({STOCK!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"


# --- the comparison itself ----------------------------------------------------------------

_PK = "POSITIONAL_OR_KEYWORD"


def test_identical_parameters_are_compatible() -> None:
    params = [["a", _PK, False], ["b", _PK, True], ["kw", "VAR_KEYWORD", False]]
    assert signature_problems(params, params) == []


def test_extra_optional_parameters_after_stock_ones_are_allowed() -> None:
    stock = [["a", _PK, False]]
    assert signature_problems(stock, [["a", _PK, False], ["b", _PK, True],
                                      ["c", "KEYWORD_ONLY", True]]) == []


def test_a_renamed_parameter_is_incompatible() -> None:
    assert signature_problems([["a", _PK, False]], [["x", _PK, False]]) == [
        "position 0: a (POSITIONAL_OR_KEYWORD) became ['x', 'POSITIONAL_OR_KEYWORD', False]",
        "extra required parameter x",
    ]


def test_a_lost_default_or_a_new_required_parameter_is_incompatible() -> None:
    assert signature_problems([["a", _PK, True]], [["a", _PK, False], ["b", "KEYWORD_ONLY",
                                                                      False]]) == [
        "a lost its default", "extra required parameter b"]


def test_an_optional_parameter_inserted_before_stock_ones_is_incompatible() -> None:
    stock = [["a", _PK, True]]
    assert signature_problems(stock, [["x", _PK, True], ["a", _PK, True]]) == [
        "position 0: a (POSITIONAL_OR_KEYWORD) became ['x', 'POSITIONAL_OR_KEYWORD', True]",
        "extra parameter x before stock's positional ones",
    ]


def test_missing_variadics_and_keywords_are_incompatible() -> None:
    stock = [["args", "VAR_POSITIONAL", False], ["k", "KEYWORD_ONLY", True],
             ["kwargs", "VAR_KEYWORD", False]]
    assert signature_problems(stock, []) == [
        "VAR_POSITIONAL missing", "keyword k missing", "VAR_KEYWORD missing"]


def test_an_unreadable_stock_signature_is_not_checked() -> None:
    assert signature_problems(None, [["x", _PK, False]]) == []
    assert signature_problems([], None) == ["compat signature cannot be read"]


if __name__ == "__main__":
    json.dump(describe_package(sys.argv[1]), sys.stdout)
