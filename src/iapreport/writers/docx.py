"""Document tree + theme → a Word-native DOCX (python-docx).

Word's own Heading 1–3 styles, a TOC field whose cached result already lists every entry (linked
to bookmarks on the headings, refreshed by Word on open for page numbers), real list numbering,
a summary table whose header rows repeat, the edition's language on the defaults and runs, page
numbers as PAGE fields, and no header on the cover. Raw XML lives in `_ooxml`.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Mm, Pt, RGBColor
from docx.text.font import Font
from docx.text.parfmt import ParagraphFormat

from .. import tree
from ..theme import Style, Theme
from . import WriterError, _ooxml, atomic_output, build_moment
from ._ooxml import OxmlElement
from ._lines import MAX_HYPHENATED_LINES, is_address_like
from . import fonts
from .fonts import FaceChain, chain_for
from .pdf import CELL_PADDING, CELL_PADDING_TOP, MIN_ROWS, RULE_WIDTH

#: Theme styles that map onto Word's built-in heading styles (what Word's TOC and navigation read).
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
TOC_STYLES = {1: "TOC 1", 2: "TOC 2", 3: "TOC 3"}

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def word_style_name(name: str) -> str:
    """Return the Word style that carries theme style `name` (``IAP body`` for ``body``)."""
    return f"IAP {name}"


def _apply_style(word_style, style: Style, theme: Theme) -> None:
    """Copy a theme style's properties onto a Word paragraph style."""
    font = word_style.font
    family = theme.fonts[style.font].family
    _ooxml.set_fonts(word_style.element.get_or_add_rPr(), family)
    font.size = Pt(style.size)
    font.bold = style.bold
    font.italic = style.italic
    font.color.rgb = RGBColor.from_string(style.colour)
    font.all_caps = style.upper
    fmt = word_style.paragraph_format
    fmt.alignment = _ALIGN[style.align]
    fmt.space_before = Pt(style.space_before)
    fmt.space_after = Pt(style.space_after)
    # the theme's leading is a multiple of the font size, as in the PDF; Word's "multiple" is of
    # the font's own line height, so give the distance itself, exactly: "at least" lets LibreOffice
    # and Word grow every line to the font's ascent + descent (1.325 × size for PT Serif, against
    # the theme's 1.3), two points a page
    fmt.line_spacing = Pt(style.size * style.leading)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    # hyphenation where the PDF hyphenates: justified or left-aligned text that is neither set in
    # capitals nor kept with the next paragraph (headings, labels)
    _ooxml.set_suppress_hyphens(word_style.element.get_or_add_pPr(),
                                style.align not in ("justify", "left") or style.keep_with_next or style.upper)
    fmt.keep_with_next = style.keep_with_next
    fmt.widow_control = True
    if style.left_indent:
        fmt.left_indent = Pt(style.left_indent)
    if style.first_line_indent:
        fmt.first_line_indent = Pt(style.first_line_indent)


def build_styles(document, theme: Theme) -> dict[str, str]:
    """Create a Word style for every theme style; return theme name → Word style name."""
    styles = document.styles
    existing = {s.name for s in styles}
    mapping: dict[str, str] = {}
    for name, style in theme.styles.items():
        word_name = word_style_name(name)
        if word_name not in existing:
            word_style = styles.add_style(word_name, WD_STYLE_TYPE.PARAGRAPH)
            word_style.base_style = styles["Normal"]
        else:
            word_style = styles[word_name]
        _apply_style(word_style, style, theme)
        mapping[name] = word_style.style_id
    # Word's own heading and TOC styles take the theme's values, so navigation and TOC work natively
    for level, word_name in HEADING_STYLES.items():
        word_style = styles[word_name]
        _apply_style(word_style, theme.style(f"heading-{level}"), theme)
    for level, word_name in TOC_STYLES.items():
        if word_name not in existing:
            word_style = styles.add_style(word_name, WD_STYLE_TYPE.PARAGRAPH)
            word_style.base_style = styles["Normal"]
        else:
            word_style = styles[word_name]
        _apply_style(word_style, theme.style("toc-1" if level == 1 else "toc-2"), theme)
        _ooxml.set_suppress_hyphens(word_style.element.get_or_add_pPr(), True)  # the PDF's TOC never hyphenates
        word_style.paragraph_format.left_indent = Pt(theme.style("toc-2").left_indent * (level - 1))
        word_style.paragraph_format.tab_stops.add_tab_stop(Mm(theme.page.text_width), WD_TAB_ALIGNMENT.RIGHT,
                                                           WD_TAB_LEADER.DOTS)
    _apply_style(styles["Normal"], theme.style("body"), theme)
    for word_name in list(HEADING_STYLES.values()) + list(TOC_STYLES.values()):
        mapping[word_name] = styles[word_name].style_id
    return mapping


