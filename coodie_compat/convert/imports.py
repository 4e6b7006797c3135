"""The generated module's imports, laid out as ruff's isort rules expect.

Names are requested while the classes are rendered, so only what is used gets
imported. A requested name that collides with a generated class or field name is
imported under an alias (``import datetime as datetime_``): a field called
``datetime`` would otherwise shadow the module inside the class body.
Sections: standard library, then everything else (``coodie_core`` included, as
it is a third-party package for the project that runs the converter).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

__all__ = ["ImportTable"]

WIDTH = 100


class ImportTable:
    """Requested imports and the local names they are bound to."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.reserved = set(reserved)
        self._modules: dict[str, str] = {}  # dotted module -> local name
        self._names: dict[tuple[str, str], str] = {}  # (module, name) -> local name

    def module(self, dotted: str) -> str:
        """``import dotted``; returns how to spell the module in code."""
        if dotted not in self._modules:
            root = dotted.split(".")[0]
            if root not in self.reserved and root not in self._names.values():
                self._modules[dotted] = dotted
            else:
                self._modules[dotted] = self._free(dotted.replace(".", "_"))
        return self._modules[dotted]

    def name(self, module: str, name: str) -> str:
        """``from module import name``; returns the local name."""
        key = (module, name)
        if key not in self._names:
            taken = name in self.reserved or name in self._names.values()
            self._names[key] = self._free(name) if taken else name
        return self._names[key]

    def _free(self, name: str) -> str:
        candidate = name + "_"
        used = set(self._modules.values()) | set(self._names.values()) | self.reserved
        while candidate in used:
            candidate += "_"
        return candidate

    def lines(self) -> list[str]:
        """The import block: sections separated by one blank line."""
        sections: list[list[str]] = [[], []]
        for index in (0, 1):
            straight = sorted(
                (m for m in self._modules if _is_stdlib(m) == (index == 0)), key=_sort_key
            )
            for module in straight:
                local = self._modules[module]
                alias = "" if local == module else f" as {local}"
                sections[index].append(f"import {module}{alias}")
            froms = sorted(
                {m for m, _ in self._names if _is_stdlib(m) == (index == 0)}, key=_sort_key
            )
            for module in froms:
                sections[index] += self._from_lines(module)
        blocks = ["\n".join(s) for s in sections if s]
        return "\n\n".join(blocks).splitlines()

    def _from_lines(self, module: str) -> list[str]:
        """One statement for the plain names, one per aliased name, ordered as ruff's
        isort orders them: by their first name."""
        plain = sorted(
            (n for (m, n), local in self._names.items() if m == module and n == local),
            key=_member_key,
        )
        statements = [
            (_member_key(n), [f"from {module} import {n} as {local}"])
            for (m, n), local in self._names.items()
            if m == module and n != local
        ]
        if plain:
            line = f"from {module} import {', '.join(plain)}"
            if len(line) > WIDTH:
                lines = [f"from {module} import (", *(f"    {n}," for n in plain), ")"]
            else:
                lines = [line]
            statements.append((_member_key(plain[0]), lines))
        return [line for _, lines in sorted(statements) for line in lines]


def _is_stdlib(module: str) -> bool:
    return module.split(".")[0] in sys.stdlib_module_names


def _sort_key(module: str) -> tuple[str, str]:
    return (module.lower(), module)


def _member_key(name: str) -> tuple[int, str, str]:
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return (rank, name.lower(), name)
