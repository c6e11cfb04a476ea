"""The PDF file and its fonts, through reportlab: the one module of iapreport that imports it.

The PDF writer's own layout (`_lines`, `pdf`) talks to this module through a narrow seam:

- the *metrics* side, `read_font`: a TrueType file's PostScript name, the characters it covers
  and their advance widths, as plain Python values (no reportlab type crosses the seam);
- the *drawing* side, `Canvas`: show a line of runs with its word spacing, fill and stroke
  rectangles, a dotted leader, links, destinations, outline entries, images, end a page, save.

Everything that is the file itself is reportlab's: page content streams, TrueType embedding and
subsetting with ToUnicode maps, URI and internal links, the outline, the info dictionary,
``/Lang``, compression and invariant (byte-identical) output. Only reportlab's public API is used.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from urllib.parse import quote
from pathlib import Path
from typing import BinaryIO, Iterable, NamedTuple

__all__ = ["FontProgram", "FontReadError", "read_font", "reader_identity", "Canvas", "Info"]

# reportlab is imported where it is used: validation needs only coverages, which the user cache
# holds (`fonts.coverage_of`), and should not pay for importing reportlab (and PIL) to read them.


class FontReadError(Exception):
    """A font file reportlab cannot use (not TrueType, damaged, or without outlines)."""


class FontProgram(NamedTuple):
    """What the layout needs to know of a TrueType face: plain values, read once."""

    #: the name the drawing side knows the face by (unique for each file's contents)
    handle: str
    #: the face's PostScript name, as the PDF shows it
    postscript_name: str
    #: advance width of each character the face covers, in thousandths of the font size
    widths: dict[str, float]
    #: advance width of a character the face does not cover
    default_width: float
    #: every character with a glyph
    coverage: frozenset[str]


_lock = threading.Lock()
#: file identity (path, size, modification time) -> the program read from it
_programs: dict[tuple[str, int, int], FontProgram] = {}


def read_font(path: Path) -> FontProgram:
    """Read the TrueType face in `path` (once per file version) and register it for drawing.

    Raises FontReadError for a file reportlab cannot embed.
    """
    stat = path.stat()
    identity = (str(path), stat.st_size, stat.st_mtime_ns)
    with _lock:
        program = _programs.get(identity)
        if program is not None:
            return program
        # named after the file version, not the order of reading: a build reads fonts in any order
        handle = "iap-" + hashlib.sha1(repr(identity).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        try:
            font = TTFont(handle, str(path))
        except (TTFError, OSError, ValueError, KeyError, IndexError) as exc:
            raise FontReadError(str(exc)) from exc
        pdfmetrics.registerFont(font)
        face = font.face  # the parsed face: its public tables of glyphs and widths
        name = face.name.decode("latin-1") if isinstance(face.name, bytes) else str(face.name)
        widths = {chr(code): float(width) for code, width in face.charWidths.items()}
        program = FontProgram(handle, name, widths, float(face.defaultWidth),
                              frozenset(map(chr, face.charToGlyph)))
        _programs[identity] = program
        return program


def reader_identity() -> tuple:
    """What identifies the font reader's results (reportlab's installed version), found without
    importing reportlab: part of the key of what the user cache keeps of a face."""
    import importlib.util

    from .. import cache

    spec = importlib.util.find_spec("reportlab")
    return cache.file_identity(spec.origin) if spec is not None and spec.origin else ()


class Info(NamedTuple):
    """The document information dictionary and catalog language."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    language: str
    #: CreationDate and ModDate, as a PDF date string ("D:20181231000000+00'00'")
    date: str


#: text that every PDF reader reads back as written from PDFDocEncoding: printable ASCII
_PLAIN_ASCII = re.compile(r"[\x20-\x7e]*")


@functools.cache
def _utf16_string():
    """reportlab's text string class, made to write UTF-16 whatever the text.

    reportlab writes a text string (title, outline entry, /Lang) in PDFDocEncoding whenever its
    codec can encode it, and that codec also encodes U+007F and U+00AD (a soft hyphen pasted from
    Word), which PDFDocEncoding leaves undefined, and "þÿ..." as bytes readers take for a UTF-16
    byte-order mark. Its public `PDFString(text, enc=...)` with an encoding other than "auto"
    writes UTF-16BE with a byte-order mark, which reads back exactly; reportlab re-wraps what it
    is given in `PDFString` and keeps our choice. `str()` gives the text, since reportlab digests
    the info entries with `str()` (so the file stays byte-identical between runs).
    """
    from reportlab.pdfbase.pdfdoc import PDFString

    class Utf16String(PDFString):
        def __init__(self, text: str):
            super().__init__(text, enc="utf_16_be")

        def __str__(self) -> str:
            return self.s

    return Utf16String


def _text(value: str):
    """`value` as a PDF text string that reads back as written (plain ASCII stays as it is)."""
    return value if _PLAIN_ASCII.fullmatch(value) else _utf16_string()(value)


#: what may stand in a URI as it is (RFC 3986's reserved and unreserved characters, and "%" so
#: that an address already percent-encoded is not encoded twice)
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~-._"


def uri(url: str) -> str:
    """`url` as a PDF link must hold it: 7-bit ASCII, everything else (non-ASCII letters, spaces,
    tabs) percent-encoded as UTF-8."""
    return quote(url, safe=_URI_SAFE)


#: one span of a line: the face's handle, the text, its RGB fill colour, the word spacing
Span = tuple[str, str, tuple[float, float, float], float]

