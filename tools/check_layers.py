"""Check the import layers: core never imports compat; compat never imports cqlengine.

Run as ``python tools/check_layers.py``; exits 1 and lists offending imports.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "coodie_core": ("coodie_compat",),
    "coodie_compat": ("cassandra.cqlengine",),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Return (line, module) for every import statement in ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(root: Path = ROOT) -> list[str]:
    """Return one message per forbidden import under ``root``."""
    problems = []
    for package, banned in FORBIDDEN.items():
        for path in sorted((root / package).rglob("*.py")):
            for line, module in imported_modules(path):
                if any(module == b or module.startswith(b + ".") for b in banned):
                    problems.append(f"{path.relative_to(root)}:{line}: imports {module}")
    return problems


def main() -> int:
    """Print violations; return the exit code."""
    problems = violations()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
