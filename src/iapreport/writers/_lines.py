"""Line breaking for the PDF writer: spans of text in faces in, measured lines out.

Why not reportlab's platypus: it re-parses every paragraph from markup, wraps many paragraphs
more than once while it paginates, and has no limit on hyphenated lines in a row. Here each
paragraph is broken into lines once, from the tree's runs split into spans by font coverage
(`fonts.FaceChain`), with widths read from each face's own advance table and cached per word. The result is plain data (`Line`, `Fragment`) that the page
maker stacks and the PDF writer draws.

The breaking is first-fit, as in Word and platypus: a line takes words while they fit; the word
that does not fit is hyphenated (pyphen, the edition's language) if a part of it fits, at most
`MAX_HYPHENATED_LINES` lines in a row (Word's limit in our DOCX) unless the line would otherwise
gape (`break_lines` has the exact rules); a word longer than a whole line (a web address) is
broken at the margin, without a hyphen.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, NamedTuple, Optional

from .fonts import Face

#: lines in a row that may end with an added hyphen (as set for Word in the DOCX)
MAX_HYPHENATED_LINES = 3
#: how far (points) a line may overrun its width before it counts as too long (rounding)
EPSILON = 0.01

#: characters that separate words: set as one ordinary space
_SPACE_RUN = re.compile(r"[ \t\r\n]+")
#: the shortest word the dictionary may hyphenate ("af-ter", "по-сле" stay whole)
MIN_HYPHENATED_WORD = 6
#: how much a justified line's spaces may shrink (a fraction of their width) to take one more word:
#: none, as in Word and LibreOffice, which set the DOCX (with 0.1, 18 paragraphs of the English
#: 2018 sample took a line fewer than in LibreOffice)
SPACE_SHRINK = 0.0
#: how much wider than normal a line's spaces may become before the last word of a paragraph is
#: hyphenated after all (its tail alone on the last line is better than a line full of holes)
LOOSE_SPACE = 2.0
#: the same for a fourth hyphenated line in a row: only a line with gaping holes justifies it
LADDER_LOOSE_SPACE = 4.0

#: letters of a word or of each part of a compound, which the dictionary may hyphenate
_HYPHENATABLE = re.compile(rf"(?<![^\W\d_])[^\W\d_]{{{MIN_HYPHENATED_WORD},}}(?![^\W\d_])")
#: a hyphen or dash between letters: a compound may break after it, with no hyphen added
_COMPOUND_BREAK = re.compile(r"(?<=[^\W\d_])[-\u2010\u2013\u2014](?=[^\W\d_]{2})")
#: web and mail addresses, paths and domains
_ADDRESS_LIKE = re.compile(r"://|@|/|\bwww\.|[^\W_]\.[^\W\d_]{2,}")


# --------------------------------------------------------------------------------------------
# hyphenation


Hyphenate = Callable[[str], list]


@functools.lru_cache(maxsize=16)
def hyphenator(dictionary: str, left: int = 2, right: int = 3) -> Optional[Hyphenate]:
    """Return a function giving the hyphenation points of a word, or None if pyphen has no dictionary.

    The patterns are pyphen's; parsing a dictionary is the slow part (0.1 s for en_US), so the
    `Patterns` made from it are kept in the user cache (`iapreport.cache`), keyed by pyphen's
    version and the dictionary file's identity.
    """
    import pyphen

    from .. import cache

    lang = pyphen.language_fallback(dictionary.replace("-", "_"))
    if not lang:
        return None
    digest = cache.key("patterns", Patterns.FORMAT, getattr(pyphen, "__version__", ""),
                       cache.file_identity(pyphen.LANGUAGES[lang]))
    table = cache.cached("hyphenation", digest, lambda: Patterns(pyphen.Pyphen(lang=lang).hd.patterns).table,
                         plain=True)
    patterns = Patterns.from_table(table)
    return functools.lru_cache(maxsize=None)(functools.partial(patterns.positions, left=left, right=right))


class Patterns:
    """Liang's hyphenation (as in TeX and pyphen) over pyphen's parsed patterns, faster.

    pyphen looks up every substring of a word up to the longest pattern's length (28 letters in
    en_US): 40 µs a word, and a report hyphenates a thousand. Here the table also holds every
    proper prefix of a pattern (as None), so the look-ups from one position stop at the first
    substring no pattern begins with: a few per position. `positions` returns what
    `pyphen.Pyphen(left=..., right=...).positions` does (the tests compare them).
    """

    #: changes when the form of `table` does (it lives in the user cache)
    FORMAT = 3

    def __init__(self, patterns: dict):
        # a pattern's offset and values as one bytes object (offset first): one small object per
        # entry instead of two tuples, so the table reads from the cache several times faster
        table: dict[str, Optional[bytes]] = {}
        for text in patterns:
            for end in range(1, len(text)):
                table.setdefault(text[:end], None)
        for text, (offset, values) in patterns.items():
            table[text] = bytes([offset, *(int(value) for value in values)])
        self.table = table

    @classmethod
    def from_table(cls, table: dict) -> "Patterns":
        """The patterns whose `table` this is (as kept in the user cache)."""
        patterns = cls.__new__(cls)
        patterns.table = table
        return patterns

    def positions(self, word: str, left: int = 2, right: int = 3) -> list[int]:
        """Where `word` may break: indexes at least `left` from its start and `right` from its end."""
        dotted = "." + word.lower() + "."
        size = len(dotted)
        points = [0] * (size + 1)
        get = self.table.get
        for start in range(size - 1):
            for end in range(start + 1, size + 1):
                found = get(dotted[start:end], _NOT_A_PREFIX)
                if found is _NOT_A_PREFIX:
                    break
                if found is not None:
                    index = start + found[0]
                    for value in found[1:]:
                        if value > points[index]:
                            points[index] = value
                        index += 1
        last = len(word) - right
        return [index - 1 for index, value in enumerate(points) if value % 2 and left <= index - 1 <= last]


_NOT_A_PREFIX = object()


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
    #: (face, link) when the word has a space before it and is one piece in the space's face and
    #: link: a line whose first word is one piece and whose others all have its key is one
    #: fragment (`_make_line`'s quick path)
    uniform: tuple | None = None


def _uniform(pieces: list[Piece], space_face: Face | None, space_link: str | None) -> tuple | None:
    if len(pieces) != 1 or space_face is None:
        return None
    piece = pieces[0]
    if space_face is not piece.face or space_link != piece.link:
        return None
    return (piece.face, piece.link)


#: a hard line break in the word stream
BREAK = None
#: the soft hyphen: an author's break point, invisible unless the line breaks there
SOFT_HYPHEN = "\xad"
#: a dictionary word is never this long: longer "words" (codes, runs of letters) are not
#: hyphenated by the dictionary, only broken at the margin if they do not fit
MAX_DICTIONARY_WORD = 64


class NoRoom(ValueError):
    """A glyph is wider than the measure it must be set in (a column or indent too narrow)."""


@dataclass(slots=True)
class Fragment:
    """A stretch of one line in one face and link state, spaces included."""

    text: str
    face: Face
    link: str | None
    width: float  # natural width, points
    spaces: int  # word spaces and ties (not digit-group spaces): what justification widens or narrows


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


class Setting(NamedTuple):
    """How a paragraph's lines are set: size, measure, alignment, hyphenation."""

    size: float
    width: float  # the measure, points (after the left indent)
    first_indent: float = 0.0
    align: str = "left"  # left, center, right, justify
    hyphenate: Optional[Hyphenate] = None


