"""The PDF writer: a document tree and the theme in, a print-ready PDF out.

Built on reportlab platypus in a single layout pass:

* Fonts are the theme's TrueType families (registered once per process, embedded as subsets);
  the standard-14 fonts are never used, not even for the canvas's initial font or table cells.
  Every character is checked against the cmap of the face that will draw it, so a missing glyph
  is an error naming the paragraph's `source` instead of a silent box.
* The table of contents is laid out in the same pass as everything else: its entries are known
  before layout and the page-number column has a reserved width, so the TOC's height does not
  depend on the numbers. Each number is drawn as a form XObject (``doForm``) that is referenced
  while the TOC page is drawn and defined only in `_Canvas.save`, after every heading has
  recorded the page it was drawn on -- the "page X of Y" technique, which reportlab allows.
* Headings keep with the next block the way Word does it: the heading stays if the first lines
  of what follows fit beneath it (`_KeepWithNext`), instead of platypus moving the whole group.
* Page numbers are physical: the cover is page 1 (it shows no number), and the footer of every
  numbered page prints ``canvas.getPageNumber()``; the TOC prints the same numbers.
* Output is byte-identical for identical input: invariant mode, dates from the metadata (or
  ``SOURCE_DATE_EPOCH``), no random identifiers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyphen
from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, KeepTogether, PageBreakIfNotEmpty,
                                PageTemplate, Paragraph, Table, TableStyle)
from reportlab.platypus.doctemplate import LayoutError

from .. import tree
from ..theme import Style, Theme
from . import WriterError, atomic_output

__all__ = ["write_pdf"]

#: extra indent per TOC level beyond the deepest ``toc-N`` style the theme defines
TOC_LEVEL_INDENT = 14.0
#: gap between an entry's text (or the leader) and the page-number column
TOC_GAP = 6.0
#: distance between leader dots
TOC_DOT_STEP = 4.0
#: table cell padding, points
CELL_PADDING = 4.0
#: width of table grid lines, points
RULE_WIDTH = 0.5

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "centre": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}

#: characters reportlab turns into word spaces itself: no glyph is needed for them
_LAYOUT_WHITESPACE = frozenset("\t\n\r")
#: typographic equivalents used only where a face lacks the character itself (PT Serif and PT
#: Sans lack U+202F, which babel puts in Russian numbers and dates): spaces of other widths, and
#: the Unicode hyphen. Never anything that changes the text's meaning.
_EQUIVALENTS = {
    "\u202f": "\u00a0",  # narrow no-break space -> no-break space
    "\u2007": "\u00a0",  # figure space (no-break) -> no-break space
    **{chr(c): " " for c in range(0x2000, 0x2007)},  # en quad .. six-per-em space -> space
    **{chr(c): " " for c in range(0x2008, 0x200B)},  # punctuation, thin, hair space -> space
    "\u2010": "-",  # hyphen -> hyphen-minus
}


# --------------------------------------------------------------------------------------------
# fonts: registered once per process, with their cmaps cached for the glyph check


_font_lock = threading.Lock()
_registered: dict[Path, str] = {}  # font file -> reportlab font name
_coverage: dict[str, frozenset[str]] = {}  # font name -> the characters it has glyphs for
_substitutes: dict[str, dict[int, str]] = {}  # font name -> str.translate table of _EQUIVALENTS


def _register_font_file(path: Path) -> str:
    """Register the TrueType file `path` (once) and return its reportlab font name."""
    path = Path(path).resolve()
    with _font_lock:
        name = _registered.get(path)
        if name is not None:
            return name
        if not path.is_file():
            raise WriterError(f"font file {path} does not exist")
        base = re.sub(r"[^A-Za-z0-9_-]", "", path.stem) or "Font"
        name, n = base, 1
        known = set(pdfmetrics.getRegisteredFontNames())
        while name in known:
            n += 1
            name = f"{base}-{n}"
        try:
            font = TTFont(name, str(path))
        except Exception as exc:  # reportlab raises assorted errors for unusable files
            raise WriterError(f"cannot use font file {path}: {exc}") from exc
        pdfmetrics.registerFont(font)
        coverage = _coverage[name] = frozenset(map(chr, font.face.charToGlyph))
        _substitutes[name] = str.maketrans({char: sub for char, sub in _EQUIVALENTS.items()
                                            if char not in coverage and sub in coverage})
        _registered[path] = name
        return name


@functools.lru_cache(maxsize=16)
def _hyphenator(dictionary: str, left: int = 2, right: int = 3):
    """Return pyphen's word splitter for a dictionary (en_US, ru_RU), or None if pyphen has none."""
    lang = pyphen.language_fallback(dictionary.replace("-", "_"))
    return pyphen.Pyphen(lang=lang, left=left, right=right).iterate if lang else None


