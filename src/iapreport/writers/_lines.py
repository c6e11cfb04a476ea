"""Fonts and line breaking for the PDF writer: runs of text in, measured lines out.

Why not reportlab's platypus: it re-parses every paragraph from markup, wraps many paragraphs
more than once while it paginates, and has no limit on hyphenated lines in a row. Here each
paragraph is broken into lines once, from the tree's runs, with widths read from the font's own
advance table and cached per word. The result is plain data (`Line`, `Fragment`) that the page
maker stacks and the PDF writer draws.

The breaking is first-fit, as in Word and platypus: a line takes words while they fit; the word
that does not fit is hyphenated (pyphen, the edition's language) if a part of it fits, at most
`MAX_HYPHENATED_LINES` lines in a row (Word's limit in our DOCX); a word longer than a whole line
(a web address) is broken at the margin, without a hyphen.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .. import tree
from . import WriterError

#: lines in a row that may end with an added hyphen (as set for Word in the DOCX)
MAX_HYPHENATED_LINES = 3
#: how far (points) a line may overrun its width before it counts as too long (rounding)
EPSILON = 0.01

#: characters that separate words: set as one ordinary space
_SPACE_RUN = re.compile(r"[ \t\r\n]+")
#: what precedes and follows the part of a word the dictionary may hyphenate
_WORD_CORE = re.compile(r"^(\W*)(\w.*?\w)(\W*)$", re.S)


# --------------------------------------------------------------------------------------------
# fonts


class Face:
    """One TrueType face, registered with reportlab once per process, with its advance widths.

    `measure` returns widths in thousandths of the font size; results are cached by text, since
    reports repeat their words.
    """

    __slots__ = ("name", "font", "widths", "default", "coverage", "space", "_cache")

    def __init__(self, name: str, font: TTFont):
        self.name = name
        self.font = font
        widths = dict(font.face.charWidths)
        widths[0xA0] = widths.get(0x20, font.face.defaultWidth)  # drawn as a space (code 32)
        self.widths = widths
        self.default = font.face.defaultWidth
        self.coverage = frozenset(map(chr, font.face.charToGlyph))
        self.space = widths.get(0x20, self.default)
        self._cache: dict[str, float] = {}

    def measure(self, text: str) -> float:
        width = self._cache.get(text)
        if width is None:
            get, default = self.widths.get, self.default
            width = self._cache[text] = sum([get(code, default) for code in map(ord, text)])
        return width

    def __repr__(self) -> str:
        return f"Face({self.name})"


_font_lock = threading.Lock()
_faces: dict[Path, Face] = {}


def load_face(path: Path) -> Face:
    """Return the face of the TrueType file `path`, registering it with reportlab on first use."""
    path = Path(path).resolve()
    with _font_lock:
        face = _faces.get(path)
        if face is not None:
            return face
        if not path.is_file():
            raise WriterError(f"font file {path} does not exist")
        base = re.sub(r"[^A-Za-z0-9_-]", "", path.stem) or "Font"
        name, n = base, 1
        known = set(pdfmetrics.getRegisteredFontNames())
        while name in known:
            n += 1
            name = f"{base}-{n}"
        try:
            font = TTFont(name, str(path))
        except Exception as exc:  # reportlab raises assorted errors for unusable files
            raise WriterError(f"cannot use font file {path}: {exc}") from exc
        pdfmetrics.registerFont(font)
        face = _faces[path] = Face(name, font)
        return face


# --------------------------------------------------------------------------------------------
# hyphenation


Hyphenate = Callable[[str], list]


@functools.lru_cache(maxsize=16)
def hyphenator(dictionary: str, left: int = 2, right: int = 3) -> Optional[Hyphenate]:
    """Return a function giving the hyphenation points of a word, or None if pyphen has no dictionary.

    Parsing a dictionary's patterns is the slow part (0.1 s for en_US): the parsed dictionary is
    kept in the user cache (`iapreport.cache`), keyed by pyphen's version and the file's identity.
    """
    import pyphen

    from .. import cache

    lang = pyphen.language_fallback(dictionary.replace("-", "_"))
    if not lang:
        return None
    digest = cache.key("pyphen", getattr(pyphen, "__version__", ""), cache.file_identity(pyphen.LANGUAGES[lang]),
                       left, right)
    dic = cache.cached("hyphenation", digest, lambda: pyphen.Pyphen(lang=lang, left=left, right=right))
    return functools.lru_cache(maxsize=None)(dic.positions)


# --------------------------------------------------------------------------------------------
# words and lines


@dataclass(slots=True)
class Piece:
    """Part of a word in one face (a word may change face mid-way: "**bold**,")."""

    text: str
    face: Face
    link: str | None
    width: float  # points


@dataclass(slots=True)
class Word:
    pieces: list[Piece]
    width: float  # points
    #: the space before the word: its width (0 after a line break or at the start) and face
    space: float
    space_face: Face | None
    space_link: str | None


#: a hard line break in the word stream
BREAK = None


@dataclass(slots=True)
class Fragment:
    """A stretch of one line in one face and link state, spaces included."""

    text: str
    face: Face
    link: str | None
    width: float  # natural width, points
    spaces: int  # characters drawn as code 32 (spaces, no-break spaces): what justification widens


@dataclass(slots=True)
class Line:
    fragments: list[Fragment]
    width: float  # natural width, points
    spaces: int
    offset: float  # where the line starts, from the paragraph's left edge (first-line indent)
    available: float  # the width it is set in
    justify: bool  # widen the spaces to fill `available`
    hyphenated: bool = False

    @property
    def text(self) -> str:
        return "".join(f.text for f in self.fragments)


@dataclass(frozen=True, slots=True)
class Setting:
    """How a paragraph's lines are set: size, measure, alignment, hyphenation."""

    size: float
    width: float  # the measure, points (after the left indent)
    first_indent: float = 0.0
    align: str = "left"  # left, center, right, justify
    hyphenate: Optional[Hyphenate] = None


def words_of(runs, face_of: Callable[[tree.Run], Face], text_of: Callable[[tree.Run, Face], str],
             size: float) -> list:
    """Return the words of `runs` (and BREAK for hard breaks), measured at `size`.

    `face_of` picks a run's face; `text_of` returns the run's text as drawn (upper-cased,
    glyph-checked). Runs of spaces count as one space; spaces at the start and after a break go.
    """
    scale = size / 1000.0
    words: list = []
    append = words.append
    pieces: list[Piece] = []  # of the word being read
    space_face: Face | None = None  # of the space before it, if any
    space_link: str | None = None
    split = _SPACE_RUN.split
    for run in runs:
        if run.line_break:
            if pieces:
                width = pieces[0].width if len(pieces) == 1 else sum(p.width for p in pieces)
                if space_face is not None and words and words[-1] is not BREAK:
                    append(Word(pieces, width, space_face.space * scale, space_face, space_link))
                else:
                    append(Word(pieces, width, 0.0, None, None))
                pieces = []
            append(BREAK)
            space_face = None
            continue
        if not run.text:
            continue
        face = face_of(run)
        link = run.link
        measure = face.measure
        first = True
        for part in split(text_of(run, face)):
            if not first:  # a space came before this part: the word read so far is complete
                if pieces:
                    width = pieces[0].width if len(pieces) == 1 else sum(p.width for p in pieces)
                    if space_face is not None and words and words[-1] is not BREAK:
                        append(Word(pieces, width, space_face.space * scale, space_face, space_link))
                    else:
                        append(Word(pieces, width, 0.0, None, None))
                    pieces = []
                space_face, space_link = face, link
            first = False
            if part:
                pieces.append(Piece(part, face, link, measure(part) * scale))
    if pieces:
        width = pieces[0].width if len(pieces) == 1 else sum(p.width for p in pieces)
        if space_face is not None and words and words[-1] is not BREAK:
            append(Word(pieces, width, space_face.space * scale, space_face, space_link))
        else:
            append(Word(pieces, width, 0.0, None, None))
    return words


def _split_word(word: Word, at: int, size: float, hyphen: bool) -> tuple[Word, Word]:
    """Split `word` after its `at`-th character; the head gets a hyphen if `hyphen`."""
    scale = size / 1000.0
    head: list[Piece] = []
    tail: list[Piece] = []
    seen = 0
    for piece in word.pieces:
        if seen + len(piece.text) <= at:
            head.append(piece)
        elif seen >= at:
            tail.append(piece)
        else:
            cut = at - seen
            a, b = piece.text[:cut], piece.text[cut:]
            head.append(Piece(a, piece.face, piece.link, piece.face.measure(a) * scale))
            tail.append(Piece(b, piece.face, piece.link, piece.face.measure(b) * scale))
        seen += len(piece.text)
    if hyphen:
        last = head[-1]
        text = last.text + "-"
        head[-1] = Piece(text, last.face, last.link, last.face.measure(text) * scale)
    return (Word(head, sum(p.width for p in head), word.space, word.space_face, word.space_link),
            Word(tail, sum(p.width for p in tail), 0.0, None, None))


def _hyphenation_points(word: Word, hyphenate: Optional[Hyphenate]) -> list[tuple[int, bool]]:
    """Return (position, add a hyphen) for each place `word` may break, last first."""
    text = "".join(p.text for p in word.pieces)
    points: set[tuple[int, bool]] = set()
    for index, char in enumerate(text[:-1]):
        # after a hyphen or dash inside a compound, with letters on both sides
        if char in "-\u2010\u2013\u2014" and index > 0 and text[index - 1].isalnum() and text[index + 1].isalnum():
            points.add((index + 1, False))
    if hyphenate is not None:
        match = _WORD_CORE.match(text)
        if match and match.group(2).isalpha():
            lead = len(match.group(1))
            for position in hyphenate(match.group(2)):
                points.add((lead + int(position), True))
        elif match:  # a compound: hyphenate its alphabetic parts
            lead = len(match.group(1))
            for part in re.finditer(r"[^\W\d_]{5,}", match.group(2)):
                for position in hyphenate(part.group()):
                    points.add((lead + part.start() + int(position), True))
    return sorted(points, reverse=True)


