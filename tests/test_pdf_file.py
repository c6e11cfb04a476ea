"""The PDF file as reportlab writes it for the writer, read back by independent readers.

Since issue 9 the file and its fonts are reportlab's (`writers._reportlab`): text strings, font
subsets with ToUnicode maps, links, the outline, the information dictionary. Everything here goes
through the public writer (`write_pdf`) and is checked with qpdf, poppler (pdftotext, pdfinfo,
pdffonts), pypdf and fontTools, under input chosen to hit the edges: odd strings, subset
boundaries (reportlab's subsets hold 256 codes), outline levels that jump, parallel builds,
failures half-way, and the font fallback (a character PT Serif or PT Sans lacks is set in DejaVu).

Tests marked `xfail(strict=True)` pin defects found while writing them: the reason says what is
wrong; once the writer is fixed the test passes and the mark must go.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from iapreport.tree import (Cell, Document, Heading, ListBlock, ListItem, Metadata, Paragraph, Row, Run, Section,
                            Table, TableOfContents, TocEntry)
from iapreport.writers import WriterError
from iapreport.writers.pdf import write_pdf

from test_pdf_hostile import (RIGHT, THEME, document, metadata, outside_frame, para, pdftotext, qpdf_check,
                              word_boxes, write)

TESTS = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------
# helpers


def _leftovers(folder: Path) -> list[Path]:
    """Everything a build left in `folder` (temporary .part files included)."""
    return sorted(folder.rglob("*")) if folder.exists() else []


@functools.lru_cache(maxsize=None)
def _original(path: Path) -> TTFont:
    return TTFont(str(path), lazy=False)


@functools.lru_cache(maxsize=None)
def _postscript_name(path: Path) -> str:
    return _original(path)["name"].getDebugName(6)


@functools.lru_cache(maxsize=None)
def _font_files() -> dict[str, Path]:
    """PostScript name (as fontTools reads it) -> font file, for every face the theme names."""
    files = {}
    for family in THEME.fonts.values():
        for bold in (False, True):
            for italic in (False, True):
                path = family.face(bold, italic)
                files[_postscript_name(path)] = path
    return files


def _chain(key: str, bold: bool = False, italic: bool = False) -> list[Path]:
    """The font files that set the theme's family `key` in that weight and slant, in order."""
    family = THEME.fonts[key]
    return [f.face(bold, italic) for f in [family, *(THEME.fonts[k] for k in family.fallback)]]


def _setter_of(char: str, chain: list[Path]) -> str | None:
    """PostScript name of the first face of `chain` whose cmap (fontTools) has `char`."""
    for path in chain:
        if ord(char) in _original(path).getBestCmap():
            return _postscript_name(path)
    return None


def _face_letters(path: Path, count: int) -> list[str]:
    """`count` distinct non-ASCII characters of the face (letters first, then signs), code point order,
    each printable, not a space or mark, unchanged by NFC and set left to right."""
    cmap = _original(path).getBestCmap()
    usable = [chr(c) for c in sorted(cmap) if c > 0x7F and unicodedata.category(chr(c))[0] in "LNPS"
              and unicodedata.normalize("NFC", chr(c)) == chr(c)
              and unicodedata.bidirectional(chr(c)) not in ("R", "AL") and chr(c) not in "\xa0\xad"]
    letters = [c for c in usable if c.isalpha()] + [c for c in usable if not c.isalpha()]
    assert len(letters) >= count, f"{path.name} has only {len(letters)} usable characters"
    return letters[:count]


def _fonts(path: Path) -> list[tuple[str, dict]]:
    """(resource name, font dictionary) of every font the pages use, each once."""
    seen, out = set(), []
    for page in PdfReader(str(path)).pages:
        for name, ref in page["/Resources"]["/Font"].items():
            if ref.idnum not in seen:
                seen.add(ref.idnum)
                out.append((name, ref.get_object()))
    return out


