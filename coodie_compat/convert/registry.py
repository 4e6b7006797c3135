"""All classes of the converted modules, and what each one is to cqlengine.

A class is a model, a UserType or a column class when one of its bases is (through
any number of classes defined in the inputs). Class attributes are looked up along
the bases the way Python would, so inherited ``__keyspace__`` or ``__table_name__``
are found.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from coodie_compat.convert.columnspec import ColumnClass
from coodie_compat.convert.model import RawClass
from coodie_compat.convert.names import COLUMN_CLASSES, COLUMNS, MODEL, USERTYPE

__all__ = ["Registry"]


class Registry:
    """Classes of every input module, by qualified name."""

    def __init__(self, classes: Iterable[RawClass]) -> None:
        self.classes = {c.qualname: c for c in classes}
        self._kinds: dict[str, str] = {}

    def find(self, path: str | None) -> RawClass | None:
        """The input class ``path`` names (also matching by module-path suffix)."""
        if path is None:
            return None
        if path in self.classes:
            return self.classes[path]
        matches = [
            c for q, c in self.classes.items() if path.endswith("." + q) or q.endswith("." + path)
        ]
        return matches[0] if len(matches) == 1 else None

    def kind(self, path: str | None) -> str:
        """``model``, ``udt``, ``column`` or ``other`` for the class at ``path``."""
        if path is None:
            return "other"
        if path == MODEL:
            return "model"
        if path == USERTYPE:
            return "udt"
        if path.startswith(COLUMNS + ".") and path.rsplit(".", 1)[-1] in COLUMN_CLASSES:
            return "column"
        raw = self.find(path)
        if raw is None:
            return "other"
        if raw.qualname not in self._kinds:
            self._kinds[raw.qualname] = "other"  # guards against cycles
            kinds = [self.kind(base) for base in raw.bases]
            found = next((k for k in ("model", "udt", "column") if k in kinds), "other")
            self._kinds[raw.qualname] = found
        return self._kinds[raw.qualname]

    def column_class(self, path: str) -> ColumnClass | None:
        """The column class at ``path``: cqlengine's, or a subclass in the inputs."""
        if path.startswith(COLUMNS + "."):
            name = path.rsplit(".", 1)[-1]
            return ColumnClass(name) if name in COLUMN_CLASSES else None
        raw = self.find(path)
        if raw is None or self.kind(raw.qualname) != "column":
            return None
        db_type = self.attribute(raw, "db_type")
        for base in raw.bases:
            parent = self.column_class(base) if base else None
            if parent is not None:
                text = db_type if isinstance(db_type, str) else parent.db_type
                return ColumnClass(parent.name, text, raw.qualname)
        return None

    def udt(self, path: str) -> str | None:
        """The qualified name of the UserType at ``path``, or None."""
        raw = self.find(path)
        return raw.qualname if raw is not None and self.kind(raw.qualname) == "udt" else None

    def attribute(self, raw: RawClass, name: str) -> object:
        """The literal value of class attribute ``name`` (inherited too), else None.

        Raises ValueError when it is set to something that is not a literal.
        """
        found = self.attribute_node(raw, name)
        if found is None:
            return None
        if isinstance(found, ast.Name) and found.id in raw.scope.constants:
            found = raw.scope.constants[found.id]  # a module constant such as KEYSPACE = "ks"
        try:
            return ast.literal_eval(found)
        except (ValueError, TypeError, SyntaxError):
            raise ValueError(f"{name} = {ast.unparse(found)} is not a literal") from None

    def attribute_node(self, raw: RawClass, name: str) -> ast.expr | None:
        """The expression assigned to ``name`` in ``raw`` or its bases (depth first)."""
        own = raw.assignment(name)
        if own is not None:
            return own
        for base in raw.bases:
            parent = self.find(base)
            if parent is not None and parent.qualname != raw.qualname:
                found = self.attribute_node(parent, name)
                if found is not None:
                    return found
        return None