@dataclass
class _Writer:
    """Appends the tree's blocks to the body as WordprocessingML elements.

    Paragraphs and tables are built as elements (python-docx's oxml layer) and put before the
    body's closing section properties in constant time: python-docx's `add_paragraph` looks for
    that element among all the body's children on every call, which made a long report's DOCX
    cost grow with the square of its length.
    """

    document: object
    theme: Theme
    language: str
    styles: dict[str, str]
    bookmark_id: int = 0
    next_num_id: int = 1000
    abstract_ids: dict[str, int] = field(default_factory=dict)
    break_pending: bool = False
    pending_abstracts: list = field(default_factory=list)
    pending_nums: list = field(default_factory=list)
    #: (font key, bold, italic) -> the chain of faces that sets it
    chains: dict = field(default_factory=dict)
    #: fallback faces the text needed: family -> (generic, {face slot: file})
    fallbacks: dict = field(default_factory=dict)
    #: anchor -> the page its heading is on, as the PDF's layout paginates the document
    heading_pages: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        #: the body's last child, its section properties: every block goes before it
        self.end = self.document.element.body.sectPr

    # -- inline --------------------------------------------------------------------------------

    def _run_properties(self, run: tree.Run):
        rPr = OxmlElement("w:rPr")
        if run.bold:
            rPr.append(OxmlElement("w:b"))
        if run.italic:
            rPr.append(OxmlElement("w:i"))
        if run.link:
            colour = OxmlElement("w:color")
            colour.set(qn("w:val"), self.theme.colours.get("link") or self.theme.colours.get("accent", "0563C1"))
            rPr.append(colour)
            underline = OxmlElement("w:u")
            underline.set(qn("w:val"), "single")
            rPr.append(underline)
        return rPr

    def chain(self, font: str, bold: bool, italic: bool) -> FaceChain:
        """The chain of faces that sets the theme's font `font` in that weight and slant."""
        key = (font, bold, italic)
        chain = self.chains.get(key)
        if chain is None:
            chain = self.chains[key] = chain_for(self.theme, *key)
        return chain

    def text_runs(self, text: str, style: str, where: str | None, bold: bool = False, italic: bool = False,
                  properties=None) -> list:
        """Return `text` as w:r elements, split by font coverage as the PDF sets it: a character the
        style's face lacks is in a run that names the fallback family that has it (``w:rFonts``).

        The edition's language is the document's default (``w:docDefaults``), which Word carries
        with text copied out of it; a run names a language only when it differs: ``zxx`` on
        addresses, which must not be hyphenated."""
        theme_style = self.theme.style(style)
        bold, italic = theme_style.bold or bold, theme_style.italic or italic
        chain = self.chain(theme_style.font, bold, italic)
        spans = fonts.spans(chain, text, where or f"text {text[:40]!r}", "DOCX")
        elements = []
        for face, text_part in spans:
            for part, address in _address_parts(text_part):
                rPr = properties() if properties is not None else None
                if face is not chain.primary:
                    family = chain.family_of(face)
                    generic = next(f.generic for f in self.theme.fonts.values() if f.family == family)
                    self.fallbacks.setdefault(family, (generic, {}))[1][_FACE_SLOTS[bold, italic]] = face.path
                    rPr = OxmlElement("w:rPr") if rPr is None else rPr
                    _ooxml.set_fonts(rPr, family)
                if address:
                    # the PDF never hyphenates a web or mail address, path or domain: "no linguistic
                    # content" (zxx), which no hyphenation dictionary serves
                    rPr = OxmlElement("w:rPr") if rPr is None else rPr
                    rPr.append(_ooxml.lang_element("zxx"))
                elements.append(_ooxml.text_run(part, rPr))
        return elements

    def add_runs(self, p, runs: tuple[tree.Run, ...], style: str, where: str | None = None) -> None:
        """Append `runs` to the paragraph element `p`."""
        for run in runs:
            if run.line_break:
                element = OxmlElement("w:r")
                element.append(OxmlElement("w:br"))
                p.append(element)
                continue
            plain = not (run.bold or run.italic or run.link)
            elements = self.text_runs(run.text, style, where, run.bold, run.italic,
                                      None if plain else (lambda run=run: self._run_properties(run)))
            if run.link:
                link = _ooxml.external_hyperlink(self.document.part, run.link)
                if run.title:
                    _ooxml.set_tooltip(link, run.title)
                for element in elements:
                    link.append(element)
                p.append(link)
            else:
                for element in elements:
                    p.append(element)

    def style_id(self, style: str) -> str:
        """Return the Word style id of a theme style (``rating-x`` falls back to ``rating``)."""
        if style not in self.styles:
            self.styles[style] = self.styles[self.theme.style(style).name]
        return self.styles[style]

    def new_paragraph(self, style_id: str, container=None):
        """Append an empty paragraph with a style id to the body (or to `container`, a table cell);
        return its element."""
        # built in schema order by hand: python-docx's get_or_add_* looks up each successor tag
        pPr = OxmlElement("w:pPr")
        pPr.append(OxmlElement("w:pStyle", {"w:val": style_id}))
        p = OxmlElement("w:p")
        p.append(pPr)
        if container is not None:
            container.append(p)
            return p
        self.end.addprevious(p)
        if self.break_pending:
            # a page break is the next paragraph's "page break before", as Word users set it:
            # no empty paragraph left at the top of the new page
            ParagraphFormat(p).page_break_before = True
            self.break_pending = False
        return p

    def paragraph(self, style: str, runs: tuple[tree.Run, ...], container=None, keep_with_next: bool = False,
                  where: str | None = None):
        p = self.new_paragraph(self.style_id(style), container)
        if keep_with_next:
            ParagraphFormat(p).keep_with_next = True
        self.add_runs(p, runs, style, where)
        return p

    # -- blocks --------------------------------------------------------------------------------

    def heading(self, heading: tree.Heading) -> None:
        p = self.new_paragraph(self.styles[HEADING_STYLES[min(heading.level, 3)]])
        self.add_runs(p, (tree.Run(heading.text),), heading.style, f"heading #{heading.anchor}")
        style = self.theme.style(heading.style)
        if heading.style != f"heading-{heading.level}":
            # e.g. a chapter heading: Word's Heading style, with the theme's own look on top
            for r in p.r_lst:
                font = Font(r)
                font.size = Pt(style.size)
                if style.upper:
                    font.all_caps = True
            fmt = ParagraphFormat(p)
            fmt.space_before = Pt(style.space_before)
            fmt.space_after = Pt(style.space_after)
            # and its own line height (Heading 1's is 1.3 × 16 pt, a chapter heading's 1.3 × 14 pt)
            fmt.line_spacing = Pt(style.size * style.leading)
        if heading.anchor:
            self.bookmark_id += 1
            _ooxml.add_bookmark(p, self.bookmark_id, heading.anchor)

    def toc(self, toc: tree.TableOfContents) -> None:
        self.paragraph("toc-title", (tree.Run(toc.title),), where="table of contents title")
        if not toc.entries:
            return
        levels = max(entry.level for entry in toc.entries)
        p = None
        for entry in toc.entries:
            p = self.new_paragraph(self.styles[TOC_STYLES[min(entry.level, 3)]])
            if entry is toc.entries[0]:
                _ooxml.field_begin(p, f'TOC \\o "1-{levels}" \\h \\z \\u')
            link = _ooxml.internal_hyperlink(entry.anchor)
            for element in self.text_runs(entry.text, "toc-1" if entry.level == 1 else "toc-2",
                                          f"table of contents entry {entry.text[:40]!r}"):
                link.append(element)
            link.append(_ooxml.tab_run())
            # the page number, as Word's own TOC has it: a PAGEREF field whose result is the page the
            # project's layout puts the heading on (the PDF's), so every reader shows it without
            # updating fields; Word's "Update field" still recomputes it
            _ooxml.field_begin(link, f"PAGEREF {entry.anchor} \\h")
            page = self.heading_pages.get(entry.anchor)
            if page is not None:
                link.append(_ooxml.text_run(str(page)))
            _ooxml.field_end(link)
            p.append(link)
        _ooxml.field_end(p)

    def list_block(self, block: tree.ListBlock, container=None, carried: tuple = ()) -> None:
        """Append a list: Word's own numbering, or, for numbers Word cannot count to, the numbers
        as text (see `_new_list`).

        An item that opens with a nested list shows its marker on the nested list's first line, as
        in the PDF: that paragraph is numbered in the outer list (Word draws the outer marker where
        the outer item's first line starts) and carries the nested marker as text, at a tab stop,
        while the nested list's own numbering counts from its second item. `carried` holds those
        outer markers: (numbering instance or None, level, text, first-line position in twips).
        An item whose first block is another block (a table) or that has none gets an empty
        paragraph for its marker."""
        step = self.theme.lists.indent
        skip = 1 if carried and block.items else 0  # the first item's number is written as text
        num_id = self._new_list(block.marker, block.level, block.start + skip, len(block.items) - skip)
        hanging = step
        if num_id is None:
            # the numbers as text: a hanging indent wide enough for the widest, as the PDF sets it
            from .pdf import LIST_GAP

            body = self.theme.style("body")
            widest = len(str(block.start + len(block.items) - 1)) + 1
            face = self.chain(body.font, False, False).primary
            hanging = max(step, face.measure("0" * widest) * body.size / 1000 + LIST_GAP)
        left = round((step * (block.level + 1) if num_id is not None else step * block.level + hanging) * 20)
        for number, item in enumerate(block.items, block.start):
            if block.marker == "decimal-paren":
                text = f"{number})"
            elif block.marker == "decimal-dot":
                text = f"{number}."
            else:
                text = self.theme.lists.bullet(block.level)
            own = (None if carried else num_id, block.level, text, left - round(hanging * 20))
            markers, carried = (*carried, own), ()
            blocks = item.blocks
            if blocks and isinstance(blocks[0], tree.ListBlock) and blocks[0].items:
                self.list_block(blocks[0], container, markers)  # the markers go on its first line
                blocks = blocks[1:]
                markers = ()
            elif not blocks or not isinstance(blocks[0], tree.Paragraph):
                blocks = (tree.Paragraph((tree.Run(""),), source=block.source), *blocks)
            for inner in blocks:
                if isinstance(inner, tree.Paragraph):
                    p = self.paragraph(inner.style, inner.runs, container, inner.keep_with_next, inner.source)
                    if markers:
                        self._markers(p, markers, left, inner.style, inner.source or block.source or "list marker")
                    else:
                        _ooxml.set_indent(p.pPr, left, 0)
                    markers = ()
                elif isinstance(inner, tree.ListBlock):
                    self.list_block(inner, container)
                else:
                    self.block(inner)

    def _markers(self, p, markers: tuple, left: int, style: str, where: str) -> None:
        """Put a list item's markers on its first paragraph `p`, whose text starts at `left`: the
        first by Word's numbering (or as text), the others as text, each followed by a tab."""
        texts = []
        num_id, level, text, first_line = markers[0]
        if num_id is None:
            texts.append(text)
        else:
            _ooxml.set_numbering(p.get_or_add_pPr(), num_id, level)
        texts += [marker[2] for marker in markers[1:]]
        elements = []
        for text in texts:
            elements += [*self.text_runs(text, style, where), _ooxml.tab_run()]
        for index, element in enumerate(elements, 1):
            p.insert(index, element)  # after the paragraph's properties
        if len(markers) > 1:
            # a tab stop where each nested marker stands, and at the text
            _ooxml.set_tab_stops(p.pPr, [marker[3] for marker in markers[1:]] + [left])
        _ooxml.set_indent(p.pPr, left, left - first_line)

    def _new_list(self, marker: str, level: int, start: int, count: int = 1) -> int | None:
        """Return the numbering instance of a new list, or None when its numbers are to be written
        as text: Word's and LibreOffice's list counters are 16-bit in practice (a list starting at
        987654321 shows 26801), so a list numbered past 32767 is not counted by them."""
        if marker != "bullet" and start + count - 1 > 32767:
            return None
        if marker not in self.abstract_ids:
            abstract_id = 900 + len(self.abstract_ids)
            self.abstract_ids[marker] = abstract_id
            self.pending_abstracts.append(_ooxml.abstract_num(
                abstract_id, marker, round(self.theme.lists.indent * 20), round(self.theme.lists.indent * 20),
                self.theme.fonts[self.theme.style("body").font].family, self.theme.lists.bullets))
        self.next_num_id += 1
        self.pending_nums.append(_ooxml.num(self.next_num_id, self.abstract_ids[marker], level, start))
        return self.next_num_id

    def table(self, table: tree.Table) -> None:
        self._flush_break()
        text_width = self.theme.page.text_width
        widths = [Mm(text_width * w) for w in table.widths]
        tbl = CT_Tbl.new_tbl(0, len(widths), Mm(text_width))
        self.end.addprevious(tbl)
        tblPr = tbl.tblPr
        tblPr.alignment = WD_TABLE_ALIGNMENT.CENTER
        tblPr.autofit = False
        _ooxml.set_table_borders(tbl, self.theme.colours.get("rule", "999999"))
        # the PDF's cell padding; LibreOffice and Word add the horizontal rule's width to every row,
        # which the PDF draws inside the row: the top margin gives it back
        _ooxml.set_cell_margins(tbl, top=round((CELL_PADDING_TOP - RULE_WIDTH) * 20),
                                bottom=round(CELL_PADDING * 20), left=round(CELL_PADDING * 20),
                                right=round(CELL_PADDING * 20))
        _ooxml.set_table_width(tbl, int(sum(w.twips for w in widths)))
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(int(width.twips)))
        # the PDF's rule, Word's way: "keep with next" on the header rows and the first body rows
        # keeps them with the next row, so that the table starts on a page only where its header
        # rows and MIN_ROWS body rows fit; on the body rows before the last MIN_ROWS, so that no
        # page ends the table with a single row. Not on every row: LibreOffice and Word would then
        # move a table that fits on a page whole, leaving the page before it part empty
        body = len(table.rows) - min(table.header_rows, len(table.rows))
        kept = {r for r in range(len(table.rows) - 1)
                if r < table.header_rows + MIN_ROWS - 1 or r >= len(table.rows) - MIN_ROWS} if body else set()
        for r, row in enumerate(table.rows):
            tr = tbl.add_tr()
            _ooxml.set_cant_split(tr)
            if r < table.header_rows:
                _ooxml.set_header_row(tr)
            col = 0
            for cell in row.cells:
                tc = tr.add_tc()
                for empty in tc.p_lst:  # python-docx's new cell holds an empty paragraph
                    tc.remove(empty)
                tcPr = tc.get_or_add_tcPr()
                tcPr.width = sum(widths[col:col + cell.colspan], Mm(0))
                if cell.colspan > 1:
                    tcPr.grid_span = cell.colspan
                tcPr.vAlign_val = WD_ALIGN_VERTICAL.CENTER
                for para in cell.paragraphs:
                    self.paragraph(para.style, para.runs, tc, where=para.source)
                if not cell.paragraphs:
                    self.new_paragraph(self.style_id(cell.style), tc)
                for p in tc.p_lst:
                    pPr = p.get_or_add_pPr()
                    _ooxml.set_suppress_hyphens(pPr, True)  # the PDF never hyphenates in a cell
                    if r in kept:
                        pPr.keepNext_val = True
                background = self.theme.style(cell.style).background
                if background:
                    _ooxml.set_shading(tc, background)
                col += cell.colspan

    def image_row(self, row: tree.ImageRow) -> None:
        """Images side by side in one paragraph, each `row.height` high and as wide as its pixels'
        proportions; left tab stops put each one at its place in the row (the gap after the one
        before it, the row aligned in the text width), to the twip."""
        from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError

        # python-docx's own paragraph, which can hold pictures (rare: the cover's logos)
        paragraph = self.document.add_paragraph(style=self.document.styles[word_style_name("body")])
        fmt = paragraph.paragraph_format
        if self.break_pending:
            fmt.page_break_before = True
            self.break_pending = False
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = fmt.first_line_indent = Pt(0)
        fmt.space_before = Pt(0)
        fmt.space_after = Mm(row.space_after)
        # the row's own height, exactly: the body style's exact line height would crop the images
        fmt.line_spacing = Mm(row.height)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        room = self.theme.page.text_width
        x = max({"center": (room - row.width) / 2, "right": room - row.width}.get(row.align, 0.0), 0.0)
        for index, (image, width) in enumerate(zip(row.images, row.widths())):
            run = paragraph.add_run()
            if (row.gap if index else x) >= 0.1:  # a smaller space is no space to set a tab stop in
                fmt.tab_stops.add_tab_stop(Mm(x))
                run.add_tab()
            try:
                run.add_picture(image.path, width=Mm(width), height=Mm(row.height))
            except (OSError, InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError) as exc:
                raise WriterError(f"{row.source}: cannot place the image {image.path} in the DOCX: {exc}") from None
            x += width + row.gap

    def page_break(self) -> None:
        self.break_pending = True

    def _flush_break(self) -> None:
        """Write a pending page break as a break run (before a table, which has no paragraph)."""
        if not self.break_pending:
            return
        self.break_pending = False
        p = OxmlElement("w:p")
        self.end.addprevious(p)
        run = OxmlElement("w:r")
        br = OxmlElement("w:br")
        br.set(qn("w:type"), "page")
        run.append(br)
        p.append(run)

    def block(self, block: tree.Block) -> None:
        if isinstance(block, tree.Heading):
            self.heading(block)
        elif isinstance(block, tree.Paragraph):
            self.paragraph(block.style, block.runs, keep_with_next=block.keep_with_next, where=block.source)
        elif isinstance(block, tree.ListBlock):
            self.list_block(block)
        elif isinstance(block, tree.Table):
            self.table(block)
        elif isinstance(block, tree.TableOfContents):
            self.toc(block)
        elif isinstance(block, tree.PageBreak):
            self.page_break()
        elif isinstance(block, tree.ImageRow):
            self.image_row(block)
        else:  # pragma: no cover - the tree has no other block kinds
            raise TypeError(f"unknown block {type(block).__name__}")

    def finish(self) -> None:
        numbering = self.document.part.numbering_part.element
        _ooxml.add_to_numbering(numbering, self.pending_abstracts, self.pending_nums)


