"""Names a package re-exports from its modules, imported only when first used (PEP 562).

A benchmark package is imported just to read its plug-in (``genjudge --help`` reads every
registered benchmark's sections); re-exporting its readers eagerly would load ``datasets``,
pandas and the rest on every command. The package lists ``name -> module`` instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each name in ``names`` comes from its module."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
