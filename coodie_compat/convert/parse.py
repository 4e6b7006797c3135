"""Parse source modules into :class:`RawClass` values with ``ast``, never importing them."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from coodie_compat.convert.model import BodyItem, RawClass
from coodie_compat.convert.names import Scope, build_scope

__all__ = ["SourceModule", "module_name", "parse_module", "parse_source"]


@dataclass(frozen=True)
class SourceModule:
    """One parsed input module."""

    name: str
    path: Path | None
    scope: Scope
    classes: tuple[RawClass, ...]


def module_name(path: Path) -> tuple[str, str]:
    """``(module, package)`` for a file, walking up through ``__init__.py`` packages."""
    path = path.resolve()
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    module = ".".join(parts) or path.parent.name
    package = module if path.stem == "__init__" else module.rpartition(".")[0]
    return module, package


def parse_module(path: Path) -> SourceModule:
    """Parse the file at ``path`` (raises SyntaxError for invalid Python)."""
    module, package = module_name(path)
    return parse_source(path.read_text(encoding="utf-8"), module, package, path)


def parse_source(
    source: str, module: str, package: str = "", path: Path | None = None
) -> SourceModule:
    """Parse module source text."""
    tree = ast.parse(source, filename=str(path or f"<{module}>"))
    scope = build_scope(tree, module, package)
    classes = tuple(
        _raw_class(node, module, scope) for node in tree.body if isinstance(node, ast.ClassDef)
    )
    return SourceModule(module, path, scope, classes)


def _raw_class(node: ast.ClassDef, module: str, scope: Scope) -> RawClass:
    return RawClass(
        module=module,
        name=node.name,
        line=node.lineno,
        bases=tuple(scope.resolve(base) for base in node.bases),
        base_texts=tuple(ast.unparse(base) for base in node.bases),
        body=tuple(item for stmt in node.body for item in _body_items(stmt)),
        scope=scope,
    )


def _body_items(stmt: ast.stmt) -> list[BodyItem]:
    line = stmt.lineno
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return []  # docstring
    if isinstance(stmt, ast.Pass):
        return []
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [BodyItem(stmt.name, line, kind="method")]
    if isinstance(stmt, ast.ClassDef):
        return [BodyItem(stmt.name, line, kind="class")]
    if isinstance(stmt, ast.Assign):
        names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        if len(names) == len(stmt.targets):
            return [BodyItem(name, line, stmt.value) for name in names]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [BodyItem(stmt.target.id, line, stmt.value)]
    return [BodyItem(ast.unparse(stmt).splitlines()[0][:60], line, kind="statement")]