#: a token long enough that hyphenation may fail to fit it on a line (web addresses, long codes)
_LONG_TOKEN = re.compile(r"\S{30,}")


def _escape(text: str) -> str:
    """Escape text for reportlab's paragraph markup (str.replace beats str.translate here)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _colour(value: str | None):
    return HexColor("#" + value) if value else None


# --------------------------------------------------------------------------------------------
# flowables


class _Table(Table):
    """A table that never leaves one body row alone under its header at a page break.

    reportlab splits a long table wherever the page ends; a part holding the header and a single
    row (at the foot of one page or the top of the next) reads as a mistake, so such a split moves
    one more row across, or the whole table to the next page.
    """

    MIN_ROWS = 2

    def __init__(self, *args, page_height: float | None = None, **kwargs):
        # reportlab builds the parts of a split through this class too, without page_height
        super().__init__(*args, **kwargs)
        self._page_height = page_height

    def _body_rows(self, part: Table) -> int:
        return len(part._cellvalues) - self.repeatRows

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part._page_height = self._page_height
        if len(parts) != 2 or self._page_height is None:
            return parts
        first, rest = parts
        fresh_page = availHeight >= 0.9 * self._page_height
        if self._body_rows(first) < self.MIN_ROWS and not fresh_page:
            return []  # start the table on the next page instead
        if self._body_rows(rest) < self.MIN_ROWS and self._body_rows(first) > self.MIN_ROWS:
            shorter = super().split(availWidth, availHeight - first._rowHeights[-1] - 1)
            if len(shorter) == 2 and self._body_rows(shorter[1]) > self._body_rows(rest):
                for part in shorter:
                    part._page_height = self._page_height
                return shorter
        return parts


class _Record:
    """What one build learns while drawing: heading pages, outline state, TOC forms."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}  # heading anchor -> physical page number
        self.outline_level = -1
        #: (form name, anchor, font, size, colour, right-edge clip width) per TOC entry
        self.forms: list[tuple[str, str, str, float, object, float]] = []
        self.date_formatter = None

    def heading_drawn(self, canv: Canvas, heading: "_HeadingParagraph") -> None:
        anchor = heading.anchor
        if anchor in self.pages:  # drawn once only (headings never split)
            return
        self.pages[anchor] = canv.getPageNumber()
        canv.bookmarkHorizontal(anchor, 0, heading.height)
        if heading.outline_title is not None:
            level = min(heading.level - 1, self.outline_level + 1)
            canv.addOutlineEntry(heading.outline_title, anchor, max(level, 0), closed=False)
            self.outline_level = max(level, 0)


class _HeadingParagraph(Paragraph):
    """A heading: records its page, binds its bookmark and outline entry when drawn."""

    def __init__(self, text, style, *, anchor: str, level: int, outline_title: str | None,
                 record: _Record):
        super().__init__(text, style)
        self.anchor = anchor
        self.level = level
        self.outline_title = outline_title
        self.record = record

    def split(self, availWidth, availHeight):  # a heading moves to the next page whole
        return []

    def draw(self):
        self.record.heading_drawn(self.canv, self)
        super().draw()


