"""Read a report data file (YAML or JSON, format ``iapreport/1``) into a validated `Report`.

Validation reports every problem at once, each located at file, line and column with the dotted
path of the field, so a secretariat member editing by hand can fix them all in one go. The field
specification below is the single source of truth: validation walks it and `json_schema()`
publishes it. Image files the data names (the cover's logos) are opened and checked here too, so
a missing or damaged one is a located problem like any other, never a writer's failure.

Both formats go through PyYAML's parser and a composer of our own (safe: no arbitrary tags) to
keep each value's position and to bound, as it composes, what aliases expand to; JSON is first
checked by the json module so its syntax errors read as JSON errors. Every limit (`LIMITS`) is a
located problem, reached before any work grows with it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, NamedTuple

import yaml

from . import model
from .errors import IapreportError
from .scales import DEFAULT_SCALE, scales

# Limits on what a data file may hold. Each is a default that an environment variable of the
# same name prefixed with ``IAPREPORT_`` (``IAPREPORT_MAX_VALUES=1000000``) overrides, read at
# every load; docs/data-format.md ("Limits") lists them. A file beyond one is a located problem.

#: Largest data file accepted, in bytes (a real report is well under 1 MB); a file is never
#: read beyond it, whatever size it declares.
MAX_FILE_SIZE = 32 * 1024 * 1024
#: Most values (scalars, lists, mappings, keys) a file may expand to, every use of an alias
#: counting its whole value: stops "billion laughs" and merge-key (``<<: *a``) bombs.
MAX_VALUES = 500_000
#: Most characters of text that aliases may repeat in all, every use counting the whole value it
#: repeats: a few kilobytes serve the aliases of real files (an expert's affiliation, a place),
#: while one long text repeated hundreds of times would take minutes and gigabytes to build.
MAX_ALIAS_CHARACTERS = 1_000_000
#: Deepest nesting of lists and mappings (a report needs 8 levels), aliases counting the depth of
#: the value they repeat.
MAX_DEPTH = 64
#: Longest single text (key or value), in characters: a prose field is a few thousand.
MAX_TEXT_LENGTH = 1_000_000
#: Longest name or title (place, expert, affiliation, country name, chapter label, report,
#: chapter and recommendation titles), in characters on one line. Titles and names reach the
#: DOCX's core properties, which hold at most 255 characters.
MAX_NAME_LENGTH = 255
#: Longest number or label (``round``, meeting numbers, chapter and recommendation numbers), in
#: characters: far below the 4,300 digits beyond which Python refuses to read an integer.
MAX_NUMBER_LENGTH = 20
#: Every limit's name: its variable is ``IAPREPORT_`` + name.
LIMITS = ("MAX_FILE_SIZE", "MAX_VALUES", "MAX_ALIAS_CHARACTERS", "MAX_DEPTH", "MAX_TEXT_LENGTH",
          "MAX_NAME_LENGTH", "MAX_NUMBER_LENGTH")
#: Dates (meetings, publication) must fall in these years.
MIN_YEAR, MAX_YEAR = 1900, 2099
#: libyaml's parser when PyYAML was built with it (10× faster), the pure-Python one otherwise;
#: both give each event its position.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: meetings a report may hold: the summary table has a column per meeting, and its columns are
#: narrower than a letter beyond this (a layout limit, not a setting)
MAX_MEETINGS = 16


class Limits(NamedTuple):
    """The limits in force for one load: the module's constants, or the variables overriding them."""

    file_size: int
    values: int
    alias_characters: int
    depth: int
    text_length: int
    name_length: int
    number_length: int


def current_limits() -> tuple[Limits, list[str]]:
    """Return the limits in force (``IAPREPORT_MAX_...`` variables over the module's constants)
    and a message for each variable that is set but not a positive whole number (its default
    then applies)."""
    values, bad = [], []
    for name in LIMITS:
        default = globals()[name]
        setting = os.environ.get(f"IAPREPORT_{name}")
        value = default
        if setting is not None and setting.strip():
            try:
                value = int(setting.strip())
            except ValueError:
                value = 0
            if not 0 < value < 10 ** 15:
                bad.append(f"IAPREPORT_{name}={_shown(setting)} is not a positive whole number: "
                           f"the default {default:,} applies")
                value = default
        values.append(value)
    return Limits(*values), bad

#: the publisher block's contact lines a report may give (`contact:`)
CONTACT_LINES = ("phone", "fax", "email", "website")
BOILERPLATE_BLOCKS = ("publisher", "description", "about_oecd", "about_acn", "about_iap", "methodology")

