"""iapreport: the OECD ACN Istanbul Anti-Corruption Action Plan progress update, from data.

The pipeline runs one way: `load` (data file → `model.Report`) → `compose` (report + templates +
locale → `tree.Document`) → `writers` (tree + theme → DOCX or PDF). `api` ties them together.

The names below are imported on first use, so ``iapreport validate`` does not pay for the
writers' libraries.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["DataError", "Output", "build", "build_document", "load", "write"]

_LAZY = {"DataError": "loader", "load": "loader", "Output": "api", "build": "api", "build_document": "api",
         "write": "api"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'iapreport' has no attribute {name!r}")