def _address_parts(text: str) -> list[tuple[str, bool]]:
    """Split `text` into (part, whether it is an address), at the spaces around each token that
    reads as a web or mail address, a path or a domain (`_lines.is_address_like`, the PDF's rule)."""
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in _HINTED_TOKEN.finditer(text):  # only a token with a dot, slash or @ can be one
        if is_address_like(match.group()):
            if match.start() > last:
                parts.append((text[last:match.start()], False))
            parts.append((match.group(), True))
            last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts or [(text, False)]


_HINTED_TOKEN = re.compile(r"[^\s./@]*[./@]\S*")

_FACE_SLOTS = {(False, False): "regular", (True, False): "bold", (False, True): "italic", (True, True): "bold_italic"}


def _primary_faces(theme: Theme) -> list[tuple[str, str, str, Path]]:
    """The faces to embed whatever the text: (family, generic, slot, file) for the four faces of
    every family the theme's styles use."""
    used = {style.font for style in theme.styles.values()}
    faces = {(family.family, family.generic, slot, getattr(family, slot))
             for key, family in theme.fonts.items() if key in used for slot in _FACE_SLOTS.values()}
    order = list(_FACE_SLOTS.values())
    return sorted(faces, key=lambda face: (face[0], order.index(face[2])))


def _embeddable(path: Path, store: dict) -> bytes:
    """Return the font file `path` obfuscated for the DOCX, keeping (key, bytes) in `store`: the
    key derives from the font's bytes, so the same input still gives the same file."""
    import hashlib
    import uuid

    data = path.read_bytes()
    key = "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"
    store[path] = (key, _ooxml.obfuscate_font(data, key))
    return store[path][1]