#: reportlab reads whether streams are ASCII85-encoded from its global configuration when it
#: saves: saves are serialised while the switch is set for ours
_config_lock = threading.Lock()


class Canvas:
    """The drawing side: one PDF file being drawn, page by page, then saved."""

    def __init__(self, out: str | Path | BinaryIO, width: float, height: float, info: Info, initial_font: str):
        from reportlab.pdfgen.canvas import Canvas as _RLCanvas

        # invariant: no time stamp or random identifier, so the same input gives the same bytes
        # PDF 1.4: /Lang and /DisplayDocTitle are 1.4 entries (reportlab's default header says 1.3)
        canvas = _RLCanvas(out if hasattr(out, "write") else str(out), pagesize=(width, height), invariant=1,
                           pageCompression=1, lang=_text(info.language) if info.language else None,
                           initialFontName=initial_font, pdfVersion=(1, 4))
        canvas.setTitle(_text(info.title))
        canvas.setAuthor(_text(info.author))
        canvas.setSubject(_text(info.subject))
        canvas.setKeywords(_text(info.keywords))
        canvas.setCreator(_text(info.creator))
        canvas.setProducer(_text(info.creator))
        date = info.date
        canvas.setDateFormatter(lambda *_: date)
        canvas.setViewerPreference("DisplayDocTitle", "true")
        canvas.showOutline()
        self._canvas = canvas
        self._page_state()

    def _page_state(self) -> None:
        # the text state a page starts with; Tw and the fill colour outlive a text object
        self._word_space = 0.0
        self._fill: tuple[float, float, float] | None = (0.0, 0.0, 0.0)

    # text

    def show(self, size: float, lines: Iterable[tuple[float, float, Iterable[Span]]]) -> None:
        """Draw lines of text, each from its baseline's start (x, y): spans of text, each in a face,
        a colour and with a word spacing (what PDF adds to every space; 0 for a line set at its
        natural width). One text object for all of them."""
        text = self._canvas.beginText()
        face = None  # a text object keeps its font from line to line
        for x, y, spans in lines:
            text.setTextOrigin(x, y)
            for handle, chunk, colour, word_space in spans:
                if handle != face:
                    text.setFont(handle, size)
                    face = handle
                if colour != self._fill:
                    text.setFillColorRGB(*colour)
                    self._fill = colour
                if word_space != self._word_space:
                    text.setWordSpace(word_space)
                    self._word_space = word_space
                text.textOut(chunk)
        self._canvas.drawText(text)

    # rules and fills

    def fill_rect(self, colour, x: float, y: float, width: float, height: float) -> None:
        canvas = self._canvas
        canvas.saveState()
        canvas.setFillColorRGB(*colour)
        canvas.rect(x, y, width, height, stroke=0, fill=1)
        canvas.restoreState()

    def stroke_rects(self, colour, line_width: float, rects: Iterable[tuple[float, float, float, float]]) -> None:
        canvas = self._canvas
        path = canvas.beginPath()
        for x, y, width, height in rects:
            path.rect(x, y, width, height)
        canvas.saveState()
        canvas.setStrokeColorRGB(*colour)
        canvas.setLineWidth(line_width)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()

    def dotted_line(self, colour, x1: float, x2: float, y: float, step: float, dot: float) -> None:
        """Round dots `step` apart from `x1` to `x2` (a TOC leader)."""
        canvas = self._canvas
        canvas.saveState()
        canvas.setStrokeColorRGB(*colour)
        canvas.setLineWidth(dot)
        canvas.setLineCap(1)
        canvas.setDash([0, step], 0)
        canvas.line(x1, y, x2, y)
        canvas.restoreState()

    def image(self, path: Path, x: float, y: float, width: float, height: float) -> None:
        """Draw a PNG or JPEG image into the box whose lower left corner is (x, y)."""
        self._canvas.drawImage(str(path), x, y, width, height, mask="auto")

    # links, destinations and the outline

    def link_uri(self, rect: tuple[float, float, float, float], url: str, title: str | None = None) -> None:
        """A link to `url` over `rect`; `title` (a Markdown link's title) is the annotation's
        /Contents, its text alternative (PDF 1.4), which readers show as its tooltip."""
        if title:
            from reportlab.pdfbase.pdfdoc import PDFString

            # linkURL puts its keyword arguments in the annotation's dictionary
            contents = _text(title)
            self._canvas.linkURL(uri(url), rect, relative=0, thickness=0,
                                 Contents=PDFString(contents) if isinstance(contents, str) else contents)
        else:
            self._canvas.linkURL(uri(url), rect, relative=0, thickness=0)

    def link_anchor(self, rect: tuple[float, float, float, float], name: str) -> None:
        self._canvas.linkRect("", name, rect, relative=0, thickness=0)

    def destination(self, name: str, x: float, top: float) -> None:
        self._canvas.bookmarkHorizontalAbsolute(name, top, left=x)

    def outline_entry(self, title: str, name: str, level: int) -> None:
        self._canvas.addOutlineEntry(_text(title), name, level, closed=False)

    # pages and the file

    def end_page(self) -> None:
        self._canvas.showPage()
        self._page_state()

    def save(self) -> None:
        from reportlab import rl_config

        with _config_lock:
            saved = rl_config.useA85
            rl_config.useA85 = 0  # binary streams: a fifth smaller than ASCII85, and faster
            try:
                self._canvas.save()
            finally:
                rl_config.useA85 = saved