#: characters no document can hold: C0/C1 controls other than tab and newline, lone surrogates
#: (from JSON escapes) and noncharacters
_UNPRINTABLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LANG_RE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")
#: codes in the locale data that name no country (unknown region, pseudo-locales, unions)
_NOT_COUNTRIES = frozenset({"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AA", "QM", "QZ", "XX"})
_DECIMAL_RE = re.compile(r"^(0|[1-9][0-9]*)$")
_NUMBER_RE = re.compile(r"^[0-9]+(\.[0-9]+)*[a-z]?$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
#: what YAML counts as a line break (its marks count lines so)
_LINE_BREAK_RE = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
#: Largest image file accepted (a logo is a few hundred KB at most).
MAX_IMAGE_FILE_SIZE = 32 * 1024 * 1024
#: Most pixels an image may have on one side, and in all (a logo printed 18 mm high at 1200 dpi
#: is about 850 pixels high): anything beyond is a mistake, or a decompression bomb.
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_PIXELS = 40_000_000
#: Widest (or tallest) ratio of an image's sides: beyond it the image prints as a line.
MAX_IMAGE_ASPECT = 50
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_WINDOWS_DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")


# --------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a data file, located for the person who edits it."""

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: "
        field_ = f"{self.path}: " if self.path else ""
        level = "warning: " if self.severity == "warning" else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{level}{field_}{self.message}{hint}"


class DataError(IapreportError):
    """The data file is not a valid report; `problems` lists everything found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TextField(NamedTuple):
    """A printed text of the data (a language map's value) where it stands in the file, for the
    checks that need the text itself, such as `glyphs.check`."""

    path: str
    text: str
    line: int  # where the value starts (1-based)
    column: int
    end_line: int  # where it ends
    #: the whole file's text (shared by every field of one file)
    source: str = ""

    def position(self, char: str) -> tuple[int, int]:
        """(line, column) of the first `char` of the value in the file: the value's start when the
        character is written there as an escape (``\\u4e2d``) and so cannot be found."""
        lines = _lines_of(self.source)
        for number in range(self.line, min(self.end_line, len(lines)) + 1):
            source = lines[number - 1]
            start = self.column - 1 if number == self.line else 0
            found = source.find(char, start)
            if found >= 0:
                return number, found + 1
        return self.line, self.column


@functools.lru_cache(maxsize=4)
def _lines_of(source: str) -> tuple[str, ...]:
    """The lines of a file's text, as YAML counts them (split only when a position is asked for)."""
    return tuple(_LINE_BREAK_RE.split(source))


@dataclass
class LoadResult:
    """A report (None when invalid) and every problem found, errors and warnings."""

    report: model.Report | None
    problems: list[Problem] = field(default_factory=list)
    #: every printed text of the data, located (language maps' values)
    texts: list[TextField] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


# --------------------------------------------------------------------------------------------
# Images


class ImageError(ValueError):
    """An image file cannot be used: `message` says why (naming the file), `hint` what to do."""

    def __init__(self, message: str, hint: str | None = None, *, missing: bool = False):
        self.message, self.hint, self.missing = message, hint, missing
        super().__init__(message + (f" (hint: {hint})" if hint else ""))


def image_path(text: str, base: str | Path) -> Path:
    """Return the absolute path of an image named in data or theme: `text` relative to `base`.

    An absolute `text` stands as it is. Windows separators (``logos\\oecd.png``) are read as
    ``/`` on systems whose separator is ``/``, unless a file of that very name exists.
    """
    path = Path(base, text)  # an absolute `text` replaces `base`
    if "\\" in text and os.sep == "/" and not os.path.exists(path):
        path = Path(base, text.replace("\\", "/"))
    return Path(os.path.abspath(path))


def read_image(path: str | Path) -> model.Logo:
    """Return the PNG or JPEG file at `path` as a Logo, or raise ImageError saying what is wrong.

    The whole image is decoded once, so a damaged file is found here and not by a writer. Pillow
    is imported only when a report or theme names an image.
    """
    name = str(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise ImageError(f"cannot find the image file {name}", missing=True) from None
    except (OSError, ValueError) as exc:
        raise ImageError(f"cannot read the image file {name}: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImageError(f"{name} is a folder, not an image file")
    if not stat.S_ISREG(info.st_mode):
        raise ImageError(f"{name} is not a regular file")
    if info.st_size == 0:
        raise ImageError(f"the image file {name} is empty")
    if info.st_size > MAX_IMAGE_FILE_SIZE:
        raise ImageError(f"the image file {name} is larger than {MAX_IMAGE_FILE_SIZE // (1024 * 1024)} MB",
                         "a logo needs a few hundred KB: scale it down")
    try:
        with open(name, "rb") as stream:
            data = stream.read(MAX_IMAGE_FILE_SIZE + 1)  # no further, should it have grown since
    except OSError as exc:
        raise ImageError(f"cannot read the image file {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_IMAGE_FILE_SIZE:
        raise ImageError(f"the image file {name} is larger than {MAX_IMAGE_FILE_SIZE // (1024 * 1024)} MB",
                         "a logo needs a few hundred KB: scale it down")

    import io
    import warnings

    from PIL import Image

    kind = "PNG" if data.startswith(_PNG_SIGNATURE) else "JPEG" if data.startswith(_JPEG_SIGNATURE) else None
    if kind is None:
        found = None
        try:  # only to name what the file is
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(io.BytesIO(data)) as image:
                    found = image.format
        except Exception:  # noqa: BLE001 - anything Pillow cannot identify is "not an image"
            pass
        if found:
            raise ImageError(f"{name} is a {found} image; only PNG and JPEG are accepted", "save it as PNG")
        raise ImageError(f"{name} is not a PNG or JPEG image", "check the path, or save the image as PNG")
    if kind == "JPEG" and data[6:10] not in (b"JFIF", b"Exif"):
        # python-docx recognises a JPEG by one of these two headers and refuses any other
        raise ImageError(f"{name} is a JPEG without a JFIF or Exif header, which the DOCX cannot hold",
                         "save it again from an image editor, or as PNG")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size
                _check_image_size(name, width, height)
                image.load()
    except ImageError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ImageError(f"{name} declares more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels, far more "
                         "than a logo can need", "scale it down") from None
    except Exception as exc:  # noqa: BLE001 - Pillow's decoders raise many kinds on a damaged file
        # (Pillow's own message for an unreadable header names the in-memory stream, not the file)
        unidentified = isinstance(exc, Image.UnidentifiedImageError)
        detail = "unreadable header" if unidentified else str(exc) or type(exc).__name__
        raise ImageError(f"{name} is a damaged {kind} file ({detail})",
                         "open it in an image editor and save it again") from None
    return model.Logo(name, width, height)


def _check_image_size(name: str, width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise ImageError(f"{name} has no pixels ({width}×{height})")
    if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise ImageError(f"{name} is {width}×{height} pixels, more than a logo can need (at most "
                         f"{MAX_IMAGE_SIDE} on a side and {MAX_IMAGE_PIXELS // 1_000_000} million in all)",
                         "scale it down")
    if max(width, height) > MAX_IMAGE_ASPECT * min(width, height):
        raise ImageError(f"{name} is {width}×{height} pixels, too thin to print as a logo",
                         f"its sides may differ at most {MAX_IMAGE_ASPECT} times")


# --------------------------------------------------------------------------------------------
# The field specification


class _Ctx:
    """Carries the file name and the problem list through one validation walk."""

    def __init__(self, file: str, loader: yaml.SafeLoader, base_dir: Path | None = None,
                 limits: Limits | None = None):
        self.file = file
        self.loader = loader
        #: where relative image paths start: the data file's folder (None: the current directory)
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self.nodes = 0
        #: (path, Localized, node) of every language map, for the missing-language check
        self.localized: list[tuple[str, dict[str, str], yaml.Node]] = []
        #: every printed text, located (set `source` to the file's text first)
        self.texts: list[TextField] = []
        self.source = ""
        self.limits = limits if limits is not None else current_limits()[0]

    def text(self, node: yaml.Node, path: str, value: str) -> None:
        """Record a printed text (a language map's value) with its place in the file."""
        line, column = _position(node)
        self.texts.append(TextField(path, value, line, column, node.end_mark.line + 1, self.source))

    def error(self, node: yaml.Node | None, path: str, message: str, hint: str | None = None,
              severity: str = "error") -> None:
        line, column = _position(node)
        self.problems.append(Problem(self.file, line, column, path, message, hint, severity))

    def count(self) -> None:
        # (composing bounds what a file expands to: this guards the walk itself)
        self.nodes += 1
        if self.nodes > self.limits.values:
            raise _TooBig()


class _TooBig(Exception):
    pass


_INVALID = object()  # a value that failed validation (already reported)


def _position(node: yaml.Node | None) -> tuple[int, int]:
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def _check_characters(ctx: "_Ctx", node: yaml.Node, path: str, value: str) -> bool:
    """Report a character that cannot appear in a document (JSON can smuggle in controls)."""
    bad = _UNPRINTABLE_RE.search(value)
    if bad is None:
        return True
    ctx.error(node, path, f"contains the control character U+{ord(bad.group()):04X} at offset {bad.start()}",
              "remove it; it cannot be printed")
    return False


def _shown(text: str, width: int = 60) -> str:
    """Return `text` quoted as a message shows it: a long text cut, saying how long it is."""
    if len(text) <= width:
        return repr(text)
    return f"{text[:width]!r}… ({len(text):,} characters)"


def _join(path: str, key: str) -> str:
    """Return the path of `key` in the mapping at `path` (a long key cut)."""
    if len(key) > 60:
        key = key[:60] + "…"
    return f"{path}.{key}" if path else key


def _one_line(text: str) -> str:
    """Return a title or name on one line: a block scalar's line breaks are not part of a heading."""
    return " ".join(text.split())


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag = node.tag.rsplit(":", 1)[-1]
    return {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean",
            "null": "empty (null)", "timestamp": "a date"}.get(tag, f"a {tag}")


class Spec:
    """A kind of value in the data format: validates a node and describes itself as JSON Schema."""

    doc = ""

    def check(self, ctx: _Ctx, node: yaml.Node, path: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


class Str(Spec):
    def __init__(self, doc: str = "", pattern: re.Pattern[str] | None = None, hint: str | None = None,
                 choices: Callable[[], list[str]] | None = None):
        self.doc, self.pattern, self.hint, self.choices = doc, pattern, hint, choices

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            ctx.error(node, path, f"expected a string, found {_kind_of(node)}", self.hint)
            return _INVALID
        value = node.value
        if not value.strip():
            ctx.error(node, path, "must not be empty")
            return _INVALID
        if not _check_characters(ctx, node, path, value):
            return _INVALID
        if self.pattern and not self.pattern.match(value):
            ctx.error(node, path, f"{_shown(value)} is not valid here", self.hint)
            return _INVALID
        return value

    def schema(self):
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.pattern:
            out["pattern"] = self.pattern.pattern
        if self.choices:
            out["enum"] = self.choices()
        if self.doc:
            out["description"] = self.doc
        return out


class Const(Spec):
    def __init__(self, value: str, doc: str = ""):
        self.value, self.doc = value, doc

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.ScalarNode) or node.value != self.value:
            found = node.value if isinstance(node, yaml.ScalarNode) else _kind_of(node)
            ctx.error(node, path, f"must be {self.value!r}, found {_shown(found)}",
                      "this version of iapreport reads iapreport/1 files")
            return _INVALID
        return self.value

    def schema(self):
        return {"const": self.value, "description": self.doc}


def _number_too_long(ctx: _Ctx, node: yaml.ScalarNode, path: str) -> bool:
    """Report a number or label longer than the limit (Python cannot even read an integer of
    more than 4,300 digits)."""
    text = node.value.strip()
    if len(text) <= ctx.limits.number_length:
        return False
    ctx.error(node, path, f"number too long: {_shown(text, 20)}, at most {ctx.limits.number_length} characters",
              "check the value; the limit is set by IAPREPORT_MAX_NUMBER_LENGTH")
    return True


class Int(Spec):
    def __init__(self, doc: str = "", minimum: int = 1):
        self.doc, self.minimum = doc, minimum

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:int":
            ctx.error(node, path, f"expected an integer, found {_kind_of(node)}")
            return _INVALID
        if _number_too_long(ctx, node, path):
            return _INVALID
        if not _DECIMAL_RE.match(node.value):
            ctx.error(node, path, f"{node.value!r} is not a plain decimal number",
                      "YAML reads 010 as octal 8 and 0x13 as 19: write 10 or 19")
            return _INVALID
        value = int(node.value.replace("_", ""))
        if value < self.minimum:
            ctx.error(node, path, f"must be at least {self.minimum}, found {value}")
            return _INVALID
        return value

    def schema(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": 10 ** MAX_NUMBER_LENGTH - 1,
                "description": self.doc}


class Number(Spec):
    """A chapter or recommendation number: an integer or a dotted label such as ``1.1``."""

    doc = "an integer or a dotted label such as \"1.1\""

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (
            "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:str"
        ):
            ctx.error(node, path, f"expected a number or a label such as \"1.1\", found {_kind_of(node)}")
            return _INVALID
        text = node.value.strip()
        if _number_too_long(ctx, node, path):
            return _INVALID
        if node.tag == "tag:yaml.org,2002:int" and not _DECIMAL_RE.match(text):
            ctx.error(node, path, f"{node.value!r} is not a plain decimal number",
                      "YAML reads 010 as octal 8 and 0x13 as 19: write 10, or quote a label: \"010\"")
            return _INVALID
        if not _NUMBER_RE.match(text):
            ctx.error(node, path, f"{node.value!r} is not a number or a dotted label",
                      "write 7, or a label such as \"1.1\"")
            return _INVALID
        return text

    def schema(self):
        return {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 10 ** MAX_NUMBER_LENGTH - 1},
                          {"type": "string", "pattern": _NUMBER_RE.pattern, "maxLength": MAX_NUMBER_LENGTH}],
                "description": self.doc}


class Date(Spec):
    def __init__(self, doc: str = ""):
        self.doc = doc

    def check(self, ctx, node, path):
        if isinstance(node, yaml.ScalarNode) and node.tag in ("tag:yaml.org,2002:timestamp",
                                                                "tag:yaml.org,2002:str"):
            text = node.value.strip()
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                try:
                    day = _dt.date.fromisoformat(text)
                except ValueError as exc:
                    ctx.error(node, path, f"{text!r} is not a valid date: {exc}")
                    return _INVALID
                if not MIN_YEAR <= day.year <= MAX_YEAR:
                    ctx.error(node, path, f"{text} is outside the years {MIN_YEAR}–{MAX_YEAR} that a date may have",
                              "check the year")
                    return _INVALID
                return day
        found = node.value if isinstance(node, yaml.ScalarNode) else _kind_of(node)
        ctx.error(node, path, f"expected an ISO date (YYYY-MM-DD), found {_shown(found)}")
        return _INVALID

    def schema(self):
        return {"type": "string", "format": "date", "pattern": r"^(19|20)\d{2}-\d{2}-\d{2}$",
                "description": self.doc + f" ({MIN_YEAR}–{MAX_YEAR})"}


def _language_key(ctx: _Ctx, node: yaml.Node, path: str) -> bool:
    """Whether a language map's key is a language code; report it when it is not."""
    if _LANG_RE.match(node.value):
        return True
    ctx.error(node, path, f"{_shown(node.value)} is not a language code", "use codes such as en, ru, uk")
    return False


class LangMap(Spec):
    """A human-readable field: ``{en: ..., ru: ...}``; a plain string too when `plain` is set."""

    def __init__(self, doc: str = "", plain: bool = False, prose: bool = False):
        self.doc, self.plain, self.prose = doc, plain, prose

    def check(self, ctx, node, path):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            if self.plain:
                if not node.value.strip():
                    ctx.error(node, path, "must not be empty")
                    return _INVALID
                if not _check_characters(ctx, node, path, node.value):
                    return _INVALID
                line = _one_line(node.value)
                if self._too_long(ctx, node, path, line):
                    return _INVALID
                ctx.text(node, path, node.value)
                return model.Localized.of(line)
            ctx.error(node, path, "expected a language map such as {en: ..., ru: ...}, found a plain string",
                      "prose and titles are given per language; a plain string serves only for names and codes")
            return _INVALID
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, path, f"expected a language map such as {{en: ..., ru: ...}}, found {_kind_of(node)}")
            return _INVALID
        texts: dict[str, str] = {}
        ok = True
        for key_node, value_node in _pairs(ctx, node, path):
            lang = key_node.value
            sub = _join(path, lang)
            if not _language_key(ctx, key_node, sub):
                ok = False
                continue
            ctx.count()
            if not isinstance(value_node, yaml.ScalarNode) or value_node.tag != "tag:yaml.org,2002:str":
                ctx.error(value_node, sub, f"expected text, found {_kind_of(value_node)}",
                          "quote the value, or use a block scalar (|) for prose")
                ok = False
                continue
            if not value_node.value.strip():
                ctx.error(value_node, sub, "must not be empty")
                ok = False
                continue
            if not _check_characters(ctx, value_node, sub, value_node.value):
                ok = False
                continue
            text = value_node.value if self.prose else _one_line(value_node.value)
            if not self.prose and self._too_long(ctx, value_node, sub, text):
                ok = False
                continue
            ctx.text(value_node, sub, value_node.value)
            texts[lang] = text
        if not texts and ok:
            ctx.error(node, path, "the language map is empty")
            return _INVALID
        if not ok:
            return _INVALID
        ctx.localized.append((path, texts, node))
        return model.Localized.of(texts)

    @staticmethod
    def _too_long(ctx: _Ctx, node: yaml.Node, path: str, line: str) -> bool:
        """Report a name or title longer than the limit (counted on one line, as printed)."""
        if len(line) <= ctx.limits.name_length:
            return False
        ctx.error(node, path, f"too long for a name or title: {len(line):,} characters, at most "
                              f"{ctx.limits.name_length}",
                  "shorten it: names and titles are headings and document properties; "
                  "the limit is set by IAPREPORT_MAX_NAME_LENGTH")
        return True

    def schema(self):
        text: dict[str, Any] = {"type": "string", "minLength": 1}
        if not self.prose:
            text["maxLength"] = MAX_NAME_LENGTH
        lang_map = {"type": "object", "minProperties": 1,
                    "propertyNames": {"pattern": _LANG_RE.pattern},
                    "additionalProperties": text}
        if self.plain:
            return {"oneOf": [text, lang_map], "description": self.doc}
        return {**lang_map, "description": self.doc}


class Boilerplate(Spec):
    """A boilerplate block's override: ``false`` drops it, a language map replaces it."""

    doc = "false to drop the block, or a language map of Markdown replacing it"

    def check(self, ctx, node, path):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            if ctx.loader.construct_object(node) is False:
                return None
            ctx.error(node, path, "only false (drop the block) or a language map is allowed")
            return _INVALID
        return LangMap(prose=True).check(ctx, node, path)

    def schema(self):
        return {"oneOf": [{"const": False}, LangMap(prose=True).schema()], "description": self.doc}


class ImageFile(Spec):
    """A PNG or JPEG file: a path relative to the data file's folder (or absolute), opened and checked."""

    def __init__(self, doc: str = ""):
        self.doc = doc

    def check(self, ctx, node, path):
        text = Str().check(ctx, node, path)
        if text is _INVALID:
            return _INVALID
        base = ctx.base_dir if ctx.base_dir is not None else Path.cwd()
        try:
            return read_image(image_path(text, base))
        except ImageError as exc:
            hint = exc.hint
            if exc.missing and _WINDOWS_DRIVE_RE.match(text) and os.sep == "/":
                hint = "a Windows drive path names no file here: give the path relative to the data file"
            elif exc.missing and not Path(text).is_absolute():
                hint = (f"a relative path starts from the data file's folder, {base}" if ctx.base_dir is not None else
                        f"the data has no file, so a relative path starts from the current directory, {base}")
            ctx.error(node, path, exc.message, hint)
            return _INVALID

    def schema(self):
        return {"type": "string", "minLength": 1, "description": self.doc}


class Bool(Spec):
    def __init__(self, doc: str = ""):
        self.doc = doc

    def check(self, ctx, node, path):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return bool(ctx.loader.construct_object(node))
        found = node.value if isinstance(node, yaml.ScalarNode) else _kind_of(node)
        ctx.error(node, path, f"expected true or false, found {_shown(found)}")
        return _INVALID

    def schema(self):
        return {"type": "boolean", "description": self.doc}


class Labels(Spec):
    """A report's own wording: catalog msgid -> {lang: text, or a list of plural forms}."""

    doc = ("the report's own wording for the publication's fixed text: each key is a message id of the "
           "catalog (its English text, as in locales/iapreport.pot), each value maps a language to the "
           "replacement; for a message with a plural, one text or a list of the language's plural forms")

    def check(self, ctx, node, path):
        from .i18n import label_messages, placeholder_problem, plural_count

        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, path, f"expected a mapping of message ids to language maps, found {_kind_of(node)}")
            return _INVALID
        known = label_messages()
        out: list[model.Label] = []
        ok = True
        for key_node, value_node in _pairs(ctx, node, path):
            msgid = key_node.value
            sub = _join(path, msgid)
            if msgid not in known:
                import difflib  # only when a key is unknown

                close = difflib.get_close_matches(msgid, list(known), n=1, cutoff=0.5) if len(msgid) <= 300 else []
                ctx.error(key_node, sub, f"{_shown(msgid)} is not a message of the catalog",
                          f"did you mean {close[0]!r}?" if close else
                          "the keys are the English texts listed in locales/iapreport.pot")
                ok = False
                continue
            plural, allowed = known[msgid]
            if not isinstance(value_node, yaml.MappingNode):
                ctx.error(value_node, sub, f"expected a language map such as {{en: ..., ru: ...}}, "
                                           f"found {_kind_of(value_node)}")
                ok = False
                continue
            texts: dict[str, tuple[str, ...]] = {}
            for lang_node, text_node in _pairs(ctx, value_node, sub):
                lang = lang_node.value
                where = _join(sub, lang)
                if not _language_key(ctx, lang_node, where):
                    ok = False
                    continue
                if isinstance(text_node, yaml.SequenceNode):
                    if not plural:
                        ctx.error(text_node, where, "this message has no plural: give one text, not a list")
                        ok = False
                        continue
                    expected = plural_count(lang)
                    if len(text_node.value) != expected:
                        ctx.error(text_node, where, f"{lang!r} has {expected} plural forms, found "
                                                    f"{len(text_node.value)}",
                                  "give one text for every form, or a list of exactly that many")
                        ok = False
                        continue
                    items = [(item, f"{where}[{i}]") for i, item in enumerate(text_node.value)]
                else:
                    items = [(text_node, where)]
                forms = []
                for item, item_path in items:
                    text = Str().check(ctx, item, item_path)
                    if text is _INVALID:
                        ok = False
                        continue
                    text = _one_line(text)
                    if LangMap._too_long(ctx, item, item_path, text):
                        ok = False
                        continue
                    problem = placeholder_problem(text, allowed)
                    if problem:
                        ctx.error(item, item_path, problem)
                        ok = False
                        continue
                    ctx.text(item, item_path, text)
                    forms.append(text)
                if len(forms) == len(items):
                    texts[lang] = tuple(forms)
            if not texts and ok:
                ctx.error(value_node, sub, "the language map is empty")
                ok = False
            if texts:
                ctx.localized.append((sub, texts, value_node))
                out.append(model.Label(msgid, tuple(texts.items()), plural))
        return tuple(out) if ok else _INVALID

    def schema(self):
        text = {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH}
        return {"type": "object", "description": self.doc,
                "additionalProperties": {
                    "type": "object", "minProperties": 1, "propertyNames": {"pattern": _LANG_RE.pattern},
                    "additionalProperties": {"oneOf": [text, {"type": "array", "items": text, "minItems": 1}]}}}


class ListOf(Spec):
    def __init__(self, item: Spec, doc: str = "", min_items: int = 0, max_items: int | None = None,
                 why_max: str = ""):
        self.item, self.doc, self.min_items = item, doc, min_items
        self.max_items, self.why_max = max_items, why_max

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.SequenceNode):
            ctx.error(node, path, f"expected a list, found {_kind_of(node)}")
            return _INVALID
        if len(node.value) < self.min_items:
            ctx.error(node, path, f"needs at least {self.min_items} item(s)")
        if self.max_items is not None and len(node.value) > self.max_items:
            ctx.error(node.value[self.max_items], f"{path}[{self.max_items}]",
                      f"at most {self.max_items} items: {self.why_max}")
        out = []
        for index, item in enumerate(node.value):
            ctx.count()
            out.append((item, self.item.check(ctx, item, f"{path}[{index}]")))
        return out

    def schema(self):
        schema = {"type": "array", "items": self.item.schema(), "minItems": self.min_items, "description": self.doc}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return schema


class MapOf(Spec):
    """A mapping whose keys are fixed names, each optional, with one kind of value."""

    def __init__(self, keys: tuple[str, ...], value: Spec, doc: str = ""):
        self.keys, self.value, self.doc = keys, value, doc

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, path, f"expected a mapping, found {_kind_of(node)}")
            return _INVALID
        out = {}
        for key_node, value_node in _pairs(ctx, node, path):
            key = key_node.value
            if key not in self.keys:
                _unknown(ctx, key_node, _join(path, key), key, self.keys)
                continue
            out[key] = self.value.check(ctx, value_node, _join(path, key))
        return out

    def schema(self):
        return {"type": "object", "additionalProperties": False,
                "properties": {key: self.value.schema() for key in self.keys}, "description": self.doc}


