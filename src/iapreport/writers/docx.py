"""Document tree + theme → a Word-native DOCX (python-docx).

Word's own Heading 1–3 styles, a TOC field whose cached result already lists every entry (linked
to bookmarks on the headings, refreshed by Word on open for page numbers), real list numbering,
a summary table whose header rows repeat, the edition's language on the defaults and runs, page
numbers as PAGE fields, and no header on the cover. Raw XML lives in `_ooxml`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from .. import tree
from ..theme import Style, Theme
from . import WriterError, _ooxml, atomic_output, build_moment
from ._lines import is_address_like
from . import fonts
from .fonts import FaceChain, chain_for
from .pdf import CELL_PADDING, CELL_PADDING_TOP, RULE_WIDTH

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
    #: the tables (their order among the tables with rows) that the PDF's layout splits across pages
    split_tables: set = field(default_factory=set)
    table_count: int = 0

    @property
    def body(self):
        return self.document

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
        _ooxml.set_lang(rPr, self.language)
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
        style's face lacks is in a run that names the fallback family that has it (``w:rFonts``)."""
        theme_style = self.theme.style(style)
        bold, italic = theme_style.bold or bold, theme_style.italic or italic
        chain = self.chain(theme_style.font, bold, italic)
        spans = fonts.spans(chain, text, where or f"text {text[:40]!r}", "DOCX")
        elements = []
        for face, text_part in spans:
            for part, address in _address_parts(text_part):
                rPr = properties() if properties is not None else self._plain_properties()
                if face is not chain.primary:
                    family = chain.family_of(face)
                    generic = next(f.generic for f in self.theme.fonts.values() if f.family == family)
                    self.fallbacks.setdefault(family, (generic, {}))[1][_FACE_SLOTS[bold, italic]] = face.path
                    _ooxml.set_fonts(rPr, family)
                if address:
                    # the PDF never hyphenates a web or mail address, path or domain: "no linguistic
                    # content" (zxx), which no hyphenation dictionary serves
                    _ooxml.set_lang(rPr, "zxx")
                elements.append(_ooxml.text_run(part, rPr))
        return elements

    def _plain_properties(self):
        rPr = OxmlElement("w:rPr")
        _ooxml.set_lang(rPr, self.language)
        return rPr

    def add_runs(self, paragraph, runs: tuple[tree.Run, ...], style: str, where: str | None = None) -> None:
        p = paragraph._p
        for run in runs:
            if run.line_break:
                element = OxmlElement("w:r")
                element.append(OxmlElement("w:br"))
                p.append(element)
                continue
            elements = self.text_runs(run.text, style, where, run.bold, run.italic,
                                      lambda run=run: self._run_properties(run))
            if run.link:
                link = _ooxml.external_hyperlink(self.document.part, run.link)
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
        """Append an empty paragraph with a style id (raw XML: python-docx's lookup by name is slow)."""
        parent = container if container is not None else self.document.element.body
        p = parent.add_p()
        pStyle = OxmlElement("w:pStyle")
        pStyle.set(qn("w:val"), style_id)
        p.get_or_add_pPr().insert(0, pStyle)
        paragraph = Paragraph(p, self.document._body)
        if self.break_pending and container is None:
            # a page break is the next paragraph's "page break before", as Word users set it:
            # no empty paragraph left at the top of the new page
            paragraph.paragraph_format.page_break_before = True
            self.break_pending = False
        return paragraph

    def paragraph(self, style: str, runs: tuple[tree.Run, ...], container=None, keep_with_next: bool = False,
                  where: str | None = None):
        paragraph = self.new_paragraph(self.style_id(style), container)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        self.add_runs(paragraph, runs, style, where)
        return paragraph

    # -- blocks --------------------------------------------------------------------------------

    def heading(self, heading: tree.Heading) -> None:
        paragraph = self.new_paragraph(self.styles[HEADING_STYLES[min(heading.level, 3)]])
        self.add_runs(paragraph, (tree.Run(heading.text),), heading.style, f"heading #{heading.anchor}")
        style = self.theme.style(heading.style)
        if heading.style != f"heading-{heading.level}":
            # e.g. a chapter heading: Word's Heading style, with the theme's own look on top
            for run in paragraph.runs:
                run.font.size = Pt(style.size)
                if style.upper:
                    run.font.all_caps = True
            paragraph.paragraph_format.space_before = Pt(style.space_before)
            paragraph.paragraph_format.space_after = Pt(style.space_after)
            # and its own line height (Heading 1's is 1.3 × 16 pt, a chapter heading's 1.3 × 14 pt)
            paragraph.paragraph_format.line_spacing = Pt(style.size * style.leading)
        if heading.anchor:
            self.bookmark_id += 1
            _ooxml.add_bookmark(paragraph._p, self.bookmark_id, heading.anchor)

    def toc(self, toc: tree.TableOfContents) -> None:
        self.paragraph("toc-title", (tree.Run(toc.title),), where="table of contents title")
        if not toc.entries:
            return
        levels = max(entry.level for entry in toc.entries)
        paragraphs = []
        for entry in toc.entries:
            paragraph = self.new_paragraph(self.styles[TOC_STYLES[min(entry.level, 3)]])
            paragraphs.append(paragraph)
            p = paragraph._p
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
        _ooxml.field_end(paragraphs[-1]._p)

    def list_block(self, block: tree.ListBlock, container=None) -> None:
        num_id = self._new_list(block.marker, block.level, block.start)
        for item in block.items:
            first = True
            for inner in item.blocks:
                if isinstance(inner, tree.Paragraph):
                    paragraph = self.paragraph(inner.style, inner.runs, container, inner.keep_with_next,
                                               inner.source)
                    fmt = paragraph.paragraph_format
                    if first:
                        _ooxml.set_numbering(paragraph._p.get_or_add_pPr(), num_id, block.level)
                    step = self.theme.lists.indent
                    fmt.left_indent = Pt(step * (block.level + 1))
                    fmt.first_line_indent = Pt(-step) if first else Pt(0)
                    first = False
                elif isinstance(inner, tree.ListBlock):
                    self.list_block(inner, container)
                    first = False
                else:
                    self.block(inner)

    def _new_list(self, marker: str, level: int, start: int) -> int:
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
        n_cols = len(table.widths)
        word_table = self.document.add_table(rows=len(table.rows), cols=n_cols)
        word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
        word_table.autofit = False
        _ooxml.set_table_borders(word_table._tbl, self.theme.colours.get("rule", "999999"))
        # the PDF's cell padding; LibreOffice and Word add the horizontal rule's width to every row,
        # which the PDF draws inside the row: the top margin gives it back
        _ooxml.set_cell_margins(word_table._tbl, top=round((CELL_PADDING_TOP - RULE_WIDTH) * 20),
                                bottom=round(CELL_PADDING * 20), left=round(CELL_PADDING * 20),
                                right=round(CELL_PADDING * 20))
        text_width = self.theme.page.text_width
        widths = [Mm(text_width * w) for w in table.widths]
        _ooxml.set_table_width(word_table._tbl, int(sum(w.twips for w in widths)))
        grid = word_table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(int(width.twips)))
        keep_whole = bool(table.rows) and self.table_count not in self.split_tables
        self.table_count += bool(table.rows)
        for r, row in enumerate(table.rows):
            word_row = word_table.rows[r]
            _ooxml.set_cant_split(word_row._tr)
            if r < table.header_rows:
                _ooxml.set_header_row(word_row._tr)
            col = 0
            for cell in row.cells:
                word_cell = word_row.cells[col]
                if cell.colspan > 1:
                    word_cell = word_cell.merge(word_row.cells[col + cell.colspan - 1])
                word_cell.width = sum(widths[col:col + cell.colspan], Mm(0))
                word_cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
                tc = word_cell._tc
                for p in tc.findall(qn("w:p")):
                    tc.remove(p)
                for para in cell.paragraphs:
                    self.paragraph(para.style, para.runs, tc, where=para.source)
                if not cell.paragraphs:
                    self.new_paragraph(self.style_id(cell.style), tc)
                for p in tc.findall(qn("w:p")):
                    pPr = p.get_or_add_pPr()
                    _ooxml.set_suppress_hyphens(pPr, True)  # the PDF never hyphenates in a cell
                    if keep_whole and r < len(table.rows) - 1:
                        # the PDF moves a table that fits on a page whole to the next page: Word's
                        # way of saying so is "keep with next" on every row but the last (not for a
                        # table the PDF splits: LibreOffice would start it on a new page)
                        pPr.keepNext_val = True
                background = self.theme.style(cell.style).background
                if background:
                    _ooxml.set_shading(word_cell._tc, background)
                col += cell.colspan

    def image_row(self, row: tree.ImageRow) -> None:
        """Images side by side in one paragraph, each `row.height` high and as wide as its pixels'
        proportions; left tab stops put each one at its place in the row (the gap after the one
        before it, the row aligned in the text width), to the twip."""
        from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError

        paragraph = self.new_paragraph(self.style_id("body"))
        fmt = paragraph.paragraph_format
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
        p = self.document.element.body.add_p()
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
    if not _ADDRESS_HINT.search(text):
        return [(text, False)]
    parts: list[tuple[str, bool]] = []
    last = 0
    for match in _TOKEN.finditer(text):
        if is_address_like(match.group()):
            if match.start() > last:
                parts.append((text[last:match.start()], False))
            parts.append((match.group(), True))
            last = match.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


