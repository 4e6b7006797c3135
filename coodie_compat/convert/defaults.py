"""Column defaults: values and zero-argument callables, with the imports they need.

cqlengine calls a callable default at construction time and uses any other value
as is; statically we read a literal, a lambda, a call or an imported name. An
imported name is taken as a callable (``uuid.uuid4``, ``datetime.utcnow``) unless it
is spelt like a constant (``DEFAULT_STATUS``). Names defined in the source module
itself cannot be carried over (the generated module does not import the legacy
one), except module constants holding literals, which are inlined.
"""

from __future__ import annotations

import ast
import copy
import json
import re

from coodie_compat.convert.model import DefaultSpec
from coodie_compat.convert.names import Ref, Scope

__all__ = ["Unconvertible", "parse_default", "py_literal", "render_default"]

_MUTABLE = (list, dict, set)
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


class Unconvertible(Exception):
    """Raised with the reason something cannot be converted statically."""


def parse_default(node: ast.expr, scope: Scope) -> DefaultSpec:
    """Read a ``default=`` expression (raises :class:`Unconvertible`)."""
    if _is_literal(node):
        return _literal_default(ast.literal_eval(node))
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _named(node, scope)
    if isinstance(node, ast.Lambda):
        if node.args.args or node.args.vararg or node.args.kwonlyargs or node.args.kwarg:
            raise Unconvertible(f"default {ast.unparse(node)} takes arguments")
        template, refs = _template(node, scope)
        return DefaultSpec(True, template, refs)
    template, refs = _template(node, scope)
    return DefaultSpec(False, template, refs)


def render_default(spec: DefaultSpec, module_name: dict[str, str]) -> str:
    """The default's source, each reference spelt through ``module_name`` (module -> name)."""

    def name(match: re.Match[str]) -> str:
        ref = spec.refs[int(match.group(1))]
        prefix = module_name[ref.module]
        return f"{prefix}.{ref.attr}" if ref.attr else prefix

    return _PLACEHOLDER.sub(name, spec.template)


def py_literal(value: object) -> str:
    """A Python literal for a settings value (strings in double quotes)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(py_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, (set, frozenset)) and value:
        return "{" + ", ".join(sorted(py_literal(v) for v in value)) + "}"
    return repr(value)


def _literal_default(value: object) -> DefaultSpec:
    """A literal default; a mutable one becomes a factory, so no instance shares it."""
    if isinstance(value, _MUTABLE):
        if not value:
            return DefaultSpec(True, type(value).__name__)
        return DefaultSpec(True, f"lambda: {py_literal(value)}")
    return DefaultSpec(False, py_literal(value))


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _named(node: ast.Name | ast.Attribute, scope: Scope) -> DefaultSpec:
    text = ast.unparse(node)
    if isinstance(node, ast.Name) and scope.is_builtin(node.id):
        return DefaultSpec(True, node.id)
    ref = scope.ref(node)
    if ref is not None:
        last = (ref.attr or ref.module).rsplit(".", 1)[-1]
        constant = last.isupper() and len(last) > 1
        return DefaultSpec(not constant, "\x000\x00", (ref,))
    if isinstance(node, ast.Name) and node.id in scope.constants:
        value = scope.constants[node.id]
        if _is_literal(value):
            return _literal_default(ast.literal_eval(value))
    raise Unconvertible(
        f"default {text} is defined in the legacy module itself; "
        "copy it into the generated module and set the default by hand"
    )


def _template(node: ast.expr, scope: Scope) -> tuple[str, tuple[Ref, ...]]:
    rewriter = _Rewriter(scope)
    rewritten = rewriter.visit(copy.deepcopy(node))
    return ast.unparse(rewritten), tuple(rewriter.refs)


class _Rewriter(ast.NodeTransformer):
    """Replace each imported name by a placeholder; inline literal module constants."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.refs: list[Ref] = []
        self.params: set[str] = set()

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self.params |= {a.arg for a in node.args.args}
        return self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        root: ast.expr = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name):
            return self._name_chain(node, root.id)
        return self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self._name_chain(node, node.id)

    def _name_chain(self, node: ast.expr, root: str) -> ast.AST:
        if root in self.params or self.scope.is_builtin(root):
            return node
        ref = self.scope.ref(node)
        if ref is not None:
            self.refs.append(ref)
            return ast.Name(id=f"\x00{len(self.refs) - 1}\x00", ctx=ast.Load())
        value = self.scope.constants.get(root)
        if isinstance(node, ast.Name) and value is not None and _is_literal(value):
            return copy.deepcopy(value)
        raise Unconvertible(
            f"default uses {ast.unparse(node)}, defined in the legacy module itself; "
            "copy it into the generated module and set the default by hand"
        )
