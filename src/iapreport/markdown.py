"""Markdown prose (CommonMark) → document-tree blocks: the one place prose is parsed.

Raw HTML is off, so ``<b>`` in prose stays the visible text ``<b>``; links keep their target only
for http, https and mailto, anything else stays as plain text with its target shown; nothing the
author wrote is dropped (images keep their alt text, address and title, code keeps its text and
its fence's info string, a link keeps its title as its tooltip and, without text, shows its address).
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .tree import Block, ListBlock, ListItem, Paragraph, Run

ALLOWED_SCHEMES = ("http", "https", "mailto")


class ProseLost(Exception):
    """Parsing would lose words the author wrote (e.g. nesting beyond the parser's limit)."""

    def __init__(self, source: str | None, words: list[str]):
        self.source, self.words = source, words
        super().__init__(f"{source or 'prose'}: these words would not be printed: {', '.join(words[:8])}"
                         + (" ..." if len(words) > 8 else ""))


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # link reference definitions ("[1]: https://...") are off: CommonMark would consume them
    # silently; as plain text they are printed as written
    return MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": 100}).disable("reference")


def safe_link(url: str) -> str | None:
    """Return `url` when it may become a clickable link (http, https, mailto), else None."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ALLOWED_SCHEMES else None


def parse(text: str, *, source: str | None = None, style: str = "body") -> tuple[Block, ...]:
    """Return the blocks of a Markdown text; `source` names the data field, for messages.

    Raises ProseLost if any word of `text` would be missing from the blocks.
    """
    tokens = _parser().parse(text)
    blocks, _ = _blocks(tokens, 0, len(tokens), source, style, 0)
    _check_nothing_lost(text, blocks, source, tokens)
    return tuple(blocks)


#: a word: letters and digits. Underscores, like every other punctuation mark, separate words:
#: ``_emphasis_``, ``__strong__`` and ``\_`` are Markdown's syntax, not words the author wrote
_WORD_RE = re.compile(r"[^\W_]+")


def _check_nothing_lost(text: str, blocks: list[Block], source: str | None, tokens: list[Token] = ()) -> None:
    """Raise ProseLost unless every word of the source `text` is printed by `blocks`.

    The words of the source are compared, not the parser's tokens: what the parser drops without a
    token (nesting beyond its limit) must be caught too. Markdown's punctuation is no word; the
    numbers of an ordered list's items after the first are syntax too (CommonMark numbers a list
    on from its first item, and the writers print those numbers).
    """
    written = set(_WORD_RE.findall(html.unescape(text) if "&" in text else text))
    printed_texts: list[str] = []  # read for words in one pass, not one per run
    numbers: set[str] = {tok.info for tok in tokens if tok.type == "list_item_open" and tok.info}
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, Paragraph):
            for run in block.runs:
                printed_texts.append(run.text)
                if run.link:
                    printed_texts.append(run.link)
                if run.title:
                    printed_texts.append(run.title)  # the link's tooltip
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, block.start):
                stack.extend(item.blocks)
                if block.marker != "bullet":
                    numbers.add(str(number))  # the writers print the item's number
    lost = written - numbers
    if lost:
        printed = "\n".join(printed_texts)
        # an entity printed as written (in code, in an address) counts as its character too
        printed_words = set(_WORD_RE.findall(printed + "\n" + html.unescape(printed) if "&" in printed else printed))
        lost -= printed_words
        if lost:
            # words the syntax around them glued to their neighbours (a`code`b, [link]()word: the
            # backticks and brackets are not printed) are printed, inside a word the author did
            # not write as such
            glued = [word for word in printed_words - written]
            lost = {word for word in lost if not any(word in other for other in glued)}
    if lost:
        raise ProseLost(source, sorted(lost))


def _blocks(tokens: list[Token], i: int, end: int, source: str | None, style: str, level: int) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < end:
        tok = tokens[i]
        kind = tok.type
        if kind in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1]
            runs = inline_runs(inline.children or [], inline.content)
            if kind == "heading_open":
                runs = tuple(r._replace(bold=True) for r in runs)
            if runs:
                out.append(Paragraph(runs, style, source))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = _matching(tokens, i)
            items: list[ListItem] = []
            j = i + 1
            while j < close:
                if tokens[j].type == "list_item_open":
                    item_close = _matching(tokens, j)
                    inner, _ = _blocks(tokens, j + 1, item_close, source, style, level + 1)
                    # an empty item ("2." alone) still has its number: an empty paragraph holds it
                    items.append(ListItem(tuple(inner) or (Paragraph((Run(""),), style, source),)))
                    j = item_close + 1
                else:
                    j += 1
            if kind == "ordered_list_open":
                marker = "decimal-paren" if tok.markup == ")" else "decimal-dot"
                start = tok.attrGet("start")  # absent for 1; 0 is a start, not "absent"
                start = 1 if start is None else int(start)
            else:
                marker, start = "bullet", 1
            out.append(ListBlock(tuple(items), marker, start, level, source))
            i = close + 1
        elif kind == "blockquote_open":
            close = _matching(tokens, i)
            inner, _ = _blocks(tokens, i + 1, close, source, "quote", level)
            out.extend(inner)
            i = close + 1
        elif kind in ("code_block", "fence", "html_block"):
            content = tok.content.rstrip("\n")
            runs: list[Run] = []
            info = tok.info.strip() if kind == "fence" else ""
            if info:
                # the fence's info string (```python) is the author's label for the code: its
                # first line, in italics, as written
                runs += [Run(info, italic=True), Run("", line_break=True)]
            for n, line in enumerate(content.split("\n")):
                if n:
                    runs.append(Run("", line_break=True))
                runs.append(Run(line))
            out.append(Paragraph(tuple(runs), "code", source))
            i += 1
        else:  # hr and closing tokens carry no text
            i += 1
    # a paragraph that leads into a list ("... as follows:") stays on the page of its first item
    for index in range(len(out) - 1):
        block = out[index]
        if (isinstance(block, Paragraph) and isinstance(out[index + 1], ListBlock)
                and block.text.rstrip().endswith(":")):
            out[index] = Paragraph(block.runs, block.style, block.source, keep_with_next=True)
    return out, end


def _matching(tokens: list[Token], i: int) -> int:
    """Return the index of the token closing the one opened at `i`."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def inline_runs(children: list[Token], source: str = "") -> tuple[Run, ...]:
    """Return the runs of an inline token's children, adjacent equal runs merged; `source` is the
    inline token's own text (what the author wrote), for showing a link's target as written."""
    runs: list[Run] = []
    bold = italic = 0
    #: the links open: [href kept, href as written, title, the text printed in it so far]
    links: list[list] = []

    def add(text: str, **extra) -> None:
        link = title = None
        if links:
            links[-1][3] += text
            link, title = (links[-1][0], links[-1][2]) if links[-1][0] else (None, None)
        run = Run(text, bold > 0, italic > 0, link, title=title, **extra)
        if (runs and not run.line_break and not runs[-1].line_break
                and (runs[-1].bold, runs[-1].italic, runs[-1].link, runs[-1].title)
                == (run.bold, run.italic, run.link, run.title)):
            runs[-1] = Run(runs[-1].text + text, run.bold, run.italic, run.link, False, run.title)
        else:
            runs.append(run)

    for tok in children:
        kind = tok.type
        if kind == "text" or kind == "html_inline":
            if tok.content:
                add(tok.content)
        elif kind == "code_inline":
            add(tok.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("", line_break=True)
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(tok.attrGet("href") or "")
            title = str(tok.attrGet("title") or "") or None
            links.append([safe_link(href), href, title, ""])
        elif kind == "link_close":
            kept, href, title, text = links[-1]
            address = _address(href, source)
            if address and not text.strip():
                add(address)  # a link without text ([](https://...)) shows its address
                text = address
            links.pop()
            if kept is None:
                # not clickable: its target and its title follow it as text (the target once)
                target = [address] if address and address != text.strip() else []
                if title:
                    target.append(f'"{title}"')
                if target:
                    add(f" ({' '.join(target)})")
        elif kind == "image":
            alt = "".join(_plain(run) for run in inline_runs(tok.children or [], source))
            src = str(tok.attrGet("src") or "")
            title = str(tok.attrGet("title") or "")
            target = f'{src} "{title}"' if title else src
            add(f"{alt} ({target})" if alt.strip() else target)
    return tuple(runs)


def _address(href: str, source: str) -> str:
    """A link's target as the author wrote it in `source`: "https://ru.wikipedia.org/wiki/Коррупция"
    rather than the percent-encoded form the parser keeps, unless the source has that form."""
    if not href:
        return ""
    text = _parser().normalizeLinkText(href)
    return text if text != href and text in source else href


def _plain(run: Run) -> str:
    """The text of a run where it cannot be a link (an image's alt text): its target follows it."""
    if run.line_break:
        return " "
    if not run.link:
        return run.text
    target = f'{run.link} "{run.title}"' if run.title else run.link
    return run.text if run.text == target else f"{run.text} ({target})"
