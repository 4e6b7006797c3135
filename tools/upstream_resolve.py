"""Reading a test tree statically: sources, parsed modules and name resolution.

Part of :mod:`tools.upstream_ids`: files come from a git commit or a directory
(:class:`GitSource`, :class:`DirSource`), each is parsed once into a
:class:`ModuleInfo` of its top-level bindings, and :class:`Resolver` follows
imports and assignments across the tree and computes class MROs. Anything it
cannot decide statically raises :class:`UnsupportedConstruct`.
"""

from __future__ import annotations

import ast
import builtins
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


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
