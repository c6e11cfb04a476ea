"""The theme: one style sheet (page, fonts, colours, semantic styles) for both writers.

Read from ``templates/theme.yaml`` (or another file), resolved once: each style's `base` chain is
flattened so a writer reads plain, complete `Style` values.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple


from .errors import IapreportError
from .resources import templates_dir

if TYPE_CHECKING:
    from .model import Logo

#: libyaml's safe loader where PyYAML has it (8x faster than the pure-Python one)


class ThemeError(IapreportError):
    """The theme file is inconsistent (unknown base, colour or font)."""


class Style(NamedTuple):
    """Every property of a paragraph style, resolved (no inheritance left)."""

    name: str
    font: str = "serif"
    size: float = 10.5
    leading: float = 1.3  # line height as a multiple of the size
    bold: bool = False
    italic: bool = False
    upper: bool = False
    colour: str = "000000"
    align: str = "left"  # left, center, right, justify
    space_before: float = 0.0
    space_after: float = 0.0
    left_indent: float = 0.0
    first_line_indent: float = 0.0
    keep_with_next: bool = False
    background: str | None = None


class FontFamily(NamedTuple):
    """A font family: its name and the TTF files of its four faces (found in a PyPI package)."""

    key: str
    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    generic: str = "serif"  # serif, sans or mono: the kind a substitute should be
    #: keys of the families that set a character this family has no glyph for, in order
    fallback: tuple[str, ...] = ()

    def face(self, bold: bool = False, italic: bool = False) -> Path:
        """Return the file of the face with that weight and slant."""
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular


class Page(NamedTuple):
    """Page size and margins, in millimetres."""

    width: float
    height: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    header_distance: float
    footer_distance: float

    @property
    def text_width(self) -> float:
        return self.width - self.margin_left - self.margin_right


class Lists(NamedTuple):
    """How lists look in both formats: indent per level (points) and bullets by level."""

    indent: float = 21.25
    bullets: tuple[str, ...] = ("•",)

    def bullet(self, level: int) -> str:
        return self.bullets[level % len(self.bullets)]


class Hyphenation(NamedTuple):
    """Which dictionary hyphenates a language, and the fewest letters on each side of a break."""

    dictionaries: tuple[tuple[str, str], ...] = ()
    min_left: int = 2
    min_right: int = 3

    def dictionary(self, language: str) -> str:
        """Return the dictionary for a BCP 47 tag: the theme's choice for its language, else the tag."""
        return dict(self.dictionaries).get(language.split("-")[0], language.replace("-", "_"))


class Cover(NamedTuple):
    """The row of logos at the top of the cover: its height, the gap between logos and the space
    below the row (millimetres), its alignment, and the theme's own logos, used when the report's
    data names none (images read and checked when the theme is loaded)."""

    logo_height: float = 18.0
    logo_gap: float = 6.0
    logo_space_after: float = 8.0
    logo_align: str = "left"  # left, center, right
    logos: tuple["Logo", ...] = ()


PAGE_SIZES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
_STYLE_KEYS = set(Style._fields) - {"name"}


class Theme(NamedTuple):
    page: Page
    fonts: dict[str, FontFamily]
    colours: dict[str, str]
    styles: dict[str, Style]
    lists: Lists = Lists()
    #: whether the DOCX carries the fonts (Word and LibreOffice then show them everywhere)
    docx_embed_fonts: bool = True
    hyphenation: Hyphenation = Hyphenation()
    cover: Cover = Cover()

    def style(self, name: str) -> Style:
        """Return the named style; ``rating-<value>`` falls back to ``rating``."""
        try:
            return self.styles[name]
        except KeyError:
            if name.startswith("rating-") and "rating" in self.styles:
                return self.styles["rating"]
            raise ThemeError(f"the theme has no style {name!r}") from None


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # locate without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise ThemeError(f"font package {package!r} is not installed (pip install {package.replace('_', '-')})")
    return Path(list(spec.submodule_search_locations)[0])


class _Kept(NamedTuple):
    """A theme read before, with what it was read from."""

    source: bytes  # the theme file's bytes
    logos: tuple[tuple[str, int, int], ...] | None  # the identity of each logo it names
    theme: Theme


