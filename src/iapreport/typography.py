"""Typographic ties, quotes and hyphenation exceptions.

Ties: non-breaking spaces where a line must not break.

After "No." or "№" before its number ("Recommendation No. 7", "Decree № 328"), inside digit
groups ("1 077"), after a number before the word it counts or dates ("31 December", "19
нарушений"), before a dash between words (so no line starts with one), and after the short words a language keeps with the next word (Russian
prepositions and conjunctions such as «в», «с», «и»: the catalog lists them, so a new language
needs no code). Applied by `compose` to the whole tree, data and generated text alike; the text
stays the same to a reader, only where lines may break changes.

Quotes (`Quotes`): straight quotes in the data's prose become the language's typographic ones
(“…” and ‘…’ in English, «…» and „…“ in Russian: the catalog gives both pairs), nested quotes at
the second level, apostrophes as ’. Hyphenation exceptions: words the catalog lists with their
break points ("Ka-zakh-stan") get soft hyphens there, so both formats break them only there.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from . import tree

NBSP = "\u00a0"

# Each rule is a pattern that starts with what it ties (so the regex engine can skip ahead to
# candidates instead of trying a look-behind at every character: 5-10x faster on a report) and
# a check, in Python, of the one character before the match.

#: "No. 7", "№ 328", "Art. 5", "p. 12", "§ 3": the abbreviation stays with its number
_BEFORE_NUMBER = re.compile(r"(No\.|Nos\.|№|Art\.|pp?\.|§) (?=\d)")
#: "1 077": digit groups of a number stay together
_DIGIT_GROUP = re.compile(r"(\d{1,3}) (?=\d{3}(?!\d))")
#: a number stays with the word it counts or dates ("31 December", "19 нарушений", "2022 год");
#: not with a short word, which may be tied forward itself (long unbreakable chains set badly)
_NUMBER_WORD = re.compile(r"(\d+) (?=[^\W\d_]{3})")
#: a dash between words stays at the end of its line, never opens the next one
_BEFORE_DASH = re.compile(r" (?=[\u2013\u2014] )")


def _tie_unless_after(continues: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
    """A `re.sub` replacement: the match's group 1 and a tie, unless the character before the match
    `continues` what the match begins (then the match is left as it is)."""
    def tie(match: re.Match[str]) -> str:
        start = match.start()
        if start and continues(match.string[start - 1]):
            return match.group()
        return match.group(1) + NBSP

    return tie


#: "No. 7", not "CasiNo. 7"
_tie_after_word_start = _tie_unless_after(lambda before: before.isalnum() or before == "_")
#: a number, unless it continues a number ("1.5", "3,200") or a word ("A4")
_tie_after_number_start = _tie_unless_after(lambda before: before.isalnum() or before in "_.,")
#: digit groups, unless the first group continues a number ("12345 678", "1.5 000")
_tie_digit_group = _tie_unless_after(lambda before: before.isdecimal() or before in ".,")


def _tie_before_dash(match: re.Match[str]) -> str:
    start = match.start()
    return NBSP if start and not match.string[start - 1].isspace() else " "


SOFT_HYPHEN = "\u00ad"


class Ties:
    """The tie rules of one language, and its hyphenation exceptions."""

    def __init__(self, short_words: Iterable[str] = (), hyphenations: Iterable[str] = ()):
        words = sorted({w for w in short_words if w}, key=len, reverse=True)
        self._short = self._short_first = None
        if words:
            alternatives = "(?:" + "|".join(map(re.escape, words)) + ")"
            # a short word after a character that ends no word (a space, "(", "«"), or first
            self._short = re.compile(r"[^\w\-]" + alternatives + r"(?= \S)")
            self._short_first = re.compile(alternatives + r"(?= \S)")
        # "Ka-zakh-stan": the word, wherever it stands whole or begins a longer form
        # ("Kazakhstan's", "Kazakhstani"), gets soft hyphens at those points only
        self._hyphenated: dict[str, str] = {}
        for entry in hyphenations:
            plain = entry.replace("-", "")
            if plain and "-" in entry and plain.isalpha():
                self._hyphenated[plain] = entry.replace("-", SOFT_HYPHEN)
        self._exceptions = (re.compile(r"(?<![\w\u00ad])(" + "|".join(
            map(re.escape, sorted(self._hyphenated, key=len, reverse=True))) + r")") if self._hyphenated else None)

    def __call__(self, text: str) -> str:
        if self._exceptions is not None:
            text = self._exceptions.sub(lambda m: self._hyphenated[m.group(1)], text)
        if " " not in text:
            return text
        text = _BEFORE_NUMBER.sub(_tie_after_word_start, text)
        text = _DIGIT_GROUP.sub(_tie_digit_group, text)
        text = _NUMBER_WORD.sub(_tie_after_number_start, text)
        if "\u2013 " in text or "\u2014 " in text:
            text = _BEFORE_DASH.sub(_tie_before_dash, text)
        if self._short is not None:
            text = self._tie_short_words(text)
        return text

    def _tie_short_words(self, text: str) -> str:
        """Replace the space after each short word by a tie ("и в городе": both)."""
        ends = [match.end() for match in self._short.finditer(text)]
        first = self._short_first.match(text)
        if first is not None:
            ends.insert(0, first.end())
        if not ends:
            return text
        parts = []
        previous = 0
        for end in ends:  # `end` is the space's index
            parts.append(text[previous:end])
            previous = end + 1
        parts.append(text[previous:])
        return NBSP.join(parts)

    # -- the tree --------------------------------------------------------------------------------

    def document(self, document: tree.Document) -> tree.Document:
        sections = tuple(section._replace(blocks=self.blocks(section.blocks),
                                             running_header=self(section.running_header)
                                             if section.running_header else None)
                         for section in document.sections)
        return document._replace(sections=sections)

    def blocks(self, blocks: tuple[tree.Block, ...]) -> tuple[tree.Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: tree.Block) -> tree.Block:
        if isinstance(block, tree.Paragraph):
            return self.paragraph(block)
        if isinstance(block, tree.Heading):
            return block._replace(text=self(block.text),
                                       toc_text=self(block.toc_text) if block.toc_text else None)
        if isinstance(block, tree.ListBlock):
            return block._replace(items=tuple(tree.ListItem(self.blocks(item.blocks))
                                                          for item in block.items))
        if isinstance(block, tree.Table):
            return block._replace(rows=tuple(
                tree.Row(tuple(cell._replace(paragraphs=tuple(self.paragraph(p) for p in cell.paragraphs))
                               for cell in row.cells))
                for row in block.rows))
        if isinstance(block, tree.TableOfContents):
            return block._replace(entries=tuple(e._replace(text=self(e.text))
                                                            for e in block.entries))
        return block

    def paragraph(self, paragraph: tree.Paragraph) -> tree.Paragraph:
        # runs are tied one by one: a tie never crosses a change of emphasis or a link; a run or
        # paragraph without ties is kept as it is (most are: no copies to make)
        runs = []
        changed = False
        for run in paragraph.runs:
            if not run.line_break:
                text = self(run.text)
                if text != run.text:
                    run = run._replace(text=text)
                    changed = True
            runs.append(run)
        return paragraph._replace(runs=tuple(runs)) if changed else paragraph


#: where a quote opens: at the start, or after a space or an opening bracket, dash or quote
_OPENS_AFTER = set(" \t\n\u00a0([{«„“‘—–-/")


class Quotes:
    """Straight quotes of the data's prose as the language's: `primary` and `secondary` are the
    (opening, closing) pairs of the first and second levels; `'` between letters is ’."""

    def __init__(self, primary: tuple[str, str], secondary: tuple[str, str]):
        self.primary, self.secondary = primary, secondary

    def blocks(self, blocks: Iterable[tree.Block]) -> list[tree.Block]:
        return [self.block(block) for block in blocks]

    def block(self, block: tree.Block) -> tree.Block:
        if isinstance(block, tree.Paragraph):
            return block if block.style == "code" else self.paragraph(block)
        if isinstance(block, tree.ListBlock):
            return block._replace(items=tuple(tree.ListItem(tuple(self.blocks(item.blocks))) for item in block.items))
        return block

    def paragraph(self, paragraph: tree.Paragraph) -> tree.Paragraph:
        if not any('"' in run.text or "'" in run.text for run in paragraph.runs):
            return paragraph
        depth: list[str] = []  # the quotes open: '"' or "'"
        before = " "
        runs = []
        for run in paragraph.runs:
            if run.line_break or ('"' not in run.text and "'" not in run.text):
                runs.append(run)
                before = run.text[-1:] or before
                continue
            text = run.text
            out = []
            for index, char in enumerate(text):
                after = text[index + 1:index + 2]
                if char == '"':
                    out.append(self._quote('"', before, depth))
                elif char == "'":
                    if before.isalnum() and (after.isalpha() or not depth or depth[-1] != "'"):
                        out.append("\u2019")  # an apostrophe: don't, Kazakhstan's, 1990's
                    else:
                        out.append(self._quote("'", before, depth))
                else:
                    out.append(char)
                before = char
            runs.append(run._replace(text="".join(out)))
        return paragraph._replace(runs=tuple(runs))

    def _quote(self, kind: str, before: str, depth: list[str]) -> str:
        """Double quotes take the first level, or the second inside another quote; single quotes
        always the second."""
        if before in _OPENS_AFTER or before == "":
            level = self.primary if kind == '"' and not depth else self.secondary
            depth.append(kind)
            return level[0]
        if kind in depth:  # closes the innermost quote of its kind (and any left open inside it)
            while depth and depth[-1] != kind:
                depth.pop()
            depth.pop()
            return (self.primary if kind == '"' and not depth else self.secondary)[1]
        return self.primary[1] if kind == '"' else "\u2019"