def _to_unicode(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's bfchar entries: code -> text (UTF-16BE); an entry that is not UTF-16
    (an odd number of hex digits) maps to the raw digits in angle brackets, so it never matches."""
    out = {}
    for block in re.findall(rb"beginbfchar\s*\n(.*?)\n\s*endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            try:
                out[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
            except ValueError:
                out[int(code, 16)] = f"<{text.decode()}>"
    return out


def _check_subsets(path: Path) -> dict[str, int]:
    """Check every embedded subset against its original font file with fontTools.

    For every code the subset's ToUnicode map gives a character (codes mapped to U+0000 are unused),
    the subset's own cmap (reportlab writes a (1,0) table: code -> glyph) leads to a glyph with the
    outline (composites resolved) and advance of the original's glyph for that character, and the
    font's /Widths gives the same advance; no character has two codes. Code 32, in every subset that
    reaches it, is the space (word spacing, Tw, widens code 32 only). Return PostScript name ->
    number of subsets.
    """
    files = _font_files()
    counts: dict[str, int] = {}
    for name, font in _fonts(path):
        tag, face = font["/BaseFont"][1:].split("+", 1)
        assert re.fullmatch(r"[A-Z]{6}", tag), font["/BaseFont"]
        assert font["/Subtype"] == "/TrueType", name
        counts[face] = counts.get(face, 0) + 1
        original = _original(files[face])
        original_cmap = original.getBestCmap()
        original_glyf = original["glyf"]
        descriptor = font["/FontDescriptor"]
        assert descriptor["/FontName"] == font["/BaseFont"], name
        subset = TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))
        subset_glyf = subset["glyf"]
        codes = subset["cmap"].getcmap(1, 0).cmap
        unicode = _to_unicode(font["/ToUnicode"].get_data())
        # a subset reaches code 32 only when it has over 31 characters; reportlab draws every space
        # with code 32 of the first subset, so Tw widens spaces whichever subset the words are in
        assert unicode.get(32, " ") == " ", (name, unicode.get(32))
        assert unicode.get(32) == " " or not name.endswith("+0"), name
        widths, first = font["/Widths"], font["/FirstChar"]
        assert font["/LastChar"] - first + 1 == len(widths), name
        scale = 1000 / original["head"].unitsPerEm
        assert subset["head"].unitsPerEm == original["head"].unitsPerEm
        # unused codes: U+0000 (reportlab's filler), and in the first subset the ASCII codes it keeps
        # for characters the face lacks (PT Serif has no U+007F): control characters, never drawn
        used = {code: text for code, text in unicode.items()
                if not (len(text) == 1 and unicodedata.category(text) == "Cc" and ord(text) not in original_cmap)}
        assert len(set(used.values())) == len(used), f"{name}: a character has two codes in one subset"
        for code, text in used.items():
            assert len(text) == 1 and ord(text) in original_cmap, (name, code, text)
            want = original_cmap[ord(text)]
            got = codes[code]
            advance = original["hmtx"][want][0]
            assert subset["hmtx"][got][0] == advance, (name, code, text)
            assert abs(float(widths[code - first]) - advance * scale) < 0.5, (name, code, text)
            theirs = original_glyf[want]
            mine = subset_glyf[got]
            if theirs.numberOfContours:
                coordinates, ends, _ = theirs.getCoordinates(original_glyf)
                mine_coordinates, mine_ends, _ = mine.getCoordinates(subset_glyf)
                assert list(mine_coordinates) == list(coordinates) and mine_ends == ends, (name, code, text)
            else:
                assert not mine.numberOfContours, (name, code, text)
    return counts


def _pdffonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb, sub, uni of every font."""
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        if line.strip():
            parts = line.split()
            # name type [type...] encoding emb sub uni num gen
            rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def _drawn_by(path: Path) -> dict[str, set[str]]:
    """Character -> PostScript names of the fonts pypdf sees draw it (subset tags dropped)."""
    out: dict[str, set[str]] = {}

    def visit(text, _cm, _tm, font, _size):
        if font is None or not text:
            return
        face = str(font["/BaseFont"]).split("+", 1)[-1]
        for char in text:
            if char not in " \n":
                out.setdefault(char, set()).add(face)

    for page in PdfReader(str(path)).pages:
        page.extract_text(visitor_text=visit)
    return out


def _pypdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _collapse(text: str) -> str:
    """Runs of ASCII spaces, line ends and form feeds as one space (line breaks are the layout's)."""
    return re.sub(r"[ \n\r\f]+", " ", text).strip()


def _outline_shape(items) -> list:
    out = []
    for item in items:
        out.append(_outline_shape(item) if isinstance(item, list) else item.title)
    return out


def _qpdf_outlines(path: Path) -> list[dict]:
    """The outline as qpdf reads it (JSON v2): title, destination page (from 1), dest array, kids."""
    data = subprocess.run(["qpdf", "--json=2", "--json-key=outlines", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return json.loads(data)["outlines"]


def _uri_links(path: Path) -> list[str]:
    """The URLs of every link annotation as poppler reads them (pdfinfo -url)."""
    out = subprocess.run(["pdfinfo", "-url", str(path)], check=True, capture_output=True).stdout
    urls = []
    for line in out.decode("utf-8", "replace").splitlines()[1:]:
        match = re.match(r"\s*\d+\s+Annotation\s+(.*)$", line)
        if match:
            urls.append(match.group(1))
    return urls


# --------------------------------------------------------------------------------------------
# strings: metadata, /Lang, outline titles


ODD_STRINGS = [
    "",
    " ",
    "plain ASCII",
    "(unbalanced ( parentheses",
    "closing ) first (",
    "back\\slash \\) \\( \\\\",
    "CR\rLF\nCRLF\r\n",
    "tab\tand\x7fdelete",
    "non-ASCII é ш 中 ß ә ₸ ●",
    "emoji 😀 flags 🇺🇸 (outside the BMP: surrogate pairs)",
    "\ufeffstarts with a byte-order mark",
    "þÿ looks like a BOM in Latin-1",
    "ÿþ looks like a little-endian BOM",
    "anti\xadcorruption (a soft hyphen, as pasted from Word)",
    "• – — € ‰ ™ ﬁ (PDFDocEncoding's own 0x80-0x9F)",
    "a" * 3000,
]

def _odd_param(text: str, index: int):
    return pytest.param(text, id=str(index))


@pytest.mark.parametrize("text", [_odd_param(t, n) for n, t in enumerate(ODD_STRINGS)])
def test_metadata_outline_and_language_round_trip_exactly(text, tmp_path):
    """Title, author, subject, keywords, /Lang and an outline title come back exactly as given
    (pypdf; qpdf's JSON for the outline; pdfinfo for the info entries), and qpdf accepts the file.
    An empty /Lang may be left out (a language not given is unknown either way)."""
    md = Metadata(text, text, text, (text,), text, metadata().date)
    doc = Document(md, (Section((Heading("Heading", 1, "h", "heading-1", toc_text=text or None), para("x"))),))
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    reader = PdfReader(str(path))
    info = reader.metadata
    assert [info.get(key) for key in ("/Title", "/Author", "/Subject", "/Keywords")] == [text] * 4
    assert reader.trailer["/Root"].get("/Lang", "") == text
    assert reader.outline[0].title == (text or "Heading")
    assert _qpdf_outlines(path)[0]["title"] == (text or "Heading")
    if "\r" not in text and "\n" not in text:  # pdfinfo prints one line per entry
        shown = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True).stdout
        shown = shown.decode("utf-8", "replace")
        for key in ("Title", "Author", "Subject", "Keywords"):
            found = re.search(rf"^{key}:[ ]+(.*)$", shown, re.M)
            assert (found.group(1) if found else "") == text.strip(" "), key


def test_poppler_reads_a_title_with_surrogate_pairs_and_escapes(tmp_path):
    """poppler (pdfinfo) decodes a UTF-16 title as pypdf does: surrogate pairs joined, escapes undone."""
    title = "Report 😀 (draft) \\ ш ə ₸"
    path = write(Document(metadata()._replace(title=title), (Section((para("x"),)),)), tmp_path / "x.pdf")
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True,
                         text=True).stdout
    assert re.search(r"^Title:\s+(.*)$", out, re.M).group(1) == title


# --------------------------------------------------------------------------------------------
# a lone surrogate where nothing is drawn


@pytest.mark.parametrize("where,named", [
    ("title", "metadata title"), ("author", "metadata author"), ("subject", "metadata subject"),
    ("keywords", "metadata keywords"), ("language", "metadata language"), ("outline", "heading #h"),
    ("link", "chapters[2].text.en"),
])
def test_a_lone_surrogate_outside_the_drawn_text_is_a_writer_error_naming_the_field(where, named, tmp_path):
    """Drawn text with a lone surrogate is refused glyph by glyph (`test_pdf_hostile`); metadata, an
    outline title (a heading's `toc_text`) and a link's URL are stored, not drawn, and are refused
    too, naming the field, before anything is written."""
    bad = "x\ud800y"
    md = metadata()
    blocks = [Heading("Heading", 1, "h", "heading-1", toc_text=bad if where == "outline" else None)]
    if where in ("title", "author", "subject", "language"):
        md = md._replace(**{where: bad})
    elif where == "keywords":
        md = md._replace(keywords=("ok", bad))
    elif where == "link":
        blocks.append(Paragraph((Run("see "), Run("this", link="https://example.org/" + bad)), "body",
                                "chapters[2].text.en"))
    with pytest.raises(WriterError) as info:
        write_pdf(Document(md, (Section(tuple(blocks)),)), THEME, tmp_path / "out" / "x.pdf")
    assert named in str(info.value) and "U+D800" in str(info.value), str(info.value)
    assert not _leftovers(tmp_path / "out")


# --------------------------------------------------------------------------------------------
# URI links


URLS = [
    pytest.param("https://example.org/a(b)c", id="parentheses"),
    pytest.param("https://example.org/back\\slash", id="backslash"),
    pytest.param("http://example.org/plain?q=1&r=2#top", id="http"),
    pytest.param("mailto:someone@example.org", id="mailto"),
    pytest.param("https://example.org/" + "segment/" * 400, id="3000 characters"),
    pytest.param("https://example.org/already%20encoded%C3%A9", id="percent-encoded"),
    pytest.param("https://пример.рф/путь?q=ш&x=é#frag", id="non-ASCII"),
    pytest.param("https://example.org/with space/and\ttab", id="whitespace"),
    pytest.param("mailto:someone@example.org?subject=(hi) there", id="mailto with a space"),
]


@pytest.mark.parametrize("url", URLS)
def test_uri_links_are_ascii_and_decode_to_the_url(url, tmp_path):
    """A URI action holds printable 7-bit ASCII without spaces (non-ASCII and whitespace
    percent-encoded as UTF-8) that reads, percent-decoded, as the link's URL, in pypdf and in poppler;
    parentheses and backslashes survive the string escapes; a URL already percent-encoded is kept."""
    doc = document([Paragraph((Run("See "), Run("the page", link=url), Run(".")), "body", "p")])
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    uris = [annot.get_object()["/A"]["/URI"] for page in PdfReader(str(path)).pages
            for annot in page.get("/Annots", [])]
    assert len(set(uris)) == 1, uris
    uri = uris[0]
    assert isinstance(uri, str) and uri.isascii() and uri.isprintable() and " " not in uri, repr(uri)
    assert uri == url if "%" in url else unquote(uri) == url
    assert set(_uri_links(path)) == {uri}


# --------------------------------------------------------------------------------------------
# the outline


def _outline_objects(path: Path) -> tuple[dict, list]:
    """The /Outlines dictionary and its items in document order (depth first), as pypdf objects."""
    root = PdfReader(str(path)).trailer["/Root"]["/Outlines"].get_object()
    items = []

    def walk(first):
        node = first
        while node is not None:
            node = node.get_object()
            items.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    walk(root["/First"])
    return root, items


def test_outline_levels_that_jump_nest_under_the_last_heading_with_correct_links_and_counts(tmp_path):
    """A first heading of level 3 goes to the top level; a level that jumps (1 then 3) nests one level
    deeper only. Every item's /Parent, /Prev, /Next, /First and /Last agree and each open item's
    /Count is the number of its visible descendants (the root's: the next test); qpdf reads the
    same tree."""
    headings = [("Starts at three", 3), ("One", 1), ("Jump to three", 3), ("Two", 2), ("Back to one", 1),
                ("Two again", 2), ("Three", 3), ("Three b", 3), ("Last one", 1)]
    blocks = []
    for n, (text, level) in enumerate(headings):
        blocks += [Heading(text, level, f"h{n}", f"heading-{level}"), para("text " * 40)]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)
    expected = ["Starts at three", "One", ["Jump to three", "Two"], "Back to one",
                ["Two again", ["Three", "Three b"]], "Last one"]
    assert _outline_shape(PdfReader(str(path)).outline) == expected

    def qpdf_shape(items):
        out = []
        for item in items:
            out.append(item["title"])
            if item["kids"]:
                out.append(qpdf_shape(item["kids"]))
        return out

    assert qpdf_shape(_qpdf_outlines(path)) == expected

    root, items = _outline_objects(path)
    assert len(items) == len(headings)

    def visible(node) -> int:
        count, child = 0, node.get("/First")
        while child is not None:
            child = child.get_object()
            count += 1 + visible(child)
            child = child.get("/Next")
        return count

    for node in items:  # the root's /Count: the next test
        first, last = node.get("/First"), node.get("/Last")
        if first is None:
            assert last is None and not node.get("/Count"), node
            continue
        assert visible(node) == node["/Count"] > 0
        chain, child, previous = [], first.get_object(), None
        while True:
            assert child["/Parent"].get_object() == node
            assert (child["/Prev"].get_object() if "/Prev" in child else None) == previous
            chain.append(child)
            if "/Next" not in child:
                break
            previous, child = child, child["/Next"].get_object()
        assert chain[-1] == last.get_object()