class _TocEntry(Flowable):
    """One line (or a few wrapped lines) of the table of contents.

    The text wraps in the width left of the reserved number column, so the height is known at
    wrap time. Dotted leaders run from the end of the text to the number column; the number is
    the form XObject `form`, defined once the heading's page is known. The whole entry is a link
    to the heading's destination.
    """

    def __init__(self, text: str, *, font: str, size: float, leading: float, colour, indent: float,
                 number_width: float, space_before: float, space_after: float, anchor: str,
                 form: str, keep_with_next: bool):
        super().__init__()
        self.text = text
        self.font, self.size, self.leading, self.colour = font, size, leading, colour
        self.indent = indent
        self.number_width = number_width
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.anchor, self.form = anchor, form
        self.keepWithNext = int(keep_with_next)
        self.lines: list[str] = []

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        text_width = availWidth - self.indent - self.number_width - 2 * TOC_GAP
        self.lines = simpleSplit(self.text, self.font, self.size, text_width) or [""]
        self.height = len(self.lines) * self.leading
        return self.width, self.height

    def split(self, availWidth, availHeight):
        return []

    def draw(self):
        canv = self.canv
        baseline = self.height - self.size  # as reportlab's paragraphs (paraFontSizeHeightOffset)
        text = canv.beginText()
        text.setTextOrigin(self.indent, baseline)
        text.setFont(self.font, self.size, self.leading)
        text.setFillColor(self.colour)
        for line in self.lines:
            text.textLine(line)
        canv.drawText(text)
        last = baseline - (len(self.lines) - 1) * self.leading
        end = self.indent + pdfmetrics.stringWidth(self.lines[-1], self.font, self.size)
        # leader dots on a grid common to all entries, so they line up down the page
        start = (int((end + TOC_GAP) / TOC_DOT_STEP) + 1) * TOC_DOT_STEP
        stop = self.width - self.number_width - TOC_GAP
        if stop > start:
            canv.saveState()
            canv.setStrokeColor(self.colour)
            canv.setLineWidth(0.8)
            canv.setLineCap(1)
            canv.setDash([0, TOC_DOT_STEP])
            dots = int((stop - start) / TOC_DOT_STEP)
            canv.line(start, last + 0.6, start + dots * TOC_DOT_STEP, last + 0.6)
            canv.restoreState()
        canv.saveState()
        canv.translate(self.width, last)
        canv.doForm(self.form)  # defined in _Canvas.save, once the page is known
        canv.restoreState()
        canv.linkRect("", self.anchor, (self.indent, 0, self.width, self.height), relative=1, thickness=0)


class _KeepWithNext(KeepTogether):
    """What platypus makes of a run of keep-with-next flowables (headings, labels) and the next one.

    reportlab's KeepTogether moves the whole group to the next page when it does not fit, so a
    heading followed by a long paragraph left most of a page empty. Here the group stays if the
    headings fit together with the first part of the next flowable (a paragraph's first lines
    within its widow/orphan rules, a table's first rows): Word's "keep with next".
    """

    def split(self, aW, aH):
        content = self._content
        *heads, last = content
        if heads and not isinstance(last, (_HeadingParagraph, _TocEntry)):
            # overestimate the spacing (no collapsing), so the headings are never left stranded
            used = sum(f.wrapOn(self.canv, aW, aH)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in heads)
            room = aH - used - last.getSpaceBefore()
            if room > 0:
                parts = last.splitOn(self.canv, aW, room)
                if parts:
                    return [*heads, *parts]
        return super().split(aW, aH)


class _Canvas(Canvas):
    """A canvas that defines the TOC's page-number forms just before it writes the file."""

    def __init__(self, *args, record: _Record, **kwargs):
        super().__init__(*args, **kwargs)
        self._record = record
        if record.date_formatter is not None:
            self.setDateFormatter(record.date_formatter)
        self.showOutline()  # open the bookmarks panel

    def save(self):
        if len(self._code):
            self.showPage()
        for name, anchor, font, size, colour, width in self._record.forms:
            page = self._record.pages.get(anchor)
            if page is None:  # checked before layout; a heading that was never drawn
                raise WriterError(f"the table of contents points to #{anchor}, which was never drawn")
            self.beginForm(name, lowerx=-width, lowery=-size, upperx=1, uppery=2 * size)
            self.setFillColor(colour)
            self.setFont(font, size)
            self.drawRightString(0, 0, str(page))
            self.endForm()
        super().save()


