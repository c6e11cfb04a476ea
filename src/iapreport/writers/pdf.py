"""The PDF writer: a document tree and the theme in, a print-ready PDF out.

Three steps, each done once:

1. *Set*: every paragraph, heading, TOC entry and table cell is broken into lines (`_lines`),
   at the width it will have. Widths are the frame's or a column's, known before pagination, so
   nothing is set twice.
2. *Paginate*: the set blocks are stacked into pages. Headings and lead-ins keep with the first
   lines of what follows (Word's "keep with next": the heading stays if what follows can start
   beneath it); paragraphs split between pages with at least two lines on each side (no widows or
   orphans); a table starts where it stands if its header rows and two body rows fit there (else
   on the next page) and splits between rows with its header rows repeated, never leaving a
   single body row alone on a page unless the page is otherwise empty; sections and page breaks
   start new pages.
3. *Draw*: pages are drawn in order on a `_reportlab.Canvas`, the one seam to reportlab, which
   embeds the fonts as subsets and writes outline, links and metadata. Since pagination is
   finished before the first page is drawn, the table of contents prints the true page numbers
   directly: one layout pass.

Every text is split by font coverage (`fonts.FaceChain`): each character is set in the first face
of its family's fallback chain that has it, and a character no face has is an error naming the
paragraph's `source` instead of a silent box. Page numbers are physical: the cover is page 1 (it
shows no number). Output is byte-identical for identical input: dates from the metadata (or
``SOURCE_DATE_EPOCH``), reportlab's invariant mode for the rest.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Optional

from .. import tree
from ..theme import Style, Theme
from . import WriterError, atomic_output, build_moment
from ._lines import (BREAK, EPSILON, RIGID_NBSP, Line, NoRoom, Setting, address_points, break_lines, hyphenator,
                     words_of)
from ._reportlab import Canvas, Info
from . import fonts
from .fonts import Face, FaceChain, chain_for

__all__ = ["write_pdf"]

#: points per millimetre
MM = 72 / 25.4
#: extra indent per TOC level beyond the deepest ``toc-N`` style the theme defines
TOC_LEVEL_INDENT = 14.0
#: gap between an entry's text (or the leader) and the page-number column
TOC_GAP = 6.0
#: distance between leader dots
TOC_DOT_STEP = 4.0
#: table cell padding, points (the top one is smaller: the first line's leading adds air)
CELL_PADDING = 4.0
CELL_PADDING_TOP = 3.0
#: width of table grid lines, points
RULE_WIDTH = 0.5
#: the least space between a list's number and its text, points
LIST_GAP = 4.0
#: the fewest lines of a paragraph left at the foot of a page or carried to the next
MIN_LINES = 2
#: the fewest body rows of a table on a page (with its header), unless the table has fewer
MIN_ROWS = 2
#: a token this long that is not a word or compound (a web address) may not hyphenate or fit a
#: line: its paragraph is set ragged, since the line before it would open wide gaps
LONG_TOKEN = 30
_BREAKABLE_WORD = re.compile(r"\W{0,3}[^\W\d_]+(?:[-\u2010\u2013\u2014][^\W\d_]+)*\W{0,3}")

def _rgb(value: str | None) -> Optional[tuple[float, float, float]]:
    if not value:
        return None
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# set blocks: what pagination stacks


@dataclass(slots=True)
class _Text:
    """Set lines of one paragraph, heading or TOC entry (or a part of a paragraph)."""

    lines: list[Line]
    size: float
    leading: float
    colour: tuple
    left: float  # from the frame's left edge
    align: str
    space_before: float
    space_after: float
    keep_with_next: bool
    splittable: bool
    where: str
    #: the list markers on the first line: ((face, text) spans, x from the frame's left edge) each;
    #: more than one where an item opens with a nested list (its marker and the nested item's)
    bullet: Optional[tuple[tuple[list, float], ...]] = None
    background: Optional[tuple] = None
    anchor: Optional[str] = None  # headings: destination name
    level: int = 0
    outline: Optional[str] = None  # headings: the outline entry's title
    toc_anchor: Optional[str] = None  # TOC entries: the heading they point to
    toc_face: Optional[Face] = None

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading

    def first_part(self) -> float:
        """The least of this block that may start a page (keep-with-next asks for it)."""
        if self.splittable and len(self.lines) >= 2 * MIN_LINES:
            return MIN_LINES * self.leading
        return self.height

    def split(self, room: float) -> Optional[tuple["_Text", "_Text"]]:
        """Split into what fits `room` and the rest, with no widow or orphan; None if it cannot."""
        if not self.splittable:
            return None
        count = len(self.lines)
        fits = min(int((room + EPSILON) / self.leading), count - MIN_LINES)
        if fits < MIN_LINES:
            return None
        # a word hyphenated across a page turn reads badly: end the page on a whole word if a line
        # that does is within reach (else keep the cut: moving the paragraph would leave a hole)
        for candidate in range(fits, MIN_LINES - 1, -1):
            if not self.lines[candidate - 1].hyphenated:
                return self._cut(candidate)
        return self._cut(fits)

    def force_split(self, room: float) -> tuple["_Text", "_Text"]:
        """Split a paragraph taller than a page wherever the page ends."""
        return self._cut(max(1, min(int((room + EPSILON) / self.leading), len(self.lines) - 1)))

    def _cut(self, fits: int) -> tuple["_Text", "_Text"]:
        return (replace(self, lines=self.lines[:fits], space_after=0.0),
                replace(self, lines=self.lines[fits:], space_before=0.0, bullet=None))


@dataclass(slots=True)
class _Cell:
    x: float  # from the table's left edge
    width: float
    content: list[tuple[float, _Text]]  # (offset from the content's top, text)
    height: float  # of the content
    background: Optional[tuple]


@dataclass(slots=True)
class _Row:
    cells: list[_Cell]
    height: float
    where: str


@dataclass(slots=True)
class _Table:
    header: list[_Row]
    body: list[_Row]
    space_before: float
    space_after: float
    keep_with_next: bool = False
    #: whether rows were moved to a later page (the rest of a split table)
    continued: bool = False

    @property
    def height(self) -> float:
        return sum(r.height for r in self.header) + sum(r.height for r in self.body)

    def first_part(self) -> float:
        head = sum(r.height for r in self.header)
        return head + sum(r.height for r in self.body[:MIN_ROWS])

    def split(self, room: float, fresh_page: bool) -> Optional[tuple["_Table", "_Table"]]:
        used = sum(r.height for r in self.header)
        fits = 0
        for row in self.body:
            if used + row.height > room + EPSILON:
                break
            used += row.height
            fits += 1
        rest = len(self.body) - fits
        if fits < MIN_ROWS and not (fresh_page and fits):
            return None  # start the table on the next page instead
        if 0 < rest < MIN_ROWS:  # carry rows over, so that no page shows a single row
            if fits - (MIN_ROWS - rest) >= MIN_ROWS:
                fits -= MIN_ROWS - rest
            elif not fresh_page:
                return None  # too short to split well: the whole table goes to the next page
        return (replace(self, body=self.body[:fits], space_after=0.0),
                replace(self, body=self.body[fits:], space_before=0.0, continued=True))


@dataclass(slots=True)
class _Images:
    """A row of images (the cover's logos): placed whole, never split."""

    images: list[tuple[str, float, float]]  # (file, x from the frame's left edge, width), points
    height: float
    space_after: float
    where: str
    space_before: float = 0.0
    keep_with_next: bool = False

    def first_part(self) -> float:
        return self.height

    def split(self, room: float) -> None:
        return None


@dataclass(slots=True)
class _NewPage:
    """Start a new page (if the current one holds anything); `section` switches the furniture."""

    section: Optional[int] = None


@dataclass(slots=True)
class _Page:
    section: int
    items: list[tuple[float, object]] = field(default_factory=list)  # (top y, _Text or _Table)


# --------------------------------------------------------------------------------------------
# setting: tree -> set blocks


class _Setter:
    def __init__(self, document: tree.Document, theme: Theme):
        self.document = document
        self.theme = theme
        #: (family, bold, italic) -> the chain of faces that sets it, made on first use (`chain`)
        self.chains: dict[tuple[str, bool, bool], FaceChain] = {}
        rules = theme.hyphenation
        self.hyphenate = hyphenator(rules.dictionary(document.metadata.language), rules.min_left,
                                    rules.min_right)
        page = theme.page
        self.text_width = page.text_width * MM
        colours = theme.colours
        self.link_colour = _rgb(colours.get("link") or colours.get("accent"))
        self.rule_colour = _rgb(colours.get("rule", "000000"))
        self._anchor_count = 0
        #: the headings' own anchors, which generated ones must not take
        self.anchors = _check_anchors(document)
        #: the TOC's page-number column (set when the TOC is set)
        self.toc_number_width = 0.0

    # fonts and glyphs

    def chain(self, style: Style, bold: bool = False, italic: bool = False) -> FaceChain:
        key = (style.font, style.bold or bold, style.italic or italic)
        chain = self.chains.get(key)
        if chain is None:
            chain = self.chains[key] = chain_for(self.theme, *key)
        return chain

    def face(self, style: Style, bold: bool = False, italic: bool = False) -> Face:
        """The style's own face (the first of its chain): what numbers and leaders are set in."""
        return self.chain(style, bold, italic).primary

    def split(self, text: str, chain: FaceChain, where: str) -> list[tuple[Face, str]]:
        """Return `text` as (face, text) spans of `chain`; raise WriterError naming every character
        that no face of the chain has."""
        return fonts.spans(chain, text, where, "PDF")

    # paragraphs

    def text(self, runs, style: Style, where: str, *, width: float, left: float = 0.0,
             hyphenate: bool = True, align: str | None = None, keep: bool = False,
             splittable: bool = True, in_cell: bool = False) -> _Text:
        size = style.size
        plain = "".join(" " if run.line_break else run.text for run in runs)
        tokens = plain.split()
        # a long token that cannot break (no hyphenation point, not an address with its own break
        # points) would leave a gaping justified line: such a paragraph is set ragged
        long_token = (max(map(len, tokens), default=0) >= LONG_TOKEN
                      and any(len(token) >= LONG_TOKEN and not _BREAKABLE_WORD.fullmatch(token)
                              and not address_points(token) for token in tokens))
        align = align or style.align
        if align == "justify" and long_token:
            # justified, the line before an address that cannot be hyphenated would open wide gaps
            align = "left"
        allowed = (align in ("justify", "left") and not style.keep_with_next and not style.upper
                   and not in_cell and hyphenate)
        upper = style.upper
        spans: list = []
        for run in runs:
            if run.line_break:
                spans.append(BREAK)
            elif run.text:
                chain = self.chain(style, run.bold, run.italic)
                # a link with a title is drawn with its tooltip: (url, title) for the painter
                link = (run.link, run.title) if run.link and run.title else run.link
                spans.extend((text, face, link) for face, text in
                             self.split(chain.upper(run.text) if upper else run.text, chain, where))
        words = words_of(spans, size)
        setting = Setting(size, width - style.left_indent - left, style.first_line_indent, align,
                          self.hyphenate if allowed else None)
        try:
            lines = break_lines(words, setting)
        except NoRoom as exc:
            raise WriterError(f"{where}: no room to set the text ({exc}): a column, an indent or a list "
                              "level leaves too narrow a measure") from None
        return _Text(lines, size, size * style.leading, _rgb(style.colour) or (0, 0, 0), style.left_indent + left,
                     align, style.space_before, style.space_after, style.keep_with_next or keep, splittable,
                     where, background=None if in_cell else _rgb(style.background))

    def paragraph(self, para: tree.Paragraph, style: Style | None = None, **kwargs) -> _Text:
        style = style or self.theme.style(para.style)
        where = para.source or f"paragraph {para.text[:40]!r}"
        kwargs.setdefault("width", self.text_width)
        return self.text(para.runs, style, where, keep=para.keep_with_next, **kwargs)

    # blocks

    def story(self) -> list:
        story: list = []
        for number, section in enumerate(self.document.sections):
            story.append(_NewPage(section=number))
            self.blocks(section.blocks, story, 0)
        return story

    def blocks(self, blocks, out: list, depth: int) -> None:
        for block in blocks:
            if isinstance(block, tree.Paragraph):
                out.append(self.paragraph(block))
            elif isinstance(block, tree.Heading):
                out.append(self.heading(block))
            elif isinstance(block, tree.ListBlock):
                self.list(block, out, depth)
            elif isinstance(block, tree.Table):
                if block.rows:
                    out.append(self.table(block))
            elif isinstance(block, tree.TableOfContents):
                self.toc(block, out)
            elif isinstance(block, tree.PageBreak):
                out.append(_NewPage())
            elif isinstance(block, tree.ImageRow):
                if block.images:
                    out.append(self.images(block))
            else:
                raise WriterError(f"the PDF writer cannot draw a {type(block).__name__}")

    def heading(self, heading: tree.Heading) -> _Text:
        style = self.theme.style(heading.style)
        anchor = heading.anchor
        if anchor is None:
            anchor = ""
            while not anchor or anchor in self.anchors:
                self._anchor_count += 1
                anchor = f"_heading-{self._anchor_count}"
            self.anchors.add(anchor)
        text = self.text((tree.Run(heading.text),), style, f"heading #{anchor}", width=self.text_width,
                         hyphenate=False, splittable=False)
        text.anchor = anchor
        text.level = heading.level
        text.outline = (heading.toc_text or heading.text) if heading.outline else None
        return text

    def images(self, row: tree.ImageRow) -> _Images:
        """Place a row's images side by side at its height, aligned in the text width."""
        widths = [width * MM for width in row.widths()]
        total = sum(widths) + row.gap * MM * (len(widths) - 1)
        x = {"center": (self.text_width - total) / 2, "centre": (self.text_width - total) / 2,
             "right": self.text_width - total}.get(row.align, 0.0)
        placed = []
        for image, width in zip(row.images, widths):
            placed.append((image.path, x, width))
            x += width + row.gap * MM
        return _Images(placed, row.height * MM, row.space_after * MM, row.source or "image row")

    def list(self, block: tree.ListBlock, out: list, depth: int, carried: tuple = ()) -> None:
        """Set a list. `carried` holds the markers, (text, x), of the items this list opens: an item
        that begins with a nested list prints its marker on the nested list's first line, beside
        the first nested marker, not alone on a line above it."""
        level = max(block.level, depth)
        # the theme's step per level: the marker of a level-n list stands at n steps (hanging),
        # its text and every later paragraph of the item at n+1 steps, as in the DOCX
        step = self.theme.lists.indent
        marker_at, text_at = step * level, step * (level + 1)
        if block.marker != "bullet" and block.items:
            # numbers wider than the hanging space ("1000.") push the whole list's text right
            style = self.theme.style("body")
            widest = max(len(str(block.start)), len(str(block.start + len(block.items) - 1))) + 1
            needed = self.face(style).measure("0" * widest) * style.size / 1000 + LIST_GAP
            text_at = max(text_at, marker_at + needed)
        for number, item in enumerate(block.items, block.start):
            if block.marker == "decimal-dot":
                marker = f"{number}."
            elif block.marker == "decimal-paren":
                marker = f"{number})"
            else:
                marker = self.theme.lists.bullet(level)
            pending: tuple = (*carried, (marker, marker_at))
            carried = ()
            for child in (*item.blocks, None) if item.blocks else (None,):
                if child is None and not pending:
                    break
                if isinstance(child, tree.ListBlock) and child.items and pending:
                    self.list(child, out, level + 1, pending)  # the markers go on its first line
                    pending = ()
                    continue
                if isinstance(child, tree.Paragraph) or pending:
                    # an item that opens with another block (a table) or has none: its markers
                    # stand on an empty line of their own
                    para = child if isinstance(child, tree.Paragraph) else \
                        tree.Paragraph((tree.Run(""),), source=block.source)
                    style = self.theme.style(para.style)
                    text = self.paragraph(para, style, left=text_at)
                    if pending:
                        where = para.source or block.source or "list marker"
                        chain = self.chain(style)
                        text.bullet = tuple((self.split(mark, chain, where), style.left_indent + at)
                                            for mark, at in pending)
                        pending = ()
                    out.append(text)
                    if child is None or isinstance(child, tree.Paragraph):
                        continue
                if isinstance(child, tree.ListBlock):
                    self.list(child, out, level + 1)
                else:
                    self.blocks((child,), out, level + 1)

    def table(self, table: tree.Table) -> _Table:
        columns = len(table.widths)
        total = sum(table.widths) or 1.0
        widths = [w / total * self.text_width for w in table.widths]
        edges = [sum(widths[:i]) for i in range(columns + 1)]
        rows = []
        for r, row in enumerate(table.rows):
            cells = []
            column = 0
            where = f"table row {r + 1}"
            for cell in row.cells:
                span = max(cell.colspan, 1)
                if column + span > columns:
                    raise WriterError(f"table row {r + 1} spans more columns than the widths give ({columns})")
                cell_style = self.theme.style(cell.style)
                width = edges[column + span] - edges[column]
                content: list[tuple[float, _Text]] = []
                y = 0.0
                previous_after = 0.0
                for para in cell.paragraphs:
                    # a paragraph's own style wins; the default ("body") means "as the cell"
                    style = cell_style if para.style in ("body", cell.style) else self.theme.style(para.style)
                    text = self.paragraph(para, style, width=width - 2 * CELL_PADDING, in_cell=True)
                    if content:
                        y += max(previous_after, text.space_before)
                    content.append((y, text))
                    y += text.height
                    previous_after = text.space_after
                    where = para.source or where
                cells.append(_Cell(edges[column], width, content, y, _rgb(cell_style.background)))
                column += span
            if column != columns:
                raise WriterError(f"table row {r + 1} spans {column} columns, the widths give {columns}")
            height = max((c.height for c in cells), default=0.0) + CELL_PADDING_TOP + CELL_PADDING
            rows.append(_Row(cells, height, where))
        style = self.theme.styles.get(table.style)
        header = min(table.header_rows, len(rows))
        return _Table(rows[:header], rows[header:], style.space_before if style else 0.0,
                      max(style.space_after if style else 0.0, 6.0))

    def toc_style(self, level: int) -> Style:
        level = max(level, 1)
        for deeper in range(level, 0, -1):
            style = self.theme.styles.get(f"toc-{deeper}")
            if style is not None:
                if deeper != level:
                    style = style._replace(left_indent=style.left_indent + TOC_LEVEL_INDENT * (level - deeper))
                return style
        raise WriterError("the theme has no style toc-1 for the table of contents")

    def toc(self, toc: tree.TableOfContents, out: list) -> None:
        out.append(self.paragraph(tree.Paragraph((tree.Run(toc.title),), style="toc-title",
                                                 source="table of contents title")))
        entries = toc.entries
        styles = [self.toc_style(entry.level) for entry in entries]
        # one number column for the whole TOC, wide enough for three digits in every entry style
        self.toc_number_width = max((self.face(s).measure("000") * s.size / 1000 for s in styles), default=0.0)
        for index, (entry, style) in enumerate(zip(entries, styles)):
            following = entries[index + 1] if index + 1 < len(entries) else None
            text = self.text((tree.Run(entry.text),), style, f"table of contents entry {entry.text[:40]!r}",
                             width=self.text_width - self.toc_number_width - 2 * TOC_GAP, hyphenate=False,
                             align="left", splittable=False,
                             keep=following is not None and following.level > entry.level)
            text.toc_anchor = entry.anchor
            text.toc_face = self.face(style)
            out.append(text)


# --------------------------------------------------------------------------------------------
# pagination


class _Paginator:
    """Stacks set blocks into pages (see the module's docstring for the rules).

    Pages are opened lazily, when a block is placed, so a page break or a section that ends the
    document leaves no blank page.
    """

    def __init__(self, frame_height: float):
        self.frame_height = frame_height
        self.pages: list[_Page] = []
        self.section = 0
        self.open = False  # whether the last page takes more blocks
        self.used = 0.0  # height used on the current page
        self.after = 0.0  # space after the last block placed
        self.last_keeps = False  # whether that block keeps with what follows
        self.heading_pages: dict[str, int] = {}

    def _empty(self) -> bool:
        return not self.open  # an open page always holds a block

    def new_page(self) -> None:
        self.open = False
        self.used = self.after = 0.0
        self.last_keeps = False

    def place(self, gap: float, block) -> None:
        if not self.open:
            self.pages.append(_Page(self.section))
            self.open = True
            self.used = self.after = gap = 0.0
        self.pages[-1].items.append((self.used + gap, block))
        self.used += gap + block.height
        self.after = block.space_after
        self.last_keeps = block.keep_with_next
        anchor = getattr(block, "anchor", None)
        if anchor is not None:
            self.heading_pages.setdefault(anchor, len(self.pages))

    def _group_need(self, blocks: list, index: int) -> float:
        """Height of the keep-with-next chain starting at `index`, with the first part of what follows
        (without the gap above the chain, which the caller has taken from the room)."""
        need = 0.0
        after = self.after
        first = True
        for block in blocks[index:]:
            if isinstance(block, _NewPage):
                break
            gap = 0.0 if first else max(after, block.space_before)  # the caller counts the first gap
            first = False
            if not block.keep_with_next:
                return need + gap + block.first_part()
            need += gap + block.height
            after = block.space_after
        return need

    def run(self, blocks: list) -> list[_Page]:
        index = 0
        blocks = list(blocks)
        while index < len(blocks):
            block = blocks[index]
            if isinstance(block, _NewPage):
                if block.section is not None:
                    self.section = block.section
                if not self._empty():
                    self.new_page()
                index += 1
                continue
            empty = self._empty()
            gap = 0.0 if empty else max(self.after, block.space_before)
            room = self.frame_height - self.used - gap
            if block.keep_with_next and not empty:
                need = self._group_need(blocks, index)
                # a chain that fits no page at all is set where it stands, not page by page
                if room + EPSILON < need <= self.frame_height + EPSILON:
                    # a lead-in goes over whole with what follows, as LibreOffice moves a paragraph
                    # kept with the next one (it never splits it)
                    self.new_page()
                    continue
            if block.height <= room + EPSILON:
                self.place(gap, block)
                index += 1
                continue
            parts = block.split(room, empty) if isinstance(block, _Table) else block.split(room)
            if parts is None and empty:
                parts = self._force(block, room)
            if parts is None:
                self.new_page()
                continue
            first, rest = parts
            self.place(gap, first)
            self.new_page()
            blocks[index] = rest
        return self.pages

    def _force(self, block, room: float):
        """What to do with a block that does not fit even on an empty page."""
        if isinstance(block, _Text) and block.splittable and len(block.lines) > 1:
            return block.force_split(room)
        if isinstance(block, _Table):
            header = sum(row.height for row in block.header)
            if header > room or not block.body:
                raise WriterError(f"{block.header[0].where}: the table's header rows are taller than a page; "
                                  "the PDF cannot show them")
            raise WriterError(f"{block.body[0].where}: a row of the table, with the header rows repeated above "
                              "it, is taller than a page; the PDF cannot show it")
        raise WriterError(f"{block.where}: taller than a page; the PDF cannot show it")


# --------------------------------------------------------------------------------------------
# drawing


class _Painter:
    """Draws set blocks on the canvas: lines of text with their word spacing, fills, rules, links."""

    def __init__(self, canvas: Canvas, link_colour, rule_colour):
        self.canvas = canvas
        self.link_colour = link_colour
        self.rule_colour = rule_colour

    def text(self, block: _Text, x0: float, top: float) -> None:
        canvas = self.canvas
        size = block.size
        x_left = x0 + block.left
        if block.background is not None:
            width = max(line.offset + line.available for line in block.lines)
            canvas.fill_rect(block.background, x_left, top - block.height, width, block.height)
        colour = block.colour
        shown = []
        for spans, at in block.bullet or ():  # first, so that text extraction reads them before the item
            shown.append((x0 + at, top - size, [(face.handle, text, colour, 0.0) for face, text in spans]))
        link_colour = self.link_colour or colour
        for number, line in enumerate(block.lines):
            baseline = top - size - number * block.leading
            x = x_left + line.offset
            slack = line.available - line.width
            if block.align in ("center", "centre"):
                x += slack / 2
            elif block.align == "right":
                x += slack
            spacing = slack / line.spaces if line.justify else 0.0
            fragments = line.fragments
            if len(fragments) == 1 and not fragments[0].link and not (spacing and "\xa0" in fragments[0].text):
                fragment = fragments[0]  # most lines: one face, no link
                shown.append((x, baseline, ((fragment.face.handle, fragment.text, colour, spacing),)))
                continue
            spans = []
            links: list[list] = []
            position = x
            for fragment in fragments:
                handle = fragment.face.handle
                wanted = link_colour if fragment.link else colour
                if spacing and "\xa0" in fragment.text and RIGID_NBSP.search(fragment.text):
                    # a no-break space is drawn as a space, which the word spacing widens: inside
                    # a number it is drawn without, so that "1 077" keeps its normal space
                    parts = RIGID_NBSP.split(fragment.text)
                    for index, part in enumerate(parts):
                        if index:
                            spans.append((handle, "\xa0", wanted, 0.0))
                        if part:
                            spans.append((handle, part, wanted, spacing))
                else:
                    spans.append((handle, fragment.text, wanted, spacing))
                advance = fragment.width + fragment.spaces * spacing
                if fragment.link:
                    if links and links[-1][0] == fragment.link and abs(links[-1][2] - position) < EPSILON:
                        links[-1][2] = position + advance
                    else:
                        links.append([fragment.link, position, position + advance])
                position += advance
            shown.append((x, baseline, spans))
            for link, start, end in links:
                url, title = link if isinstance(link, tuple) else (link, None)
                canvas.link_uri((start, baseline - 0.25 * size, end, baseline + 0.9 * size), url, title)
        canvas.show(size, shown)

    def table(self, table: _Table, x0: float, top: float) -> None:
        y = top
        grid = []
        for row in (*table.header, *table.body):
            for cell in row.cells:
                x = x0 + cell.x
                if cell.background is not None:
                    self.canvas.fill_rect(cell.background, x, y - row.height, cell.width, row.height)
                # centred vertically, as the DOCX writer's cells
                offset = (row.height - CELL_PADDING_TOP - CELL_PADDING - cell.height) / 2
                for dy, text in cell.content:
                    self.text(text, x + CELL_PADDING, y - CELL_PADDING_TOP - offset - dy)
                grid.append((x, y - row.height, cell.width, row.height))
            y -= row.height
        if grid:
            self.canvas.stroke_rects(self.rule_colour, RULE_WIDTH, grid)


class _Writer:
    def __init__(self, setter: _Setter, pages: list[_Page], heading_pages: dict[str, int], canvas: Canvas):
        self.setter = setter
        self.theme = setter.theme
        self.pages = pages
        self.heading_pages = heading_pages
        self.canvas = canvas
        self.painter = _Painter(canvas, setter.link_colour, setter.rule_colour or (0, 0, 0))
        page = self.theme.page
        self.x0 = page.margin_left * MM
        self.top = (page.height - page.margin_top) * MM
        self.page_height = page.height * MM
        self.outline_level = -1

    def run(self) -> None:
        sections = self.setter.document.sections  # `layout` refuses a document without pages
        headers = {}
        for number, page in enumerate(self.pages, 1):
            section = sections[page.section]
            if section.running_header:
                if page.section not in headers:
                    style = self.theme.style("header")
                    header = self.setter.text((tree.Run(section.running_header),), style, "running header",
                                              width=self.setter.text_width, hyphenate=False)
                    room = (self.theme.page.margin_top - self.theme.page.header_distance) * MM
                    if header.height > room + EPSILON:
                        raise WriterError(f"running header: {len(header.lines)} lines do not fit above the text "
                                          f"({header.height:.0f} pt, room for {room:.0f} pt)")
                    headers[page.section] = header
                self.painter.text(headers[page.section], self.x0,
                                  self.page_height - self.theme.page.header_distance * MM)
            if section.page_numbers:
                style = self.theme.style("footer")
                footer = self.setter.text((tree.Run(str(number)),), style, "page numbers",
                                          width=self.setter.text_width, hyphenate=False)
                self.painter.text(footer, self.x0, self.theme.page.footer_distance * MM + footer.height)
            for y, block in page.items:
                if isinstance(block, _Table):
                    self.painter.table(block, self.x0, self.top - y)
                elif isinstance(block, _Images):
                    self.images(block, self.top - y)
                elif block.toc_anchor is not None:
                    self.toc_entry(block, self.top - y)
                else:
                    if block.anchor is not None:
                        self.heading(block, self.top - y)
                    self.painter.text(block, self.x0, self.top - y)
            self.canvas.end_page()

    def images(self, block: _Images, top: float) -> None:
        for path, x, width in block.images:
            try:
                self.canvas.image(path, self.x0 + x, top - block.height, width, block.height)
            except OSError as exc:  # checked when the data was loaded; gone or changed since
                raise WriterError(f"{block.where}: cannot read the image {path}: {exc}") from None

    def heading(self, block: _Text, top: float) -> None:
        self.canvas.destination(block.anchor, self.x0, top)
        if block.outline is not None:
            level = max(min(block.level - 1, self.outline_level + 1), 0)
            self.canvas.outline_entry(block.outline, block.anchor, level)
            self.outline_level = level

    def toc_entry(self, block: _Text, top: float) -> None:
        self.painter.text(block, self.x0, top)
        width = self.setter.text_width
        number_width = self.setter.toc_number_width
        last_line = block.lines[-1]
        baseline = top - block.size - (len(block.lines) - 1) * block.leading
        end = block.left + last_line.offset + last_line.width
        # leader dots on a grid common to all entries, so they line up down the page
        start = (int((end + TOC_GAP) / TOC_DOT_STEP) + 1) * TOC_DOT_STEP
        stop = width - number_width - TOC_GAP
        if stop > start:
            dots = int((stop - start) / TOC_DOT_STEP)
            self.canvas.dotted_line(block.colour, self.x0 + start, self.x0 + start + dots * TOC_DOT_STEP,
                                    baseline + 0.6, TOC_DOT_STEP, 0.8)
        page = self.heading_pages.get(block.toc_anchor)
        if page is None:  # checked before layout; a heading that was never placed
            raise WriterError(f"the table of contents points to #{block.toc_anchor}, which was never drawn")
        face = block.toc_face
        number = str(page)
        x = self.x0 + width - face.measure(number) * block.size / 1000
        self.canvas.show(block.size, [(x, baseline, ((face.handle, number, block.colour, 0.0),))])
        self.canvas.link_anchor((self.x0 + block.left, top - block.height, self.x0 + width, top), block.toc_anchor)


def _check_anchors(document: tree.Document) -> set[str]:
    """Return the headings' anchors, having checked they are unique and that the TOC points to them."""
    anchors: set[str] = set()
    for heading in document.headings():
        if heading.anchor is None:
            continue
        if heading.anchor in anchors:
            raise WriterError(f"two headings share the anchor #{heading.anchor}")
        anchors.add(heading.anchor)
    for block in document.blocks():
        if isinstance(block, tree.TableOfContents):
            for entry in block.entries:
                if entry.anchor not in anchors:
                    raise WriterError(f"the table of contents entry {entry.text!r} points to "
                                      f"#{entry.anchor}, but no heading has that anchor")
    return anchors


def _pdf_date(document: tree.Document) -> str:
    """CreationDate/ModDate, as PDF writes a date."""
    return f"D:{build_moment(document.metadata.date):%Y%m%d%H%M%S}+00'00'"


def layout(document: tree.Document, theme: Theme) -> tuple[_Setter, list[_Page], dict[str, int]]:
    """Set and paginate `document`: return the setter, the pages and each heading's page number."""
    setter = _Setter(document, theme)  # checks the anchors first
    story = setter.story()
    page = theme.page
    paginator = _Paginator((page.height - page.margin_top - page.margin_bottom) * MM)
    pages = paginator.run(story)
    if not pages:
        raise WriterError("the document has nothing to show: no page to write")
    return setter, pages, paginator.heading_pages


def _check_undrawn_strings(document: tree.Document) -> None:
    """Refuse lone surrogates in what the PDF stores but does not draw: metadata, bookmark titles
    and link targets (drawn text is checked glyph by glyph). They cannot be written as PDF text."""
    md = document.metadata
    fields = [("metadata title", md.title), ("metadata author", md.author), ("metadata subject", md.subject),
              ("metadata language", md.language)] + [("metadata keywords", k) for k in md.keywords]
    fields += [(f"heading #{h.anchor}", h.toc_text or h.text) for h in document.headings()]
    fields += [(p.source or f"paragraph {p.text[:40]!r}", text)
               for p in document.paragraphs() for run in p.runs if run.link
               for text in (run.link, run.title) if text]
    for where, text in fields:
        match = _LONE_SURROGATE.search(text)
        if match:
            raise WriterError(f"{where}: U+{ord(match.group()):04X} is half of a UTF-16 surrogate pair, "
                              "not a character; the PDF cannot store it")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def write_pdf(document: tree.Document, theme: Theme, path: str | os.PathLike[str]) -> int:
    """Write `document` as a PDF to `path`, styled by `theme`; return its number of pages."""
    _check_undrawn_strings(document)
    setter, pages, heading_pages = layout(document, theme)
    md = document.metadata
    info = Info(title=md.title, author=md.author, subject=md.subject, keywords=", ".join(md.keywords),
                creator="iapreport", language=md.language, date=_pdf_date(document))
    initial = setter.face(theme.style("body")).handle
    with atomic_output(path) as tmp:
        canvas = Canvas(tmp, theme.page.width * MM, theme.page.height * MM, info, initial)
        _Writer(setter, pages, heading_pages, canvas).run()
        canvas.save()
    return len(pages)