_TOKEN = re.compile(r"\S+")
_ADDRESS_HINT = re.compile(r"[./@]")

_FACE_SLOTS = {(False, False): "regular", (True, False): "bold", (False, True): "italic", (True, True): "bold_italic"}


def _declare_fonts(word, theme: Theme, fallbacks: dict) -> None:
    """Name the families in the font table and, where the theme asks, embed their faces: every
    face of the families the styles use, and the fallback faces the text needed.

    Embedded faces make Word and LibreOffice show the document in the theme's fonts on machines
    that lack them (obfuscated as the format requires; the key derives from the font's bytes, so
    the same input still gives the same file).
    """
    import hashlib
    import uuid

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part, XmlPart
    from docx.oxml import parse_xml

    old = word.part.part_related_by(RT.FONT_TABLE)
    fonts = parse_xml(old.blob)
    # a new font table part in place of python-docx's template one (which has no API to edit)
    part = XmlPart(old.partname, old.content_type, fonts, word.part.package)
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype == RT.FONT_TABLE:
            word.part.drop_rel(rel_id)
    word.part.relate_to(part, RT.FONT_TABLE)
    used = {style.font for style in theme.styles.values()}
    faces: dict[str, tuple[str, dict[str, Path]]] = {}
    for key, family in theme.fonts.items():
        if key in used:
            faces[family.family] = (family.generic, {slot: getattr(family, slot) for slot in _FACE_SLOTS.values()})
    for name, (generic, slots) in sorted(fallbacks.items()):
        faces.setdefault(name, (generic, {}))[1].update(sorted(slots.items()))
    number = 0
    for name, (generic, slots) in faces.items():
        _ooxml.declare_font(fonts, name, generic)
        if not theme.docx_embed_fonts:
            continue
        for slot, path in slots.items():
            data = path.read_bytes()
            key = "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"
            number += 1
            font_part = Part(PackURI(f"/word/fonts/font{number}.odttf"),
                             "application/vnd.openxmlformats-officedocument.obfuscatedFont",
                             _ooxml.obfuscate_font(data, key), word.part.package)
            rel_id = part.relate_to(font_part, RT.FONT)
            _ooxml.embed_font(fonts, name, slot, rel_id, key)
    if number:
        _ooxml.set_embed_fonts(word.settings.element)