#: themes read in this process by path: a long-running one (a web service, a notebook) sees an
#: edited theme at its next build, since an entry serves only while the file's bytes and its logos'
#: identities are those it was read from
_kept: dict[str, _Kept] = {}
_KEEP = 8
_kept_lock = threading.Lock()


def load_theme(path: str | Path | None = None) -> Theme:
    """Return the theme in `path` (default: the shipped ``templates/theme.yaml``).

    The file is read on every call (a few kilobytes) and parsed again only when its bytes, or one
    of the logos it names, changed since the last call: an edit shows at the next build, without
    restarting the process. Raises ThemeError for a theme that cannot be read or used.
    """
    name = os.fspath(path or templates_dir() / "theme.yaml")
    from .loader import read_limited

    try:  # a pipe, a device or a huge file is refused, as a data file is
        source = read_limited(name)
    except ValueError as exc:
        raise ThemeError(f"{name}: {exc}") from None
    key = os.path.abspath(name)  # the logos' paths are relative to the theme's folder
    with _kept_lock:
        kept = _kept.get(key)
    if (kept is not None and kept.source == source and kept.logos is not None
            and _identities(kept.theme.cover.logos) == kept.logos):
        return kept.theme
    theme = _load_theme(name, source)
    with _kept_lock:
        _kept.pop(key, None)
        _kept[key] = _Kept(source, _identities(theme.cover.logos), theme)
        while len(_kept) > _KEEP:
            del _kept[next(iter(_kept))]
    return theme


def _identities(logos: tuple["Logo", ...]) -> tuple[tuple[str, int, int], ...] | None:
    """Return each logo file's identity (path, size, modification time), None if one is gone."""
    from .cache import file_identity

    try:
        return tuple(file_identity(logo.path) for logo in logos)
    except OSError:
        return None


_COLOUR_RE = re.compile(r"^#?[0-9A-Fa-f]{6}$")


