"""Line breaking for the PDF writer: spans of text in faces in, measured lines out.

Why not reportlab's platypus: it re-parses every paragraph from markup, wraps many paragraphs
more than once while it paginates, and has no limit on hyphenated lines in a row. Here each
paragraph is broken into lines once, from the tree's runs split into spans by font coverage
(`fonts.FaceChain`), with widths read from each face's own advance table and cached per word. The result is plain data (`Line`, `Fragment`) that the page
maker stacks and the PDF writer draws.

Justified paragraphs are broken by total fit (Knuth and Plass, `_total_fit`): the lines of a
paragraph are chosen together, for even spacing and few hyphens, keeping first fit's number of
lines. Other paragraphs (and a justified one where total fit finds no way) are broken first-fit,
as in Word and platypus: a line takes words while they fit; the word
that does not fit is hyphenated (pyphen, the edition's language) if a part of it fits, at most
`MAX_HYPHENATED_LINES` lines in a row (Word's limit in our DOCX) unless the line would otherwise
gape (`break_lines` has the exact rules); a word longer than a whole line (a web address) is
broken at the margin, without a hyphen.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import re
from dataclasses import dataclass
from typing import Callable, NamedTuple, Optional

from .fonts import Face

#: lines in a row that may end with an added hyphen (issue 15: never three; the DOCX should set
#: Word's limit to this too)
MAX_HYPHENATED_LINES = 2
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

#: total fit (justified paragraphs, `_total_fit`): how far a word space stretches, as a share of
#: its width, at badness 100 (TeX's); a ratio of TOLERANCE (spaces 1.8 times their width) is the
#: loosest line the first try accepts
STRETCH = 0.5
TOLERANCE = 1.6
#: the loosest line of the second try, made where the first finds no way (a line whose next word
#: neither fits nor may be hyphenated): spaces four times their width; beyond, any (rare and slower)
SECOND_TOLERANCE = 6.0
#: how much total fit may shrink a justified line's spaces (a share of their width). Total fit
#: keeps first fit's number of lines, which is Word's and LibreOffice's (they never shrink), so
#: the DOCX would paginate as the PDF does even with shrinking (it only moves words between those
#: lines); but the layout tests hold every line to its natural width, as Word sets it, so none.
#: (1/3, TeX's and Typst's, halves the hyphens and loose lines: see benchmarks/line_quality.py.)
TOTAL_FIT_SHRINK = SPACE_SHRINK
#: first fit's lines are kept unless one is hyphenated or has spaces this much wider than normal
#: (a share of the space) added
LOOSE_RETRY = 0.8
#: demerits of every line (fewer lines are better), and penalties of breaks (squared, as
#: demerits; an added hyphen costs more than the loosest line within TOLERANCE): after an added
#: hyphen, after a compound's own hyphen, at an address's break point, in a paragraph's last word
LINE_PENALTY = 10
HYPHEN_PENALTY = 1000
EXPLICIT_PENALTY = 50
ADDRESS_PENALTY = 50
LAST_WORD_PENALTY = 1000
#: extra demerits: a hyphen after a hyphenated line, a line in a fitness class two or more away
#: from the line before's, a hyphen on the line before the last
FLAGGED_DEMERITS = 3000
ADJACENT_DEMERITS = 3000
FINAL_HYPHEN_DEMERITS = 5000
#: at most this many lines in a row end with an added hyphen (total fit)
MAX_HYPHENATED_RUN = MAX_HYPHENATED_LINES
_AWFUL = 1e5
_INFINITE = float("inf")

#: letters of a word or of each part of a compound, which the dictionary may hyphenate
_HYPHENATABLE = re.compile(rf"(?<![^\W\d_])[^\W\d_]{{{MIN_HYPHENATED_WORD},}}(?![^\W\d_])")
#: a hyphen or dash between letters: a compound may break after it, with no hyphen added
_COMPOUND_BREAK = re.compile(r"(?<=[^\W\d_])[-\u2010\u2013\u2014](?=[^\W\d_]{2})")
#: web and mail addresses, paths and domains
_ADDRESS_LIKE = re.compile(r"://|@|/|\bwww\.|[^\W_]\.[^\W\d_]{2,}")
#: an address's break points: after / . - ? & (after "//", not between ":" and "/" or the two
#: slashes), before a letter, digit or one of the characters an address goes on with
_ADDRESS_BREAK = re.compile(r"(?:(?<!:)/(?!/)|//|[.\-?&])(?=[^\W_]|[~%#=_/])")
#: the fewest characters an address keeps on either side of a break
MIN_ADDRESS_PART = 3


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
    """Whether `token` reads as a web or mail address, a path or a domain: never hyphenated (it
    breaks only at its own break points, `address_points`)."""
    return bool(_ADDRESS_LIKE.search(token))


def address_points(token: str) -> list[int]:
    """Where an address may break, no hyphen added: after `/`, `.`, `-`, `?` or `&` (never inside
    "://", nor before the end's punctuation), leaving at least `MIN_ADDRESS_PART` characters on
    each side ("https://", "www." and "oecd." may end a line; "org." may not begin one alone)."""
    found = []
    last = len(token) - MIN_ADDRESS_PART
    for match in _ADDRESS_BREAK.finditer(token):
        position = match.end()
        if MIN_ADDRESS_PART <= position <= last:
            found.append(position)
    return found


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
        return [(position, False) for position in reversed(address_points(text))]
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
    """Break `words` into lines of `setting.width`: a justified paragraph by total fit
    (`_total_fit`), any other by first fit (`first_fit`).

    Each stretch between hard breaks is set on its own. Total fit is tried where first fit leaves
    a hyphenated or loose line, and keeps first fit's number of lines exactly: the DOCX is set by
    Word or LibreOffice, which break first-fit, and must paginate as the PDF does. Where total fit
    finds no way (a word longer than a line with no break point that fits), first fit's lines stay.
    """
    if setting.width <= 0 or setting.width - setting.first_indent <= 0:
        raise NoRoom(f"the measure is {min(setting.width, setting.width - setting.first_indent):.1f} pt")
    if setting.align != "justify" or len(words) < 2:
        return first_fit(words, setting)
    if BREAK not in words:
        return _best_of(words, setting, False)
    lines: list[Line] = []
    start = 0
    for index, word in enumerate(words):
        if word is BREAK:
            lines += _best_of(words[start:index + 1], setting if not start else setting._replace(first_indent=0.0),
                              True)
            start = index + 1
    if start < len(words):
        lines += _best_of(words[start:], setting._replace(first_indent=0.0), False)
    return lines


def _best_of(words: list, setting: Setting, hard_break: bool) -> list[Line]:
    """The lines of a stretch of words without hard breaks (with one at the end if `hard_break`)."""
    greedy = first_fit(words, setting)
    if len(greedy) < 2:
        return greedy
    shrinks = TOTAL_FIT_SHRINK > 0
    normal = 0.0
    for word in words:
        if word is not BREAK and word.space:
            normal = word.space
            break
    loose = LOOSE_RETRY * normal
    for line in greedy:
        if line.hyphenated or (line.justify and line.spaces and line.available - line.width > loose * line.spaces):
            break
    else:
        return greedy  # no hyphen, no loose line: nothing to improve
    body = words[:-1] if hard_break else words
    most = len(greedy)
    # first fit's first line is the fullest a first line can be: if it is too loose, so is every
    # total fit's, and the first try would fail
    first = greedy[0]
    hopeless = (not shrinks and not first.hyphenated and first.justify and first.spaces
                and first.available - first.width > TOLERANCE * STRETCH * normal * first.spaces)
    lines = None if hopeless else _total_fit(body, setting, most, normal, TOLERANCE, True)
    if lines is None:
        lines = _total_fit(body, setting, most, normal, SECOND_TOLERANCE, False)
        if lines is None:  # rare, and slow: any looseness, even a line more, rather than first
            # fit's hyphen ladders (a third hyphenated line in a row)
            lines = _total_fit(body, setting, most, normal, _INFINITE, False)
            if lines is None and any(a.hyphenated and b.hyphenated and c.hyphenated
                                     for a, b, c in zip(greedy, greedy[1:], greedy[2:])):
                lines = _total_fit(body, setting, most + 1, normal, _INFINITE, False)
    return greedy if lines is None else lines


def _word_text(word: Word) -> str:
    return word.pieces[0].text if len(word.pieces) == 1 else "".join(p.text for p in word.pieces)


def _break_points(word: Word, setting: Setting) -> list[tuple]:
    """`word`'s break points for total fit: (position, width of the head without its hyphen,
    width of the hyphen added or 0, whether one is added, penalty), by position. Kept per text,
    face and size for words in one face (reports repeat their words)."""
    single = word.pieces[0] if len(word.pieces) == 1 else None
    if single is not None:
        key = (single.text, single.face, setting.size, setting.hyphenate)
        known = _POINTS.get(key)
        if known is not None:
            return known
    found = _hyphenation_points(word, setting.hyphenate)
    points = []
    if found:
        scale = setting.size / 1000.0
        own = ADDRESS_PENALTY if is_address_like(_word_text(word)) else EXPLICIT_PENALTY
        for position, hyphen in sorted(set(found)):
            if single is not None:
                face = single.face
                head = face.measure(single.text[:position]) * scale
            else:
                head, seen, face = 0.0, 0, word.pieces[0].face
                for piece in word.pieces:
                    face = piece.face
                    if seen + len(piece.text) > position:
                        head += face.measure(piece.text[:position - seen]) * scale
                        break
                    head += piece.width
                    seen += len(piece.text)
            points.append((position, head, face.measure("-") * scale if hyphen else 0.0, hyphen,
                           HYPHEN_PENALTY if hyphen else own))
    if single is not None:
        if len(_POINTS) > 50000:
            _POINTS.clear()
        _POINTS[key] = points
    return points


#: break points by (text, face, size, hyphenation), for `_break_points`
_POINTS: dict = {}


def _last_word_points(points: list, strict: bool) -> list:
    """A paragraph's last word's break points: no added hyphen if `strict`, else a costly one."""
    if strict:
        return [point for point in points if not point[3]]
    return [point[:4] + (LAST_WORD_PENALTY,) if point[3] else point for point in points]


def _total_fit(words: list, setting: Setting, most: int, normal: float, tolerance: float,
               strict: bool) -> Optional[list[Line]]:
    """Break `words` (no hard breaks) into exactly `most` lines by total fit (Knuth and Plass), or
    return None if no breaking keeps every line within the measure (spaces shrunk at most by
    `TOTAL_FIT_SHRINK`; the last line never) and its stretch under
    `tolerance` (a ratio: the line's extra width over its spaces' stretch, `STRETCH` of their width).

    Each line costs demerits: (LINE_PENALTY + badness)² + penalty², badness 100·ratio³, penalty
    that of the break (an added hyphen, a compound's own hyphen, an address's break point); more
    for a hyphen after a hyphenated line (`FLAGGED_DEMERITS`), for a line much looser or tighter
    than the one before (fitness classes, `ADJACENT_DEMERITS`) and for a hyphen on the line before
    the last (`FINAL_HYPHEN_DEMERITS`). The last line may stay short (badness 0). No more than
    `MAX_HYPHENATED_RUN` lines in a row end with an added hyphen; `strict` forbids one in the last
    word (else it costs `LAST_WORD_PENALTY`). Words are broken inside only where they straddle the
    line's end; the breaks that may end a line from each break point are found by bisection.
    """
    n = len(words)
    if n == 0:
        return None
    # A[k]: where word k ends... A[k] = natural width of words 0..k-1 from the start (spaces
    # between them included); G[k]: the spaces' widths among them (ties too)
    A = [0.0] * (n + 1)
    G = [0.0] * (n + 1)
    space = [0.0] * n
    at = glue = 0.0
    for k, word in enumerate(words):
        gap = word.space if k else 0.0
        space[k] = gap
        at += gap + word.width
        glue += gap
        if "\xa0" in word.pieces[0].text if len(word.pieces) == 1 else False:
            glue += _stretchable_nbsp(word.pieces[0].text) * normal
        A[k + 1] = at
        G[k + 1] = glue
    points: list = [None] * n
    first = setting.width - setting.first_indent
    rest = setting.width
    final = (n, -1)
    shrink = TOTAL_FIT_SHRINK
    # states of each break point: (lines, hyphenated lines in a row, fitness) -> (demerits, from, state)
    states: dict = {(0, -1): {(0, 0, 2): (0.0, None, None)}}
    heap = [(0, -1)]
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        point = pop(heap)
        if point == final:
            continue
        k, j = point
        if j < 0:
            sx = A[k] + space[k]
            start_pre = -1.0
        else:
            sx = A[k] + space[k] + points[k][j][1]
            start_pre = points[k][j][1]
        sg = G[k] + space[k]
        by_width: dict = {}
        for key, value in states[point].items():
            by_width.setdefault(first if key[0] == 0 else rest, []).append((key, value))
        for avail, entries in by_width.items():
            # the ends a line from here may have: (point, ratio, penalty, hyphen added)
            ends = []
            limit = sx + avail + EPSILON
            natural_end = bisect.bisect_right(A, limit) - 1  # words before it fit whole
            if A[n] <= limit:
                ends.append((final, 0.0, 0, False))
            top = bisect.bisect_right(A, sx + avail * (1.0 + shrink) + EPSILON) - 1 if shrink else natural_end
            # inside the words that straddle the end (and the word this line starts in)
            for m in range(max(natural_end, k), min(top, n - 1) + 1):
                found = points[m]
                if found is None:
                    found = _break_points(words[m], setting)
                    if m == n - 1 and found:
                        found = _last_word_points(found, strict)
                    points[m] = found
                base = A[m] + space[m]
                line_glue = G[m] + space[m] - sg
                for index, (position, pre, hyphen_width, added, penalty) in enumerate(found):
                    if m == k and pre <= start_pre:
                        continue
                    width = base + pre + hyphen_width - sx
                    slack = avail - width
                    if slack >= -EPSILON:
                        stretch = line_glue * STRETCH
                        ratio = slack / stretch if stretch > 0 else (0.0 if slack <= EPSILON else _INFINITE)
                    elif line_glue * shrink > 0 and -slack <= line_glue * shrink:
                        ratio = slack / (line_glue * shrink)
                    else:
                        break  # later points are wider still
                    if ratio <= tolerance:
                        ends.append(((m, index), ratio, penalty, added))
            # between words, from the last that fits back until the line is too loose
            for m in range(min(top, n - 1), k, -1):
                width = A[m] - sx
                line_glue = G[m] - sg
                slack = avail - width
                if slack >= -EPSILON:
                    stretch = line_glue * STRETCH
                    ratio = slack / stretch if stretch > 0 else (0.0 if slack <= EPSILON else _INFINITE)
                    if ratio > tolerance:
                        break
                elif line_glue * shrink > 0 and -slack <= line_glue * shrink:
                    ratio = slack / (line_glue * shrink)
                else:
                    continue
                ends.append(((m, -1), ratio, 0, False))
            for (lines, run, fitness), (total, _, _) in entries:
                count = lines + 1
                if count > most:
                    continue
                for end, ratio, penalty, added in ends:
                    if end == final:
                        if count < most:
                            continue
                        badness = 0.0
                        fit = 2
                    else:
                        if count == most:
                            continue
                        if added and run >= MAX_HYPHENATED_RUN:
                            continue
                        badness = 100.0 * abs(ratio) ** 3 if ratio < _INFINITE else _AWFUL
                        if ratio > TOLERANCE:  # the second try: as few loose lines as can be
                            badness += _AWFUL
                        fit = 0 if ratio > 1.0 else 1 if ratio > 0.5 else 2 if ratio >= -0.5 else 3
                    demerits = (LINE_PENALTY + badness) ** 2 + penalty * penalty
                    if added and run:
                        demerits += FLAGGED_DEMERITS
                    if fit - fitness > 1 or fitness - fit > 1:
                        demerits += ADJACENT_DEMERITS
                    if end == final and run:
                        demerits += FINAL_HYPHEN_DEMERITS
                    key = (count, run + 1 if added else 0, fit)
                    known = states.get(end)
                    if known is None:
                        known = states[end] = {}
                        push(heap, end)
                    total_here = total + demerits
                    best = known.get(key)
                    if best is None or total_here < best[0]:
                        known[key] = (total_here, point, (lines, run, fitness))
    ended = states.get(final)
    if not ended:
        return None
    key = min(ended, key=lambda state: ended[state][0])
    breaks = [final]
    point = final
    while True:
        _, before, key = states[point][key]
        if before is None:
            break
        breaks.append(before)
        point = before
    breaks.reverse()
    return _lines_at(words, setting, breaks, points)


def _lines_at(words: list, setting: Setting, breaks: list, points: list) -> list[Line]:
    """The lines of `words` broken at `breaks` (total fit's points, the start first)."""
    size = setting.size
    lines: list[Line] = []
    for number in range(1, len(breaks)):
        (k, j), (m, i) = breaks[number - 1], breaks[number]
        items: list[Word] = []
        hyphenated = False
        if j >= 0 and i >= 0 and m == k:  # a middle part of a word longer than a line
            tail = _split_word(words[k], points[k][j][0], size, False)[1]
            position, _, _, hyphenated, _ = points[m][i]
            items.append(_split_word(tail, position - points[k][j][0], size, hyphenated)[0])
        else:
            if j >= 0:
                items.append(_split_word(words[k], points[k][j][0], size, False)[1])
                k += 1
            items.extend(words[k:m])
            if i >= 0:
                position, _, _, hyphenated, _ = points[m][i]
                items.append(_split_word(words[m], position, size, hyphenated)[0])
        offset = setting.first_indent if number == 1 else 0.0
        lines.append(_make_line(items, setting, offset, setting.width - offset, m >= len(words), hyphenated))
    return lines


def first_fit(words: list, setting: Setting) -> list[Line]:
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
