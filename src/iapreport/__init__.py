"""iapreport: the OECD ACN Istanbul Anti-Corruption Action Plan progress update, from data.

The pipeline runs one way: `load` (data → `model.Report`) → `compose` (report + templates +
locale → `tree.Document`) → `write` (tree + theme → DOCX or PDF, to a path or a stream). `build`
does all three for every edition of one data file, `build_many` for many files in parallel
processes. Every error about the input or the output is an `IapreportError`. See docs/api.md.

The names below are imported on first use, so ``iapreport validate`` does not pay for the
writers' libraries. Each is the function or class it names, whatever submodules were imported
before (`compose` is the function, although a module `iapreport.composer` defines it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    # read a report
    "load", "load_text", "load_data", "Problem",
    # make and write editions
    "compose", "write", "build", "build_document", "Output", "load_theme",
    # many reports
    "build_many", "Result",
    # errors
    "IapreportError", "DataError", "ThemeError", "LocaleError", "ComposeError", "WriterError",
]

#: the module each public name is defined in
_LAZY = {
    "load": "loader", "load_text": "api", "load_data": "api", "Problem": "loader",
    "compose": "composer", "write": "api", "build": "api", "build_document": "api", "Output": "api",
    "load_theme": "theme",
    "build_many": "batch", "Result": "batch",
    "IapreportError": "errors", "DataError": "loader", "ThemeError": "theme", "LocaleError": "i18n",
    "ComposeError": "composer", "WriterError": "writers",
}

if TYPE_CHECKING:  # what type checkers see (py.typed): the same names, imported eagerly
    from .api import Output, build, build_document, load_data, load_text, write
    from .batch import Result, build_many
    from .composer import ComposeError, compose
    from .errors import IapreportError
    from .i18n import LocaleError
    from .loader import DataError, Problem, load
    from .theme import ThemeError, load_theme
    from .writers import WriterError


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'iapreport' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
