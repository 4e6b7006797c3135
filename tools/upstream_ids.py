"""List the test ids pytest would collect from a test tree, without importing it.

The upstream cqlengine suite (``tests/unit/cqlengine`` and
``tests/integration/cqlengine`` of scylladb/python-driver) cannot be imported
here: its harness needs ``ccmlib`` and a ccm cluster.  This module emulates
``pytest --collect-only`` statically instead: it parses the files with
:mod:`ast`, resolves imports and class inheritance across the tree (test
classes inherited from other modules, mixins, ``unittest.TestCase``, plain
pytest classes, module-level functions, simple ``parametrize``) and applies
pytest's default collection rules (``test_*.py`` / ``*_test.py`` files,
``Test*`` classes, ``test*`` functions, ``__test__``, ``__init__``).

Whatever it cannot decide statically raises :class:`UnsupportedConstruct`
instead of guessing, so a count it prints is a count it can justify.

Usage::

    .venv/bin/python -m tools.upstream_ids            # write the id list
    .venv/bin/python -m tools.upstream_ids --check    # compare with it
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GIT_DIR = Path("/work/.mirror/scylladb+python-driver/repo")
DEFAULT_OUTPUT = REPO_ROOT / "tests_cqlengine_ported" / "upstream_test_ids.txt"
UPSTREAM_REPO = "scylladb/python-driver"
SUITE_DIRS: tuple[str, ...] = ("tests/unit/cqlengine", "tests/integration/cqlengine")

TESTCASE_BASES = frozenset(
    {
        "unittest.TestCase",
        "unittest.case.TestCase",
        "unittest.IsolatedAsyncioTestCase",
        "unittest.async_case.IsolatedAsyncioTestCase",
    }
)
NO_INIT_EXTERNALS = frozenset({"builtins.object"})
FUNCTION_PREFIX = "test"
CLASS_PREFIX = "Test"
TEST_PREFIXES = (FUNCTION_PREFIX, CLASS_PREFIX)


try:
    from tools.upstream_resolve import (
        ClassRef,
        External,
        FuncRef,
        GitSource,
        ModuleInfo,
        Resolver,
        Source,
        Unresolved,
        class_attributes,
    )
    from tools.upstream_resolve import (
        DirSource as DirSource,
    )
    from tools.upstream_resolve import (
        UnsupportedConstruct as UnsupportedConstruct,
    )
except ModuleNotFoundError:  # run as a script: python tools/parity.py
    from upstream_resolve import (  # type: ignore[no-redef,import-not-found]
        ClassRef,
        External,
        FuncRef,
        GitSource,
        ModuleInfo,
        Resolver,
        Source,
        Unresolved,
        class_attributes,
    )
    from upstream_resolve import (  # type: ignore[no-redef]
        DirSource as DirSource,
    )
    from upstream_resolve import (  # type: ignore[no-redef]
        UnsupportedConstruct as UnsupportedConstruct,
    )


def _is_mark(expr: ast.expr, mark: str) -> bool:
    """Whether ``expr`` (a decorator, called or not) is ``[pytest.]mark.<mark>``."""
    target = expr.func if isinstance(expr, ast.Call) else expr
    if not isinstance(target, ast.Attribute) or target.attr != mark:
        return False
    owner = target.value
    return isinstance(owner, ast.Attribute | ast.Name) and (
        (isinstance(owner, ast.Attribute) and owner.attr == "mark")
        or (isinstance(owner, ast.Name) and owner.id == "mark")
    )


def is_fixture(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a function is decorated with ``pytest.fixture``."""
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            return True
        if isinstance(target, ast.Name) and target.id == "fixture":
            return True
    return False


def _literal_id(value: ast.expr, argname: str, index: int, where: str) -> str:
    """The id pytest derives from one literal parameter value."""
    try:
        literal = ast.literal_eval(value)
    except ValueError:
        raise UnsupportedConstruct(f"{where}: non-literal parameter {ast.unparse(value)}") from None
    if isinstance(literal, str):
        if not literal.isascii() or not literal.isprintable():
            raise UnsupportedConstruct(f"{where}: escaped string id {literal!r}")
        return literal
    if literal is None or isinstance(literal, bool | int | float | complex):
        return str(literal)
    if isinstance(literal, bytes):
        raise UnsupportedConstruct(f"{where}: bytes parameter id")
    return f"{argname}{index}"


