"""How the summary table fits its page: the one decision both writers follow.

The summary table has a title column and a column per meeting. With a few meetings the ratings
and the meeting headings are printed in full; as meetings accumulate the columns narrow, and a
word wider than its column would be cut inside, with no hyphen ("Significan / t"), by Word and
by any line breaker. So compose decides, measuring every word with the theme's own fonts (the
ones both writers set the table in), the first of:

1. **full**: full rating labels and meeting headings ("19th meeting, July 2018"), every word of
   every cell narrower than its column;
2. **short**: rating abbreviations ("SP") spelled out in a legend in the table's header, and
   meeting headings with the month abbreviated ("19th, Jul 2018"), every word fitting;
3. **compact**: the short form with the meeting columns' text in the theme's smaller
   ``table-header-compact`` and ``rating-compact`` styles;
4. **hyphenated**: the compact form, with soft hyphens put into any word still wider than its
   column, so it breaks with a visible hyphen in both formats (the language's hyphenation points
   where they suffice, else between letters, never between two digits when a letter boundary
   fits).

The title column gives up width first (down to `MIN_FIRST`, or its own longest word) before a
step is abandoned. Nothing here depends on a writer's own line breaking: widths are measured,
and the result is a tree that both writers set as is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:
    from .theme import Theme

#: the title column's least share of the width, whatever the meetings need
MIN_FIRST = 0.22
#: points kept free beside the longest word of a column (office suites' metrics differ slightly)
SLACK = 1.5
#: where a word may break without an added hyphen: after its own hyphen or dash, or a slash
_OWN_BREAK = re.compile(r"(?<=[\-\u2010\u2013\u2014/])")
SOFT_HYPHEN = "\u00ad"
#: the spaces a line may break at (no-break spaces tie what they join into one piece)
_SPACES = re.compile(r"[ \t\n]+")
POINTS_PER_MM = 72 / 25.4


class Measure:
    """Widths of words in the theme's table styles (points), cached per (style, word)."""

    def __init__(self, theme: "Theme"):
        from .writers.fonts import chain_for
        from .writers.pdf import CELL_PADDING

        self.theme = theme
        self.padding = CELL_PADDING
        self._chain_for = chain_for
        self._cache: dict[tuple[str, str], float] = {}

    def word(self, style_name: str, word: str) -> float:
        key = (style_name, word)
        found = self._cache.get(key)
        if found is None:
            style = self.theme.style(style_name)
            chain = self._chain_for(self.theme, style.font, style.bold, style.italic)
            text = word.replace(SOFT_HYPHEN, "")
            try:
                found = sum(face.measure(part) for face, part in chain.split(text)) * style.size / 1000
            except Exception:  # a character no face has: the writers report it, with its field
                found = 0.0
            self._cache[key] = found
        return found

    def widest(self, style_name: str, texts: Iterable[str]) -> float:
        """Return the width of the widest unbreakable piece of `texts` in that style."""
        return max((self.word(style_name, piece) for text in texts for piece in pieces(text)), default=0.0)


def pieces(text: str) -> list[str]:
    """Return the pieces of `text` no line may break inside without an added hyphen: its words,
    split after their own hyphens, dashes and slashes."""
    return [piece for word in _SPACES.split(text) for piece in _OWN_BREAK.split(word) if piece]


def columns(first: float, meetings: int) -> tuple[float, ...]:
    """Return the relative widths: the title column's share, then equal meeting columns."""
    return (first,) + tuple((1 - first) / meetings for _ in range(meetings))


def first_share(meetings: int) -> float:
    """Return the title column's usual share: wide for a few meetings, narrower for many."""
    return max(0.35, 0.65 - 0.1 * (meetings - 1))


def fit_first(measure: Measure, total: float, meetings: int, first_texts: Sequence[tuple[str, str]],
              meeting_texts: Sequence[tuple[str, str]]) -> float | None:
    """Return the title column's share at which every piece fits its column, or None.

    `total` is the table's width in points; the texts are (style name, text) pairs of the title
    column and of the meeting columns. The usual share is kept when it works; otherwise the title
    column narrows as far as its own widest piece allows.
    """
    inner = 2 * measure.padding + SLACK
    need_meeting = max((measure.widest(style, [text]) for style, text in meeting_texts), default=0.0) + inner
    need_first = max((measure.widest(style, [text]) for style, text in first_texts), default=0.0) + inner
    usual = first_share(meetings)
    if (total * (1 - usual)) / meetings >= need_meeting and total * usual >= need_first:
        return usual
    least = max(MIN_FIRST, need_first / total)
    room = total * (1 - least) / meetings
    if room < need_meeting or least >= usual:
        return None
    # the widest title column that still leaves every meeting column its need, in hundredths
    share = 1 - need_meeting * meetings / total
    share = max(least, min(usual, int(share * 100) / 100))
    return share


def hyphenate_to_fit(text: str, width: float, word_width: Callable[[str], float],
                     points: Callable[[str], list[int]] | None) -> str:
    """Return `text` with soft hyphens in every piece wider than `width` points, so it breaks
    with a visible hyphen: at the language's points (`points` gives them for a word) where the
    parts then fit, else also between letters."""
    out = []
    for word in text.split(" "):
        parts = []
        for piece in _OWN_BREAK.split(word):
            if piece and word_width(piece) > width:
                piece = _soften(piece, width, word_width, points)
            parts.append(piece)
        out.append("".join(parts))
    return " ".join(out)


def _soften(word: str, width: float, word_width: Callable[[str], float],
            points: Callable[[str], list[int]] | None) -> str:
    allowed = sorted(set(points(word) if points else []))
    cuts: list[int] = []
    start = 0
    while word_width(word[start:] + "-") > width and start < len(word) - 1:
        # the farthest point whose head (with its hyphen) fits, else the farthest letter that does
        head_ok = [p for p in allowed if p > start and word_width(word[start:p] + "-") <= width]
        if head_ok:
            cut = head_ok[-1]
        else:
            cut = start + 1
            while cut + 1 < len(word) and word_width(word[start:cut + 1] + "-") <= width:
                cut += 1
            # never between two digits when a letter boundary fits ("201-4" misreads a year)
            back = cut
            while back > start + 1 and word[back - 1].isdigit() and word[back].isdigit():
                back -= 1
            if back > start + 1:
                cut = back
        cuts.append(cut)
        start = cut
    if not cuts:
        return word
    pieces_ = [word[a:b] for a, b in zip([0] + cuts, cuts + [len(word)])]
    return SOFT_HYPHEN.join(pieces_)