def _font_member(number: int) -> str:
    return f"word/fonts/font{number}.odttf"


def _declare_fonts(word, theme: Theme, primary: list, fallbacks: dict, embedded: dict) -> None:
    """Give the document a font table of its own families and, where the theme asks, embed their
    faces: the `primary` faces, whole, then the fallback faces the text needed (docs/design.md,
    "Fonts in the DOCX", says why whole). `embedded` holds the faces already obfuscated.

    Embedded faces make Word and LibreOffice show the document in the theme's fonts on machines
    that lack them (obfuscated as the format requires).
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part, XmlPart

    old = word.part.part_related_by(RT.FONT_TABLE)
    fonts = _ooxml.new_font_table()
    # a font table part of our own in place of python-docx's template one (which lists fonts the
    # document never uses, and has no API to edit)
    part = XmlPart(old.partname, old.content_type, fonts, word.part.package)
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype == RT.FONT_TABLE:
            word.part.drop_rel(rel_id)
    word.part.relate_to(part, RT.FONT_TABLE)
    faces = list(primary) if theme.docx_embed_fonts else []
    for family, (generic, slots) in sorted(fallbacks.items()):
        faces += [(family, generic, slot, path) for slot, path in sorted(slots.items())
                  if (family, generic, slot, path) not in primary]
    used = {style.font for style in theme.styles.values()}
    families = {font.family: font.generic for key, font in theme.fonts.items() if key in used}
    families.update({family: generic for family, (generic, _) in fallbacks.items()})
    for family, generic in sorted(families.items()):
        _ooxml.declare_font(fonts, family, generic)
    if not theme.docx_embed_fonts:
        return
    for number, (family, _, slot, path) in enumerate(faces, 1):
        blob = embedded[path][1] if path in embedded else _embeddable(path, embedded)
        font_part = Part(PackURI("/" + _font_member(number)), _ooxml.CT_OBFUSCATED_FONT, blob, word.part.package)
        _ooxml.embed_font(fonts, family, slot, part.relate_to(font_part, RT.FONT), embedded[path][0])
    if faces:
        _ooxml.set_embed_fonts(word.settings.element)


_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>iapreport</Application><DocSecurity>0</DocSecurity></Properties>")

#: parts of python-docx's starting document that this document never uses (Word 2010's copy of
#: the styles, the web settings, custom XML) and its blank thumbnail
_UNUSED_PARTS = ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
                 "http://schemas.openxmlformats.org/officeDocument/2006/relationships/webSettings",
                 "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
                 "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail")


def _clean_package(word) -> None:
    """Drop what python-docx's starting document carries over and this one never uses: its
    application name and its unused parts."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    package = word.part.package
    for owner in (package, word.part):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype in _UNUSED_PARTS or rel.reltype == RT.EXTENDED_PROPERTIES:
                owner.rels.pop(rel_id)
    package.relate_to(Part(PackURI("/docProps/app.xml"), _ooxml.CT_EXTENDED_PROPERTIES,
                           _APP_XML.encode("utf-8"), package), RT.EXTENDED_PROPERTIES)