def _load_theme(path: str, source: bytes) -> Theme:
    """Return the theme read from `source`, the bytes of the file `path` (its logos' paths are
    relative to the file's folder)."""
    from .loader import DataError, parse_yaml

    try:
        raw = parse_yaml(source.decode("utf-8"), path)  # aliases and nesting bounded as in data files
        if not isinstance(raw, dict):
            raise ThemeError("the theme is not a mapping of settings")
        return _theme(raw)._replace(cover=_cover(raw.get("cover"), Path(path).parent))
    except UnicodeDecodeError as exc:
        raise ThemeError(f"{path}: the theme is not UTF-8 text ({exc})") from exc
    except OSError as exc:
        raise ThemeError(f"{path}: cannot read the theme: {exc.strerror or exc}") from exc
    except DataError as exc:
        raise ThemeError("\n".join(str(problem) for problem in exc.problems)) from None
    except ThemeError as exc:
        raise ThemeError(f"{path}: {exc}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ThemeError(f"{path}: the theme is incomplete or malformed ({type(exc).__name__}: {exc})") from exc


def _colour(value: object, colours: dict[str, str], where: str) -> str:
    text = str(value)
    if text in colours:
        return colours[text]
    if not _COLOUR_RE.match(text):
        raise ThemeError(f"{where}: {text!r} is neither a colour name of the theme nor RRGGBB")
    return text.lstrip("#").upper()


def _theme(raw: dict) -> Theme:
    p = raw["page"]
    size = p.get("size", "A4")
    if size not in PAGE_SIZES:
        raise ThemeError(f"page size {size!r} is not one of {', '.join(PAGE_SIZES)}")
    width, height = PAGE_SIZES[size]
    page = Page(width, height, p["margin_top"], p["margin_bottom"], p["margin_left"], p["margin_right"],
                p["header_distance"], p["footer_distance"])
    colours = {k: _colour(v, {}, f"colour {k}") for k, v in raw.get("colours", {}).items()}
    fonts = {}
    for key, f in raw["fonts"].items():
        base = _package_dir(f["package"])
        fallback = f.get("fallback", [])
        if isinstance(fallback, str):
            fallback = [fallback]
        fonts[key] = FontFamily(key, f["family"], *(base / f[face] for face in
                                                    ("regular", "bold", "italic", "bold_italic")),
                                generic=f.get("generic", "serif"), fallback=tuple(str(name) for name in fallback))
    for key, family in fonts.items():
        for name in family.fallback:
            if name not in fonts:
                raise ThemeError(f"font {key!r} falls back to unknown font {name!r}")
            if name == key:
                raise ThemeError(f"font {key!r} falls back to itself")
    styles: dict[str, Style] = {}
    raw_styles: dict[str, dict] = raw["styles"]

    def resolve(name: str, chain: tuple[str, ...] = ()) -> dict:
        if name in chain:
            raise ThemeError(f"style {name!r} inherits from itself")
        if name not in raw_styles:
            raise ThemeError(f"unknown base style {name!r}")
        body = dict(raw_styles[name])
        base = body.pop("base", None)
        unknown = set(body) - _STYLE_KEYS
        if unknown:
            raise ThemeError(f"style {name!r} has unknown properties: {', '.join(sorted(unknown))}")
        merged = resolve(base, chain + (name,)) if base else {}
        merged.update(body)
        return merged

    for name in raw_styles:
        values = resolve(name)
        for key in ("colour", "background"):
            if values.get(key) is not None:
                values[key] = _colour(values[key], colours, f"style {name}: {key}")
        if values.get("font", "serif") not in fonts:
            raise ThemeError(f"style {name!r} uses unknown font {values['font']!r}")
        styles[name] = Style(name=name, **values)
    raw_lists = raw.get("lists", {})
    lists = Lists(float(raw_lists.get("indent", Lists.indent)),
                  tuple(raw_lists.get("bullets", Lists.bullets)))
    raw_hyph = raw.get("hyphenation", {})
    hyphenation = Hyphenation(tuple((str(k), str(v)) for k, v in raw_hyph.get("dictionaries", {}).items()),
                              int(raw_hyph.get("min_left", 2)), int(raw_hyph.get("min_right", 3)))
    return Theme(page, fonts, colours, styles, lists, bool(raw.get("docx", {}).get("embed_fonts", True)),
                 hyphenation)


#: (lowest, highest) millimetres of each length of the cover
_COVER_LENGTHS = {"logo_height": (1.0, 100.0), "logo_gap": (0.0, 50.0), "logo_space_after": (0.0, 100.0)}


def _cover(raw: object, base: Path) -> Cover:
    """Return the theme's `cover:` section, its logos' paths relative to the theme's folder `base`."""
    if raw is None:
        return Cover()
    if not isinstance(raw, dict):
        raise ThemeError("cover: expected a mapping (logo_height, logo_gap, logo_space_after, logo_align, logos)")
    unknown = set(raw) - set(Cover._fields)
    if unknown:
        raise ThemeError(f"cover has unknown properties: {', '.join(sorted(map(str, unknown)))} "
                         f"(known: {', '.join(Cover._fields)})")
    lengths = {}
    for key, (low, high) in _COVER_LENGTHS.items():
        value = raw.get(key, Cover._field_defaults[key])
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ThemeError(f"cover.{key}: expected millimetres from {low:g} to {high:g}, found {value!r}")
        lengths[key] = float(value)
    align = raw.get("logo_align", Cover._field_defaults["logo_align"])
    if align not in ("left", "center", "right"):
        raise ThemeError(f"cover.logo_align: expected left, center or right, found {align!r}")
    paths = raw.get("logos") or []
    if not isinstance(paths, list):
        raise ThemeError(f"cover.logos: expected a list of image files, found {paths!r}")
    logos = []
    if paths:
        from .loader import ImageError, image_path, read_image  # only for a theme that names logos

        for index, text in enumerate(paths):
            if not isinstance(text, str) or not text.strip():
                raise ThemeError(f"cover.logos[{index}]: expected the path of an image file, found {text!r}")
            try:
                logos.append(read_image(image_path(text, base)))
            except ImageError as exc:
                raise ThemeError(f"cover.logos[{index}]: {exc}") from None
    return Cover(logos=tuple(logos), logo_align=align, **lengths)