@dataclass
class F:
    """A field of an object: its spec and whether it must be present."""

    spec: Spec
    required: bool = True


class Obj(Spec):
    """A mapping with named fields. Each group in `one_of` names fields of which exactly one must
    be given (those fields are then declared not required)."""

    def __init__(self, fields: dict[str, F], doc: str = "", one_of: tuple[tuple[str, ...], ...] = ()):
        self.fields, self.doc, self.one_of = fields, doc, one_of

    def check(self, ctx, node, path):
        if not isinstance(node, yaml.MappingNode):
            ctx.error(node, path or "(top level)", f"expected a mapping, found {_kind_of(node)}")
            return _INVALID
        out: dict[str, Any] = {}
        nodes: dict[str, yaml.Node] = {}
        for key_node, value_node in _pairs(ctx, node, path):
            key = key_node.value
            sub = _join(path, key)
            if key not in self.fields:
                _unknown(ctx, key_node, sub, key, tuple(self.fields))
                continue
            out[key] = self.fields[key].spec.check(ctx, value_node, sub)
            nodes[key] = value_node
        for name, spec in self.fields.items():
            if spec.required and name not in out:
                sub = f"{path}.{name}" if path else name
                ctx.error(node, sub, "is required but missing")
                out[name] = _INVALID
        for group in self.one_of:
            given = [name for name in group if name in nodes]
            if len(given) != 1:
                named = given[1] if len(given) > 1 else group[0]  # the field the position points at
                sub = f"{path}.{named}" if path else named
                where = nodes[given[1]] if len(given) > 1 else node
                either = " or ".join(group)
                ctx.error(where, sub, f"give {either}, not both" if given else f"{either} is required but missing")
                out[group[0]] = _INVALID
        out["__node__"] = node
        out["__nodes__"] = nodes
        return out

    def schema(self):
        out = {
            "type": "object",
            "additionalProperties": False,
            "required": [name for name, f in self.fields.items() if f.required],
            "properties": {name: f.spec.schema() for name, f in self.fields.items()},
            "description": self.doc,
        }
        if self.one_of:
            out["allOf"] = [{"oneOf": [{"required": [name]} for name in group]} for group in self.one_of]
        return out