@pytest.mark.xfail(strict=True, reason="the root /Outlines /Count is not the number of open items (ISO 32000-1, "
                   "table 152: total number of visible items at all levels): reportlab's count counts nested items "
                   "more than once: [A, [B], C] gives 4 for 3 items, [A, [B, [C]]] 5, the 9 items below 12; "
                   "the items' own /Count values are right")
@pytest.mark.parametrize("levels", [(1, 2, 1), (1, 2, 3), (3, 1, 3, 2, 1, 2, 3, 3, 1)])
def test_the_outline_root_counts_every_open_item_once(levels, tmp_path):
    """The root's /Count is the number of open items at all levels (every item is open)."""
    _check_outline_root_count(levels, tmp_path)


def test_a_flat_outline_root_counts_its_items(tmp_path):
    _check_outline_root_count((1, 1, 1), tmp_path)


def _check_outline_root_count(levels, tmp_path):
    blocks = []
    for n, level in enumerate(levels):
        blocks += [Heading(f"Heading {n}", level, f"h{n}", f"heading-{level}"), para("text")]
    path = write(document(blocks), tmp_path / "x.pdf")
    root, items = _outline_objects(path)
    assert len(items) == len(levels)
    assert root["/Count"] == len(levels)


def test_outline_and_toc_destinations_are_the_headings_page_and_top(tmp_path):
    """Outline items and TOC links point (/XYZ) at the page that shows the heading and at its top
    (poppler's box of the heading's first word starts there), on pages that also carry URI links;
    qpdf resolves the outline's destinations to the same pages."""
    names = [f"Section {n}" for n in range(1, 7)]
    toc = TableOfContents("Contents", tuple(TocEntry(name, 1, f"s{n}") for n, name in enumerate(names)))
    blocks = [toc, Paragraph((Run("A link "), Run("here", link="https://example.org/toc-page")), "body", "p0")]
    for n, name in enumerate(names):
        blocks += [Heading(name, 1, f"s{n}", "heading-1"),
                   Paragraph((Run("text " * 150), Run("and a link", link=f"https://example.org/{n}"), Run(".")),
                             "body", f"p{n}")]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)
    reader = PdfReader(str(path))
    height = float(reader.pages[0].mediabox.height)
    page_of = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages, 1)}
    boxes = word_boxes(path)

    def heading_top(name: str) -> tuple[int, float]:
        """(page, top in PDF coordinates) of the heading `name` as poppler finds it (its last
        occurrence: the TOC entry reads the same and comes first)."""
        first, second = name.casefold().split()
        found = [(page, height - y0) for (page, _, y0, _, _, word), following in zip(boxes, boxes[1:])
                 if word.casefold() == first and following[5] == second and following[0] == page]
        assert len(found) == 2, (name, found)  # the TOC entry, then the heading
        return found[-1]

    def check(page: int, kind: str, top: float, name: str) -> None:
        want_page, y = heading_top(name)
        assert kind == "/XYZ", (name, kind)
        assert page == want_page, name
        assert abs(top - y) < 2, (name, top, y)

    outline = reader.outline
    assert [item.title for item in outline] == names
    for item in outline:
        check(reader.get_destination_page_number(item) + 1, item["/Type"], float(item.top), item.title)
    for item in _qpdf_outlines(path):
        check(item["destpageposfrom1"], item["dest"][1], float(item["dest"][3]), item["title"])

    toc_links = uri_links = mixed = 0  # mixed: pages with both kinds of link
    for page in reader.pages:
        kinds = set()
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            action = annot.get("/A")
            if action is not None and action.get("/S") == "/URI":
                uri_links += 1
                kinds.add("uri")
                assert action["/URI"].startswith("https://example.org/")
                continue
            dest = annot.get("/Dest") if action is None else action.get("/D")
            if isinstance(dest, str):  # a named destination
                dest = reader.named_destinations[dest]
                dest = [dest.page, dest["/Type"], dest.left, dest.top]
            toc_links += 1
            kinds.add("dest")
            rect = [float(v) for v in annot["/Rect"]]
            # the TOC entry the rectangle covers names the destination's heading
            inside = [b[5] for b in boxes if b[0] == page_of[page.indirect_reference.idnum]
                      and rect[0] - 1 <= b[1] and b[3] <= rect[2] + 1
                      and rect[1] - 1 <= height - b[4] and height - b[2] <= rect[3] + 1]
            number = inside[[w.casefold() for w in inside].index("section") + 1]
            check(page_of[dest[0].idnum], dest[1], float(dest[3]), f"Section {number}")
        mixed += kinds == {"dest", "uri"}
    assert mixed
    assert toc_links == len(names)
    assert uri_links >= len(names) + 1


