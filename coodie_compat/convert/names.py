"""Static name resolution for one parsed module: what a dotted name refers to.

Nothing is imported or executed. Import statements, class definitions and simple
aliases (``Text = columns.Text``) are recorded in order; a name is then resolved to
a canonical dotted path. ``coodie_compat`` paths are canonicalised to the
``cassandra.cqlengine`` paths they stand for, so both facades read the same.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

__all__ = [
    "COLUMNS",
    "COLUMN_CLASSES",
    "MODEL",
    "USERTYPE",
    "Binding",
    "Ref",
    "Scope",
    "build_scope",
    "canonical",
    "dotted_text",
]

COLUMNS = "cassandra.cqlengine.columns"
MODEL = "cassandra.cqlengine.models.Model"
USERTYPE = "cassandra.cqlengine.usertype.UserType"

#: cqlengine's column classes (``Bytes`` is an alias of ``Blob``).
COLUMN_CLASSES = frozenset(
    "Ascii BigInt Blob Boolean Bytes Counter Date DateTime Decimal Double Duration Float Inet "  # noqa: SIM905
    "Integer SmallInt Text Time TimeUUID TinyInt UUID VarInt List Map Set Tuple UserDefinedType "
    "Column BaseCollectionColumn BaseContainerColumn BaseFloat".split(" ")
)
_STAR_EXPORTS = {
    COLUMNS: COLUMN_CLASSES,
    "cassandra.cqlengine.models": frozenset({"Model", "columns", "BaseModel"}),
    "cassandra.cqlengine.usertype": frozenset({"UserType", "BaseUserType"}),
}
#: Re-exports: a module attribute that is really another module or class.
_ALIASES = {
    "cassandra.cqlengine.models.columns": COLUMNS,
    "cassandra.cqlengine.usertype.columns": COLUMNS,
    "cassandra.cqlengine.columns.Bytes": f"{COLUMNS}.Blob",
}


def canonical(path: str) -> str:
    """Map ``coodie_compat.X`` to ``cassandra.cqlengine.X`` and unfold re-exports."""
    if path == "coodie_compat" or path.startswith("coodie_compat."):
        path = "cassandra.cqlengine" + path[len("coodie_compat") :]
    for alias, target in _ALIASES.items():
        if path == alias or path.startswith(alias + "."):
            return target + path[len(alias) :]
    return path


@dataclass(frozen=True)
class Binding:
    """What a module-level name is bound to.

    ``import a.b.c`` binds ``a`` to module ``a`` but loads ``a.b.c`` (``load``);
    ``from m import x`` binds ``x`` to attribute ``x`` of module ``m``.
    """

    module: str
    attr: str = ""
    load: str = ""

    @property
    def path(self) -> str:
        """The dotted path of the bound object."""
        return f"{self.module}.{self.attr}" if self.attr else self.module


@dataclass(frozen=True)
class Ref:
    """A reference to an importable object: ``import module`` then ``module.attr``."""

    module: str
    attr: str = ""


@dataclass
class Scope:
    """Module-level bindings of one source module, in the order Python makes them."""

    module: str
    package: str
    bindings: dict[str, Binding] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)
    local: dict[str, str] = field(default_factory=dict)  # name -> kind ("class", "def", ...)
    constants: dict[str, ast.expr] = field(default_factory=dict)

    def resolve(self, node: ast.expr) -> str | None:
        """The canonical dotted path ``node`` names, or None if it is no plain name."""
        chain = _chain(node)
        if chain is None:
            return None
        root, rest = chain[0], chain[1:]
        base = self._resolve_root(root)
        if base is None:
            return None
        return canonical(".".join([base, *rest]))

    def ref(self, node: ast.expr) -> Ref | None:
        """An importable reference for a name bound by an import statement."""
        chain = _chain(node)
        if chain is None or chain[0] not in self.bindings:
            return None
        binding = self.bindings[chain[0]]
        parts = [*binding.path.split("."), *chain[1:]]
        module = binding.load or binding.module
        size = len(module.split("."))
        if parts[:size] != module.split("."):
            module, size = binding.module, len(binding.module.split("."))
        return Ref(module, ".".join(parts[size:]))

    def is_builtin(self, name: str) -> bool:
        """True if ``name`` is a builtin not shadowed in the module."""
        shadowed = name in self.bindings or name in self.local or name in self.constants
        return not shadowed and hasattr(builtins, name)

    def _resolve_root(self, name: str) -> str | None:
        if name in self.bindings:
            return self.bindings[name].path
        if name in self.local:
            return f"{self.module}.{name}"
        for star in reversed(self.stars):
            if name in _STAR_EXPORTS.get(canonical(star), ()):
                return f"{canonical(star)}.{name}"
        if self.is_builtin(name):
            return f"builtins.{name}"
        return None


def _chain(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def dotted_text(node: ast.expr) -> str:
    """Source text of an expression, for messages."""
    return ast.unparse(node)


def build_scope(tree: ast.Module, module: str, package: str) -> Scope:
    """Record the module-level bindings of ``tree``."""
    scope = Scope(module=module, package=package)
    for stmt in _top_level(tree.body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.bindings[alias.asname] = Binding(alias.name)
                else:
                    root = alias.name.split(".")[0]
                    scope.bindings[root] = Binding(root, load=alias.name)
        elif isinstance(stmt, ast.ImportFrom):
            _import_from(scope, stmt)
        elif isinstance(stmt, ast.ClassDef):
            scope.bindings.pop(stmt.name, None)
            scope.local[stmt.name] = "class"
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.bindings.pop(stmt.name, None)
            scope.local[stmt.name] = "def"
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            _assignment(scope, stmt)
    return scope


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module statements, looking into ``if``/``try`` blocks (guarded imports)."""
    out: list[ast.stmt] = []
    for stmt in body:
        if isinstance(stmt, ast.If):
            out += _top_level(stmt.body) + _top_level(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            out += _top_level(stmt.body)
            for handler in stmt.handlers:
                out += _top_level(handler.body)
        else:
            out.append(stmt)
    return out


def _import_from(scope: Scope, stmt: ast.ImportFrom) -> None:
    module = stmt.module or ""
    if stmt.level:
        parts = scope.package.split(".") if scope.package else []
        keep = len(parts) - (stmt.level - 1)
        base = ".".join(parts[: max(keep, 0)])
        module = ".".join(p for p in (base, module) if p)
    for alias in stmt.names:
        if alias.name == "*":
            scope.stars.append(module)
        else:
            scope.bindings[alias.asname or alias.name] = Binding(module, alias.name)


def _assignment(scope: Scope, stmt: ast.Assign | ast.AnnAssign) -> None:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or stmt.value is None:
        return
    name, value = targets[0].id, stmt.value
    ref = scope.ref(value)
    if ref is not None:
        scope.bindings[name] = Binding(ref.module, ref.attr)
        return
    target = scope.resolve(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
    if target is not None and not target.startswith(("builtins.", f"{scope.module}.")):
        module, _, attr = target.rpartition(".")
        scope.bindings[name] = Binding(module, attr)
        return
    scope.bindings.pop(name, None)
    scope.constants[name] = value
