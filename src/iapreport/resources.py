"""Where the data shipped with the package lives: templates, the theme, scales and catalogs.

They are installed inside the package (``iapreport.templates``, ``iapreport.locales``), so a
plain ``pip install .`` works from any directory; the repository keeps them at its top level.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def templates_dir() -> Path:
    """Return the directory of the shipped jinja2 templates, theme and rating scales."""
    return Path(str(resources.files("iapreport.templates")))


def locales_dir() -> Path:
    """Return the directory of the shipped gettext catalogs (``<lang>/LC_MESSAGES/*.po``)."""
    return Path(str(resources.files("iapreport.locales")))