def words_of(spans, size: float) -> list:
    """Return the words of `spans` (and BREAK for hard breaks), measured at `size`.

    `spans` are (text, face, link) triples as drawn (upper-cased, split by font coverage), or
    BREAK for a hard line break. Runs of spaces count as one space; spaces at the start and after
    a break go. A word may span several spans ("**bold**,", a name with a letter from a fallback
    face): it is complete at the next space, break or the end.
    """
    scale = size / 1000.0
    words: list = []
    append = words.append
    pieces: list[Piece] = []  # of the word still open at the end of the last span
    space_face: Face | None = None  # of the space before it, if any
    space_link: str | None = None
    split = _SPACE_RUN.split
    for span in spans:
        if span is BREAK:
            if pieces:
                _complete(words, pieces, space_face, space_link, scale)
                pieces = []
            append(BREAK)
            space_face = None
            continue
        text, face, link = span
        if not text:
            continue
        known = face.cache.get
        measure = face.measure
        parts = split(text)
        head = parts[0]  # continues the open word: no space before it
        if head:
            width = known(head)
            pieces.append(Piece(head, face, link, (measure(head) if width is None else width) * scale))
        if len(parts) == 1:
            continue
        if pieces:  # a space follows: the open word is complete
            _complete(words, pieces, space_face, space_link, scale)
            pieces = []
        space_face, space_link = face, link
        space = face.space * scale
        spaced = bool(words) and words[-1] is not BREAK
        uniform = (face, link)
        last = len(parts) - 1
        for index in range(1, last):  # whole words, between two spaces of this span (never empty)
            part = parts[index]
            width = known(part)
            width = (measure(part) if width is None else width) * scale
            if spaced:
                append(Word([Piece(part, face, link, width)], width, space, face, link, uniform))
            else:
                append(Word([Piece(part, face, link, width)], width, 0.0, None, None))
                spaced = True
        tail = parts[last]
        if tail:
            width = known(tail)
            pieces.append(Piece(tail, face, link, (measure(tail) if width is None else width) * scale))
    if pieces:
        _complete(words, pieces, space_face, space_link, scale)
    return words