def _expand_merges(ctx: _Ctx, node: yaml.MappingNode, path: str) -> list[tuple[yaml.Node, yaml.Node]]:
    """Return a mapping's pairs with YAML merge keys (``<<: *defaults``) expanded, own keys first."""
    own: list[tuple[yaml.Node, yaml.Node]] = []
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    ctx.error(source, path, "a merge key (<<) must name a mapping")
                    continue
                merged.extend(_expand_merges(ctx, source, path))
        else:
            own.append((key_node, value_node))
    names = {k.value for k, _ in own if isinstance(k, yaml.ScalarNode)}
    taken: set[str] = set()
    for key_node, value_node in merged:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if name not in names and name not in taken:
            own.append((key_node, value_node))
            taken.add(name)
    return own


def _pairs(ctx: _Ctx, node: yaml.MappingNode, path: str):
    """Yield (key, value) nodes of a mapping, reporting non-string and duplicate keys."""
    seen: dict[str, yaml.Node] = {}
    pairs = node.value
    if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in pairs):
        pairs = _expand_merges(ctx, node, path)
    for key_node, value_node in pairs:
        ctx.count()
        if not isinstance(key_node, yaml.ScalarNode):
            ctx.error(key_node, path, "a key must be a plain name")
            continue
        key = key_node.value
        if key in seen:
            line, _ = _position(seen[key])
            ctx.error(key_node, _join(path, key), f"duplicate key (first given on line {line})")
            continue
        seen[key] = key_node
        yield key_node, value_node


def _unknown(ctx: _Ctx, key_node: yaml.Node, path: str, key: str, known: tuple[str, ...]) -> None:
    import difflib  # only when a key is unknown: not on every build

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6) if len(key) <= 100 else []
    hint = f"did you mean {close[0]!r}?" if close else "allowed here: " + ", ".join(known)
    ctx.error(key_node, path, f"unknown field {_shown(key)}", hint)