def _setup_section(section, theme: Theme) -> None:
    page = theme.page
    section.page_width = Mm(page.width)
    section.page_height = Mm(page.height)
    section.top_margin = Mm(page.margin_top)
    section.bottom_margin = Mm(page.margin_bottom)
    section.left_margin = Mm(page.margin_left)
    section.right_margin = Mm(page.margin_right)
    section.header_distance = Mm(page.header_distance)
    section.footer_distance = Mm(page.footer_distance)


def render_docx(document: tree.Document, theme: Theme, stream: BinaryIO | None = None) -> bytes | None:
    """Return the DOCX bytes of `document`, or write them to the binary `stream` (seekable)."""
    stamp = build_moment(document.metadata.date).replace(tzinfo=None)
    # a zip entry's time is a DOS date: 1980 to 2107. The report's date dates the entries, within
    # those years (validation keeps the data's dates in 1900–2099; before 1980 gives 1980)
    entry_time = min(max(stamp, datetime.datetime(1980, 1, 1)), datetime.datetime(2107, 12, 31, 23, 59, 58)).timetuple()[:6]
    with _ooxml.PackageWriter(entry_time, stream) as package:
        primary = _primary_faces(theme) if theme.docx_embed_fonts else []
        embedded: dict = {}
        # the fonts are half the package's compression: compressed while the document is built
        package.write_early([(_font_member(number), functools.partial(_embeddable, face[3], embedded))
                             for number, face in enumerate(primary, 1)])
        word = _document(document, theme, primary, embedded, package)
        _set_properties(word, document.metadata, stamp)
        _clean_package(word)
        return package.finish(word.part.package)