def _complete(words: list, pieces: list[Piece], space_face: Face | None, space_link: str | None,
              scale: float) -> None:
    """Add the word made of `pieces`, with the space before it (none at the start or after a break)."""
    width = pieces[0].width if len(pieces) == 1 else sum(p.width for p in pieces)
    if space_face is not None and words and words[-1] is not BREAK:
        words.append(Word(pieces, width, space_face.space * scale, space_face, space_link,
                          _uniform(pieces, space_face, space_link)))
    else:
        words.append(Word(pieces, width, 0.0, None, None))


#: a no-break space inside a number ("1 077"): justification leaves it as it is
RIGID_NBSP = re.compile(r"(?<=\d)\xa0(?=\d)")


def _stretchable_nbsp(text: str) -> int:
    """No-break spaces that justification may widen: ties between words, not digit groups."""
    return text.count("\xa0") - len(RIGID_NBSP.findall(text))


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
    return (Word(head, sum(p.width for p in head), word.space, word.space_face, word.space_link,
                 _uniform(head, word.space_face, word.space_link)),
            Word(tail, sum(p.width for p in tail), 0.0, None, None))


def is_address_like(token: str) -> bool:
    """Whether `token` reads as a web or mail address, a path or a domain: never hyphenated."""
    return bool(_ADDRESS_LIKE.search(token))


def _hyphenation_points(word: Word, hyphenate: Optional[Hyphenate]) -> list[tuple[int, bool]]:
    """Return (position, add a hyphen) for each place `word` may break, explicit hyphens first,
    then the dictionary's points, each group last first.

    A compound breaks after its own hyphen or dash, between letters (never "2015–|2017" or
    "COVID-|19"); the dictionary hyphenates words of `MIN_HYPHENATED_WORD` letters or more (up
    to `MAX_DICTIONARY_WORD`), and each alphabetic part of a compound; a word with soft hyphens
    breaks at those only. Addresses (web, mail, paths, domains) never break here:
    only at the margin, when they are longer than a line.
    """
    text = word.pieces[0].text if len(word.pieces) == 1 else "".join(p.text for p in word.pieces)
    if is_address_like(text):
        return []
    explicit = [(m.end(), False) for m in _COMPOUND_BREAK.finditer(text)]
    points: list[tuple[int, bool]] = []
    if SOFT_HYPHEN in text:  # the author's break points replace the dictionary's
        points = [(index + 1, True) for index, char in enumerate(text[:-1]) if char == SOFT_HYPHEN]
    elif hyphenate is not None:
        for part in _HYPHENATABLE.finditer(text):
            if len(part.group()) <= MAX_DICTIONARY_WORD:
                start = part.start()
                points.extend((start + int(position), True) for position in hyphenate(part.group()))
    explicit.sort(reverse=True)
    points.sort(reverse=True)
    return explicit + points


