"""The only raw WordprocessingML in iapreport: what python-docx has no API for.

Fields (TOC, PAGE, PAGEREF), bookmarks, internal and external hyperlinks, list numbering
definitions, table header repetition and shading, language and font attributes, updateFields.
"""

from __future__ import annotations

import io
import zipfile

import contextlib
import functools
import threading
from typing import BinaryIO, Callable

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser

_NSMAP = {"w": nsmap["w"]}


@functools.lru_cache(maxsize=None)
def _clark(tag: str) -> str:
    return qn(tag)


def OxmlElement(tag: str, attrs: dict[str, str] | None = None):
    """Return a new element `tag` (``w:p``), of python-docx's class for it, with `attrs` (``{"w:val": "x"}``).

    What python-docx's own `OxmlElement` does, without parsing the tag and building a namespace
    map anew for every element (a fifth of the DOCX writer's time): the `w` namespace, declared
    on the element, is dropped by lxml as redundant once the element is in the document.
    """
    element = oxml_parser.makeelement(_clark(tag), nsmap=_NSMAP if tag.startswith("w:") else nsmap)
    if attrs:
        for name, value in attrs.items():
            element.set(_clark(name), value)
    return element

# -- run properties ------------------------------------------------------------------------------


def _child(parent, tag: str, *, first: bool = False):
    """Return the child `tag` of `parent`, creating it (at the front when `first`) if absent."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def insert_before(parent, child, successors: tuple[str, ...]) -> None:
    """Insert `child` before the first of `successors` present, keeping the schema's order."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def set_fonts(rPr, family: str) -> None:
    """Name `family` for every script, dropping theme-font references that would override it."""
    fonts = _child(rPr, "w:rFonts", first=True)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), family)


def set_lang(rPr, tag: str) -> None:
    """Mark text as written in `tag` (e.g. ru-RU), so Word spell-checks it in that language."""
    lang = rPr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        insert_before(rPr, lang, ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)


def lang_element(tag: str):
    """Return a w:lang naming `tag` for every script (the last run property in schema order that
    iapreport sets, so it may be appended)."""
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)
    return lang


