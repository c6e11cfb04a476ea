"""Typographic ties: non-breaking spaces where a line must not break.

After "No." or "№" before its number ("Recommendation No. 7", "Decree № 328"), inside digit
groups ("1 077"), after a number before the word it counts or dates ("31 December", "19
нарушений"), before a dash between words (so no line starts with one), and after the short words a language keeps with the next word (Russian
prepositions and conjunctions such as «в», «с», «и»: the catalog lists them, so a new language
needs no code). Applied by `compose` to the whole tree, data and generated text alike; the text
stays the same to a reader, only where lines may break changes.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable

from . import tree

NBSP = "\u00a0"
_BEFORE_NUMBER = re.compile(r"(?<!\w)(No\.|Nos\.|№|Art\.|pp?\.|§) (?=\d)")
_DIGIT_GROUP = re.compile(r"(?<![\d.,])(\d{1,3}) (?=\d{3}(?!\d))")
#: a dash between words stays at the end of its line, never opens the next one
_BEFORE_DASH = re.compile(r"(?<=\S) (?=[\u2013\u2014] )")
#: a number stays with the word it counts or dates ("31 December", "19 нарушений", "2022 год");
#: not with a short word, which may be tied forward itself (long unbreakable chains set badly)
_NUMBER_WORD = re.compile(r"(?<![\w.,])(\d+) (?=[^\W\d_]{3})")


class Ties:
    """The tie rules of one language."""

    def __init__(self, short_words: Iterable[str] = ()):
        words = sorted({w for w in short_words if w}, key=len, reverse=True)
        self._short = (re.compile(r"(?<![\w\-])(" + "|".join(map(re.escape, words)) + r") (?=\S)")
                       if words else None)

    def __call__(self, text: str) -> str:
        if " " not in text:
            return text
        text = _BEFORE_NUMBER.sub(r"\1" + NBSP, text)
        text = _DIGIT_GROUP.sub(r"\1" + NBSP, text)
        text = _NUMBER_WORD.sub(r"\1" + NBSP, text)
        text = _BEFORE_DASH.sub(NBSP, text)
        if self._short is not None:
            # twice: "и в городе" has two short words in a row
            text = self._short.sub(r"\1" + NBSP, self._short.sub(r"\1" + NBSP, text))
        return text

    # -- the tree --------------------------------------------------------------------------------

    def document(self, document: tree.Document) -> tree.Document:
        sections = tuple(dataclasses.replace(section, blocks=self.blocks(section.blocks),
                                             running_header=self(section.running_header)
                                             if section.running_header else None)
                         for section in document.sections)
        return dataclasses.replace(document, sections=sections)

    def blocks(self, blocks: tuple[tree.Block, ...]) -> tuple[tree.Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: tree.Block) -> tree.Block:
        if isinstance(block, tree.Paragraph):
            return self.paragraph(block)
        if isinstance(block, tree.Heading):
            return dataclasses.replace(block, text=self(block.text),
                                       toc_text=self(block.toc_text) if block.toc_text else None)
        if isinstance(block, tree.ListBlock):
            return dataclasses.replace(block, items=tuple(tree.ListItem(self.blocks(item.blocks))
                                                          for item in block.items))
        if isinstance(block, tree.Table):
            return dataclasses.replace(block, rows=tuple(
                tree.Row(tuple(dataclasses.replace(cell, paragraphs=tuple(self.paragraph(p) for p in cell.paragraphs))
                               for cell in row.cells))
                for row in block.rows))
        if isinstance(block, tree.TableOfContents):
            return dataclasses.replace(block, entries=tuple(dataclasses.replace(e, text=self(e.text))
                                                            for e in block.entries))
        return block

    def paragraph(self, paragraph: tree.Paragraph) -> tree.Paragraph:
        # runs are tied one by one: a tie never crosses a change of emphasis or a link
        return dataclasses.replace(paragraph, runs=tuple(
            run if run.line_break else dataclasses.replace(run, text=self(run.text)) for run in paragraph.runs))