_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>iapreport</Application><DocSecurity>0</DocSecurity></Properties>")


def _clean_package(word) -> None:
    """Drop what python-docx's starting document carries over: its application name, custom XML."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    package = word.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML.encode("utf-8")
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype == RT.CUSTOM_XML:
            word.part.rels.pop(rel_id)


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


def render_docx(document: tree.Document, theme: Theme) -> bytes:
    """Return the DOCX bytes of `document`."""
    word = docx.Document()
    language = document.metadata.language
    body_style = theme.style("body")
    _ooxml.set_doc_defaults(word.styles.element, theme.fonts[body_style.font].family, body_style.size, language)
    styles = build_styles(word, theme)
    _ooxml.set_hyphenation(word.settings.element)
    writer = _Writer(word, theme, language, styles)
    if any(isinstance(block, (tree.TableOfContents, tree.Table)) for block in tree.walk(document.blocks())):
        from .pdf import layout, split_tables  # the one pagination of the project, so both formats number alike

        _, pages, writer.heading_pages = layout(document, theme)
        writer.split_tables = split_tables(pages)

    for index, section in enumerate(document.sections):
        if index == 0:
            word_section = word.sections[0]
        else:
            word_section = word.add_section(WD_SECTION.NEW_PAGE)
        _setup_section(word_section, theme)
        if index > 0:
            word_section.header.is_linked_to_previous = False
            word_section.footer.is_linked_to_previous = False
            header = word_section.header.paragraphs[0]
            footer = word_section.footer.paragraphs[0]
            header.text = ""
            footer.text = ""
            if section.running_header:
                header.style = word.styles[word_style_name("header")]
                writer.add_runs(header, (tree.Run(section.running_header),), "header", "running header")
            if section.page_numbers:
                footer.style = word.styles[word_style_name("footer")]
                _ooxml.add_simple_field(footer._p, "PAGE", "1")
        for block in section.blocks:
            writer.block(block)
        writer.break_pending = False  # the next section starts on a new page anyway
    writer.finish()
    _ooxml.clear_space_at_page_tops(word.element.body)
    _declare_fonts(word, theme, writer.fallbacks)

    md = document.metadata
    stamp = build_moment(md.date).replace(tzinfo=None)
    core = word.core_properties
    core.title = md.title
    core.subject = md.subject
    core.author = md.author
    core.last_modified_by = md.author
    core.keywords = ", ".join(md.keywords)
    core.language = md.language
    core.comments = md.description
    core.created = stamp
    core.modified = stamp
    core.revision = 1
    _clean_package(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return _ooxml.normalize_zip(buffer.getvalue(), stamp.timetuple()[:6])


def write_docx(document: tree.Document, theme: Theme, path: str | Path) -> None:
    """Write `document` as DOCX to `path` (atomically: nothing is left behind on failure)."""
    data = render_docx(document, theme)
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