def set_doc_defaults(styles_element, family: str, size_pt: float, tag: str) -> None:
    """Set the document-wide default font, size and language (w:docDefaults)."""
    defaults = _child(styles_element, "w:docDefaults", first=True)
    rpr_default = _child(defaults, "w:rPrDefault", first=True)
    rPr = _child(rpr_default, "w:rPr")
    set_fonts(rPr, family)
    late = ("w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl",
            "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    for tag_name in ("w:sz", "w:szCs"):
        element = rPr.find(qn(tag_name))
        if element is None:
            element = OxmlElement(tag_name)
            insert_before(rPr, element, late if tag_name == "w:sz" else late)
        element.set(qn("w:val"), str(round(size_pt * 2)))
    set_lang(rPr, tag)


# -- bookmarks, fields, hyperlinks -------------------------------------------------------------


def add_bookmark(paragraph_element, bookmark_id: int, name: str) -> None:
    """Wrap the paragraph's content in a bookmark named `name`."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    pPr = paragraph_element.find(qn("w:pPr"))
    index = 1 if pPr is not None else 0
    paragraph_element.insert(index, start)
    paragraph_element.append(end)


def _fld_char(kind: str, dirty: bool = False):
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def _instr(text: str):
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {text} "
    run.append(instr)
    return run


def text_run(text: str, rPr=None):
    run = OxmlElement("w:r")
    if rPr is not None:
        run.append(rPr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run


def tab_run():
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:tab"))
    return run


def field_begin(parent, instruction: str, dirty: bool = False) -> None:
    """Append the start of a complex field (begin, instruction, separate) to `parent`."""
    parent.append(_fld_char("begin", dirty))
    parent.append(_instr(instruction))
    parent.append(_fld_char("separate"))


def field_end(parent) -> None:
    parent.append(_fld_char("end"))


def add_simple_field(paragraph_element, instruction: str, cached: str) -> None:
    """Append a whole field (e.g. PAGE) with its cached result."""
    field_begin(paragraph_element, instruction)
    paragraph_element.append(text_run(cached))
    field_end(paragraph_element)


def internal_hyperlink(anchor: str):
    """Return a w:hyperlink to a bookmark in this document."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    return link


def external_hyperlink(part, url: str):
    """Return a w:hyperlink to `url`, registering the relationship on `part`."""
    rel_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    link.set(qn("w:history"), "1")
    return link


def set_tooltip(hyperlink, text: str) -> None:
    """Show `text` (a Markdown link's title) as the tooltip of a w:hyperlink, as Word's ScreenTip."""
    hyperlink.set(qn("w:tooltip"), text)


#: elements that follow w:updateFields in w:settings (ECMA-376 CT_Settings order)
_AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
                        "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
                        "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
                        "w:captions", "w:readModeInkLockDown", "w:smartTagType", "w:shapeDefaults",
                        "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def declare_font(fonts_element, family: str, generic: str) -> None:
    """List a font family in the font table with its kind, so a suite lacking it substitutes alike."""
    for font in fonts_element.findall(qn("w:font")):
        if font.get(qn("w:name")) == family:
            return
    font = OxmlElement("w:font")
    font.set(qn("w:name"), family)
    charset = OxmlElement("w:charset")
    charset.set(qn("w:val"), "CC")  # Cyrillic-capable (RUSSIAN_CHARSET); Latin is covered as well
    kind = OxmlElement("w:family")
    kind.set(qn("w:val"), {"serif": "roman", "sans": "swiss", "mono": "modern"}.get(generic, "auto"))
    pitch = OxmlElement("w:pitch")
    pitch.set(qn("w:val"), "fixed" if generic == "mono" else "variable")
    for child in (charset, kind, pitch):
        font.append(child)
    fonts_element.insert(0, font)


_FONT_FACES = (("regular", "w:embedRegular"), ("bold", "w:embedBold"), ("italic", "w:embedItalic"),
               ("bold_italic", "w:embedBoldItalic"))


def obfuscate_font(data: bytes, key: str) -> bytes:
    """Return TrueType data obfuscated for embedding in a DOCX (ECMA-376 §17.8.1).

    The first 32 bytes are XORed with the GUID `key`'s bytes in reverse order.
    """
    key_bytes = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    out = bytearray(data)  # one copy of a font of half a megabyte, changed in place
    for i in range(min(32, len(out))):
        out[i] ^= key_bytes[i % 16]
    return bytes(out)


def embed_font(fonts_element, family: str, face: str, rel_id: str, key: str) -> None:
    """Point the font table's entry for `family` at an embedded face."""
    for font in fonts_element.findall(qn("w:font")):
        if font.get(qn("w:name")) == family:
            tag = dict(_FONT_FACES)[face]
            element = OxmlElement(tag)
            element.set(qn("r:id"), rel_id)
            element.set(qn("w:fontKey"), key)
            order = [t for _, t in _FONT_FACES]
            insert_before(font, element, tuple(order[order.index(tag) + 1:]))
            return
    raise KeyError(family)


#: elements that precede w:embedTrueTypeFonts in w:settings
_BEFORE_EMBED_FONTS = ("w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
                       "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
                       "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData")


def set_embed_fonts(settings_element) -> None:
    """Tell Word the document carries its TrueType fonts."""
    if settings_element.find(qn("w:embedTrueTypeFonts")) is not None:
        return
    element = OxmlElement("w:embedTrueTypeFonts")
    anchor = None
    for child in settings_element:
        if child.tag in {qn(t) for t in _BEFORE_EMBED_FONTS}:
            anchor = child
    if anchor is None:
        settings_element.insert(0, element)
    else:
        anchor.addnext(element)


#: elements that follow w:autoHyphenation in w:settings (ECMA-376 CT_Settings order)
_AFTER_AUTO_HYPHENATION = ("w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
                           "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
                           "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting",
                           "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
                           "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
                           "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
                           "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
                           "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
                           "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
                           "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
                           "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
                           "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
                           "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt",
                           "w:showXMLTags", "w:alwaysMergeEmptyNamespace", "w:updateFields") + _AFTER_UPDATE_FIELDS


def set_hyphenation(settings_element, consecutive_limit: int = 3) -> None:
    """Turn on Word's automatic hyphenation (in each run's language), at most N lines in a row."""
    for tag, value in (("w:autoHyphenation", "true"), ("w:consecutiveHyphenLimit", str(consecutive_limit))):
        element = settings_element.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            successors = _AFTER_AUTO_HYPHENATION[_AFTER_AUTO_HYPHENATION.index(tag) + 1:] \
                if tag in _AFTER_AUTO_HYPHENATION else _AFTER_AUTO_HYPHENATION
            insert_before(settings_element, element, successors)
        element.set(qn("w:val"), value)


def set_update_fields(settings_element) -> None:
    """Ask Word to refresh every field (TOC page numbers) when it opens the document."""
    update = settings_element.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        insert_before(settings_element, update, _AFTER_UPDATE_FIELDS)
    update.set(qn("w:val"), "true")


# -- numbering ---------------------------------------------------------------------------------

def abstract_num(abstract_id: int, marker: str, indent_twips: int, hanging_twips: int, font: str,
                 bullets: tuple[str, ...]):
    """Return a w:abstractNum for a list marker kind (bullet, decimal-dot, decimal-paren)."""
    element = OxmlElement("w:abstractNum")
    element.set(qn("w:abstractNumId"), str(abstract_id))
    multi = OxmlElement("w:multiLevelType")
    multi.set(qn("w:val"), "multilevel")
    element.append(multi)
    for level in range(9):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        start = OxmlElement("w:start")
        start.set(qn("w:val"), "1")
        fmt = OxmlElement("w:numFmt")
        text = OxmlElement("w:lvlText")
        if marker == "bullet":
            fmt.set(qn("w:val"), "bullet")
            text.set(qn("w:val"), bullets[level % len(bullets)])
        else:
            fmt.set(qn("w:val"), "decimal")
            text.set(qn("w:val"), f"%{level + 1}" + (")" if marker == "decimal-paren" else "."))
        jc = OxmlElement("w:lvlJc")
        jc.set(qn("w:val"), "left")
        pPr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(indent_twips * (level + 1)))
        ind.set(qn("w:hanging"), str(hanging_twips))
        pPr.append(ind)
        rPr = OxmlElement("w:rPr")
        set_fonts(rPr, font)
        for child in (start, fmt, text, jc, pPr, rPr):
            lvl.append(child)
        element.append(lvl)
    return element


