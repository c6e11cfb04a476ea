"""The PDF file the writer puts out (`writers._pdffile`), read back byte by byte and by independent readers.

`_pdffile` writes the objects itself: text strings and names, fonts embedded as simple TrueType
subsets with ToUnicode maps, link annotations, the outline, the information dictionary, the
cross-reference table. Each test here checks one of those against qpdf, poppler, pypdf or fontTools,
under input chosen to hit its edges (escapes, surrogate pairs, subset boundaries, outline levels
that jump, failures half-way through a build). The first two pinned bugs a review found (fixed);
the rest guard behaviour that was already correct.
"""

from __future__ import annotations

import gc
import io
import re
import subprocess
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from iapreport.tree import Document, Heading, Metadata, Paragraph, Run, Section, TableOfContents, TocEntry
from iapreport.writers import WriterError
from iapreport.writers._lines import load_face
from iapreport.writers._pdffile import _to_unicode, text_string
from iapreport.writers.pdf import write_pdf

from test_pdf_hostile import THEME, document, metadata, para, pdftotext, qpdf_check, word_boxes, write


# --------------------------------------------------------------------------------------------
# helpers


def _pool_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor") and t.is_alive()}


def _part_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".part")]


def _letters(count: int, font: str = "serif") -> list[str]:
    """`count` distinct letters the face has (Latin, Greek, Cyrillic...), in code point order."""
    face = load_face(THEME.fonts[font].regular)
    letters = sorted(c for c in face.coverage if c.isalpha() and unicodedata.normalize("NFKC", c) == c)
    assert len(letters) >= count
    return letters[:count]