def _document(document: tree.Document, theme: Theme, primary: list, embedded: dict, package) -> object:
    """Build the python-docx document of `document` (fonts embedded once `package` has them)."""
    word = docx.Document()
    language = document.metadata.language
    body_style = theme.style("body")
    _ooxml.prune_styles(word.styles.element, _TEMPLATE_STYLES_USED)
    _ooxml.set_doc_defaults(word.styles.element, theme.fonts[body_style.font].family, body_style.size, language)
    styles = build_styles(word, theme)
    # Word's limit of hyphenated lines in a row, the PDF's (`_lines.MAX_HYPHENATED_LINES`)
    _ooxml.set_hyphenation(word.settings.element, consecutive_limit=MAX_HYPHENATED_LINES)
    _ooxml.clear_numbering(word.part.numbering_part.element)
    writer = _Writer(word, theme, language, styles)
    writer.heading_pages = _pagination(document, theme)

    for index, section in enumerate(document.sections):
        if index == 0:
            word_section = word.sections[0]
        else:
            word_section = word.add_section(WD_SECTION.NEW_PAGE)
        _setup_section(word_section, theme)
        if index > 0:
            for story, style, text in ((word_section.header, "header", section.running_header),
                                       (word_section.footer, "footer", None)):
                story.is_linked_to_previous = False
                root = story.part.element
                for child in list(root):
                    root.remove(child)
                p = root.add_p()
                p.get_or_add_pPr().style = writer.style_id(style)
                if text:
                    writer.add_runs(p, (tree.Run(text),), style, f"running {style}")
                elif style == "footer" and section.page_numbers:
                    _ooxml.add_simple_field(p, "PAGE", "1")
        for block in section.blocks:
            writer.block(block)
        writer.break_pending = False  # the next section starts on a new page anyway
    writer.finish()
    _ooxml.clear_space_at_page_tops(word.element.body)
    package.wait()
    _declare_fonts(word, theme, primary, writer.fallbacks, embedded)
    return word