# --------------------------------------------------------------------------------------------
# font subsets

#: reportlab's subsets: the first keeps codes 32-127 for ASCII and gives codes 1-31 and 128-255 to
#: the first 159 other characters; each further subset gives codes 1-31 and 33-255 (254), keeping
#: 32 for the space. So the boundaries, in distinct non-ASCII characters of one face:
SUBSET_CASES = [(1, 1), (31, 1), (32, 1), (159, 1), (160, 2), (190, 2), (191, 2), (413, 2), (414, 3), (480, 3)]


@pytest.mark.parametrize("count,subsets", SUBSET_CASES, ids=[str(c) for c, _ in SUBSET_CASES])
def test_subsets_at_their_boundaries_draw_measure_and_extract_every_character(count, subsets, tmp_path):
    """Many distinct characters of one face (PT Serif) fill one, two or three subsets; at and around
    each boundary every code's glyph, advance, /Widths entry and ToUnicode text are the character's
    (fontTools against the original file), every character extracts (poppler and pypdf), and the lines,
    measured by the layout, stand inside the frame as poppler measures them."""
    letters = _face_letters(THEME.fonts["serif"].regular, count)
    words = ["".join(letters[i:i + 5]) for i in range(0, count, 5)]  # under six: never hyphenated
    path = write(document([Paragraph((Run(" ".join(words)),), "code", "p")]), tmp_path / "x.pdf")
    qpdf_check(path)
    assert _check_subsets(path) == {"PTSerif-Regular": subsets}
    assert pdftotext(path, "-raw").split() == words
    assert _collapse(_pypdf_text(path)).split() == words
    assert not outside_frame(path)
    rows = _pdffonts(path)
    assert len(rows) == subsets and len({row["name"] for row in rows}) == subsets, rows
    assert all((row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes") for row in rows), rows


def _justified_across_subsets(words: list[str]) -> tuple:
    runs = []
    for n, word in enumerate(words * 2):
        if n % 5 == 1:
            runs.append(Run(word + " ", bold=True))
        elif n % 7 == 3:
            runs.append(Run(word + " ", link="https://example.org/x"))
        else:
            runs.append(Run(word + ("\u00a0" if n % 11 == 4 else " ")))
    return tuple(runs)


def _check_justified(path: Path, min_lines: int = 5) -> None:
    """No two words of a line overlap and every full line ends at the right margin (poppler's boxes)."""
    assert not outside_frame(path), outside_frame(path)[:5]
    # a line: boxes in poppler's reading order whose vertical middles are close (glyph boxes of
    # DejaVu and PT differ in height, so their tops and bottoms do not line up)
    lines: list[list] = []
    for box in word_boxes(path):
        middle = (box[2] + box[4]) / 2
        if lines and lines[-1][0][0] == box[0] and abs((lines[-1][0][2] + lines[-1][0][4]) / 2 - middle) < 5:
            lines[-1].append(box)
        else:
            lines.append([box])
    ends = []
    for boxes in lines:
        key = (boxes[0][0], boxes[0][2])
        boxes.sort(key=lambda b: b[1])
        for left, right in zip(boxes, boxes[1:]):
            assert right[1] - left[3] > 1.0, (key, left[5], right[5])
        ends.append(boxes[-1][3])
    assert len(ends) > min_lines
    for end in ends[:-1]:  # the paragraph's last line is not justified
        assert abs(end - RIGHT) < 1.0, (end, RIGHT)


def test_a_justified_paragraph_across_two_subsets_keeps_its_words_apart_and_in_the_frame(tmp_path):
    """Word spacing (Tw) widens code 32 only: in a justified paragraph whose words fall in the first
    and the second subset of PT Serif (and of PT Serif Bold), with links and ties, no two words of a
    line overlap and every full line ends at the right margin."""
    letters = _face_letters(THEME.fonts["serif"].regular, 300)
    words = ["".join(letters[i:i + 6]) for i in range(0, 300, 6)]
    path = write(document([Paragraph(_justified_across_subsets(words), "body", "p")]), tmp_path / "x.pdf")
    qpdf_check(path)
    counts = _check_subsets(path)
    assert counts["PTSerif-Regular"] >= 2 and counts["PTSerif-Bold"] >= 1, counts
    _check_justified(path)


def test_spaces_and_no_break_spaces_are_code_32_and_extract_as_spaces(tmp_path):
    """The no-break space is drawn as the space (code 32) and extracts as a space; a face used only for
    spaces still gets a valid subset whose code 32 is the space."""
    doc = document([Paragraph((Run("alpha\u00a0beta gamma"), Run(" \u00a0 ", bold=True), Run("delta")), "body", "p")])
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    _check_subsets(path)
    assert pdftotext(path, "-raw").split() == ["alpha", "beta", "gamma", "delta"]
    for _, font in _fonts(path):
        assert "\u00a0" not in _to_unicode(font["/ToUnicode"].get_data()).values()


def test_a_fallback_face_with_many_characters_gets_as_many_subsets(tmp_path):
    """300 distinct characters that only DejaVu Sans has (of the serif chain) fill two of its subsets,
    drawn between PT Serif words: each extracts, each code's glyph and widths are DejaVu Sans's, and
    the justified lines end at the margin."""
    serif, serif_fallback, sans = _chain("serif")
    others = set(_original(serif).getBestCmap()) | set(_original(serif_fallback).getBestCmap())
    only = [c for c in _face_letters(sans, 3000) if ord(c) not in others and ord(c) <= 0xFFFF][:300]
    assert len(only) == 300
    words = ["".join(only[i:i + 5]) for i in range(0, 300, 5)]
    text = " ".join(f"{word} word" for word in words)
    path = write(document([para(text)]), tmp_path / "x.pdf")
    qpdf_check(path)
    counts = _check_subsets(path)
    assert counts.get("DejaVuSans") == 2 and "DejaVuSerif" not in counts, counts
    assert pdftotext(path, "-raw").split() == text.split()
    _check_justified(path)


# --------------------------------------------------------------------------------------------
# the file: reproducible, valid, whatever the threads and the hash seed


def _identifier(path: Path) -> tuple[bytes, bytes]:
    first, second = PdfReader(str(path)).trailer["/ID"]
    return bytes(first.original_bytes), bytes(second.original_bytes)


def test_the_file_identifier_is_reproducible(tmp_path):
    """The trailer's /ID (two 16-byte strings) is the same on two builds of the same document, and
    qpdf finds every cross-reference offset and stream length right."""
    doc = document([Heading("Heading", 1, "h", "heading-1"), para("text " * 300),
                    Paragraph((Run("link", link="https://example.org"),), "body", "p")])
    first = write(doc, tmp_path / "a.pdf")
    second = write(doc, tmp_path / "b.pdf")
    qpdf_check(first)
    assert first.read_bytes() == second.read_bytes()
    ids = _identifier(first)
    assert len(ids[0]) == len(ids[1]) == 16
    shown = subprocess.run(["qpdf", "--show-xref", str(first)], check=True, capture_output=True, text=True).stdout
    data = first.read_bytes()
    offsets = re.findall(r"^(\d+)/0: uncompressed; offset = (\d+)", shown, re.M)
    assert offsets
    for number, offset in offsets:
        assert data[int(offset):].startswith(f"{number} 0 obj".encode()), number


@pytest.mark.xfail(strict=True, reason="reportlab tags subsets by their number within a face (AAAAAA+ for every "
                   "face's first subset), so AAAAAA+PTSerif-Regular, AAAAAA+PTSerif-Bold and AAAAAA+DejaVuSerif share "
                   "one tag; ISO 32000-1 9.6.4: different subsets in the same file shall have different tags")
def test_every_subset_has_its_own_tag(tmp_path):
    doc = document([Paragraph((Run("plain ● "), Run("bold ✓", bold=True)), "body", "p")])
    path = write(doc, tmp_path / "x.pdf")
    tags = [row["name"].split("+", 1)[0] for row in _pdffonts(path)]
    assert len(tags) >= 4 and len(set(tags)) == len(tags), tags


def test_the_header_version_covers_the_features_used(tmp_path):
    path = write(document([para("x")]), tmp_path / "x.pdf")
    reader = PdfReader(str(path))
    assert "/Lang" in reader.trailer["/Root"]
    assert reader.pdf_header >= "%PDF-1.4", reader.pdf_header


@pytest.mark.xfail(strict=True, reason="reportlab's invariant mode derives /ID from the metadata only (title, "
                   "author... and the fixed time stamp), not from the content: two different documents with the same "
                   "metadata share one file identifier (ISO 32000-1 14.4: it should be based on the file's contents; "
                   "the old writer hashed the body)")
def test_documents_that_differ_only_in_their_text_have_different_identifiers(tmp_path):
    first = write(document([para("the first text")]), tmp_path / "a.pdf")
    second = write(document([para("another text altogether")]), tmp_path / "b.pdf")
    assert _identifier(first) != _identifier(second)


def _fallback_block() -> Paragraph:
    return Paragraph((Run("Fallback: ● ə Ə ₸ → ✓ ✔ ▪ ◦ ■ ○ ≥ ≤ ≠ ‒ ′ ″ 1\u2009000 2\u202f000 "),
                      Run("საქართველო Հայաստան", bold=True)), "body", "fallback")


def test_builds_in_parallel_threads_are_byte_identical_to_builds_alone(tmp_path):
    """Two documents (Russian and English, with characters from the fallback faces) built twice
    each, all four at once on threads of one process, give the bytes a build on its own gives:
    nothing shared between builds (registered fonts, their subset state, width caches) leaks."""
    from test_pdf import make_document

    documents = [make_document("ru", extra=(_fallback_block(),)), make_document("en", extra=(_fallback_block(),))]
    alone = []
    for n, doc in enumerate(documents):
        write_pdf(doc, THEME, tmp_path / f"alone{n}.pdf")
        alone.append((tmp_path / f"alone{n}.pdf").read_bytes())
    results: dict[int, bytes] = {}
    errors = []
    barrier = threading.Barrier(4)

    def build(n: int) -> None:
        try:
            barrier.wait()
            write_pdf(documents[n % 2], THEME, tmp_path / f"{n}.pdf")
            results[n] = (tmp_path / f"{n}.pdf").read_bytes()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert results[0] == results[2] == alone[0]
    assert results[1] == results[3] == alone[1]
    qpdf_check(tmp_path / "0.pdf")
    qpdf_check(tmp_path / "1.pdf")


_BUILD_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
from test_pdf import make_document
from test_pdf_file import _fallback_block
from test_pdf_hostile import THEME
from iapreport.writers.pdf import write_pdf
write_pdf(make_document("ru", extra=(_fallback_block(),)), THEME, sys.argv[2])
"""


def test_builds_in_processes_with_different_hash_seeds_are_byte_identical(tmp_path):
    """The same document built in two processes with different PYTHONHASHSEED (set iteration order
    differs) gives the same bytes as in this process, and qpdf finds it clean."""
    from test_pdf import make_document

    outputs = []
    for seed in ("1", "4242"):
        target = tmp_path / f"seed{seed}.pdf"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", _BUILD_SCRIPT, str(TESTS), str(target)], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    write_pdf(make_document("ru", extra=(_fallback_block(),)), THEME, tmp_path / "here.pdf")
    assert outputs[0] == outputs[1] == (tmp_path / "here.pdf").read_bytes()
    qpdf_check(tmp_path / "seed1.pdf")


# --------------------------------------------------------------------------------------------
# failures half-way: no .part file, no output


def test_a_build_whose_output_cannot_be_opened_leaves_nothing_behind(tmp_path):
    """The output's folder is a regular file: the build fails (an OSError, not a hang) and leaves no
    file and no thread behind."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    before = set(threading.enumerate())
    with pytest.raises(OSError):
        write_pdf(document([para("text " * 2000)]), THEME, blocker / "x.pdf")
    assert not set(threading.enumerate()) - before
    assert _leftovers(tmp_path) == [blocker] and blocker.read_text() == ""


def test_a_writer_error_while_drawing_leaves_no_part_file_and_no_output(tmp_path):
    """A running header too tall for the top margin fails while the pages are drawn (after the canvas
    was opened on the temporary file): nothing is left in the output folder, an older output stays."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.pdf").write_bytes(b"older output")
    doc = document([para("body")], running_header="header words " * 200)
    with pytest.raises(WriterError, match="running header"):
        write_pdf(doc, THEME, out / "x.pdf")
    assert _leftovers(out) == [out / "x.pdf"]
    assert (out / "x.pdf").read_bytes() == b"older output"


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failure_while_writing_the_file_leaves_no_part_file_and_no_output(error, tmp_path, monkeypatch):
    """reportlab's canvas fails in `save` after writing the whole file (the worst moment: the .part
    file is complete): the .part file is removed and no output appears, also on KeyboardInterrupt."""
    from reportlab.pdfgen import canvas

    original = canvas.Canvas.save
    saved = []

    def broken(self, *args, **kwargs):
        original(self, *args, **kwargs)
        saved.append([p for p in _leftovers(tmp_path) if p.name.endswith(".part") and p.stat().st_size])
        raise error("boom")

    monkeypatch.setattr(canvas.Canvas, "save", broken)
    with pytest.raises(error, match="boom"):
        write_pdf(document([para("text")]), THEME, tmp_path / "x.pdf")
    assert saved and saved[0], "the failure came before the file was written: the case tests nothing"
    assert not _leftovers(tmp_path)


# --------------------------------------------------------------------------------------------
# font fallback: characters PT Serif and PT Sans lack, set in DejaVu

#: characters of real report texts that PT Serif / PT Sans lack (issue 9)
SYMBOLS = list("●əƏ₸→✓✔▪◦■○≥≤≠‒′″")
GEORGIAN, ARMENIAN = "საქართველო", "Հայաստան"
SPACES = {"\u2009": "THIN SPACE", "\u202f": "NARROW NO-BREAK SPACE"}
#: the paragraph every context sets: each symbol between spaces, the two spaces inside numbers
FALLBACK_TEXT = "Signs " + " ".join(SYMBOLS) + f" 1\u2009000 and 2\u202f500 in {GEORGIAN} and {ARMENIAN} end"


def _in_context(context: str, text: str = FALLBACK_TEXT, source: str = "chapters[1].text.en"):
    """(blocks, chain key, bold, italic) setting `text` in `context`."""
    run = Run(text)
    if context == "body":
        return [Paragraph((run,), "body", source)], ("serif", False, False)
    if context == "bold":
        return [Paragraph((run._replace(bold=True),), "body", source)], ("serif", True, False)
    if context == "italic":
        return [Paragraph((run._replace(italic=True),), "body", source)], ("serif", False, True)
    if context == "bold italic":
        return [Paragraph((run._replace(bold=True, italic=True),), "body", source)], ("serif", True, True)
    if context == "heading":
        return [Heading(text, 2, "h", "heading-2"), para("after")], ("sans", True, False)
    if context == "table cell":
        rows = (Row((Cell((para("Head", "t.head", "table-header"),), "table-header"),)),
                Row((Cell((Paragraph((run,), "body", source),), "table-cell"),)))
        return [Table(rows, (1.0,))], ("sans", False, False)
    if context == "toc entry":
        return [TableOfContents("Contents", (TocEntry(text, 2, "h"),)), Heading("Target", 2, "h", "heading-2"),
                para("after")], ("sans", False, False)
    if context == "running header":
        return Section((para("body"),), running_header=text), ("sans", False, False)
    if context == "list":
        return [ListBlock((ListItem((Paragraph((run,), "body", source),)), ListItem((para("second"),))), "bullet")], \
            ("serif", False, False)
    raise AssertionError(context)


CONTEXTS = ["body", "bold", "italic", "bold italic", "heading", "table cell", "list", "toc entry", "running header"]


def _document(blocks) -> Document:
    """A document of `blocks` (or of one section, as `_in_context` gives for a running header)."""
    return Document(metadata(), (blocks,)) if isinstance(blocks, Section) else document(blocks)


@pytest.mark.parametrize("context", CONTEXTS)
def test_fallback_characters_print_in_the_first_face_that_has_them_and_extract_as_themselves(context, tmp_path):
    """Each of the characters of issue 9 (signs, Azerbaijani ə, the tenge, arrows, checks, shapes,
    primes, the figure dash, Georgian, Armenian, thin and narrow no-break spaces) in a paragraph of
    the context builds; pypdf's view of the content stream shows each drawn in the first face of the
    chain (by fontTools' reading of each file) that has it; every one extracts as itself.

    Readers differ on the two spaces: poppler (pdftotext) turns U+2009 and U+202F into a plain space,
    pypdf's extract_text keeps them; the ToUnicode maps carry them (checked with fontTools below)."""
    blocks, (key, bold, italic) = _in_context(context)
    path = write(_document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)
    _check_subsets(path)

    poppler = _collapse(pdftotext(path, "-raw"))
    assert FALLBACK_TEXT.replace("\u2009", " ").replace("\u202f", " ") in poppler, poppler
    for char in SYMBOLS + list(GEORGIAN + ARMENIAN):
        assert char in poppler, f"U+{ord(char):04X} {unicodedata.name(char)} not extracted by poppler"
    pypdf_text = _collapse(_pypdf_text(path))
    assert FALLBACK_TEXT in pypdf_text, pypdf_text
    for space, name in SPACES.items():
        assert pypdf_text.count(space) == 1, f"{name} not kept by pypdf"

    if context == "heading":  # the outline entry reads as the heading
        assert PdfReader(str(path)).outline[0].title == FALLBACK_TEXT
        assert _qpdf_outlines(path)[0]["title"] == FALLBACK_TEXT

    chain = _chain(key, bold, italic)
    drawn = _drawn_by(path)
    for char in SYMBOLS + list(GEORGIAN + ARMENIAN) + list(SPACES):
        want = _setter_of(char, chain)
        assert want is not None, char
        assert drawn.get(char) == {want}, (f"U+{ord(char):04X}", drawn.get(char), want)
    for char in set(FALLBACK_TEXT) - set(SYMBOLS + list(GEORGIAN + ARMENIAN) + list(SPACES) + [" "]):
        assert _postscript_name(chain[0]) in drawn[char], char


@pytest.mark.parametrize("context", ["body", "heading", "table cell", "running header"])
def test_dejavu_is_embedded_only_where_its_characters_occur(context, tmp_path):
    """pdffonts lists a DejaVu subset (embedded, subset, with a ToUnicode map) exactly for the
    fallback faces that draw a character, and none for a text the PT faces cover."""
    blocks, (key, bold, italic) = _in_context(context, "Plain text, Кириллица, «№ 5» — ёЁ әӘ ғҒ қҚ ңҢ өӨ ұҰ үҮ һҺ")
    path = write(_document(blocks), tmp_path / "plain.pdf")
    assert not [row for row in _pdffonts(path) if "DejaVu" in row["name"]]

    blocks, (key, bold, italic) = _in_context(context)
    path = write(_document(blocks), tmp_path / "fallback.pdf")
    rows = _pdffonts(path)
    chain = _chain(key, bold, italic)
    wanted = {_setter_of(c, chain) for c in SYMBOLS + list(GEORGIAN + ARMENIAN) + list(SPACES)}
    wanted = {name for name in wanted if "DejaVu" in name}
    assert wanted
    assert {row["name"].split("+", 1)[1] for row in rows if "DejaVu" in row["name"]} == wanted
    assert all((row["emb"], row["sub"], row["uni"]) == ("yes", "yes", "yes") for row in rows), rows


def test_line_breaking_measures_fallback_characters_with_the_fallback_face(tmp_path):
    """A justified paragraph whose words carry fallback characters (Azerbaijani, Georgian, Armenian,
    tenge amounts, arrows, checks, shapes), in regular and bold: poppler's word boxes (from the
    fonts' /Widths) stay apart and inside the frame, and every full line ends at the right margin,
    so the widths the lines were broken with are the ones drawn."""
    words = ["Azərbaycan", "təşkilatı", "Əliyev", "100₸", "→next", "✓done", "✔ok", "▪item", "◦sub", "■box",
             "○ring", "≥5", "≤7", "≠0", "2015‒2017", "5′", "7″", "●dot", GEORGIAN, ARMENIAN, "ordinary", "words",
             "between", "them"]
    runs = []
    for n in range(240):
        word = words[n % len(words)]
        runs.append(Run(word + " ", bold=n % 4 == 1))
    path = write(document([Paragraph(tuple(runs), "body", "p")]), tmp_path / "x.pdf")
    qpdf_check(path)
    counts = _check_subsets(path)
    assert any("DejaVu" in face for face in counts), counts
    _check_justified(path)


@pytest.mark.parametrize("style", ["heading-1", "toc-1", "cover-country"])
def test_georgian_prints_in_upper_case_styles(style, tmp_path):
    """Georgian names print in every style, also those the theme sets in capitals: str.upper() gives
    Mtavruli (U+1C90-U+1CBF), which no face of the chain has, so the letters stay as written (the
    rest of the text in capitals). This once failed the build with a WriterError."""
    if style == "toc-1":
        blocks = [TableOfContents("Contents", (TocEntry(f"Chapter {GEORGIAN}", 1, "h"),)),
                  Heading(f"Chapter {GEORGIAN}", 2, "h", "heading-2"), para("x")]
    elif style == "heading-1":
        blocks = [Heading(f"Chapter {GEORGIAN}", 1, "h", style), para("x")]
    else:
        blocks = [para(f"Country {GEORGIAN}", "cover.country", style)]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)
    text = _collapse(pdftotext(path, "-raw"))
    assert f"{'CHAPTER' if style != 'cover-country' else 'COUNTRY'} {GEORGIAN}" in text, text
    drawn = _drawn_by(path)
    assert all(drawn[char] == {"DejaVuSans-Bold"} for char in GEORGIAN), {c: drawn.get(c) for c in GEORGIAN}


@pytest.mark.parametrize("style", ["heading-1", "toc-1", "cover-country"])
def test_other_fallback_characters_print_in_upper_case_styles(style, tmp_path):
    """The same without Georgian: the capitals of ə (Ə) and Armenian (ՀԱՅԱՍՏԱՆ) come from DejaVu."""
    text = "Signs " + " ".join(SYMBOLS) + f" {ARMENIAN}"
    if style == "toc-1":
        blocks = [TableOfContents("Contents", (TocEntry(text, 1, "h"),)), Heading(text, 2, "h", "heading-2"),
                  para("x")]
    elif style == "heading-1":
        blocks = [Heading(text, 1, "h", style), para("x")]
    else:
        blocks = [para(text, "cover.country", style)]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)
    assert _collapse(text.upper()) in _collapse(pdftotext(path, "-raw"))


