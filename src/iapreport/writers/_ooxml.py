"""The only raw WordprocessingML in iapreport: what python-docx has no API for.

Fields (TOC, PAGE, PAGEREF), bookmarks, internal and external hyperlinks, list numbering
definitions, table header repetition and shading, language and font attributes, updateFields.
"""

from __future__ import annotations

import io
import zipfile

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

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
    head = bytes(b ^ key_bytes[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


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


def normalize_zip(data: bytes, timestamp: tuple[int, int, int, int, int, int]) -> bytes:
    """Return the package rewritten with fixed entry times, so equal input gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=timestamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