# --------------------------------------------------------------------------------------------
# the tree -> flowables translation


@dataclass
class _Builder:
    document: tree.Document
    theme: Theme
    record: _Record = field(default_factory=_Record)

    def __post_init__(self) -> None:
        self.faces: dict[tuple[str, bool, bool], str] = {}
        for key, family in self.theme.fonts.items():
            names = [_register_font_file(getattr(family, face))
                     for face in ("regular", "bold", "italic", "bold_italic")]
            pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1], italic=names[2],
                                          boldItalic=names[3])
            for (bold, italic), name in zip(((False, False), (True, False), (False, True), (True, True)), names):
                self.faces[key, bold, italic] = name
        rules = self.theme.hyphenation
        self.hyphenate = _hyphenator(rules.dictionary(self.document.metadata.language), rules.min_left,
                                     rules.min_right)
        page = self.theme.page
        self.text_width = page.text_width * mm
        colours = self.theme.colours
        self.link_colour = colours.get("link") or colours.get("accent")
        self.rule_colour = _colour(colours.get("rule", "000000"))
        self._styles: dict[tuple, ParagraphStyle] = {}
        self._anchor_count = 0

    # fonts and glyphs

    def face(self, style: Style, bold: bool = False, italic: bool = False) -> str:
        return self.faces[style.font, style.bold or bold, style.italic or italic]

    def check(self, text: str, face: str, where: str) -> str:
        """Return `text` as `face` can draw it; raise WriterError for a character it has no glyph for.

        Only the typographic `_EQUIVALENTS` of characters the face lacks are substituted.
        """
        coverage = _coverage[face]
        missing = set(text).difference(coverage)
        if missing and not missing <= _LAYOUT_WHITESPACE:
            text = text.translate(_substitutes[face])
            missing = set(text).difference(coverage) - _LAYOUT_WHITESPACE
            if not missing:
                return text
            char = min(missing, key=text.index)
            name = unicodedata.name(char, "unnamed character")
            raise WriterError(f"{where}: the font {face} has no glyph for U+{ord(char):04X} {name} "
                              f"({char!r}); the PDF cannot show it")
        return text

    # styles

    def pstyle(self, style: Style, *, left: float = 0.0, bullet_at: float | None = None,
               in_cell: bool = False, long_tokens: bool = False, keep: bool = False) -> ParagraphStyle:
        key = (style.name, left, bullet_at, in_cell, long_tokens, keep)
        cached = self._styles.get(key)
        if cached is not None:
            return cached
        face = self.face(style)
        # no hyphenation in headings, capitals and table cells (short lines of names and ratings)
        hyphenate = (style.align in ("justify", "left") and not style.keep_with_next and not style.upper
                     and not long_tokens and not in_cell)
        result = ParagraphStyle(
            f"{style.name}@{left}/{bullet_at}/{int(in_cell)}/{int(long_tokens)}/{int(keep)}",
            fontName=face,
            fontSize=style.size,
            leading=style.size * style.leading,
            textColor=_colour(style.colour),
            # a paragraph with a long address is set ragged: justified, the line before the address
            # would open wide gaps, since the address cannot be hyphenated
            alignment=TA_LEFT if long_tokens and style.align == "justify" else _ALIGN.get(style.align, TA_LEFT),
            spaceBefore=style.space_before,
            spaceAfter=style.space_after,
            leftIndent=style.left_indent + left,
            firstLineIndent=style.first_line_indent,
            bulletFontName=face,
            bulletFontSize=style.size,
            bulletIndent=style.left_indent + (bullet_at or 0.0),
            keepWithNext=int(style.keep_with_next or keep),
            allowWidows=0,
            allowOrphans=0,
            hyphenationLang=(self.hyphenate or "") if hyphenate else "",
            # reportlab's URI splitting (uriWasteReduce) can leave a long address running off the
            # page; splitLongWords breaks any over-long token at the margin instead
            uriWasteReduce=0,
            splitLongWords=1,
            backColor=None if in_cell else _colour(style.background),
        )
        self._styles[key] = result
        return result

    def markup(self, runs: tuple[tree.Run, ...], style: Style, where: str) -> str:
        """Return reportlab paragraph markup for `runs`, every character checked and escaped."""
        parts = []
        for run in runs:
            if run.line_break:
                parts.append("<br/>")
                continue
            text = run.text.upper() if style.upper else run.text
            if not text:
                continue
            text = _escape(self.check(text, self.face(style, run.bold, run.italic), where))
            if run.bold:
                text = f"<b>{text}</b>"
            if run.italic:
                text = f"<i>{text}</i>"
            if run.link:
                colour = f' color="#{self.link_colour}"' if self.link_colour else ""
                text = f'<a href="{_escape_attribute(run.link)}"{colour}>{text}</a>'
            parts.append(text)
        return "".join(parts)

    def paragraph(self, para: tree.Paragraph, style: Style | None = None, *, bullet_text: str | None = None,
                  **kwargs) -> Paragraph:
        style = style or self.theme.style(para.style)
        where = para.source or f"paragraph {para.text[:40]!r}"
        if _LONG_TOKEN.search(para.text):
            # reportlab's hyphenation gives up on long unbreakable tokens such as web addresses
            # and lets them run off the page; without it, splitLongWords breaks them at the margin
            # (and the paragraph is set ragged, see pstyle)
            kwargs["long_tokens"] = True
        if para.keep_with_next:
            kwargs["keep"] = True
        return Paragraph(self.markup(para.runs, style, where), self.pstyle(style, **kwargs),
                         bulletText=bullet_text)

    # blocks

    def story(self) -> list[Flowable]:
        story: list[Flowable] = []
        for number, section in enumerate(self.document.sections):
            if number:
                story.append(PageBreakIfNotEmpty(nextTemplate=f"section-{number}"))
            self.blocks(section.blocks, story, 0)
        return story

    def blocks(self, blocks, out: list[Flowable], depth: int) -> None:
        for block in blocks:
            if isinstance(block, tree.Paragraph):
                out.append(self.paragraph(block))
            elif isinstance(block, tree.Heading):
                out.append(self.heading(block))
            elif isinstance(block, tree.ListBlock):
                self.list(block, out, depth)
            elif isinstance(block, tree.Table):
                if block.rows:  # reportlab refuses an empty table; there is nothing to draw
                    out.append(self.table(block))
            elif isinstance(block, tree.TableOfContents):
                self.toc(block, out)
            elif isinstance(block, tree.PageBreak):
                out.append(PageBreakIfNotEmpty())
            else:
                raise WriterError(f"the PDF writer cannot draw a {type(block).__name__}")

    def heading(self, heading: tree.Heading) -> Flowable:
        style = self.theme.style(heading.style)
        anchor = heading.anchor
        if anchor is None:
            self._anchor_count += 1
            anchor = f"_heading-{self._anchor_count}"
        where = f"heading #{anchor}"
        text = heading.text.upper() if style.upper else heading.text
        text = self.check(text, self.face(style), where)
        title = (heading.toc_text or heading.text) if heading.outline else None
        return _HeadingParagraph(_escape(text), self.pstyle(style), anchor=anchor,
                                 level=heading.level, outline_title=title, record=self.record)

    def list(self, block: tree.ListBlock, out: list[Flowable], depth: int) -> None:
        level = max(block.level, depth)
        # the theme's step per level: the marker of a level-n list stands at n steps (hanging),
        # its text and every later paragraph of the item at n+1 steps, as in the DOCX
        step = self.theme.lists.indent
        marker_at, text_at = step * level, step * (level + 1)
        for number, item in enumerate(block.items, block.start):
            if block.marker == "decimal-dot":
                marker = f"{number}."
            elif block.marker == "decimal-paren":
                marker = f"{number})"
            else:
                marker = self.theme.lists.bullet(level)
            pending = marker
            for child in item.blocks:
                if isinstance(child, tree.Paragraph):
                    style = self.theme.style(child.style)
                    if pending:
                        pending = self.check(pending, self.face(style),
                                             child.source or block.source or "list marker")
                        out.append(self.paragraph(child, style, left=text_at, bullet_at=marker_at,
                                                  bullet_text=pending))
                        pending = None
                    else:
                        out.append(self.paragraph(child, style, left=text_at))
                else:
                    if pending:  # an item that opens with a nested list: the marker stands alone
                        out.append(self.paragraph(tree.Paragraph((tree.Run(""),), source=block.source),
                                                  left=text_at, bullet_at=marker_at, bullet_text=pending))
                        pending = None
                    if isinstance(child, tree.ListBlock):
                        self.list(child, out, level + 1)
                    else:
                        self.blocks((child,), out, level + 1)

    def table(self, table: tree.Table) -> Table:
        columns = len(table.widths)
        total = sum(table.widths) or 1.0
        widths = [w / total * self.text_width for w in table.widths]
        # only for reportlab's string cells (the filler of spanned cells): never its Helvetica
        filler_face = self.faces[next(iter(self.theme.fonts)), False, False]
        commands = [
            ("GRID", (0, 0), (-1, -1), RULE_WIDTH, self.rule_colour),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING * 0.75),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("FONTNAME", (0, 0), (-1, -1), filler_face),
        ]
        data = []
        for r, row in enumerate(table.rows):
            cells: list = []
            for cell in row.cells:
                c = len(cells)
                cell_style = self.theme.style(cell.style)
                content = []
                for para in cell.paragraphs:
                    # a paragraph's own style wins; the default ("body") means "as the cell"
                    style = cell_style if para.style in ("body", cell.style) else self.theme.style(para.style)
                    content.append(self.paragraph(para, style, in_cell=True))
                cells.append(content or "")
                span = max(cell.colspan, 1)
                cells.extend([""] * (span - 1))
                last = c + span - 1
                if span > 1:
                    commands.append(("SPAN", (c, r), (last, r)))
                if cell_style.background:
                    commands.append(("BACKGROUND", (c, r), (last, r), _colour(cell_style.background)))
                if cell_style.align in ("center", "centre"):
                    commands.append(("VALIGN", (c, r), (last, r), "MIDDLE"))
            if len(cells) != columns:
                raise WriterError(f"table row {r + 1} spans {len(cells)} columns, the widths give {columns}")
            data.append(cells)
        style = self.theme.styles.get(table.style)
        return _Table(data, colWidths=widths, repeatRows=min(table.header_rows, len(data)), style=TableStyle(commands),
                      hAlign="LEFT", spaceBefore=style.space_before if style else 0,
                      spaceAfter=max(style.space_after if style else 0, 6),
                      page_height=(self.theme.page.height - self.theme.page.margin_top
                                   - self.theme.page.margin_bottom) * mm)

    def toc_style(self, level: int) -> Style:
        for deeper in range(level, 0, -1):
            style = self.theme.styles.get(f"toc-{deeper}")
            if style is not None:
                if deeper != level:
                    style = replace(style, left_indent=style.left_indent + TOC_LEVEL_INDENT * (level - deeper))
                return style
        raise WriterError("the theme has no style toc-1 for the table of contents")

    def toc(self, toc: tree.TableOfContents, out: list[Flowable]) -> None:
        title_style = self.theme.style("toc-title")
        out.append(self.paragraph(tree.Paragraph((tree.Run(toc.title),), style="toc-title",
                                                 source="table of contents title"), title_style))
        entries = toc.entries
        styles = [self.toc_style(entry.level) for entry in entries]
        # one number column for the whole TOC, wide enough for three digits in every entry style
        number_width = max((pdfmetrics.stringWidth("000", self.face(style), style.size) for style in styles),
                           default=0.0)
        for index, (entry, style) in enumerate(zip(entries, styles)):
            face = self.face(style)
            text = entry.text.upper() if style.upper else entry.text
            text = self.check(text, face, f"table of contents entry {entry.text[:40]!r}")
            form = f"tocpage{index + 1}"
            colour = _colour(style.colour)
            self.record.forms.append((form, entry.anchor, face, style.size, colour, number_width + TOC_GAP))
            following = entries[index + 1] if index + 1 < len(entries) else None
            out.append(_TocEntry(
                text, font=face, size=style.size, leading=style.size * style.leading, colour=colour,
                indent=style.left_indent, number_width=number_width, space_before=style.space_before,
                space_after=style.space_after, anchor=entry.anchor, form=form,
                keep_with_next=following is not None and following.level > entry.level))

    # page furniture

    def page_templates(self) -> list[PageTemplate]:
        page = self.theme.page
        width, height = page.width * mm, page.height * mm
        templates = []
        for number, section in enumerate(self.document.sections or (tree.Section(()),)):
            frame = Frame(page.margin_left * mm, page.margin_bottom * mm, self.text_width,
                          (page.height - page.margin_top - page.margin_bottom) * mm,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                          id=f"body-{number}")
            templates.append(PageTemplate(id=f"section-{number}", frames=[frame], pagesize=(width, height),
                                          onPage=self.furniture(section)))
        return templates

    def furniture(self, section: tree.Section):
        page = self.theme.page
        left = page.margin_left * mm
        height = page.height * mm
        header = None
        if section.running_header:
            style = self.theme.style("header")
            header = Paragraph(self.markup((tree.Run(section.running_header),), style, "running header"),
                               self.pstyle(style))
            header.wrap(self.text_width, height)
        footer_style = self.theme.style("footer")
        if section.page_numbers:
            self.check("0123456789", self.face(footer_style), "page numbers")
        footer_pstyle = self.pstyle(footer_style)

        def draw(canv: Canvas, doc) -> None:
            if header is not None:
                header.drawOn(canv, left, height - page.header_distance * mm - header.height)
            if section.page_numbers:
                number = Paragraph(str(canv.getPageNumber()), footer_pstyle)
                number.wrap(self.text_width, height)
                number.drawOn(canv, left, page.footer_distance * mm)

        return draw