def _argnames(expr: ast.expr, where: str) -> list[str]:
    value = ast.literal_eval(expr)
    if isinstance(value, str):
        return [n.strip() for n in value.split(",") if n.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise UnsupportedConstruct(f"{where}: argnames {ast.unparse(expr)}")


def _param_set(entry: ast.expr, nargs: int) -> tuple[list[ast.expr], str | None]:
    """Split one argvalues entry into its values and its explicit id."""
    explicit: str | None = None
    if isinstance(entry, ast.Call) and ast.unparse(entry.func).split(".")[-1] == "param":
        for kw in entry.keywords:
            if kw.arg == "id":
                explicit = ast.literal_eval(kw.value)
        return list(entry.args), explicit
    if nargs == 1:
        return [entry], None
    if isinstance(entry, ast.Tuple | ast.List):
        return list(entry.elts), None
    raise UnsupportedConstruct(f"non-literal parameter set {ast.unparse(entry)}")


def parametrize_ids(deco: ast.Call, where: str) -> list[str]:
    """The ids one ``@pytest.mark.parametrize(...)`` call produces."""
    args: dict[int | str, ast.expr] = dict(enumerate(deco.args))
    args.update({kw.arg: kw.value for kw in deco.keywords if kw.arg})
    names_expr = args.get(0, args.get("argnames"))
    values_expr = args.get(1, args.get("argvalues"))
    if not isinstance(values_expr, ast.List | ast.Tuple) or names_expr is None:
        raise UnsupportedConstruct(f"{where}: non-literal parametrize")
    if not values_expr.elts:
        raise UnsupportedConstruct(f"{where}: empty parametrize")
    names = _argnames(names_expr, where)
    ids_expr = args.get("ids")
    given = ast.literal_eval(ids_expr) if ids_expr is not None else None
    result = []
    for index, entry in enumerate(values_expr.elts):
        values, explicit = _param_set(entry, len(names))
        if given is not None and index < len(given) and given[index] is not None:
            explicit = str(given[index])
        parts = [_literal_id(v, n, index, where) for n, v in zip(names, values, strict=True)]
        result.append(explicit if explicit is not None else "-".join(parts))
    if len(set(result)) != len(result):
        raise UnsupportedConstruct(f"{where}: duplicate parametrize ids {result}")
    return result


def expand_parametrize(
    base: str, decorator_lists: Sequence[list[ast.expr]], where: str
) -> list[str]:
    """Apply the parametrize marks (closest to the function first) to ``base``."""
    suffixes: list[str] = []
    for decorators in decorator_lists:
        for deco in reversed(decorators):
            if not _is_mark(deco, "parametrize"):
                continue
            if not isinstance(deco, ast.Call):
                raise UnsupportedConstruct(f"{where}: bare parametrize mark")
            ids = parametrize_ids(deco, where)
            suffixes = [f"{s}-{i}" for s in suffixes for i in ids] if suffixes else ids
    return [f"{base}[{s}]" for s in suffixes] if suffixes else [base]


# ------------------------------------------------------------------ collection


def is_test_file(path: str) -> bool:
    """pytest's default ``python_files`` patterns: ``test_*.py`` and ``*_test.py``."""
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


class Collector:
    """Emulates pytest's default collection over the modules of a tree."""

    def __init__(self, source: Source, packages: Sequence[str] = ()) -> None:
        self.resolver = Resolver(source, packages)

    def _lookup(self, mro: list[ClassRef | External], name: str) -> ast.AST | None:
        for cls in mro:
            if isinstance(cls, ClassRef):
                attrs = class_attributes(cls.node)
                if name in attrs:
                    return attrs[name]
        return None

    def _test_flag(self, mro: list[ClassRef | External], name: str = "__test__") -> bool | None:
        """The literal value of ``__test__`` along ``mro`` (None: not set)."""
        node = self._lookup(mro, name)
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return node.value
        raise UnsupportedConstruct(f"non-literal __test__ on {mro[0]}")

    def _names(self, mro: list[ClassRef | External]) -> set[str]:
        return {n for c in mro if isinstance(c, ClassRef) for n in class_attributes(c.node)}

    def _is_callable(self, node: ast.AST) -> bool:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return True
        if isinstance(node, ast.Constant):
            return False
        raise UnsupportedConstruct(f"cannot tell if {ast.unparse(node)} is callable")

    def _unittest_ids(self, prefix: str, mro: list[ClassRef | External]) -> list[str]:
        """Test ids of a ``unittest.TestCase`` subclass (``TestLoader`` rules)."""
        names = []
        for name in sorted(self._names(mro)):
            node = self._lookup(mro, name)
            if name.startswith(FUNCTION_PREFIX) and node is not None and self._is_callable(node):
                names.append(name)
        if not names and self._lookup(mro, "runTest") is not None:
            names = ["runTest"]
        return [f"{prefix}::{name}" for name in names]

    def _has_init(self, mro: list[ClassRef | External]) -> bool:
        for cls in mro:
            if isinstance(cls, External) and cls.qualname not in NO_INIT_EXTERNALS:
                return True
            if isinstance(cls, ClassRef):
                attrs = class_attributes(cls.node)
                if "__init__" in attrs or "__new__" in attrs:
                    return True
        return False

    def _plain_class_ids(self, prefix: str, mro: list[ClassRef | External]) -> list[str]:
        """Test ids of a plain pytest class."""
        if self._has_init(mro):
            return []
        class_decos = [c.node.decorator_list for c in mro if isinstance(c, ClassRef)]
        ids: list[str] = []
        for name in sorted(self._names(mro)):
            node = self._lookup(mro, name)
            if not name.startswith(FUNCTION_PREFIX):
                continue
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or is_fixture(node):
                continue
            where = f"{prefix}::{name}"
            ids.extend(expand_parametrize(where, [node.decorator_list, *class_decos], where))
        return ids

    def class_ids(self, path: str, bound_name: str, cls: ClassRef) -> list[str]:
        """Ids collected for the class bound to ``bound_name`` in module ``path``."""
        mro = self.resolver.mro(cls)
        flag = self._test_flag(mro)
        prefix = f"{path}::{bound_name}"
        if any(isinstance(c, External) and c.qualname in TESTCASE_BASES for c in mro):
            return [] if flag is False else self._unittest_ids(prefix, mro)
        if flag is False or not (bound_name.startswith(CLASS_PREFIX) or flag is True):
            return []
        return self._plain_class_ids(prefix, mro)

    def function_ids(self, path: str, bound_name: str, func: FuncRef) -> list[str]:
        """Ids collected for a module-level test function."""
        if is_fixture(func.node):
            return []
        where = f"{path}::{bound_name}"
        return expand_parametrize(where, [func.node.decorator_list], where)

    def _module_names(self, info: ModuleInfo) -> list[str]:
        names = list(info.bindings)
        for star in info.star_imports:
            star_info = self.resolver.module(star)
            if star_info is not None:
                names += [n for n in star_info.bindings if not n.startswith("_")]
        return list(dict.fromkeys(names))

    def module_ids(self, path: str) -> list[str]:
        """Every id pytest would collect from the test module at ``path``."""
        info = self.resolver.module_at(path)
        if self._module_flag(info) is False:
            return []
        ids: list[str] = []
        for name in self._module_names(info):
            symbol = self.resolver.name_in(info, name)
            if isinstance(symbol, ClassRef):
                ids += self.class_ids(path, name, symbol)
            elif isinstance(symbol, FuncRef) and name.startswith(FUNCTION_PREFIX):
                ids += self.function_ids(path, name, symbol)
            elif isinstance(symbol, Unresolved) and name.startswith(TEST_PREFIXES):
                raise UnsupportedConstruct(f"{path}: cannot resolve test-like name {name!r}")
        return ids

    def _module_flag(self, info: ModuleInfo) -> bool | None:
        binding = info.bindings.get("__test__")
        if binding is None or binding.kind != "expr":
            return None
        node = binding.node
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return node.value
        raise UnsupportedConstruct(f"{info.path}: non-literal module __test__")


def collect_ids(
    source: Source, dirs: Sequence[str] = SUITE_DIRS, packages: Sequence[str] = ("tests",)
) -> list[str]:
    """Return the sorted test ids pytest would collect under ``dirs`` of ``source``.

    Modules outside ``packages`` (top-level package names) are treated as
    external: only their names are known, never their contents.
    """
    collector = Collector(source, packages)
    files = sorted({p for d in dirs for p in source.list_files(d) if is_test_file(p)})
    ids = [test_id for path in files for test_id in collector.module_ids(path)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise UnsupportedConstruct(f"duplicate ids: {duplicates[:5]}")
    return sorted(ids)


# ------------------------------------------------------------------ id file io


def render_id_file(ids: Sequence[str], commit: str, dirs: Sequence[str] = SUITE_DIRS) -> str:
    """Return the text of the id list: a comment header, then one id per line."""
    header = [
        "# Upstream cqlengine test ids, one per line, as `pytest --collect-only` lists them.",
        f"# source: github:{UPSTREAM_REPO} @ {commit}",
        f"# dirs: {' '.join(dirs)}",
        f"# count: {len(ids)} (written by tools/upstream_ids.py; names only, no code)",
    ]
    return "\n".join([*header, *ids]) + "\n"


def read_id_file(path: Path) -> tuple[list[str], dict[str, str]]:
    """Return the ids and the ``# key: value`` header fields of an id list."""
    ids: list[str] = []
    meta: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#"):
            key, sep, value = line.lstrip("# ").partition(": ")
            if sep:
                meta[key] = value
        elif line:
            ids.append(line)
    return ids, meta


def source_commit(meta: dict[str, str]) -> str | None:
    """The upstream commit named by an id list's ``source`` header field."""
    _, sep, commit = meta.get("source", "").partition(" @ ")
    return (commit.strip() or None) if sep else None


# ------------------------------------------------------------------------ cli


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", type=Path, default=DEFAULT_GIT_DIR, help="upstream git dir")
    parser.add_argument("--rev", default="HEAD", help="upstream revision (default HEAD)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="id list to write")
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the list differs"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or, with ``--check``, verify) the upstream test id list."""
    args = _parse_args(argv)
    source = GitSource(args.git_dir, args.rev)
    ids = collect_ids(source)
    text = render_id_file(ids, source.commit)
    print(f"{len(ids)} upstream test ids at {source.commit}")
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