def _cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap's bfchar entries: code -> text."""
    out = {}
    for block in re.findall(rb"beginbfchar\n(.*?)\nendbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9a-f]+)> <([0-9a-f]+)>", block):
            out[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return out


def _font_files() -> dict[str, Path]:
    """PostScript name -> font file of every face the theme registers."""
    files = {}
    for family in THEME.fonts.values():
        for attr in ("regular", "bold", "italic", "bold_italic"):
            path = getattr(family, attr)
            files[load_face(path).font.postscript_name] = path
    return files


def _fonts(path: Path) -> list[tuple[str, dict]]:
    """(resource name, font dictionary) of every font the pages use, each once."""
    seen, out = set(), []
    for page in PdfReader(str(path)).pages:
        for name, ref in page["/Resources"]["/Font"].items():
            if ref.idnum not in seen:
                seen.add(ref.idnum)
                out.append((name, ref.get_object()))
    return out


def _extracted_words(path: Path) -> list[str]:
    return re.sub(r"(?<=\w)-\n(?=\w)", "", pdftotext(path, "-raw")).split()


# --------------------------------------------------------------------------------------------
# bugs found in review (fixed)


def test_a_build_whose_output_cannot_be_opened_leaves_no_compressing_threads(tmp_path):
    """The PdfFile's compressing threads stop however the build fails, also when the output cannot be
    opened (here: the output's folder is a regular file); they once stayed alive until the next
    garbage collection."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    before = _pool_threads()
    with pytest.raises(Exception) as excinfo:
        write_pdf(document([para("text " * 2000)]), THEME, blocker / "x.pdf")
    left = _pool_threads() - before
    assert not left, f"{len(left)} compressing thread(s) still running after {excinfo.type.__name__}"


@pytest.mark.parametrize("where", ["title", "author", "keywords", "outline", "link"])
def test_a_lone_surrogate_outside_the_drawn_text_is_a_writer_error(where, tmp_path):
    """Drawn text with a lone surrogate is a WriterError naming the field (`test_pdf_hostile`); so is
    one in the metadata, an outline title (a heading's `toc_text`) or a link's URL, which are stored,
    not drawn (it once reached `text_string` / `_ascii_uri` as a UnicodeEncodeError)."""
    bad = "x\ud800y"
    md = metadata()
    blocks = [Heading("Heading", 1, "h", "heading-1", toc_text=bad if where == "outline" else None)]
    if where in ("title", "author"):
        md = md._replace(**{where: bad})
    elif where == "keywords":
        md = md._replace(keywords=("ok", bad))
    elif where == "link":
        blocks.append(Paragraph((Run("see "), Run("this", link="https://example.org/" + bad)), "body", "p"))
    with pytest.raises(WriterError):
        write_pdf(Document(md, (Section(tuple(blocks)),)), THEME, tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------------------------
# strings: metadata, outline titles, /Lang, URIs


ODD_STRINGS = [
    "",
    " ",
    "plain ASCII",
    "(unbalanced ( parentheses",
    "closing ) first (",
    "back\\slash \\) \\( \\\\",
    "CR\rLF\nCRLF\r\n",
    "tab\tand\x7fdelete",
    "non-ASCII é ш 中 ß",
    "emoji 😀 flags 🇺🇸 (outside the BMP: surrogate pairs)",
    "\ufeffstarts with a byte-order mark",
    "þÿ looks like a BOM in Latin-1",
    "a" * 3000,
]


@pytest.mark.parametrize("text", ODD_STRINGS, ids=range(len(ODD_STRINGS)))
def test_metadata_outline_and_language_round_trip_exactly(text, tmp_path):
    """Title, author, subject, keywords, /Lang and an outline title come back exactly as given
    (pypdf), whatever they hold, and qpdf accepts the file."""
    md = Metadata(text, text, text, (text,), text, metadata().date)
    doc = Document(md, (Section((Heading("Heading", 1, "h", "heading-1", toc_text=text or None), para("x"))),))
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    reader = PdfReader(str(path))
    info = reader.metadata
    assert (info["/Title"], info["/Author"], info["/Subject"], info["/Keywords"]) == (text,) * 4
    assert reader.trailer["/Root"]["/Lang"] == text
    assert reader.outline[0].title == (text or "Heading")


def test_poppler_reads_a_title_with_surrogate_pairs_and_escapes(tmp_path):
    """poppler (pdfinfo) decodes the UTF-16 title as pypdf does: surrogate pairs joined."""
    title = "Report 😀 (draft) \\ ш"
    path = write(Document(metadata()._replace(title=title), (Section((para("x"),)),)), tmp_path / "x.pdf")
    out = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True,
                         text=True).stdout
    assert re.search(r"^Title:\s+(.*)$", out, re.M).group(1) == title


def test_text_string_forms():
    """Printable ASCII is a literal with ( ) \\ escaped; anything else UTF-16BE with a BOM, pairs for
    characters outside the BMP."""
    assert text_string("") == "()"
    assert text_string("a(b)c\\") == "(a\\(b\\)c\\\\)"
    assert text_string("a\nb") == "<feff" + "a\nb".encode("utf-16-be").hex() + ">"
    assert text_string("😀") == "<feffd83dde00>"


URLS = [
    "https://example.org/a(b)c",
    "https://example.org/with space/and\ttab",
    "https://пример.рф/путь?q=ш&x=é#frag",
    "https://example.org/" + "segment/" * 400,
    "mailto:someone@example.org?subject=(hi) there",
    "https://example.org/back\\slash",
]


@pytest.mark.parametrize("url", URLS, ids=range(len(URLS)))
def test_uri_links_are_ascii_and_decode_to_the_url(url, tmp_path):
    """A URI action holds 7-bit ASCII (spaces, controls and non-ASCII percent-encoded as UTF-8) that
    percent-decodes to the link's URL; parentheses and backslashes survive the string escapes."""
    doc = document([Paragraph((Run("See "), Run("the page", link=url), Run(".")), "body", "p")])
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    uris = {annot.get_object()["/A"]["/URI"] for page in PdfReader(str(path)).pages
            for annot in page.get("/Annots", [])}
    assert len(uris) == 1
    uri = uris.pop()
    assert uri.isascii() and " " not in uri and uri.isprintable()
    assert unquote(uri) == url


# --------------------------------------------------------------------------------------------
# the outline


def _outline_objects(path: Path) -> tuple[dict, list]:
    """The /Outlines dictionary and its items in document order (depth first), as pypdf objects."""
    root = PdfReader(str(path)).trailer["/Root"]["/Outlines"]
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
    deeper only. Every item's /Parent, /Prev, /Next, /First and /Last agree, each open item's /Count
    is the number of its visible descendants, the root's the number of all items."""
    headings = [("Starts at three", 3), ("One", 1), ("Jump to three", 3), ("Two", 2), ("Back to one", 1),
                ("Two again", 2), ("Three", 3), ("Three b", 3), ("Last one", 1)]
    blocks = []
    for n, (text, level) in enumerate(headings):
        blocks += [Heading(text, level, f"h{n}", f"heading-{level}"), para("text " * 40)]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)

    def shape(items):
        out = []
        for item in items:
            if isinstance(item, list):
                out.append(shape(item))
            else:
                out.append(item.title)
        return out

    assert shape(PdfReader(str(path)).outline) == [
        "Starts at three", "One", ["Jump to three", "Two"], "Back to one", ["Two again", ["Three", "Three b"]],
        "Last one"]

    root, items = _outline_objects(path)
    assert root["/Count"] == len(items) == len(headings)

    def visible(node) -> int:
        count, child = 0, node.get("/First")
        while child is not None:
            child = child.get_object()
            count += 1 + visible(child)
            child = child.get("/Next")
        return count

    for node in [root, *items]:
        first, last = node.get("/First"), node.get("/Last")
        if first is None:
            assert last is None and "/Count" not in node or node is root
            continue
        assert visible(node) == node["/Count"] > 0
        chain, child, previous = [], first.get_object(), None
        while True:
            assert child["/Parent"].get_object() == node
            assert (child.get("/Prev").get_object() if "/Prev" in child else None) == previous
            chain.append(child)
            if "/Next" not in child:
                break
            previous, child = child, child["/Next"].get_object()
        assert chain[-1] == last.get_object()


def test_outline_and_toc_destinations_are_the_headings_page_and_top(tmp_path):
    """Outline items and TOC links point (/Dest [page /XYZ x y 0]) at the page object that shows the
    heading and at its top (poppler's box of the heading's first word starts there), on pages that also
    carry URI links."""
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

    def check(dest, name: str) -> None:
        page, y = heading_top(name)
        assert dest[1] == "/XYZ"
        assert page_of[dest[0].idnum] == page, name
        assert abs(float(dest[3]) - y) < 2, (name, float(dest[3]), y)

    for item in reader.outline:
        check(item["/Dest"] if "/Dest" in item else [item.page, "/XYZ", item.left, item.top], item.title)
    toc_links = uri_links = 0
    mixed = 0  # pages with both kinds of link
    for page in reader.pages:
        kinds = set()
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if "/Dest" in annot:
                toc_links += 1
                kinds.add("dest")
                rect = [float(v) for v in annot["/Rect"]]
                # the TOC entry the rectangle covers names the destination's heading
                inside = [b[5] for b in boxes if b[0] == page_of[page.indirect_reference.idnum]
                          and rect[0] - 1 <= b[1] and b[3] <= rect[2] + 1
                          and rect[1] - 1 <= height - b[4] and height - b[2] <= rect[3] + 1]
                number = inside[[w.casefold() for w in inside].index("section") + 1]
                check(annot["/Dest"], f"Section {number}")
            else:
                uri_links += 1
                kinds.add("uri")
                assert annot["/A"]["/URI"].startswith("https://example.org/")
        mixed += kinds == {"dest", "uri"}
    assert mixed
    assert toc_links == len(names)
    assert uri_links >= len(names) + 1


# --------------------------------------------------------------------------------------------
# font subsets


def _check_subsets(path: Path) -> dict[str, int]:
    """Check every embedded subset against the original font with fontTools: for each code in the
    ToUnicode map, the subset's glyph (cmap (3,0) at U+F000 + code) has the outline and advance of the
    original's glyph for that text, and /Widths says the same advance. Return face -> subset count."""
    files = _font_files()
    counts: dict[str, int] = {}
    for name, font in _fonts(path):
        face = font["/BaseFont"].split("+", 1)[1]
        assert re.fullmatch(r"/[A-Z]{6}", font["/BaseFont"].split("+")[0])
        counts[face] = counts.get(face, 0) + 1
        original = TTFont(str(files[face]))
        original_cmap = original.getBestCmap()
        subset = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
        codes = {code - 0xF000: glyph for code, glyph in subset["cmap"].getcmap(3, 0).cmap.items()}
        unicode = _cmap(font["/ToUnicode"].get_data())
        assert unicode.get(32) == " ", name
        widths, first = font["/Widths"], font["/FirstChar"]
        assert font["/LastChar"] - first + 1 == len(widths)
        scale = 1000 / original["head"].unitsPerEm
        for code, text in unicode.items():
            want = original_cmap[ord(text)]
            got = codes[code]
            advance = original["hmtx"][want][0] * scale
            assert abs(float(widths[code - first]) - advance) < 0.01, (name, code, text)
            assert abs(subset["hmtx"][got][0] * scale - advance) < 0.01, (name, code, text)
            mine, theirs = subset["glyf"][got], original["glyf"][want]
            assert mine.isComposite() == theirs.isComposite(), (name, code, text)
            if not theirs.isComposite() and theirs.numberOfContours > 0:
                assert list(mine.coordinates) == list(theirs.coordinates), (name, code, text)
    return counts


@pytest.mark.parametrize("count,subsets", [(5, 1), (31, 1), (32, 1), (254, 1), (255, 2), (256, 2), (420, 2)])
def test_subsets_at_their_boundaries_draw_measure_and_extract_every_character(count, subsets, tmp_path):
    """A subset gives codes 1-255 except 32 (the space) to characters: 254 fit one subset, the 255th
    starts a second. Below 32 characters code 32 is still the space (padded with .notdef). In every
    case each code's glyph, width and ToUnicode text are the character's, and the words extract."""
    letters = _letters(count)
    words = ["".join(letters[i:i + 7]) for i in range(0, count, 7)]
    path = write(document([para(" ".join(words))]), tmp_path / "x.pdf")
    qpdf_check(path)
    assert _check_subsets(path) == {"PTSerif-Regular": subsets}
    assert _extracted_words(path) == words
    names = [name for name, _ in _fonts(path)]
    assert len(set(names)) == len(names) == subsets


def test_a_justified_paragraph_across_two_subsets_keeps_its_words_apart_and_in_the_frame(tmp_path):
    """Word spaces are code 32 in every subset, so `Tw` widens them whichever subset a word is in:
    in a justified paragraph mixing both subsets, bold words, links and ties, no two words of a line
    overlap, and every full line ends at the right margin."""
    letters = _letters(300)
    words = ["".join(letters[i:i + 6]) for i in range(0, 300, 6)]
    runs = []
    for n, word in enumerate(words * 2):
        if n % 5 == 1:
            runs.append(Run(word + " ", bold=True))
        elif n % 7 == 3:
            runs.append(Run(word + " ", link="https://example.org/x"))
        else:
            runs.append(Run(word + ("\u00a0" if n % 11 == 4 else " ")))
    path = write(document([Paragraph(tuple(runs), "body", "p")]), tmp_path / "x.pdf")
    qpdf_check(path)
    _check_subsets(path)
    from test_pdf_hostile import RIGHT

    lines: dict[tuple[int, int], list] = {}
    for box in word_boxes(path):
        lines.setdefault((box[0], round(box[2])), []).append(box)
    ends = []
    for key, boxes in sorted(lines.items()):
        boxes.sort(key=lambda b: b[1])
        for left, right in zip(boxes, boxes[1:]):
            assert right[1] - left[3] > 1.0, (key, left[5], right[5])
        ends.append(boxes[-1][3])
    assert len(ends) > 5
    for end in ends[:-1]:  # the paragraph's last line is not justified
        assert abs(end - RIGHT) < 1.0


def test_spaces_and_no_break_spaces_are_code_32_and_extract_as_spaces(tmp_path):
    """The no-break space is drawn as the space (code 32) and extracts as a space; a face used only for
    spaces still gets a valid subset whose code 32 is the space."""
    doc = document([Paragraph((Run("alpha\u00a0beta gamma"), Run(" \u00a0 ", bold=True), Run("delta")), "body", "p")])
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    _check_subsets(path)
    assert pdftotext(path, "-raw").split() == ["alpha", "beta", "gamma", "delta"]
    for _, font in _fonts(path):
        assert 0xA0 not in _cmap(font["/ToUnicode"].get_data())


def test_to_unicode_writes_surrogate_pairs_for_characters_outside_the_bmp():
    """The fonts have no glyph outside the BMP, but the ToUnicode writer would map one correctly."""
    data = _to_unicode({32: " ", 1: "😀", 2: "ш"})
    assert _cmap(data) == {1: "😀", 2: "ш", 32: " "}
    assert b"<01> <d83dde00>" in data


# --------------------------------------------------------------------------------------------
# the file: cross-reference table, streams, identifier, threads


def test_xref_offsets_stream_lengths_and_identifier(tmp_path):
    """Every xref entry is the byte offset of its "N 0 obj" (qpdf --show-xref agrees), startxref is the
    xref's, each /Length is the stream's byte count, and /ID is the same on two builds."""
    path = write(document([Heading("Heading", 1, "h", "heading-1"), para("text " * 300),
                           Paragraph((Run("link", link="https://example.org"),), "body", "p")]), tmp_path / "x.pdf")
    qpdf_check(path)
    data = path.read_bytes()
    starts = {int(m.group(1)): m.start() for m in re.finditer(rb"(?m)^(\d+) 0 obj\n", data)}
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[xref_at:xref_at + 5] == b"xref\n"
    entries = re.findall(rb"(\d{10}) 00000 n \n", data[xref_at:])
    assert [int(e) for e in entries] == [starts[n] for n in range(1, len(entries) + 1)]
    shown = subprocess.run(["qpdf", "--show-xref", str(path)], check=True, capture_output=True, text=True).stdout
    assert {int(n): int(o) for n, o in re.findall(r"^(\d+)/0: uncompressed; offset = (\d+)", shown, re.M)} == starts
    for match in re.finditer(rb"/Length (\d+) [^>]*>>\nstream\n", data):
        end = match.end() + int(match.group(1))
        assert data[end:end + 10] == b"\nendstream"
    identifier = re.search(rb"/ID \[<([0-9a-f]{32})> <\1>\]", data)
    assert identifier
    again = write(document([Heading("Heading", 1, "h", "heading-1"), para("text " * 300),
                            Paragraph((Run("link", link="https://example.org"),), "body", "p")]),
                  tmp_path / "y.pdf")
    assert again.read_bytes() == data


def test_builds_in_parallel_threads_are_byte_identical(tmp_path):
    """Two documents built twice each, all four at once on threads of one process, give the bytes a
    build on its own gives: nothing a build shares (faces, width caches, subset checksums) leaks."""
    from test_pdf import make_document

    documents = [make_document("ru"), make_document("en")]
    results: dict[int, bytes] = {}
    errors = []

    def build(n: int) -> None:
        try:
            write_pdf(documents[n % 2], THEME, tmp_path / f"{n}.pdf")
            results[n] = (tmp_path / f"{n}.pdf").read_bytes()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    write_pdf(documents[0], THEME, tmp_path / "alone.pdf")
    assert results[0] == results[2] == (tmp_path / "alone.pdf").read_bytes()
    assert results[1] == results[3]


def test_a_writer_error_while_drawing_leaves_no_threads_and_no_files(tmp_path):
    """A running header too tall for the top margin fails while the pages are drawn (after pages went
    to the compressing threads): the pool is shut down and nothing is left in the output folder."""
    gc.collect()
    before = _pool_threads()
    doc = document([para("body")], running_header="header words " * 200)
    with pytest.raises(WriterError, match="running header"):
        write_pdf(doc, THEME, tmp_path / "out" / "x.pdf")
    assert not _pool_threads() - before
    assert not _part_files(tmp_path)
    assert not (tmp_path / "out" / "x.pdf").exists()


def test_a_failure_while_writing_the_file_leaves_no_part_file(tmp_path, monkeypatch):
    """An error inside `PdfFile.write` (after the temporary file was opened) removes the .part file and
    shuts the pool down."""
    from iapreport.writers import _pdffile

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(_pdffile, "_to_unicode", broken)
    before = _pool_threads()
    with pytest.raises(RuntimeError, match="boom"):
        write_pdf(document([para("text")]), THEME, tmp_path / "x.pdf")
    assert not _pool_threads() - before
    assert not list(tmp_path.iterdir())
