"""Rating scales: the values a report's `rating` may take and their English msgids.

The scales are data (``templates/scales.yaml``); this module only reads them.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import yaml

from .resources import templates_dir

DEFAULT_SCALE = "progress"

#: libyaml's safe loader where PyYAML has it (8x faster than the pure-Python one)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Rating(NamedTuple):
    """One value of a scale, with its label: the one msgid that names it everywhere."""

    value: str
    label: str
    #: the abbreviation for narrow table columns (msgctxt "short rating")
    short: str = ""
    #: listed in the summary table's header only when a report uses it
    optional: bool = False


class Scale(NamedTuple):
    """An ordered rating scale (the order of the summary table's header)."""

    name: str
    ratings: tuple[Rating, ...]

    @property
    def values(self) -> tuple[str, ...]:
        """Return the rating values in scale order."""
        return tuple(rating.value for rating in self.ratings)

    def rating(self, value: str) -> Rating:
        """Return the rating with that value (KeyError when the scale lacks it)."""
        for rating in self.ratings:
            if rating.value == value:
                return rating
        raise KeyError(value)


@functools.lru_cache(maxsize=None)
def scales() -> dict[str, Scale]:
    """Return every shipped scale by name."""
    with open(templates_dir() / "scales.yaml", encoding="utf-8") as stream:
        raw = yaml.load(stream, Loader=_SAFE_LOADER)
    return {
        name: Scale(
            name=name,
            ratings=tuple(
                Rating(
                    value=item["value"],
                    label=item["label"],
                    short=item.get("short", ""),
                    optional=bool(item.get("optional", False)),
                )
                for item in body["ratings"]
            ),
        )
        for name, body in raw.items()
    }