def _property(value: str, limit: int = 255) -> str:
    """`value` as a core property holds it: at most `limit` characters, cut at a word with "…"."""
    if len(value) <= limit:
        return value
    cut = value[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;") + "…"


def _set_properties(word, md: tree.Metadata, stamp) -> None:
    """The core properties (title, author, dates…) from the tree's metadata."""
    core = word.core_properties
    # python-docx takes at most 255 characters in each of these fields; the
    # document itself prints every word, these are its file's properties (a title made of a long
    # country name, keywords naming fifty meetings): shortened, visibly, with an ellipsis
    core.title = _property(md.title)
    core.subject = _property(md.subject)
    core.author = _property(md.author)
    core.last_modified_by = _property(md.author)
    core.keywords = _property(", ".join(md.keywords))
    core.language = _property(md.language)
    core.comments = _property(md.description)
    core.created = stamp
    core.modified = stamp
    core.revision = 1


def _pagination(document: tree.Document, theme: Theme) -> dict:
    """Return where the project's one pagination (the PDF's layout) puts each heading, so that the
    TOC's page numbers are the PDF's. The pages themselves are dropped here: a long report's lines
    would otherwise stay in memory beside the DOCX's XML."""
    if not any(isinstance(block, tree.TableOfContents) for block in tree.walk(document.blocks())):
        return {}
    from .pdf import layout

    _, _, heading_pages = layout(document, theme)
    return heading_pages


#: the styles of python-docx's starting document that this document uses (by style id): the
#: defaults Word falls back on, and the built-in headings that Word's navigation and TOC read
_TEMPLATE_STYLES_USED = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList",
                         "Heading1", "Heading2", "Heading3")


def write_docx(document: tree.Document, theme: Theme, path: str | Path) -> None:
    """Write `document` as DOCX to `path` (atomically: nothing is left behind on failure)."""
    with atomic_output(path) as tmp, open(tmp, "wb") as stream:
        render_docx(document, theme, stream)