UNSHOWABLE = {
    "\u4e2d": "U+4E2D",  # CJK: no face of the chain
    "\u0ba4\u0bae\u0bbf\u0bb4\u0bcd": "U+0BA4 U+0BAE U+0BBF U+0BB4 U+0BCD",  # Tamil
    "\U0010fffd": "U+10FFFD",  # private use, plane 16
    "\u05e9\u05dc\u05d5\u05dd": "U+05E9 U+05DC U+05D5 U+05DD",  # Hebrew: right-to-left (DejaVu has it)
    "\u0645\u0631\u062d\u0628\u0627": "U+0645 U+0631 U+062D U+0628 U+0627",  # Arabic: right-to-left
}


#: what the error names in each context: the paragraph's source, else what the block is
_NAMED = {"heading": "heading #h", "toc entry": "table of contents entry 'Mixed", "running header": "running header"}


@pytest.mark.parametrize("context", ["body", "bold", "heading", "table cell", "list", "toc entry", "running header"])
def test_characters_no_face_can_set_are_one_error_naming_the_field_and_every_character(context, tmp_path):
    """CJK, Tamil and a private-use character (no face of the chain has them) and Hebrew and Arabic
    (right-to-left, which the layout cannot set) in one paragraph, between fallback characters that
    do print: one WriterError names the field and every such character, and nothing is written."""
    text = "Mixed ● " + " ə ".join(UNSHOWABLE) + " end"
    blocks, _ = _in_context(context, text)
    target = tmp_path / "out" / "x.pdf"
    with pytest.raises(WriterError) as info:
        write(_document(blocks), target)
    message = str(info.value)
    assert _NAMED.get(context, "chapters[1].text.en") in message, message
    for codes in UNSHOWABLE.values():
        for code in codes.split():
            assert re.search(re.escape(code) + r"\b", message), (code, message)
    for fine in ("U+25CF", "U+0259"):  # ● and ə print
        assert fine not in message
    assert not _leftovers(tmp_path / "out")


def test_characters_outside_the_bmp_extract_as_themselves_or_are_refused(tmp_path):
    text = "Math \U0001d434\U0001d435 and Old Italic \U00010300 end"
    try:
        path = write(document([para(text, "chapters[4].text.en")]), tmp_path / "x.pdf")
    except WriterError as error:
        assert "chapters[4].text.en" in str(error) and "U+1D434" in str(error) and "U+10300" in str(error)
        return
    assert text in _collapse(pdftotext(path, "-raw"))
    assert text in _collapse(_pypdf_text(path))