def _fit_hyphenated(word: Word, room: float, setting: Setting, snug: float = 0.0) -> tuple[Word, Word, bool] | None:
    """Split `word` at a break point whose head fits `room`: return head, tail and whether a hyphen
    was added (a compound's own hyphen is not an added one).

    A compound's own hyphen is preferred ("Anti-|Corruption", not "Anti-Cor-|ruption") as long as
    its head is at least `snug` wide (narrower would leave the line too loose); otherwise the
    longest head that fits wins.
    """
    points = _hyphenation_points(word, setting.hyphenate)
    if not points:
        return None
    scale = setting.size / 1000.0
    best: tuple[int, bool] | None = None
    best_width = -1.0
    for position, hyphen in points:
        if len(word.pieces) == 1:
            piece = word.pieces[0]
            head = piece.text[:position] + "-" if hyphen else piece.text[:position]
            width = piece.face.measure(head) * scale
        else:
            width = _split_word(word, position, setting.size, hyphen)[0].width
        if width > room + EPSILON:
            continue
        if not hyphen and width >= snug:
            best = (position, hyphen)
            break
        if width > best_width:
            best, best_width = (position, hyphen), width
    if best is None:
        return None
    head, tail = _split_word(word, best[0], setting.size, best[1])
    return head, tail, best[1]


def _fit_characters(word: Word, room: float, setting: Setting, line_empty: bool) -> tuple[Word, Word] | None:
    """Break an over-long word at the last character that fits `room`; None if none fits there
    (the word then starts the next line). A chain of tied words breaks at its last no-break space
    that fits, which goes like an ordinary space at a line break.

    Raises NoRoom if a single character is wider than a whole line.
    """
    scale = setting.size / 1000.0
    used = 0.0
    count = 0
    tie = 0  # after the last no-break space that fits
    for piece in word.pieces:
        measure = piece.face.measure
        for char in piece.text:
            width = measure(char) * scale
            if used + width > room + EPSILON:
                if tie > 1:
                    head, tail = _split_word(word, tie - 1, setting.size, False)
                    return head, _drop_first(tail, setting.size)
                if count:
                    return _split_word(word, count, setting.size, False)
                if line_empty and width > setting.width + EPSILON:
                    raise NoRoom(f"{char!r} is {width:.1f} pt wide, the measure {setting.width:.1f} pt")
                return None
            used += width
            count += 1
            if char == "\xa0":
                tie = count
    return None  # the whole word fits after all (rounding): the caller sets it on a line of its own


def _drop_first(word: Word, size: float) -> Word:
    """`word` without its first character (the no-break space a tied chain broke at)."""
    first = word.pieces[0]
    text = first.text[1:]
    pieces = ([Piece(text, first.face, first.link, first.face.measure(text) * size / 1000.0)] if text else []) \
        + word.pieces[1:]
    return Word(pieces, sum(p.width for p in pieces), 0.0, None, None)


def _make_line(items: list[Word], setting: Setting, offset: float, available: float, last: bool,
               hyphenated: bool) -> Line:
    # most lines are in one face and link: one fragment, built in one join
    first = items[0].pieces if items else None
    if first and len(first) == 1:
        face, link = key = (first[0].face, first[0].link)
        for index in range(1, len(items)):
            if items[index].uniform != key:
                break
        else:
            text = " ".join([word.pieces[0].text for word in items])
            if SOFT_HYPHEN in text:
                text = text.replace(SOFT_HYPHEN, "")
            width = sum([word.pieces[0].width + word.space for word in items]) - items[0].space
            spaces = len(items) - 1 + (_stretchable_nbsp(text) if "\xa0" in text else 0)
            justify = setting.align == "justify" and spaces > 0 and (not last or width > available + EPSILON)
            return Line([Fragment(text, face, link, width, spaces)], width, spaces, offset, available, justify,
                        hyphenated)
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
        if SOFT_HYPHEN in fragment.text:
            fragment.text = fragment.text.replace(SOFT_HYPHEN, "")
        if "\xa0" in fragment.text:
            fragment.spaces += _stretchable_nbsp(fragment.text)
        width += fragment.width
        spaces += fragment.spaces
    # a last line that took a word by shrinking its spaces is set justified too (narrower spaces)
    justify = setting.align == "justify" and spaces > 0 and (not last or width > available + EPSILON)
    return Line(fragments, width, spaces, offset, available, justify, hyphenated)


