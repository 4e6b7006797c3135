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
import builtins
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

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


class UnsupportedConstruct(Exception):
    """Raised when pytest's behaviour cannot be derived from the source alone."""


class Source(Protocol):
    """Read access to the files of a source tree (paths are POSIX, relative)."""

    def read(self, path: str) -> str | None:
        """Return the text of ``path``, or None if there is no such file."""
        ...

    def list_files(self, prefix: str) -> list[str]:
        """Return every file path under the directory ``prefix``."""
        ...


class GitSource:
    """A tree read from a (bare) git directory at one revision."""

    def __init__(self, git_dir: Path, rev: str = "HEAD") -> None:
        self.git_dir = git_dir
        self.commit = self._git("rev-parse", f"{rev}^{{commit}}").strip()
        listing = self._git("ls-tree", "-r", "--name-only", self.commit)
        self._paths = frozenset(listing.splitlines())

    def _git(self, *args: str) -> str:
        cmd = ["git", "--git-dir", str(self.git_dir), *args]
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def read(self, path: str) -> str | None:
        """Return the text of ``path`` at the source commit."""
        if path not in self._paths:
            return None
        return self._git("show", f"{self.commit}:{path}")

    def list_files(self, prefix: str) -> list[str]:
        """Return the committed files under ``prefix``."""
        head = prefix.rstrip("/") + "/"
        return sorted(p for p in self._paths if p.startswith(head))


class DirSource:
    """A tree read from a directory on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> str | None:
        """Return the text of ``root/path``."""
        full = self.root / path
        return full.read_text(encoding="utf-8") if full.is_file() else None

    def list_files(self, prefix: str) -> list[str]:
        """Return the ``.py`` files under ``root/prefix`` (caches skipped)."""
        base = self.root / prefix
        if not base.is_dir():
            return []
        found = (p.relative_to(self.root).as_posix() for p in base.rglob("*.py"))
        return sorted(p for p in found if "__pycache__" not in p)


# --------------------------------------------------------------------- symbols


@dataclass(frozen=True)
class External:
    """Something defined outside the tree (``unittest.TestCase``, a driver class)."""

    qualname: str


@dataclass(frozen=True)
class ModuleRef:
    """A module (or namespace package) of the tree, by dotted name."""

    dotted: str


@dataclass(frozen=True)
class ClassRef:
    """A class statement of the tree."""

    path: str
    name: str
    lineno: int
    node: ast.ClassDef = field(compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class FuncRef:
    """A function statement of the tree."""

    path: str
    node: ast.FunctionDef | ast.AsyncFunctionDef = field(compare=False, hash=False)


@dataclass(frozen=True)
class Unresolved:
    """A name the resolver could not follow (a call result, a missing name)."""

    what: str


Symbol = External | ModuleRef | ClassRef | FuncRef | Unresolved


@dataclass(frozen=True)
class Binding:
    """What one module-level name is bound to.

    ``kind`` is ``class``/``func`` (``node`` set), ``from`` (``module`` and
    ``name``), ``import`` (``module``) or ``expr`` (``node`` an expression).
    """

    kind: str
    node: ast.AST | None = None
    module: str = ""
    name: str = ""


@dataclass
class ModuleInfo:
    """The module-level bindings of one module of the tree."""

    path: str
    dotted: str
    is_package: bool
    bindings: dict[str, Binding] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)


# --------------------------------------------------------------------- parsing


def module_dotted(path: str) -> tuple[str, bool]:
    """Return the dotted module name of ``path`` and whether it is a package."""
    stem = path[: -len(".py")]
    if stem.endswith("/__init__"):
        return stem[: -len("/__init__")].replace("/", "."), True
    return stem.replace("/", "."), False


def _absolute_module(info: ModuleInfo, node: ast.ImportFrom) -> str:
    """Resolve the (possibly relative) module of a ``from ... import``."""
    if not node.level:
        return node.module or ""
    parts = info.dotted.split(".")
    if not info.is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    if node.module:
        parts.append(node.module)
    return ".".join(parts)


def _flat_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Yield statements, descending into if/try/with blocks (every branch)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield from _flat_statements([*stmt.body, *stmt.orelse])
        elif isinstance(stmt, ast.Try):
            handlers = [s for h in stmt.handlers for s in h.body]
            yield from _flat_statements([*stmt.body, *handlers, *stmt.orelse, *stmt.finalbody])
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            yield from _flat_statements(stmt.body)
        else:
            yield stmt


def _bind_imports(info: ModuleInfo, stmt: ast.Import | ast.ImportFrom) -> None:
    """Record the names bound by an import statement."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname:
                info.bindings[alias.asname] = Binding("import", module=alias.name)
            else:
                head = alias.name.split(".")[0]
                info.bindings[head] = Binding("import", module=head)
        return
    module = _absolute_module(info, stmt)
    for alias in stmt.names:
        if alias.name == "*":
            info.star_imports.append(module)
        else:
            target = alias.asname or alias.name
            info.bindings[target] = Binding("from", module=module, name=alias.name)


