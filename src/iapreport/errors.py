"""The exceptions iapreport raises for what its user can fix: one hierarchy under `IapreportError`.

    IapreportError
    ├── DataError      the data is not a valid report; `.problems` lists every one, located
    ├── ThemeError     the theme file is inconsistent (unknown base style, colour or font)
    ├── LocaleError    no usable catalog for a language, or an untranslated entry
    ├── ComposeError   the data cannot make this edition; `.messages` lists every reason
    └── WriterError    a file cannot be written faithfully (GlyphError: a character no font has)

Each is defined beside the code that raises it (`loader`, `theme`, `i18n`, `compose`, `writers`)
and importable from there; this module holds the base and gives the others by name, imported on
first use (``from iapreport.errors import DataError`` does not import the writers).

What is not an `IapreportError` is a mistake in the calling code (``ValueError`` for an unknown
format or an empty list of languages, ``TypeError`` for a text stream given where a binary one is
needed) or the system's (``OSError``: a folder that cannot be written).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["IapreportError", "DataError", "ThemeError", "LocaleError", "ComposeError", "WriterError"]

if TYPE_CHECKING:
    from .composer import ComposeError
    from .i18n import LocaleError
    from .loader import DataError
    from .theme import ThemeError
    from .writers import WriterError


class IapreportError(Exception):
    """Base of every error iapreport raises for bad input (data, theme, catalogs) or an output it
    cannot write faithfully: catch it to handle them all; its message says what and where."""


#: where each subclass is defined
_DEFINED_IN = {"DataError": "loader", "ThemeError": "theme", "LocaleError": "i18n", "ComposeError": "composer",
               "WriterError": "writers"}


def __getattr__(name: str) -> Any:
    if name in _DEFINED_IN:
        import importlib

        return getattr(importlib.import_module(f".{_DEFINED_IN[name]}", __package__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