EXPERT = Obj({
    "name": F(LangMap("the expert's name", plain=True)),
    "affiliation": F(LangMap("country or organisation the expert represents", plain=True)),
}, "a member of the assessment team")

MEETING = Obj({
    "number": F(Int("the meeting's number, e.g. 19")),
    "start": F(Date("first day (ISO date)")),
    "end": F(Date("last day (ISO date)")),
    "place": F(LangMap("city, or e.g. Online", plain=True)),
    "experts": F(ListOf(EXPERT, "who prepared the assessment", min_items=1)),
    "sources": F(LangMap("Markdown: what the assessment is based on", prose=True), required=False),
    "name": F(LangMap("the meeting's own name, e.g. 13th ACN Istanbul Action Plan Monitoring Meeting; "
                      "with it, the meeting's headings give the name and the full dates", plain=True),
              required=False),
    "report_due": F(Date("when the government's report was due"), required=False),
    "report_submitted": F(Date("when the government's report was submitted"), required=False),
    "report_submitted_by": F(LangMap("who submitted the government's report", plain=True), required=False),
    "reviewed_by": F(LangMap("who reviewed the report and drafted the assessment", plain=True), required=False),
    "adopted_by": F(LangMap("the plenary that adopted the update", plain=True), required=False),
    "adopted_on": F(Date("when the update was adopted"), required=False),
}, "a monitoring meeting")

UPDATE = Obj({
    "meeting": F(Int("number of a meeting defined under meetings")),
    "rating": F(Str("a value of the report's rating scale",
                    choices=lambda: sorted({v for scale in scales().values() for v in scale.values}))),
    "government_report": F(LangMap("Markdown: the government's report", prose=True)),
    "assessment": F(LangMap("Markdown: the assessment of progress", prose=True)),
    "conclusion": F(LangMap("Markdown: the concluding sentence; generated from the rating when absent",
                            prose=True), required=False),
}, "what one meeting found about the recommendation")

RECOMMENDATION = Obj({
    "number": F(Number(), required=False),
    "numbers": F(ListOf(Number(), "the numbers of the recommendations one section covers at once, "
                                  "e.g. [\"1.1\", \"1.2\"]", min_items=2, max_items=50,
                        why_max="a section covers a few recommendations"), required=False),
    "title": F(LangMap("short title used in the summary table (and in headings that show it)")),
    "text": F(LangMap("Markdown: the recommendation", prose=True)),
    "updates": F(ListOf(UPDATE, "one per meeting, in meeting order"), required=False),
}, "a recommendation of the monitoring report (or a section covering several)", one_of=(("number", "numbers"),))

CHAPTER = Obj({
    "number": F(Number()),
    "title": F(LangMap("the chapter's title")),
    "recommendations": F(ListOf(RECOMMENDATION, min_items=1)),
}, "a chapter (or pillar)")