def num(num_id: int, abstract_id: int, start_level: int, start: int):
    """Return a w:num instance of an abstract list, restarting at `start` on `start_level`."""
    element = OxmlElement("w:num")
    element.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    element.append(ref)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), str(start_level))
    start_override = OxmlElement("w:startOverride")
    start_override.set(qn("w:val"), str(start))
    override.append(start_override)
    element.append(override)
    return element


def add_to_numbering(numbering_element, abstract_elements, num_elements) -> None:
    """Add definitions in schema order: every w:abstractNum before any w:num."""
    first_num = numbering_element.find(qn("w:num"))
    for element in abstract_elements:
        if first_num is not None:
            first_num.addprevious(element)
        else:
            numbering_element.append(element)
    for element in num_elements:
        numbering_element.append(element)


def set_numbering(pPr, num_id: int, level: int) -> None:
    numPr = _child(pPr, "w:numPr")
    ilvl = _child(numPr, "w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    numId = _child(numPr, "w:numId")
    numId.set(qn("w:val"), str(num_id))


# -- tables ------------------------------------------------------------------------------------


def set_header_row(tr) -> None:
    """Repeat this row at the top of every page the table spans."""
    trPr = tr.get_or_add_trPr()
    insert_before(trPr, OxmlElement("w:tblHeader"), ("w:tblCellSpacing", "w:jc", "w:hidden"))


def set_cant_split(tr) -> None:
    """Keep the row on one page."""
    trPr = tr.get_or_add_trPr()
    trPr.insert(0, OxmlElement("w:cantSplit"))


def set_shading(tc, fill: str) -> None:
    tcPr = tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    insert_before(tcPr, shd, ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"))


def set_table_width(tbl, twips: int) -> None:
    """Give the table a fixed width (Word otherwise sizes an "auto" table from its content)."""
    width = tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(twips))


def set_table_borders(tbl, colour: str) -> None:
    tblPr = tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), colour)
        borders.append(element)
    insert_before(tblPr, borders, ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"))


def set_cell_margins(tbl, *, top: int, bottom: int, left: int, right: int) -> None:
    """Give the table's cells these margins, in twips (w:tblCellMar; Word's default is 0 above and
    below, 108 left and right)."""
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    insert_before(tbl.tblPr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


# -- paragraphs --------------------------------------------------------------------------------

#: elements that follow w:suppressAutoHyphens in w:pPr (ECMA-376 CT_PPrBase order)
_AFTER_SUPPRESS_HYPHENS = ("w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                           "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                           "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                           "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                           "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def set_suppress_hyphens(pPr, suppress: bool) -> None:
    """Turn automatic hyphenation off (or, against an inherited off, on) for a paragraph or style."""
    element = pPr.find(qn("w:suppressAutoHyphens"))
    if element is None:
        element = OxmlElement("w:suppressAutoHyphens")
        insert_before(pPr, element, _AFTER_SUPPRESS_HYPHENS)
    element.set(qn("w:val"), "true" if suppress else "false")


def set_tab_stops(pPr, positions_twips) -> None:
    """Give a paragraph left tab stops at these positions, from the text's left edge."""
    tabs = OxmlElement("w:tabs")
    for position in positions_twips:
        tabs.append(OxmlElement("w:tab", {"w:val": "left", "w:pos": str(position)}))
    insert_before(pPr, tabs, ("w:suppressAutoHyphens", *_AFTER_SUPPRESS_HYPHENS))


#: elements that follow w:ind in w:pPr
_AFTER_IND = _AFTER_SUPPRESS_HYPHENS[_AFTER_SUPPRESS_HYPHENS.index("w:ind") + 1:]


def set_indent(pPr, left_twips: int, hanging_twips: int) -> None:
    """Indent a paragraph `left_twips` from the text's left edge, its first line `hanging_twips`
    less (a list item's marker hangs in that space)."""
    ind = pPr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        insert_before(pPr, ind, _AFTER_IND)
    ind.set(qn("w:left"), str(left_twips))
    if hanging_twips:
        ind.set(qn("w:hanging"), str(hanging_twips))
    else:
        ind.set(qn("w:firstLine"), "0")


def clear_space_at_page_tops(body) -> None:
    """No space before the first paragraph of a section or one with "page break before": the PDF
    never leaves space at the top of a page; Word and LibreOffice drop it only at a page turn
    they make themselves."""
    top = True
    for element in body.iterchildren():
        if element.tag == qn("w:p"):
            pPr = element.pPr
            if top or (pPr is not None and pPr.pageBreakBefore is not None):
                element.get_or_add_pPr().spacing_before = 0
            top = pPr is not None and pPr.sectPr is not None  # the next paragraph starts a section
        elif element.tag == qn("w:tbl"):
            top = False


# -- packaging ---------------------------------------------------------------------------------

CT_OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
CT_EXTENDED_PROPERTIES = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_CT_RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"


def new_font_table():
    """Return an empty w:fonts element (the font table part's root)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    return parse_xml(f"<w:fonts {nsdecls('w', 'r')}/>")


def prune_styles(styles_element, keep: tuple[str, ...]) -> None:
    """Remove every style but those with an id in `keep` and the styles they build on
    (``basedOn``, ``next``, ``link``), keeping the styles element's latent style list."""
    by_id = {style.get(qn("w:styleId")): style for style in styles_element.findall(qn("w:style"))}
    wanted: set[str] = set()
    todo = [style_id for style_id in keep if style_id in by_id]
    while todo:
        style_id = todo.pop()
        if style_id in wanted:
            continue
        wanted.add(style_id)
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = by_id[style_id].find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) in by_id:
                todo.append(ref.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in wanted:
            styles_element.remove(style)


def clear_numbering(numbering_element) -> None:
    """Remove the starting document's list definitions (none of its paragraphs is left to use them)."""
    for child in list(numbering_element):
        numbering_element.remove(child)




class PackageWriter:
    """Writes an OPC package (python-docx's parts and relationships) as a zip: each part
    compressed once, with fixed entry times, so equal input gives equal bytes.

    python-docx's own `save` stamps entries with the current time; rewriting its zip to fix them
    compressed every part, the embedded fonts most of all, a second time. And the fonts, known
    before the document is written and half the package's compression time, can be compressed
    in a thread while the document is built (zlib releases the interpreter lock while it works).
    """

    def __init__(self, timestamp: tuple[int, int, int, int, int, int], stream: BinaryIO | None = None) -> None:
        """Write to the binary `stream` (seekable), or to memory when None."""
        self._timestamp = timestamp
        self._buffer = io.BytesIO() if stream is None else stream
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED)
        self._written: set[str] = set()
        self._early: threading.Thread | None = None
        self._early_error: BaseException | None = None

    def __enter__(self) -> "PackageWriter":
        return self

    def __exit__(self, kind, error, trace) -> None:
        """On a failure (an interrupt included), wait for the thread and close the zip, so that
        nothing writes to the stream after its owner has closed and removed it."""
        if kind is None:
            return
        if self._early is not None:
            with contextlib.suppress(RuntimeError):  # interrupted before the thread had started
                self._early.join()
        with contextlib.suppress(Exception):
            self._zip.close()

    def _put(self, name: str, data: bytes) -> None:
        entry = zipfile.ZipInfo(name, date_time=self._timestamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self._zip.writestr(entry, data)
        self._written.add(name)

    def write_early(self, parts: list[tuple[str, Callable[[], bytes]]]) -> None:
        """Start writing `parts` ((member name, function returning its bytes)) in a thread; the
        package's part with that name is then not written again."""
        def work() -> None:
            try:
                for name, data in parts:
                    self._put(name, data())
            except BaseException as exc:  # re-raised in the caller's thread by `finish`
                self._early_error = exc

        self._early = threading.Thread(target=work, name="iapreport-docx-fonts", daemon=True)
        self._early.start()

    def wait(self) -> None:
        """Wait for the early parts (before anything else touches the zip)."""
        if self._early is not None:
            self._early.join()
            self._early = None
        if self._early_error is not None:
            error, self._early_error = self._early_error, None
            raise error

    def finish(self, package) -> bytes | None:
        """Write the rest of `package`; return the zip's bytes when written to memory."""
        from xml.sax.saxutils import quoteattr

        self.wait()
        parts = list(package.iter_parts())
        types = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 f'<Default Extension="rels" ContentType="{_CT_RELATIONSHIPS}"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>']
        types += [f"<Override PartName={quoteattr(str(part.partname))} ContentType={quoteattr(part.content_type)}/>"
                  for part in sorted(parts, key=lambda part: str(part.partname))]
        types.append("</Types>")
        self._put("[Content_Types].xml", "".join(types).encode("utf-8"))
        self._put("_rels/.rels", package.rels.xml)
        for part in parts:
            if part.partname.membername not in self._written:
                self._put(part.partname.membername, part.blob)
            if len(part.rels):
                self._put(part.partname.rels_uri.membername, part.rels.xml)
        self._zip.close()
        return self._buffer.getvalue() if isinstance(self._buffer, io.BytesIO) else None