def break_lines(words: list, setting: Setting) -> list[Line]:
    """Break `words` into lines of `setting.width` (first-fit, hyphenating where allowed).

    Justified lines may shrink their spaces by `SPACE_SHRINK` (none: Word and LibreOffice never
    do) to take one more word or part of one (not the paragraph's last word). The word that does not fit is hyphenated if a part of it
    fits, except after `MAX_HYPHENATED_LINES` lines in a row that end with an added hyphen
    (unless the line would then have spaces over `LADDER_LOOSE_SPACE` times normal), and except
    the last word of a justified paragraph, whose tail would stand alone on the last line (unless
    over `LOOSE_SPACE`). A word wider than a whole line is
    hyphenated whatever the count (a hyphen reads better than a cut at the margin), or, if no
    break point fits, cut at the margin.
    """
    if setting.width <= 0 or setting.width - setting.first_indent <= 0:
        raise NoRoom(f"the measure is {min(setting.width, setting.width - setting.first_indent):.1f} pt")
    lines: list[Line] = []
    current: list[Word] = []
    used = 0.0  # natural width of the current line
    spacing = 0.0  # of it: the width of its spaces
    run_of_hyphens = 0
    queue = list(reversed(words))
    shrink = SPACE_SHRINK if setting.align == "justify" else 0.0

    def measure_of(first: bool) -> tuple[float, float]:
        offset = setting.first_indent if first else 0.0
        return offset, setting.width - offset

    offset, available = measure_of(True)

    def finish(last: bool, hyphenated: bool = False) -> None:
        nonlocal current, used, spacing, offset, available, run_of_hyphens
        lines.append(_make_line(current, setting, offset, available, last, hyphenated))
        run_of_hyphens = run_of_hyphens + 1 if hyphenated else 0
        current, used, spacing = [], 0.0, 0.0
        offset, available = measure_of(False)

    while queue:
        word = queue.pop()
        if word is BREAK:
            finish(last=True)
            continue
        space = word.space if current else 0.0
        last_word = not queue or queue[-1] is BREAK
        # spaces may shrink to take one more word, but not the paragraph's last: a last line as
        # wide as the measure would hide where the paragraph ends
        give = 0.0 if last_word else (spacing + space) * shrink
        if used + space + word.width <= available + give + EPSILON:
            current.append(word)
            used += space + word.width
            spacing += space
            continue
        room = available - used - space
        if current:
            # hyphenation is held back after MAX_HYPHENATED_LINES in a row and for a paragraph's
            # last word, unless holding back would set the line too loose
            ladder = run_of_hyphens >= MAX_HYPHENATED_LINES
            held_back = ladder or (last_word and setting.align == "justify")
            if held_back and setting.align == "justify" and len(current) > 1:
                normal = spacing / (len(current) - 1)
                tolerated = (LADDER_LOOSE_SPACE if ladder else LOOSE_SPACE) - 1
                held_back = (available - used) / (len(current) - 1) <= tolerated * normal
        else:
            held_back = False
        if room + give > 0 and not held_back:
            gaps = len(current)
            snug = room - (LOOSE_SPACE - 1) * (spacing + space) if gaps else 0.0
            parts = _fit_hyphenated(word, room + give, setting, snug)
            if parts is not None:
                head, tail, hyphen = parts
                current.append(head)
                used += space + head.width
                spacing += space
                finish(last=False, hyphenated=hyphen)
                queue.append(tail)
                continue
        if current and word.width <= setting.width + EPSILON:  # it fits the next line (never a first line)
            finish(last=False)
            queue.append(word)
            continue
        # longer than a whole line: break it at the margin, starting on this line if there is room
        # (and if it may not be hyphenated here, on the next line, where it may)
        if current and (room < available / 4 or held_back):
            finish(last=False)
            queue.append(word)
            continue
        parts = _fit_characters(word, room if current else available, setting, not current)
        if parts is None:
            if current:  # not one character fits here: start the word on the next line
                finish(last=False)
                queue.append(word)
            elif word.width <= available + EPSILON:  # it fits an empty line after all (rounding)
                current.append(word)
                used, spacing = word.width, 0.0
            else:  # a first line indented too far for even one character: start below it
                finish(last=False)
                queue.append(word)
            continue
        head, tail = parts
        current.append(head)
        used += space + head.width
        spacing += space
        finish(last=False)
        queue.append(tail)
    if current or not lines:
        finish(last=True)
    return lines