def _check_anchors(document: tree.Document) -> None:
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


def _date_formatter(document: tree.Document):
    """Return a formatter for CreationDate/ModDate, or None to let SOURCE_DATE_EPOCH decide."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return None  # reportlab's invariant timestamp reads it
    stamp = f"D:{document.metadata.date:%Y%m%d}000000+00'00'"
    return lambda *_: stamp


def write_pdf(document: tree.Document, theme: Theme, path: str | os.PathLike[str]) -> None:
    """Write `document` as a PDF to `path`, styled by `theme`."""
    _check_anchors(document)
    builder = _Builder(document, theme)
    builder.record.date_formatter = _date_formatter(document)
    story = builder.story()
    md = document.metadata
    page = theme.page
    regular = builder.faces[next(iter(theme.fonts)), False, False]
    with atomic_output(path) as tmp:
        doc = BaseDocTemplate(
            str(tmp),
            pagesize=(page.width * mm, page.height * mm),
            leftMargin=page.margin_left * mm, rightMargin=page.margin_right * mm,
            topMargin=page.margin_top * mm, bottomMargin=page.margin_bottom * mm,
            pageTemplates=builder.page_templates(),
            title=md.title, author=md.author, subject=md.subject, keywords=list(md.keywords),
            creator="iapreport", lang=md.language, invariant=1, pageCompression=1,
            initialFontName=regular, displayDocTitle=1, keepTogetherClass=_KeepWithNext,
        )
        canvasmaker = functools.partial(_Canvas, record=builder.record)
        with _binary_streams():
            try:
                doc.build(story, canvasmaker=canvasmaker)
            except LayoutError as exc:
                raise WriterError(f"cannot lay the document out: {exc}") from exc


_config_lock = threading.Lock()


@contextlib.contextmanager
def _binary_streams():
    """Write compressed streams as binary, not ASCII85 (smaller, and the encoder is pure Python
    without reportlab's optional accelerator); reportlab reads this switch from its global config.
    """
    with _config_lock:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved
