"""Faces and fallback chains: which face sets each character of a text, and how wide it is.

The theme gives each font family a fallback chain (`theme.FontFamily.fallback`). A text is split
into spans by coverage: each character is set in the first face of the chain that has a glyph for
it (PT Serif, then DejaVu Serif, then DejaVu Sans, say), so a pasted "●" or "ə" prints instead of
stopping the build. Both writers split alike: the PDF sets each span in its face, with that face's
widths in line breaking; the DOCX names the span's family on its run (``w:rFonts``). Validation
asks the same chains which characters no face has (`FaceChain.missing`).

Font files are read through the PDF adapter's metrics side (`_reportlab.read_font`), once per
file version: a long-running process that sees a font file change reads it again. Which
characters a face has is also kept in the user cache (`coverage_of`), so validation and the
search for a fallback face do not read faces that nothing is set in.
"""

from __future__ import annotations

import threading
import unicodedata
from itertools import repeat
from pathlib import Path
from typing import Iterable

from . import GlyphError, WriterError
from ._reportlab import FontProgram, FontReadError, read_font, reader_identity

__all__ = ["Face", "FaceChain", "MissingGlyphs", "load_face", "chain_for", "LAYOUT_WHITESPACE"]

#: characters that need no glyph: set as word spaces, or (the soft hyphen) never drawn
LAYOUT_WHITESPACE = frozenset("\t\n\r\xad")

#: typographic equivalents, used only where no face of a chain has the character itself: spaces
#: of other widths, and the Unicode hyphen. Never anything that changes the text's meaning.
EQUIVALENTS = {
    "\u202f": "\u00a0",  # narrow no-break space -> no-break space
    "\u2007": "\u00a0",  # figure space (no-break) -> no-break space
    **{chr(c): " " for c in range(0x2000, 0x2007)},  # en quad .. six-per-em space -> space
    **{chr(c): " " for c in range(0x2008, 0x200B)},  # punctuation, thin, hair space -> space
    "\u2010": "-",  # hyphen -> hyphen-minus
}


class Face:
    """One TrueType face with its advance widths.

    `measure` returns widths in thousandths of the font size; results are cached by text, since
    reports repeat their words.
    """

    __slots__ = ("name", "path", "handle", "widths", "default", "coverage", "space", "cache")

    def __init__(self, program: FontProgram, path: Path):
        self.name = program.postscript_name
        #: the font file
        self.path = path
        #: what the drawing side knows the face by
        self.handle = program.handle
        self.default = program.default_width
        widths = dict(program.widths)  # keyed by character: `measure` sums in C, without ord()
        widths["\xa0"] = widths.get(" ", self.default)  # drawn as a space (code 32)
        widths["\xad"] = 0  # a soft hyphen is never drawn: only a place to break (with a hyphen)
        self.widths = widths
        self.coverage = program.coverage
        self.space = widths.get(" ", self.default)
        #: text -> width, filled by `measure` (and read by the word builder for speed)
        self.cache: dict[str, float] = {}

    def measure(self, text: str) -> float:
        width = self.cache.get(text)
        if width is None:
            width = self.cache[text] = sum(map(self.widths.get, text, repeat(self.default, len(text))))
        return width

    def __repr__(self) -> str:
        return f"Face({self.name})"


_lock = threading.Lock()
_faces: dict[str, Face] = {}


def load_face(path: Path | str) -> Face:
    """Return the face of the TrueType file `path` (read again when the file changes)."""
    path = Path(path).resolve()
    if not path.is_file():
        raise WriterError(f"font file {path} does not exist")
    try:
        program = read_font(path)
    except (OSError, FontReadError) as exc:
        raise WriterError(f"cannot use font file {path}: {exc}") from exc
    with _lock:
        face = _faces.get(program.handle)
        if face is None:
            face = _faces[program.handle] = Face(program, path)
        return face


