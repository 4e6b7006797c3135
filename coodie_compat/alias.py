"""Serve ``import cassandra.cqlengine...`` from ``coodie_compat``: for apps whose imports stay.

:func:`install_alias` puts ``coodie_compat`` in ``sys.modules`` as
``cassandra.cqlengine``, sets it as the ``cqlengine`` attribute of the real
``cassandra`` package, and puts a meta path finder first on ``sys.meta_path``
that answers every ``cassandra.cqlengine.<name>`` import with the module
``coodie_compat.<name>`` itself (imported on demand, as the stock submodules
are).  The aliased names hold the very same module objects, so classes keep
their identity: ``cassandra.cqlengine.models.Model is coodie_compat.models.Model``.
The rest of the driver (``cassandra.cluster``, ``cassandra.query``...) is untouched.

The alias must exist before anything imports the real ``cassandra.cqlengine``:
once stock modules are loaded, classes from both would mix, so the call
refuses with :class:`AliasError`.  Three ways to install it early:

- call ``coodie_compat.install_alias()`` first thing at start-up;
- set ``COODIE_CQLENGINE_ALIAS=1``: the first ``import coodie_compat`` (of any
  of its modules) installs it;
- change nothing in the app and start it through the runner:
  ``python -m coodie_compat.alias app.py [args]`` or
  ``python -m coodie_compat.alias -m package.module [args]``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

__all__ = ["ENV_SWITCH", "AliasError", "alias_installed", "install_alias", "uninstall_alias"]

#: Environment variable: ``1`` makes ``import coodie_compat`` install the alias.
ENV_SWITCH = "COODIE_CQLENGINE_ALIAS"

_STOCK = "cassandra.cqlengine"
_COMPAT = "coodie_compat"


class AliasError(ImportError):
    """The alias cannot be installed: the real ``cassandra.cqlengine`` is already loaded."""


def _target(fullname: str) -> str | None:
    """The compat module that serves ``fullname``, or None if it is not a cqlengine name."""
    if fullname == _STOCK or fullname.startswith(_STOCK + "."):
        return _COMPAT + fullname[len(_STOCK):]
    return None


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias by importing its compat module and handing over that very object."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.target_spec: ModuleSpec | None = None

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = importlib.import_module(self.target)
        self.target_spec = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The compat module is already executed.  The import system has just
        # stamped the alias spec on it; give it back its own.
        module.__spec__ = self.target_spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answers imports of ``cassandra.cqlengine`` and its submodules with compat modules."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        compat_name = _target(fullname)
        if compat_name is None or importlib.util.find_spec(compat_name) is None:
            return None  # not ours, or no such compat module: ModuleNotFoundError as usual
        return importlib.util.spec_from_loader(fullname, _AliasLoader(compat_name))


_FINDER = _AliasFinder()


def _stock_modules() -> list[str]:
    """Names of real (not aliased) ``cassandra.cqlengine`` modules already imported."""
    return sorted(name for name, module in list(sys.modules.items())
                  if _target(name) is not None
                  and not getattr(module, "__name__", "").startswith(_COMPAT))


def alias_installed() -> bool:
    """Whether ``cassandra.cqlengine`` currently resolves to ``coodie_compat``."""
    return _FINDER in sys.meta_path


def install_alias() -> None:
    """Make ``cassandra.cqlengine`` and its submodules resolve to ``coodie_compat``'s.

    Idempotent.  Raises :class:`AliasError`, changing nothing, when the real
    ``cassandra.cqlengine`` (or one of its submodules) was already imported.
    """
    if alias_installed():
        return
    loaded = _stock_modules()
    if loaded:
        raise AliasError(
            f"cannot alias cassandra.cqlengine to coodie_compat: the real package is already "
            f"imported ({', '.join(loaded)}). Install the alias before anything imports it: "
            "call coodie_compat.install_alias() first thing, set COODIE_CQLENGINE_ALIAS=1 and "
            "import coodie_compat first, or start the app with 'python -m coodie_compat.alias'."
        )
    import cassandra

    import coodie_compat

    sys.meta_path.insert(0, _FINDER)
    sys.modules[_STOCK] = coodie_compat
    cassandra.cqlengine = coodie_compat


def uninstall_alias() -> None:
    """Remove the alias: the finder, the aliased ``sys.modules`` entries and the attribute.

    Modules and classes already bound by the app stay compat ones.
    """
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if _target(n) is not None]:
        if getattr(sys.modules[name], "__name__", "").startswith(_COMPAT):
            del sys.modules[name]
    cassandra = sys.modules.get("cassandra")
    if getattr(cassandra, "cqlengine", None) is sys.modules.get(_COMPAT):
        delattr(cassandra, "cqlengine")


def main(argv: Sequence[str] | None = None) -> None:
    """Run a script or module (``-m name``) with the alias installed; the rest is its argv."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args == ["-m"]:
        raise SystemExit("usage: python -m coodie_compat.alias (script.py | -m module) [args]")
    install_alias()
    if args[0] == "-m":
        sys.argv = args[1:]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = args
        sys.path[0] = os.path.dirname(os.path.abspath(args[0]))  # as ``python script.py`` does
        runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    # Run as ``python -m``, this file is ``__main__``; use the importable module so
    # there is one finder, the one ``alias_installed()`` checks.
    importlib.import_module("coodie_compat.alias").main()