REPORT = Obj({
    "format": F(Const(model.FORMAT, "the data format and its version")),
    "country": F(Str("ISO 3166 alpha-2 country code, e.g. KZ", _COUNTRY_RE, "two capital letters, e.g. KZ")),
    "round": F(Int("the monitoring round, e.g. 4")),
    "original_language": F(Str("language the report was written in; other editions are translations",
                               _LANG_RE, "a language code such as ru"), required=False),
    "country_name": F(LangMap("overrides the country's name from the locale data", plain=True), required=False),
    "title": F(LangMap("overrides the document type line (\"Progress update\")"), required=False),
    "date": F(Date("publication date; defaults to the last meeting's end"), required=False),
    "chapter_label": F(LangMap("the word heading a chapter (e.g. Pillar); default Chapter", plain=True),
                       required=False),
    "rating_scale": F(Str("name of the rating scale; default progress", choices=lambda: sorted(scales())),
                      required=False),
    "boilerplate": F(MapOf(BOILERPLATE_BLOCKS, Boilerplate(), "override or drop the standard blocks"),
                     required=False),
    "logos": F(ListOf(ImageFile("a PNG or JPEG file: its path relative to the data file, or absolute"),
                      "the publisher's logos, in a row at the top of the cover; [] for none, not even the "
                      "theme's"), required=False),
    "meetings": F(ListOf(MEETING, "monitoring meetings, in order", min_items=1, max_items=MAX_MEETINGS,
                         why_max="the summary table has a column per meeting, and beyond that the columns "
                                 "are narrower than a letter (keep the latest meetings)")),
    "chapters": F(ListOf(CHAPTER, "chapters in publication order", min_items=1), required=False),
    "recommendations": F(ListOf(RECOMMENDATION, "for a report without chapters: the recommendations in "
                                                "publication order", min_items=1), required=False),
    "contents_meetings": F(Bool("the table of contents lists each meeting under each recommendation "
                                "(default false)"), required=False),
    "assessed_round": F(Int("the round whose recommendations the update assesses, when not this one's"),
                        required=False),
    "contact": F(MapOf(CONTACT_LINES, Str("a line of the publisher's contact block"),
                       "the publisher's phone, fax, e-mail and website; each given replaces the standard one, "
                       "and fax is printed only when given"), required=False),
    "labels": F(Labels(), required=False),
    "straight_quotes": F(ListOf(Str("a Markdown field's path as messages give it, without the language, e.g. "
                                    "chapters[0].recommendations[2].text"),
                                "Markdown fields whose straight quotes are printed as typed, not as the "
                                "language's quotation marks"), required=False),
}, "an iapreport/1 progress update", one_of=(("chapters", "recommendations"),))


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the iapreport/1 format."""
    schema = REPORT.schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://iapreport.invalid/schema/iapreport-1.json",
            "title": "iapreport/1 report data", **schema}


# --------------------------------------------------------------------------------------------
# Reading


def _ok(*values: Any) -> bool:
    return all(v is not _INVALID for v in values)


_SURROGATE_PAIR_RE = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.I)


def _join_surrogate_pairs(text: str) -> str:
    """Replace JSON's escaped surrogate pairs (how json.dumps writes 😀) by the character itself.

    JSON allows them; the YAML reader that gives us positions does not. Lines stay where they are.
    """
    def join(match: re.Match[str]) -> str:
        high, low = int(match.group(2), 16), int(match.group(3), 16)
        return match.group(1) + chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))

    return _SURROGATE_PAIR_RE.sub(join, text)


class _LimitError(Exception):
    """A limit crossed while composing: where, at which field, and what to say."""

    def __init__(self, mark, path: str, message: str, hint: str | None = None):
        self.mark, self.path, self.message, self.hint = mark, path, message, hint
        super().__init__(message)


class _Frame:
    """A list or mapping being composed: its node and what it expands to so far."""

    __slots__ = ("node", "anchor", "values", "characters", "height", "key")

    def __init__(self, node: yaml.Node, anchor: str | None):
        self.node, self.anchor = node, anchor
        self.values, self.characters, self.height = 1, 0, 1
        self.key: yaml.Node | None = None  # a mapping's key waiting for its value


def _frame_path(stack: list[_Frame]) -> str:
    """The dotted path of the value being composed (``chapters[0].title``)."""
    path = ""
    for frame in stack:
        if isinstance(frame.node, yaml.SequenceNode):
            path += f"[{len(frame.node.value)}]"
        elif (frame.key is not None and isinstance(frame.key, yaml.ScalarNode)
              and frame.key.tag != "tag:yaml.org,2002:merge"):
            path = _join(path, frame.key.value)
    return path if len(path) <= 100 else path[:100] + "…"


def _compose(loader: yaml.SafeLoader, limits: Limits) -> yaml.Node | None:
    """Return the single document of `loader`'s stream as nodes, as PyYAML's composer does, but
    bounding what it expands to as it goes: values, the characters aliases repeat, the length of a
    text and depth, every alias counting the whole value it repeats (a merge key's alias
    included). A limit crossed raises `_LimitError` at once, located where it is crossed and
    naming the alias that crosses it, before anything is expanded; an alias inside the value it
    names (which would contain itself) is refused the same way."""
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        loader.get_event()
        return None
    document = loader.get_event()
    #: anchor -> (node, values, characters, height) of each value anchored so far
    anchors: dict[str, tuple[yaml.Node, int, int, int]] = {}
    stack: list[_Frame] = []
    values = repeated = 0  # values in all, characters that aliases repeat
    root: yaml.Node | None = None

    def crossed(mark, message: str, variable: str, hint: str | None = None) -> _LimitError:
        limit_hint = f"the limit is set by IAPREPORT_{variable}"
        return _LimitError(mark, _frame_path(stack), message, f"{hint}; {limit_hint}" if hint else limit_hint)

    while True:
        event = loader.get_event()
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            frame = stack.pop()
            node, size = frame.node, (frame.values, frame.characters, frame.height)
            node.end_mark = event.end_mark
            if frame.anchor is not None:
                anchors[frame.anchor] = (node, *size)
        elif isinstance(event, yaml.AliasEvent):
            name = event.anchor
            if name not in anchors:
                if any(frame.anchor == name for frame in stack):
                    raise _LimitError(event.start_mark, _frame_path(stack),
                                      f"the alias *{name} is inside the value anchored &{name}, which would "
                                      "contain itself", "an alias can only repeat a value complete before it")
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {name!r}", event.start_mark)
            node, *size = anchors[name]
            line = node.start_mark.line + 1
            if values + size[0] > limits.values:
                raise crossed(event.start_mark, f"the file expands to more than {limits.values:,} values at the "
                              f"alias *{name}, which repeats the {size[0]:,} values anchored &{name} on line {line}",
                              "MAX_VALUES", "YAML aliases (*name) that repeat large blocks are not supported")
            if repeated + size[1] > limits.alias_characters:
                raise crossed(event.start_mark, f"aliases repeat more than {limits.alias_characters:,} characters of "
                              f"text in all at the alias *{name}, which repeats the {size[1]:,} characters "
                              f"anchored &{name} on line {line}", "MAX_ALIAS_CHARACTERS",
                              "YAML aliases (*name) that repeat long texts are not supported: write the text out")
            if len(stack) + size[2] > limits.depth:
                raise crossed(event.start_mark, f"the alias *{name} nests the value anchored &{name} on line {line} "
                              f"more than {limits.depth} levels deep", "MAX_DEPTH")
            values, repeated = values + size[0], repeated + size[1]
        else:
            anchor = event.anchor
            if anchor is not None and (anchor in anchors or any(frame.anchor == anchor for frame in stack)):
                first = anchors[anchor][0] if anchor in anchors else next(f.node for f in stack if f.anchor == anchor)
                raise yaml.composer.ComposerError(f"found duplicate anchor {anchor!r}; first occurrence",
                                                  first.start_mark, "second occurrence", event.start_mark)
            values += 1
            if values > limits.values:
                raise crossed(event.start_mark, f"the file holds more than {limits.values:,} values", "MAX_VALUES",
                              "split the report")
            tag = event.tag
            if isinstance(event, yaml.ScalarEvent):
                if tag is None or tag == "!":
                    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
                length = len(event.value)
                if length > limits.text_length:
                    raise crossed(event.start_mark, f"a text of {length:,} characters, more than the "
                                  f"{limits.text_length:,} a text may have", "MAX_TEXT_LENGTH")
                size = (1, length, 0)
                if anchor is not None:
                    anchors[anchor] = (node, *size)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= limits.depth:
                    raise crossed(event.start_mark, f"nested more than {limits.depth} levels deep", "MAX_DEPTH")
                sequence = isinstance(event, yaml.SequenceStartEvent)
                kind = yaml.SequenceNode if sequence else yaml.MappingNode
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                stack.append(_Frame(kind(tag, [], event.start_mark, None, flow_style=event.flow_style), anchor))
                continue
            else:  # pragma: no cover - the parser gives no other event inside a document
                raise yaml.composer.ComposerError(None, None, f"unexpected {type(event).__name__}", event.start_mark)
        # a value is complete (`node`, expanding to `size`): add it to the collection holding it
        if not stack:
            root = node
            break
        parent = stack[-1]
        parent.values += size[0]
        parent.characters += size[1]
        parent.height = max(parent.height, size[2] + 1)
        if isinstance(parent.node, yaml.SequenceNode):
            parent.node.value.append(node)
        elif parent.key is None:
            parent.key = node
        else:
            parent.node.value.append((parent.key, node))
            parent.key = None
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        raise yaml.composer.ComposerError("expected a single document in the stream", document.start_mark,
                                          "but found another document", event.start_mark)
    loader.get_event()
    return root


def _parse(text: str, file: str, is_json: bool, ctx_problems: list[Problem],
           limits: Limits | None = None) -> tuple[yaml.Node | None, yaml.SafeLoader | None]:
    if limits is None:
        limits = current_limits()[0]
    if is_json:
        import json  # only for JSON input

        text = _join_surrogate_pairs(text)
        try:  # numbers stay text: Python refuses to read an integer of more than 4,300 digits
            json.loads(text, parse_int=str, parse_float=str)
        except json.JSONDecodeError as exc:
            ctx_problems.append(Problem(file, exc.lineno, exc.colno, "", f"JSON syntax error: {exc.msg}"))
            return None, None
        except RecursionError:
            pass  # nested too deeply for the json module: composing says where
    loader = _Loader(text)
    try:
        node = _compose(loader, limits)
    except _LimitError as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
        ctx_problems.append(Problem(file, line, column, exc.path, exc.message, exc.hint))
        return None, None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(filter(None, [exc.context, exc.problem]))
        kind = "JSON" if is_json else "YAML"
        ctx_problems.append(Problem(file, line, column, "", f"{kind} syntax error: {message}"))
        return None, None
    except yaml.YAMLError as exc:
        ctx_problems.append(Problem(file, 1, 1, "", f"YAML error: {exc}"))
        return None, None
    except RecursionError:
        ctx_problems.append(Problem(file, 1, 1, "", "the file is nested too deeply"))
        return None, None
    if node is None:
        ctx_problems.append(Problem(file, 1, 1, "", "the file is empty"))
        return None, None
    return node, loader


def _size_text(size: int) -> str:
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 and size % (1024 * 1024) == 0 else f"{size:,} bytes"


def _too_large(file: str, limits: Limits) -> LoadResult:
    return LoadResult(None, [Problem(file, 1, 1, "", f"the file is larger than {_size_text(limits.file_size)}",
                                     "split the report, or check that this is the right file; the limit is "
                                     "set by IAPREPORT_MAX_FILE_SIZE")])


def _with_settings(result: LoadResult, file: str, bad: list[str]) -> LoadResult:
    """Add a warning for each limit variable whose setting was refused."""
    if bad:
        result.problems[:0] = [Problem(file, 1, 1, "", message, severity="warning") for message in bad]
    return result


def load_text(text: str, file: str = "<string>", *, is_json: bool | None = None,
              base_dir: str | Path | None = None) -> LoadResult:
    """Validate report data given as text; return the report and every problem found.

    Relative image paths (``logos``) start from `base_dir`; by default from the folder of `file`
    when it names a file, else from the current directory (and messages say so).
    """
    if base_dir is None and os.path.isfile(file):
        base_dir = Path(file).parent
    if is_json is None:
        is_json = file.endswith(".json")
    limits, bad = current_limits()
    return _with_settings(_load_text(text, file, is_json, base_dir, limits), file, bad)


def _load_text(text: str, file: str, is_json: bool, base_dir: str | Path | None, limits: Limits) -> LoadResult:
    problems: list[Problem] = []
    if len(text) > limits.file_size or len(text.encode("utf-8", "surrogatepass")) > limits.file_size:
        return _too_large(file, limits)
    node, loader = _parse(text, file, is_json, problems, limits)
    if node is None or loader is None:
        return LoadResult(None, problems)
    ctx = _Ctx(file, loader, Path(os.path.abspath(base_dir)) if base_dir is not None else None, limits)
    ctx.source = text
    try:
        raw = REPORT.check(ctx, node, "")
    except _TooBig:
        return LoadResult(None, [Problem(file, 1, 1, "", f"the file expands to more than {limits.values:,} values",
                                         "YAML aliases (*name) that repeat large blocks are not supported; "
                                         "the limit is set by IAPREPORT_MAX_VALUES")])
    except RecursionError:
        return LoadResult(None, [Problem(file, 1, 1, "", "the file is nested too deeply")])
    report = None
    if raw is not _INVALID:
        report = _build(ctx, raw)
    if report is not None:
        _check_languages(ctx, report, raw["__nodes__"])
    problems = sorted(ctx.problems, key=lambda p: (p.line, p.column, p.severity))
    if any(p.severity == "error" for p in problems):
        report = None
    return LoadResult(report, problems, ctx.texts)


class _Unreadable(Exception):
    pass


_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
               (stat.S_ISSOCK, "a socket"))


def _refuse_irregular(mode: int) -> None:
    """Raise _Unreadable unless `mode` is a regular file's."""
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise _Unreadable("cannot read the file: it is a folder")
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "not a file")
    raise _Unreadable(f"cannot read the file: it is {kind}, not a regular file")