def refusal(char: str) -> str | None:
    """Why `char` is not set even where a face has a glyph for it, or None.

    Right-to-left scripts would come out in the wrong order and unshaped (the layout sets
    left-to-right), a line or paragraph separator would run two lines together, and a character
    beyond U+FFFF (emoji, mathematical letters) would be drawn but extract wrongly: reportlab maps
    it to its text with five hex digits instead of a UTF-16 surrogate pair.
    """
    if unicodedata.bidirectional(char) in ("R", "AL"):
        return "a right-to-left script, which iapreport does not set"
    if ord(char) > 0xFFFF:
        return ("outside the Basic Multilingual Plane: reportlab would print it, but the PDF's text "
                "would not read back as written (search, copy, screen readers)")
    if unicodedata.category(char) in ("Zl", "Zp"):
        return "a line or paragraph separator: use a new line instead"
    return None


def describe(char: str) -> str:
    """``U+00E9 LATIN SMALL LETTER E WITH ACUTE ('é')``, as messages name a character."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')} ({char!r})"


class MissingGlyphs(Exception):
    """Characters that no face of a chain can show, in the order they first appear."""

    def __init__(self, chars: list[str], faces: list[str]):
        self.chars = chars
        self.faces = faces
        refused = [c for c in chars if refusal(c)]
        lacking = [c for c in chars if not refusal(c)]
        parts = []
        if lacking:
            parts.append(f"no font of the chain {' > '.join(faces)} has a glyph for "
                         + ", ".join(map(describe, lacking)))
        parts.extend(f"{describe(c)} is {refusal(c)}" for c in refused)
        super().__init__("; ".join(parts))


def coverage_of(path: Path | str) -> frozenset[str]:
    """The characters the TrueType face in `path` has a glyph for.

    This is all validation and the search for a fallback need, and it is kept in the user cache
    (plain data, keyed by the file's identity and the reader's version), so finding that DejaVu
    has "₸" costs a look-up, not reading DejaVu (16 ms); a face is read whole only when a writer
    sets text in it.
    """
    from .. import cache

    path = Path(path).resolve()
    identity = cache.file_identity(path)
    with _lock:
        known = _coverages.get(identity)
    if known is not None:
        return known
    digest = cache.key("coverage", identity, reader_identity())

    def read() -> str:
        return "".join(sorted(load_face(path).coverage))

    try:
        coverage = frozenset(cache.cached("fonts", digest, read, plain=True))
    except (OSError, FontReadError) as exc:
        raise WriterError(f"cannot use font file {path}: {exc}") from exc
    with _lock:
        _coverages[identity] = coverage
    return coverage


_coverages: dict[tuple[str, int, int], frozenset[str]] = {}


class FaceChain:
    """The faces that set one style: the family's own face, then each fallback's face of the same
    weight and slant. A face is read only when text is set in it; which face has a character is
    found from coverages (`coverage_of`)."""

    def __init__(self, paths: Iterable[Path], families: Iterable[str]):
        self.paths = tuple(Path(path) for path in paths)
        self.families = tuple(families)
        self._faces: dict[int, Face] = {}
        self._coverages: list[frozenset[str]] = []
        self._owners: dict[str, int | None] = {}

    @property
    def primary(self) -> Face:
        """The family's own face."""
        return self._face(0)

    def _face(self, index: int) -> Face:
        """The chain's `index`-th face, read on first use."""
        face = self._faces.get(index)
        if face is None:
            face = self._faces[index] = load_face(self.paths[index])
        return face

    def _coverage(self, index: int) -> frozenset[str]:
        while len(self._coverages) <= index:
            next_index = len(self._coverages)
            face = self._faces.get(next_index)
            self._coverages.append(face.coverage if face is not None else coverage_of(self.paths[next_index]))
        return self._coverages[index]

    @property
    def faces(self) -> list[Face]:
        """Every face of the chain, in order (reading those not read yet)."""
        return [self._face(index) for index in range(len(self.paths))]

    def family_of(self, face: Face) -> str:
        """The family name the theme gives `face` (the first, if two families share a file)."""
        return next(self.families[index] for index, known in sorted(self._faces.items()) if known is face)

    def _owner(self, char: str) -> int | None:
        """The index of the first face that has `char`, or None."""
        try:
            return self._owners[char]
        except KeyError:
            owner = None
            for index in range(len(self.paths) if refusal(char) is None else 0):
                if char in self._coverage(index):
                    owner = index
                    break
            self._owners[char] = owner
            return owner

    def prepare(self, text: str) -> tuple[str, set[str]]:
        """Return `text` as the chain will set it and the characters still without a face.

        Only the canonical composition (NFC: "е" + U+0308 is "ё") and, for characters no face
        has, their typographic `EQUIVALENTS` are substituted: the text reads the same.
        """
        primary = self._coverage(0)
        missing = set(text).difference(primary)
        if not missing or missing <= LAYOUT_WHITESPACE:
            return text, set()
        composed = unicodedata.normalize("NFC", text)
        if composed != text:
            text = composed
            missing = set(text).difference(primary)
        missing -= LAYOUT_WHITESPACE
        unknown = {char for char in missing if self._owner(char) is None}
        if unknown:
            table = {char: EQUIVALENTS[char] for char in unknown
                     if char in EQUIVALENTS and self._owner(EQUIVALENTS[char]) is not None}
            if table:
                text = text.translate(str.maketrans(table))
                unknown -= table.keys()
        return text, unknown

    def upper(self, text: str) -> str:
        """`text` in capitals where the chain has them: a letter whose capital no face has (Georgian
        Mkhedruli, whose Mtavruli capitals few fonts carry) stays as it is, instead of failing."""
        upper = text.upper()
        if self._coverage(0).issuperset(upper):
            return upper
        return "".join(capital if all(self._owner(c) is not None or c in LAYOUT_WHITESPACE for c in capital)
                       else char for char, capital in ((char, char.upper()) for char in text))

    def missing(self, text: str) -> list[str]:
        """The characters of `text` that no face of the chain can show, in order of appearance."""
        text, unknown = self.prepare(text)
        return sorted(unknown, key=text.index)

    def split(self, text: str) -> list[tuple[Face, str]]:
        """Split `text` into (face, text) spans, each character in the first face that has it.

        Raises MissingGlyphs naming every character no face has. Spaces and layout whitespace
        stay in the face of the text around them where that face has them.
        """
        primary = self.primary
        if primary.coverage.issuperset(text):
            return [(primary, text)]
        text, unknown = self.prepare(text)
        if unknown:
            raise MissingGlyphs(sorted(unknown, key=text.index), [face.name for face in self.faces])
        coverage = primary.coverage
        spans: list[tuple[Face, str]] = []
        current = primary
        start = 0
        for index, char in enumerate(text):
            if char in coverage or char in LAYOUT_WHITESPACE:
                face = primary
            else:
                face = self._face(self._owner(char))
            if face is not current:
                if index > start:
                    spans.append((current, text[start:index]))
                current, start = face, index
        spans.append((current, text[start:]))
        return spans


def chain_for(theme, key: str, bold: bool, italic: bool) -> FaceChain:
    """The chain of faces that sets the theme's font `key` in the given weight and slant."""
    families = [theme.fonts[key]] + [theme.fonts[name] for name in theme.fonts[key].fallback]
    return FaceChain([family.face(bold, italic) for family in families], [family.family for family in families])


def spans(chain: FaceChain, text: str, where: str, fmt: str) -> list[tuple[Face, str]]:
    """`chain.split(text)` for a writer: a character no face has is a GlyphError naming `where`
    (the data field) and every such character, saying which format cannot show it."""
    try:
        return chain.split(text)
    except MissingGlyphs as exc:
        raise GlyphError(f"{where}: {exc}; the {fmt} cannot show "
                         f"{'it' if len(exc.chars) == 1 else 'them'}") from None
