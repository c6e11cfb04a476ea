"""Markdown prose (CommonMark) → document-tree blocks: the one place prose is parsed.

Raw HTML is off, so ``<b>`` in prose stays the visible text ``<b>``; links keep their target only
for http, https and mailto, anything else stays as plain text with its target shown; nothing the
author wrote is dropped (images keep their alt text and address, code keeps its text).
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
    _check_nothing_lost(text, blocks, source)
    return tuple(blocks)


_WORD_RE = re.compile(r"\w+")


def _check_nothing_lost(text: str, blocks: list[Block], source: str | None) -> None:
    written = set(_WORD_RE.findall(html.unescape(text) if "&" in text else text))
    printed_texts: list[str] = []  # read for words in one pass, not one per run
    numbers: set[str] = set()
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if isinstance(block, Paragraph):
            for run in block.runs:
                printed_texts.append(run.text)
                if run.link:
                    printed_texts.append(run.link)
                    printed_texts.append(html.unescape(run.link))
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, block.start):
                stack.extend(item.blocks)
                if block.marker != "bullet":
                    numbers.add(str(number))  # the writers print the item's number
    lost = written - numbers
    if lost:
        lost -= set(_WORD_RE.findall("\n".join(printed_texts)))
    if lost:
        raise ProseLost(source, sorted(lost))


def _blocks(tokens: list[Token], i: int, end: int, source: str | None, style: str, level: int) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < end:
        tok = tokens[i]
        kind = tok.type
        if kind in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1]
            runs = inline_runs(inline.children or [])
            if kind == "heading_open":
                runs = tuple(Run(r.text, True, r.italic, r.link, r.line_break) for r in runs)
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
                    items.append(ListItem(tuple(inner)))
                    j = item_close + 1
                else:
                    j += 1
            if kind == "ordered_list_open":
                marker = "decimal-paren" if tok.markup == ")" else "decimal-dot"
                start = int(tok.attrGet("start") or 1)
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


def inline_runs(children: list[Token]) -> tuple[Run, ...]:
    """Return the runs of an inline token's children, adjacent equal runs merged."""
    runs: list[Run] = []
    bold = italic = 0
    links: list[tuple[str | None, str]] = []  # (href kept, original href)

    def add(text: str, **extra) -> None:
        link = links[-1][0] if links else None
        run = Run(text, bold > 0, italic > 0, link, **extra)
        if (runs and not run.line_break and not runs[-1].line_break
                and (runs[-1].bold, runs[-1].italic, runs[-1].link) == (run.bold, run.italic, run.link)):
            runs[-1] = Run(runs[-1].text + text, run.bold, run.italic, run.link)
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
            links.append((safe_link(href), href))
        elif kind == "link_close":
            kept, href = links.pop()
            if kept is None and href:
                add(f" ({href})")
        elif kind == "image":
            alt = "".join(child.content for child in (tok.children or []))
            src = str(tok.attrGet("src") or "")
            add(f"{alt} ({src})" if alt else src)
    return tuple(runs)