def _read_file(name: str, limits: Limits) -> bytes:
    """Return the bytes of the regular file `name`, or raise _Unreadable (or _TooBig beyond the
    size limit). A pipe, device or socket is refused without being opened for reading, so that
    nothing waits for a writer; at most one byte beyond the limit is ever read, whatever size the
    file declares."""
    try:
        _refuse_irregular(os.stat(name).st_mode)
        # O_NONBLOCK: should a pipe replace the file after `stat`, opening it does not wait
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(name, flags)
        try:
            info = os.fstat(fd)
            _refuse_irregular(info.st_mode)
            if info.st_size > limits.file_size:  # refused before reading it into memory
                raise _TooBig()
            with os.fdopen(fd, "rb") as stream:
                fd = -1
                data = stream.read(limits.file_size + 1)
        finally:
            if fd >= 0:
                os.close(fd)
    except (OSError, ValueError) as exc:  # ValueError: a name with a NUL character
        raise _Unreadable(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) > limits.file_size:  # it grew, or declared less than it has
        raise _TooBig()
    return data


def read_limited(path: str | Path) -> bytes:
    """Return the bytes of the regular file `path` under the data files' limits (size; not a
    pipe or device): what a theme file is read with too. Raises ValueError with the reason."""
    limits, _ = current_limits()
    try:
        return _read_file(str(path), limits)
    except _TooBig:
        raise ValueError(f"cannot read the file: it is larger than {_size_text(limits.file_size)}") from None
    except _Unreadable as exc:
        raise ValueError(str(exc)) from None


def parse_yaml(text: str, file: str) -> Any:
    """Return the values of the YAML `text`, composed under the data files' limits (what aliases
    and merge keys repeat, nesting): for files other than reports, such as themes. Raises
    DataError with the located problems."""
    limits, _ = current_limits()
    problems: list[Problem] = []
    node, loader = _parse(text, file, False, problems, limits)
    if node is None:
        raise DataError(problems)
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_file(path: str | Path) -> LoadResult:
    """Validate a report data file; return the report and every problem found.

    Never raises for bad content: unreadable files, and anything that is not a regular file
    (a folder, a pipe, a device), are reported as problems too.
    """
    name = str(path)
    limits, bad = current_limits()
    try:
        data = _read_file(name, limits)
    except _TooBig:
        return _with_settings(_too_large(name, limits), name, bad)
    except _Unreadable as exc:
        return _with_settings(LoadResult(None, [Problem(name, 1, 1, "", str(exc))]), name, bad)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return _with_settings(LoadResult(None, [Problem(name, line, column, "", "the file is not valid UTF-8",
                                                        "save it as UTF-8")]), name, bad)
    result = _load_text(text, name, name.lower().endswith(".json"), Path(path).parent, limits)
    return _with_settings(result, name, bad)


def load_data(data: Any, file: str = "<data>", *, base_dir: str | Path | None = None) -> LoadResult:
    """Validate report data given as Python values (the mapping `json.load` or `yaml.safe_load`
    returns); return the report and every problem found.

    The values are validated as the JSON text they make, by the rules of a data file: the same
    messages, naming the same fields (``chapters[0].title.en``); lines and columns count in that
    text, one value a line. Dates may be ISO strings or `datetime.date` values (as
    `yaml.safe_load` gives them). A value JSON cannot hold (a set, an object, NaN, a key that is not
    text) is a problem at its field. Relative image paths start from `base_dir`, by default as
    `load_text` has them (from the current directory unless `file` names a file).
    """
    problems: list[Problem] = []
    try:
        plain = _plain(data, "", file, problems, current_limits()[0])
    except RecursionError:
        return LoadResult(None, [Problem(file, 1, 1, "", "the data is nested too deeply (or contains itself)")])
    if problems:
        return LoadResult(None, problems)
    text = json.dumps(plain, ensure_ascii=False, indent=1, allow_nan=False)
    return load_text(text, file, is_json=True, base_dir=base_dir)


def _python_value(value: Any) -> str:
    """Return how a message shows a Python value: its repr, cut when long, its type when even
    that fails (an integer of more than 4,300 digits has no repr)."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any object's repr may fail
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:60] + "…"


def _plain(value: Any, path: str, file: str, problems: list[Problem], limits: Limits) -> Any:
    """Return `value` as JSON holds it (a date as its ISO text), adding a problem for each value at
    `path` or below that JSON cannot hold."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** limits.number_length:
        problems.append(Problem(file, 1, 1, path, f"number too long: more than {limits.number_length} digits",
                                "check the value; the limit is set by IAPREPORT_MAX_NUMBER_LENGTH"))
        return None
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        problems.append(Problem(file, 1, 1, path, f"expected a number, found {value!r}"))
    elif isinstance(value, _dt.date):
        return value.isoformat()
    elif isinstance(value, Mapping):
        plain = {}
        for key, item in value.items():
            if isinstance(key, str):
                plain[key] = _plain(item, _join(path, key), file, problems, limits)
            else:
                problems.append(Problem(file, 1, 1, path, f"expected text as a key, found {_python_value(key)}"))
        return plain
    elif isinstance(value, (list, tuple)):
        return [_plain(item, f"{path}[{index}]", file, problems, limits) for index, item in enumerate(value)]
    else:
        problems.append(Problem(file, 1, 1, path, "expected text, a number, a date, a list or a mapping, "
                                                  f"found a {type(value).__name__}"))
    return None


def load(path: str | Path, *, strict: bool = False) -> model.Report:
    """Return the validated report in `path`, or raise DataError listing every problem.

    With `strict`, warnings (such as prose missing in one language) are errors too.
    """
    result = load_file(path)
    bad = result.problems if strict else result.errors
    if bad or result.report is None:
        raise DataError(bad or result.problems)
    return result.report


# --------------------------------------------------------------------------------------------
# Cross-field rules and the typed model