def _bind_statement(info: ModuleInfo, stmt: ast.stmt) -> None:
    """Record the module-level names bound by one statement."""
    if isinstance(stmt, ast.ClassDef):
        info.bindings[stmt.name] = Binding("class", node=stmt)
    elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        info.bindings[stmt.name] = Binding("func", node=stmt)
    elif isinstance(stmt, ast.Import | ast.ImportFrom):
        _bind_imports(info, stmt)
    elif isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                info.bindings[target.id] = Binding("expr", node=stmt.value)
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        if isinstance(stmt.target, ast.Name):
            info.bindings[stmt.target.id] = Binding("expr", node=stmt.value)
    elif isinstance(stmt, ast.Delete):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                info.bindings.pop(target.id, None)


def parse_module(path: str, text: str) -> ModuleInfo:
    """Parse one module's source into its module-level bindings."""
    dotted, is_package = module_dotted(path)
    info = ModuleInfo(path=path, dotted=dotted, is_package=is_package)
    tree = ast.parse(text, filename=path)
    for stmt in _flat_statements(tree.body):
        _bind_statement(info, stmt)
    return info


def class_attributes(node: ast.ClassDef) -> dict[str, ast.AST]:
    """Return the names a class body defines (last definition wins)."""
    attrs: dict[str, ast.AST] = {}
    for stmt in _flat_statements(node.body):
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            attrs[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    attrs[target.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            attrs[stmt.target.id] = stmt.value
    return attrs


# ------------------------------------------------------------------- resolving


class Resolver:
    """Loads modules of a tree on demand and follows names across them."""

    max_depth = 64

    def __init__(self, source: Source, packages: Sequence[str] = ()) -> None:
        self.source = source
        self.packages = frozenset(packages)
        self._modules: dict[str, ModuleInfo | None] = {}

    def _in_tree(self, dotted: str) -> bool:
        """Whether ``dotted`` belongs to the analysed packages (all, if none given)."""
        return not self.packages or dotted.split(".")[0] in self.packages

    def _find_path(self, dotted: str) -> tuple[str | None, bool]:
        """Return (file path, is namespace package) for a dotted name."""
        base = dotted.replace(".", "/")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if self.source.read(candidate) is not None:
                return candidate, False
        return None, bool(dotted) and bool(self.source.list_files(base))

    def module(self, dotted: str) -> ModuleInfo | None:
        """Return the parsed module ``dotted``, or None if outside the tree."""
        if not self._in_tree(dotted):
            return None
        if dotted not in self._modules:
            path, namespace = self._find_path(dotted)
            if path is not None:
                text = self.source.read(path) or ""
                self._modules[dotted] = parse_module(path, text)
            elif namespace:
                self._modules[dotted] = ModuleInfo(path="", dotted=dotted, is_package=True)
            else:
                self._modules[dotted] = None
        return self._modules[dotted]

    def module_at(self, path: str) -> ModuleInfo:
        """Return the parsed module stored at ``path``."""
        info = self.module(module_dotted(path)[0])
        if info is None or info.path != path:
            raise UnsupportedConstruct(f"{path}: not importable under its own path")
        return info

    def name_in(self, info: ModuleInfo, name: str, depth: int = 0) -> Symbol:
        """Resolve ``name`` as seen at module level of ``info``."""
        if depth > self.max_depth:
            return Unresolved(f"{info.dotted}.{name} (import cycle)")
        binding = info.bindings.get(name)
        if binding is not None:
            return self._binding(info, binding, depth + 1)
        for star in info.star_imports:
            star_info = self.module(star)
            if star_info is not None and name in star_info.bindings:
                return self.name_in(star_info, name, depth + 1)
        if info.is_package and self.module(f"{info.dotted}.{name}") is not None:
            return ModuleRef(f"{info.dotted}.{name}")
        if hasattr(builtins, name):
            return External(f"builtins.{name}")
        return Unresolved(f"{info.dotted}.{name}")

    def _binding(self, info: ModuleInfo, binding: Binding, depth: int) -> Symbol:
        if binding.kind == "class":
            assert isinstance(binding.node, ast.ClassDef)
            return ClassRef(info.path, binding.node.name, binding.node.lineno, binding.node)
        if binding.kind == "func":
            assert isinstance(binding.node, ast.FunctionDef | ast.AsyncFunctionDef)
            return FuncRef(info.path, binding.node)
        if binding.kind == "import":
            return self._module_symbol(binding.module)
        if binding.kind == "from":
            return self._from_import(binding.module, binding.name, depth)
        assert isinstance(binding.node, ast.expr)
        return self.expr_in(info, binding.node, depth)

    def _module_symbol(self, dotted: str) -> Symbol:
        return ModuleRef(dotted) if self.module(dotted) is not None else External(dotted)

    def _from_import(self, module: str, name: str, depth: int) -> Symbol:
        info = self.module(module)
        if info is None:
            return External(f"{module}.{name}")
        return self.name_in(info, name, depth)

    def expr_in(self, info: ModuleInfo, expr: ast.expr, depth: int = 0) -> Symbol:
        """Resolve a name or dotted attribute expression at module level of ``info``."""
        if isinstance(expr, ast.Name):
            return self.name_in(info, expr.id, depth)
        if isinstance(expr, ast.Attribute):
            owner = self.expr_in(info, expr.value, depth + 1)
            return self._attribute(owner, expr.attr, depth + 1)
        if isinstance(expr, ast.Subscript):
            return self.expr_in(info, expr.value, depth + 1)
        return Unresolved(ast.unparse(expr))

    def _attribute(self, owner: Symbol, attr: str, depth: int) -> Symbol:
        if isinstance(owner, External):
            return External(f"{owner.qualname}.{attr}")
        if isinstance(owner, ModuleRef):
            info = self.module(owner.dotted)
            assert info is not None
            return self.name_in(info, attr, depth)
        return Unresolved(f"{owner}.{attr}")

    # ----------------------------------------------------------------- classes

    def bases(self, cls: ClassRef) -> list[ClassRef | External]:
        """Resolve the bases of ``cls``; an unresolvable base is an error."""
        info = self.module_at(cls.path)
        resolved: list[ClassRef | External] = []
        for expr in cls.node.bases:
            symbol = self.expr_in(info, expr)
            if not isinstance(symbol, ClassRef | External):
                raise UnsupportedConstruct(
                    f"{cls.path}:{cls.lineno}: cannot resolve base "
                    f"{ast.unparse(expr)!r} of class {cls.name}"
                )
            resolved.append(symbol)
        return resolved

    def mro(self, cls: ClassRef | External) -> list[ClassRef | External]:
        """Return the C3 linearisation of ``cls`` (externals are leaves)."""
        if isinstance(cls, External):
            return [cls]
        bases = self.bases(cls)
        return [cls, *_c3_merge([self.mro(base) for base in bases] + [list(bases)], cls)]


def _c3_merge(seqs: list[list[ClassRef | External]], cls: ClassRef) -> list[ClassRef | External]:
    """Merge base linearisations as Python's C3 algorithm does."""
    result: list[ClassRef | External] = []
    seqs = [list(s) for s in seqs if s]
    while seqs:
        for seq in seqs:
            head = seq[0]
            if not any(head in other[1:] for other in seqs):
                break
        else:
            raise UnsupportedConstruct(f"{cls.path}:{cls.lineno}: no consistent MRO")
        result.append(head)
        seqs = [[c for c in s if c != head] for s in seqs]
        seqs = [s for s in seqs if s]
    return result


# ---------------------------------------------------------------- parametrize


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