def _fit_hyphenated(word: Word, room: float, setting: Setting) -> tuple[Word, Word] | None:
    points = _hyphenation_points(word, setting.hyphenate)
    if not points:
        return None
    if len(word.pieces) == 1:  # measure the candidates without building words
        piece = word.pieces[0]
        measure, text, scale = piece.face.measure, piece.text, setting.size / 1000.0
        for position, hyphen in points:
            head = text[:position] + "-" if hyphen else text[:position]
            if measure(head) * scale <= room + EPSILON:
                return _split_word(word, position, setting.size, hyphen)
        return None
    for position, hyphen in points:
        head, tail = _split_word(word, position, setting.size, hyphen)
        if head.width <= room + EPSILON:
            return head, tail
    return None


def _fit_characters(word: Word, room: float, setting: Setting) -> tuple[Word, Word]:
    """Break an over-long word at the last character that fits `room` (at least one character)."""
    scale = setting.size / 1000.0
    used = 0.0
    count = 0
    for piece in word.pieces:
        measure = piece.face.measure
        for char in piece.text:
            width = measure(char) * scale
            if used + width > room + EPSILON and count:
                return _split_word(word, count, setting.size, False)
            used += width
            count += 1
    return _split_word(word, max(count - 1, 1), setting.size, False)


def _make_line(items: list[Word], setting: Setting, offset: float, available: float, last: bool,
               hyphenated: bool) -> Line:
    fragments: list[Fragment] = []
    width = 0.0
    spaces = 0
    texts: list[str] = []  # of the fragment being built
    face = link = None
    frag_width = 0.0
    frag_spaces = 0
    for index, word in enumerate(items):
        if index and word.space_face is not None:
            if word.space_face is not face or word.space_link != link:
                if texts:
                    fragments.append(Fragment("".join(texts), face, link, frag_width, frag_spaces))
                texts, face, link, frag_width, frag_spaces = [], word.space_face, word.space_link, 0.0, 0
            texts.append(" ")
            frag_width += word.space
            frag_spaces += 1
        for piece in word.pieces:
            if piece.face is not face or piece.link != link:
                if texts:
                    fragments.append(Fragment("".join(texts), face, link, frag_width, frag_spaces))
                texts, face, link, frag_width, frag_spaces = [], piece.face, piece.link, 0.0, 0
            texts.append(piece.text)
            frag_width += piece.width
    if texts:
        fragments.append(Fragment("".join(texts), face, link, frag_width, frag_spaces))
    for fragment in fragments:
        if "\xa0" in fragment.text:
            fragment.spaces += fragment.text.count("\xa0")
        width += fragment.width
        spaces += fragment.spaces
    justify = setting.align == "justify" and not last and spaces > 0
    return Line(fragments, width, spaces, offset, available, justify, hyphenated)


def break_lines(words: list, setting: Setting) -> list[Line]:
    """Break `words` into lines of `setting.width` (first-fit, hyphenating where allowed)."""
    lines: list[Line] = []
    current: list[Word] = []
    used = 0.0
    run_of_hyphens = 0
    queue = list(reversed(words))

    def measure_of(first: bool) -> tuple[float, float]:
        offset = setting.first_indent if first else 0.0
        return offset, setting.width - offset

    offset, available = measure_of(True)

    def finish(last: bool, hyphenated: bool = False) -> None:
        nonlocal current, used, offset, available, run_of_hyphens
        lines.append(_make_line(current, setting, offset, available, last, hyphenated))
        run_of_hyphens = run_of_hyphens + 1 if hyphenated else 0
        current, used = [], 0.0
        offset, available = measure_of(False)

    while queue:
        word = queue.pop()
        if word is BREAK:
            finish(last=True)
            continue
        space = word.space if current else 0.0
        if used + space + word.width <= available + EPSILON:
            current.append(word)
            used += space + word.width
            continue
        room = available - used - space
        if run_of_hyphens < MAX_HYPHENATED_LINES or not current:
            parts = _fit_hyphenated(word, room, setting) if room > 0 else None
            if parts is not None:
                head, tail = parts
                current.append(head)
                used += space + head.width
                finish(last=False, hyphenated=head.pieces[-1].text.endswith("-"))
                queue.append(tail)
                continue
        if current and word.width <= available + EPSILON:
            finish(last=False)
            queue.append(word)
            continue
        # longer than a whole line: break it at the margin, starting on this line if there is room
        if current and room < available / 4:
            finish(last=False)
            queue.append(word)
            continue
        head, tail = _fit_characters(word, room if current else available, setting)
        current.append(head)
        used += space + head.width
        finish(last=False)
        queue.append(tail)
    if current or not lines:
        finish(last=True)
    return lines