def _build(ctx: _Ctx, raw: dict[str, Any]) -> model.Report | None:
    nodes = raw["__nodes__"]
    scale_name = raw.get("rating_scale", DEFAULT_SCALE)
    known_scales = scales()
    scale = None
    if scale_name is not _INVALID:
        scale = known_scales.get(scale_name)
        if scale is None:
            ctx.error(nodes["rating_scale"], "rating_scale", f"unknown rating scale {_shown(scale_name)}",
                      "known scales: " + ", ".join(known_scales))

    country = raw["country"]
    if _ok(country) and "country_name" not in raw:
        from babel import Locale  # only needed for this check

        if country in _NOT_COUNTRIES or country not in Locale("en").territories:
            ctx.error(nodes["country"], "country", f"{country!r} is not an ISO 3166 country code",
                      "for a code the locale data lacks (e.g. XK), give country_name too")

    meetings: list[model.Meeting] = []
    meeting_numbers: dict[int, yaml.Node] = {}
    previous_start: _dt.date | None = None
    if _ok(raw["meetings"]):
        for index, (node, m) in enumerate(raw["meetings"]):
            path = f"meetings[{index}]"
            if not _ok(m):
                continue
            mn = m["__nodes__"]
            _unique(ctx, meeting_numbers, m["number"], mn.get("number"), f"{path}.number", "meeting")
            if _ok(m["start"], m["end"]) and m["end"] < m["start"]:
                ctx.error(mn["end"], f"{path}.end",
                          f"the meeting ends ({m['end']}) before it starts ({m['start']})")
            if _ok(m["start"]) and previous_start is not None and m["start"] <= previous_start:
                ctx.error(mn["start"], f"{path}.start",
                          f"meetings must be in chronological order: this one starts on {m['start']}, "
                          f"not after the one before ({previous_start})",
                          "the summary table has a column per meeting in file order")
            if _ok(m["start"]):
                previous_start = m["start"]
            experts = []
            if _ok(m["experts"]):
                for _, e in m["experts"]:
                    if _ok(e) and _ok(e["name"], e["affiliation"]):
                        experts.append(model.Expert(e["name"], e["affiliation"]))
            facts = {name: m.get(name) for name in _MEETING_FACTS}
            if _ok(m["end"], facts["report_submitted"]) and facts["report_submitted"] is not None \
                    and facts["report_submitted"] > m["end"]:
                ctx.error(mn["report_submitted"], f"{path}.report_submitted",
                          f"the report is submitted ({facts['report_submitted']}) after the meeting ends ({m['end']})")
            if _ok(m["end"], facts["report_due"]) and facts["report_due"] is not None and facts["report_due"] > m["end"]:
                ctx.error(mn["report_due"], f"{path}.report_due",
                          f"the report is due ({facts['report_due']}) after the meeting ends ({m['end']})")
            if _ok(m["start"], facts["adopted_on"]) and facts["adopted_on"] is not None \
                    and facts["adopted_on"] < m["start"]:
                ctx.error(mn["adopted_on"], f"{path}.adopted_on",
                          f"the update is adopted ({facts['adopted_on']}) before the meeting starts ({m['start']})")
            if _ok(m["number"], m["start"], m["end"], m["place"], m["experts"], m.get("sources"), *facts.values()):
                meetings.append(model.Meeting(m["number"], m["start"], m["end"], m["place"],
                                              tuple(experts), m.get("sources"), **facts))

    chapters: list[model.Chapter] = []
    chapter_numbers: dict[str, yaml.Node] = {}
    rec_numbers: dict[str, yaml.Node] = {}

    def recommendations(items: list, prefix: str) -> list[model.Recommendation]:
        recs: list[model.Recommendation] = []
        for ri, (_, r) in enumerate(items):
            rpath = f"{prefix}recommendations[{ri}]"
            if not _ok(r):
                continue
            rn = r["__nodes__"]
            numbers: tuple[str, ...] = ()
            if "numbers" in r and _ok(r["numbers"]):
                for ni, (node, number) in enumerate(r["numbers"]):
                    _unique(ctx, rec_numbers, number, node, f"{rpath}.numbers[{ni}]", "recommendation")
                numbers = tuple(number for _, number in r["numbers"])
                if not _ok(*numbers):
                    numbers = ()
            elif "number" in r and _ok(r["number"]):
                _unique(ctx, rec_numbers, r["number"], rn.get("number"), f"{rpath}.number", "recommendation")
                numbers = (r["number"],)
            updates = _updates(ctx, r.get("updates", []), rpath, meeting_numbers, scale)
            if updates is not None and numbers and _ok(r["title"], r["text"]):
                recs.append(model.Recommendation(number_label(numbers), r["title"], r["text"], updates, numbers))
        return recs

    if "recommendations" in raw and _ok(raw["recommendations"]):
        chapters.append(model.Chapter("", None, tuple(recommendations(raw["recommendations"], ""))))
    elif "chapters" in raw and _ok(raw["chapters"]):
        for ci, (_, c) in enumerate(raw["chapters"]):
            cpath = f"chapters[{ci}]"
            if not _ok(c):
                continue
            cn = c["__nodes__"]
            _unique(ctx, chapter_numbers, c["number"], cn.get("number"), f"{cpath}.number", "chapter")
            recs = recommendations(c["recommendations"], f"{cpath}.") if _ok(c["recommendations"]) else []
            if _ok(c["number"], c["title"]):
                chapters.append(model.Chapter(c["number"], c["title"], tuple(recs)))

    if ctx.problems and any(p.severity == "error" for p in ctx.problems):
        return None
    assessed = raw.get("assessed_round")
    if _ok(assessed, raw["round"]) and assessed is not None and assessed > raw["round"]:
        ctx.error(nodes["assessed_round"], "assessed_round",
                  f"round {raw['round']} cannot assess the recommendations of a later round ({assessed})",
                  "give the round whose recommendations this update assesses, or leave it out")
    boilerplate = raw.get("boilerplate", {})
    logos = raw.get("logos")
    return model.Report(
        country=country,
        round=raw["round"],
        meetings=tuple(meetings),
        chapters=tuple(chapters),
        original_language=raw.get("original_language"),
        country_name=raw.get("country_name"),
        title=raw.get("title"),
        chapter_label=raw.get("chapter_label"),
        rating_scale=scale_name,
        date=raw.get("date"),
        boilerplate=tuple((k, v) for k, v in boilerplate.items()),
        logos=None if logos is None else tuple(logo for _, logo in logos),
        contents_meetings=raw.get("contents_meetings", False),
        assessed_round=raw.get("assessed_round"),
        contact=tuple((name, raw["contact"][name]) for name in CONTACT_LINES if name in raw.get("contact", {})),
        labels=raw.get("labels", ()),
        straight_quotes=tuple(value for _, value in raw.get("straight_quotes", [])),
        source=ctx.file,
    )


_MEETING_FACTS = ("name", "report_due", "report_submitted", "report_submitted_by", "reviewed_by", "adopted_by",
                  "adopted_on")


def number_label(numbers: tuple[str, ...]) -> str:
    """Return how a section's recommendation numbers print: ``1.3``; ``1.1–1.2`` for a run of
    consecutive numbers (same prefix, last parts one apart); ``2.1, 2.3`` otherwise."""
    if len(numbers) == 1:
        return numbers[0]
    parts = [n.rsplit(".", 1) if "." in n else ["", n] for n in numbers]
    consecutive = all(p[0] == parts[0][0] and p[1].isdigit() for p in parts) and all(
        int(b[1]) == int(a[1]) + 1 for a, b in zip(parts, parts[1:]))
    return f"{numbers[0]}–{numbers[-1]}" if consecutive else ", ".join(numbers)


def _unique(ctx: _Ctx, seen: dict[str, yaml.Node], value: Any, node: yaml.Node | None, path: str, what: str) -> None:
    if not _ok(value):
        return
    if value in seen:
        line, _ = _position(seen[value])
        ctx.error(node, path, f"duplicate {what} number {value} (first on line {line})",
                  f"{what} numbers must be unique in a report")
    else:
        seen[value] = node


def _updates(ctx: _Ctx, raw: Any, rpath: str, meetings: dict[int, yaml.Node], scale) -> tuple[model.Update, ...] | None:
    if not _ok(raw):
        return None
    out: list[model.Update] = []
    seen: dict[int, yaml.Node] = {}
    ok = True
    for ui, (_, u) in enumerate(raw):
        upath = f"{rpath}.updates[{ui}]"
        if not _ok(u):
            ok = False
            continue
        un = u["__nodes__"]
        if _ok(u["meeting"]):
            if u["meeting"] not in meetings:
                ctx.error(un["meeting"], f"{upath}.meeting", f"no meeting number {u['meeting']} is defined",
                          "defined meetings: " + (", ".join(str(n) for n in meetings) or "none"))
                ok = False
            elif u["meeting"] in seen:
                line, _ = _position(seen[u["meeting"]])
                ctx.error(un["meeting"], f"{upath}.meeting",
                          f"a second update for meeting {u['meeting']} (first on line {line})")
                ok = False
            else:
                seen[u["meeting"]] = un["meeting"]
        if _ok(u["rating"]) and scale is not None and u["rating"] not in scale.values:
            import difflib  # only when a rating is unknown: not on every build

            rating = u["rating"]
            close = difflib.get_close_matches(rating, scale.values, n=1, cutoff=0.6) if len(rating) <= 100 else []
            hint = (f"did you mean {close[0]!r}? " if close else "") + "allowed: " + ", ".join(scale.values)
            ctx.error(un["rating"], f"{upath}.rating", f"unknown rating {_shown(u['rating'])}", hint)
            ok = False
        if ok and _ok(u["meeting"], u["rating"], u["government_report"], u["assessment"], u.get("conclusion")):
            out.append(model.Update(u["meeting"], u["rating"], u["government_report"], u["assessment"],
                                    u.get("conclusion")))
        else:
            ok = False
    return tuple(out) if ok else None


def _check_languages(ctx: _Ctx, report: model.Report, nodes: dict[str, yaml.Node]) -> None:
    """Warn, per language, where a field lacks a language the rest of the report is written in."""
    languages: list[str] = []
    for _, texts, _ in ctx.localized:
        for lang in texts:
            if lang not in languages:
                languages.append(lang)
    original = report.original_language
    if original and languages and original not in languages:
        ctx.error(nodes.get("original_language"), "original_language",
                  f"the data has no {original!r} text, so every edition will say it is a translation",
                  "check the code (e.g. ru), or add the original text", severity="warning")
    for path, texts, node in ctx.localized:
        for lang in languages:
            if lang not in texts:
                ctx.error(node, path, f"no {lang!r} text (the report is written in {', '.join(languages)})",
                          f"add '{lang}:', or build without that language", severity="warning")


def report_languages(report: model.Report) -> tuple[str, ...]:
    """Return the languages the report's data is written in, in order of first use."""
    seen: list[str] = []

    def add(loc: model.Localized | None) -> None:
        if loc is not None:
            for lang in loc.languages:
                if lang not in seen:
                    seen.append(lang)

    for _, rec in report.recommendations():
        add(rec.title)
        add(rec.text)
    for chapter in report.chapters:
        add(chapter.title)
    return tuple(seen)
