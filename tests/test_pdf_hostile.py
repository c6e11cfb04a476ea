"""The PDF writer under hostile and extreme input.

Every case here either writes a faithful PDF (qpdf accepts it, poppler reads back every character
of the input once, every glyph stands inside the text frame, two builds are byte-identical) or
raises a `WriterError` whose message names the field at fault. Anything else (another exception,
a hang, lost or duplicated text, glyphs outside the frame, a PDF poppler refuses) is a bug.
Several cases once exposed one (hangs on a negative measure, text past the margin, chains of
keep-with-next blocks a page each, soft hyphens drawn, misleading errors); they guard the fixes.

Documents are small and have no running header or page numbers unless a test is about them, so
that every glyph poppler finds must lie inside the frame. Cases that could loop forever run under
a SIGALRM deadline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import signal
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from iapreport.theme import load_theme
from iapreport.tree import (Cell, Document, Heading, ListBlock, ListItem, Metadata, PageBreak, Paragraph, Row,
                            Run, Section, Table, TableOfContents, TocEntry, walk_paragraphs)
from iapreport.writers import WriterError
from iapreport.writers import pdf as pdf_writer
from iapreport.writers.pdf import MM, layout, write_pdf

from test_pdf import prose

THEME = load_theme()
PAGE = THEME.page
#: the text frame, in poppler's coordinates (points, y from the top of the page)
LEFT, RIGHT = PAGE.margin_left * MM, (PAGE.width - PAGE.margin_right) * MM
TOP, BOTTOM = PAGE.margin_top * MM, (PAGE.height - PAGE.margin_bottom) * MM
#: how far a glyph's box may stand past the frame (a first line's ascenders, rounding)
SLACK = 2.0
#: seconds a document here may take to be written before the case counts as a hang (the slowest,
#: a 5000-letter word (once quadratic in hyphenation, see below)
DEADLINE = 15.0
#: the same for the cases of a few words that are known to loop
SHORT_DEADLINE = 2.0


# --------------------------------------------------------------------------------------------
# helpers


def metadata(lang: str = "en") -> Metadata:
    return Metadata(title="Hostile", subject="Hostile input", author="iapreport", keywords=("test",),
                    language="en-GB" if lang == "en" else "ru-RU", date=dt.date(2021, 10, 15))


def document(blocks, lang: str = "en", **section) -> Document:
    return Document(metadata(lang), (Section(tuple(blocks), **section),))


def para(text: str, source: str | None = "p", style: str = "body", **kw) -> Paragraph:
    return Paragraph((Run(text),), style, source, **kw)


def lines_paragraph(count: int, source: str | None) -> Paragraph:
    """A paragraph of `count` short lines separated by hard breaks."""
    runs = []
    for n in range(count):
        if n:
            runs.append(Run("", line_break=True))
        runs.append(Run(f"line {n}"))
    return Paragraph(tuple(runs), "body", source)


def write(doc: Document, path: Path, seconds: float = DEADLINE) -> Path:
    with deadline(seconds):
        write_pdf(doc, THEME, path)
    return path


@contextlib.contextmanager
def deadline(seconds: float = DEADLINE):
    """Fail (instead of hanging) if the block runs longer than `seconds`."""

    def expired(*_):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TimeoutError:
        pytest.fail(f"still laying out after {seconds} s: the writer hangs")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def word_boxes(path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word poppler finds, y from the top."""
    boxes = []
    for number, page in enumerate(pdftotext(path, "-bbox").split("<page ")[1:], 1):
        for x0, y0, x1, y1, word in re.findall(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                                               r'yMax="([-\d.]+)">([^<]*)</word>', page):
            boxes.append((number, float(x0), float(y0), float(x1), float(y1), word))
    return boxes


def outside_frame(path: Path) -> list:
    return [box for box in word_boxes(path)
            if box[1] < LEFT - SLACK or box[3] > RIGHT + SLACK or box[2] < TOP - SLACK or box[4] > BOTTOM + SLACK]


def qpdf_check(path: Path) -> None:
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def squeeze(text: str) -> str:
    """Text without spaces, hyphens (added at line ends or not), soft hyphens and list bullets,
    case-folded: what must survive from the input to the PDF, in order, exactly once."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[\s\-\u00ad\u2010•–]", "", text).casefold()


def source_text(doc: Document) -> str:
    parts = []
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, Heading):
                parts.append(block.text)
            else:
                parts.extend(p.text for p in walk_paragraphs((block,)))
    return " ".join(parts)


def assert_faithful(doc: Document, tmp_path: Path, name: str = "x") -> Path:
    """Write `doc` and check the PDF: valid, every character once and in order, all inside the frame,
    identical bytes when written again."""
    path = write(doc, tmp_path / f"{name}.pdf")
    qpdf_check(path)
    assert squeeze(pdftotext(path, "-raw")) == squeeze(source_text(doc)), "text lost, duplicated or reordered"
    outside = outside_frame(path)
    assert not outside, f"glyphs outside the text frame: {outside[:5]}"
    again = write(doc, tmp_path / f"{name}-again.pdf")
    assert path.read_bytes() == again.read_bytes(), "two builds differ"
    return path


# --------------------------------------------------------------------------------------------
# degenerate and odd text: written faithfully


DEGENERATE = {
    "empty run": [Paragraph((Run(""),), "body", "p"), para("after")],
    "no runs": [Paragraph((), "body", "p"), para("after")],
    "only spaces": [para(" " * 500), para("after")],
    "only no-break spaces": [para("\u00a0" * 500), para("after")],
    "only unicode spaces": [para("".join(map(chr, range(0x2000, 0x200B))) * 30 + "\u202f" * 40), para("after")],
    "300 hard breaks": [Paragraph(tuple(Run("", line_break=True) for _ in range(300)), "body", "p"), para("end")],
    "text around 300 hard breaks": [Paragraph((Run("start"), *(Run("", line_break=True) for _ in range(300)),
                                               Run("end")), "body", "p")],
    "tabs, newlines, carriage returns": [para("alpha\tbeta\ngamma\rdelta \t\n\r epsilon\r\n" * 40)],
    "runs of spaces between runs": [Paragraph(tuple(Run(" " * (n % 4) + "word" + " " * (n % 3)) for n in range(300)),
                                              "body", "p")],
    "empty paragraphs kept with next": [Paragraph((), "body", f"e{n}", keep_with_next=True) for n in range(5)]
    + [para("end")],
    "page breaks in a row": [para("first"), PageBreak(), PageBreak(), PageBreak(), para("second")],
}


@pytest.mark.parametrize("name", DEGENERATE)
def test_degenerate_paragraphs_are_written_faithfully(name, tmp_path):
    assert_faithful(document(DEGENERATE[name]), tmp_path)


def test_consecutive_page_breaks_leave_no_blank_page(tmp_path):
    path = write(document(DEGENERATE["page breaks in a row"]), tmp_path / "x.pdf")
    assert len(PdfReader(str(path)).pages) == 2


URL = "https://example.org/" + "segment/" * 250
LONG_TOKENS = {
    "5000-letter word": ("en", [para("a" * 5000)]),
    "3000-letter word in a sentence": ("en", [para("Before " + "abcdefghij" * 300 + " after the word.")]),
    "2000-character link": ("en", [Paragraph((Run("See "), Run(URL, link=URL), Run(" today.")), "body", "p")]),
    "Ш × 200": ("ru", [para("Ш" * 200)]),
    "W × 300": ("en", [para("W" * 300)]),
    "W × 300 heading": ("en", [Heading("W" * 300, 1, "w", "heading-1"), para("after")]),
    "W × 60 in a narrow cell": ("en", [Table((Row((Cell((para("head"),)), Cell((para("head"),)))),
                                              Row((Cell((para("W" * 60),)), Cell((para("x"),))))), (0.1, 0.9))]),
    "400 words tied by no-break spaces": ("ru", [para("\u00a0".join(["слово"] * 400))]),
    "dashes and dots": ("en", [para("-" * 3000 + " a--b ---- —— " * 20 + "." * 2000)]),
}


@pytest.mark.parametrize("name", LONG_TOKENS)
def test_over_long_tokens_wrap_inside_the_frame(name, tmp_path):
    lang, blocks = LONG_TOKENS[name]
    assert_faithful(document(blocks, lang), tmp_path)


def test_a_2000_character_link_stays_one_link(tmp_path):
    path = write(document(LONG_TOKENS["2000-character link"][1]), tmp_path / "x.pdf")
    uris = {annot.get_object()["/A"]["/URI"] for page in PdfReader(str(path)).pages
            for annot in page.get("/Annots", []) or []}
    assert uris == {URL}


def test_emphasis_and_links_changing_every_character(tmp_path):
    text = "internationalisation of anti-corruption accountability " * 12
    runs = tuple(Run(char, bold=n % 2 == 0, italic=n % 3 == 0, link="https://example.org/x" if n % 5 == 0 else None)
                 for n, char in enumerate(text))
    assert_faithful(document([Paragraph(runs, "body", "p")]), tmp_path, "en")
    runs = tuple(Run(char, bold=n % 2 == 0, italic=n % 3 == 1) for n, char in enumerate("ш" * 600))
    assert_faithful(document([Paragraph(runs, "body", "p")], "ru"), tmp_path, "ru")


def test_unicode_spaces_everywhere(tmp_path):
    spaces = [chr(c) for c in range(0x2000, 0x200B)] + ["\u202f", "\u00a0", "\u2007"]
    rng = random.Random(5)
    for lang, words in (("en", prose(rng, "en", 8).split()), ("ru", prose(rng, "ru", 8).split())):
        text = "".join(word + rng.choice(spaces) for word in words)
        assert_faithful(document([para(text, style="body"), para(text, style="heading-2"), para(text, style="quote")],
                                 lang), tmp_path, lang)


def test_combining_marks_and_ligature_characters(tmp_path):
    assert_faithful(document([para("cafe\u0301 re\u0301sume\u0301 ﬁnal ﬂow " * 30)]), tmp_path)
    # decomposed ё and й: the fonts have ё and й but not U+0308 or U+0306; the writer does not
    # normalise (NFC), so this is refused, naming the field; a faithful PDF would be fine too
    doc = document([para("йо\u0308ж и\u0306 " * 40, "text.ru")], "ru")
    try:
        assert_faithful(doc, tmp_path, "ru")
    except WriterError as error:
        assert "text.ru" in str(error) and "U+0308" in str(error)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_text_in_every_theme_style(lang, tmp_path):
    rng = random.Random(lang)
    blocks = [para(f"{name} " + prose(rng, lang, 3), f"styles.{name}", name) for name in THEME.styles]
    assert_faithful(document(blocks, lang), tmp_path)


def test_long_headings_of_several_lines(tmp_path):
    rng = random.Random(8)
    blocks = []
    for n, style in enumerate(("heading-1", "heading-chapter", "heading-2", "heading-3")):
        blocks += [Heading(prose(rng, "en", 3), 1, f"h{n}", style), para(prose(rng, "en", 2))]
    assert_faithful(document(blocks), tmp_path)


def test_heading_toc_and_outline_switches(tmp_path):
    blocks = [TableOfContents("Contents", (TocEntry("Listed", 1, "listed"),)),
              Heading("Hidden", 1, "hidden", "heading-1", toc=False, outline=False), para("one"),
              Heading("Listed", 1, "listed", "heading-1"), para("two"),
              Heading("No anchor", 2, None, "heading-2"), para("three"),
              Heading("Odd level", 0, None, "heading-3"), Heading("Deep level", 40, None, "heading-3"), para("four")]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)

    def flatten(items):
        for item in items:
            yield from flatten(item) if isinstance(item, list) else (item.title,)

    assert list(flatten(PdfReader(str(path)).outline)) == ["Listed", "No anchor", "Odd level", "Deep level"]


def test_metadata_with_odd_characters_and_languages(tmp_path):
    for language in ("", "x-klingon", "zh-Hans-CN", "EN-gb"):
        md = Metadata("T (x) \\ ) é ш 中", "S\n\r", "A", ("a,b", ""), language, dt.date(1, 1, 1))
        path = write(Document(md, (Section((para("internationalisation " * 40),)),)), tmp_path / "x.pdf")
        qpdf_check(path)
        assert PdfReader(str(path)).metadata.title == "T (x) \\ ) é ш 中"


def test_identical_hostile_input_gives_identical_bytes(tmp_path):
    runs = tuple(Run(c + "\u2009", bold=n % 2 == 1, link="https://x.org" if n % 7 == 0 else None)
                 for n, c in enumerate("антикоррупционной transparency " * 5))
    table = Table(tuple(Row((Cell((para(f"r{n}"),)), Cell((para("ш" * n),)))) for n in range(30)), (0.3, 0.7))
    doc = document([Paragraph(runs, "body", "p"), table, Heading("Ш" * 80, 1, "h", "heading-1")], "ru")
    first = write(doc, tmp_path / "a.pdf").read_bytes()
    assert write(doc, tmp_path / "b.pdf").read_bytes() == first


# --------------------------------------------------------------------------------------------
# characters the PDF cannot show: WriterError naming the field


@pytest.mark.parametrize("text,char", [
    ("shalom \u05e9\u05dc\u05d5\u05dd", "U+05E9"),  # RTL
    ("مرحبا", "U+0645"),
    ("中文 text", "U+4E2D"),  # CJK
    ("Tamil \u0ba4\u0bae\u0bbf\u0bb4\u0bcd", "U+0BA4"),  # no face of the chain has it (DejaVu lacks Tamil)
    ("private \U0010fffd use", "U+10FFFD"),
    ("nul\x00byte", "U+0000"),
    ("bell\x07", "U+0007"),
    ("lone \ud800 surrogate", "U+D800"),
    ("line\u2028separator", "U+2028"),
])
def test_missing_glyph_is_an_error_naming_the_field(text, char, tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(WriterError, match=re.escape(char)) as info:
        write(document([para("fine"), para(text, "chapters[3].text.en")]), target)
    assert "chapters[3].text.en" in str(info.value)
    assert not target.exists()


def test_missing_glyph_after_upper_casing_names_the_field(tmp_path):
    # "ǆ" upper-cases (cover-programme is upper) to "Ǆ", which PT Sans lacks: DejaVu Sans has it
    write(document([para("straße ǆ", "cover.programme", "cover-programme")]), tmp_path / "x.pdf")
    # "ꭰ" (Cherokee small letter): neither it nor its capital "Ꭰ" is in a face of the chain, so it
    # stays small (`FaceChain.upper`) and is refused as itself
    with pytest.raises(WriterError, match=r"cover\.programme.*U\+AB70"):
        write(document([para("straße \uab70", "cover.programme", "cover-programme")]), tmp_path / "x.pdf")


def test_missing_glyph_in_headings_toc_and_list_markers(tmp_path):
    with pytest.raises(WriterError, match=r"heading #h.*U\+4E2D"):
        write(document([Heading("中", 1, "h", "heading-1")]), tmp_path / "x.pdf")
    with pytest.raises(WriterError, match=r"table of contents entry.*U\+0B85"):
        write(document([TableOfContents("T", (TocEntry("Other \u0b85", 1, "h"),)),
                        Heading("Real", 1, "h", "heading-1", toc_text="Other \u0b85")]), tmp_path / "x.pdf")
    with pytest.raises(WriterError, match=r"running header.*U\+4E2D"):
        write(document([para("x")], running_header="中"), tmp_path / "x.pdf")


# --------------------------------------------------------------------------------------------
# blocks taller than a page and broken references: WriterError naming the block


def test_heading_taller_than_a_page_is_an_error_naming_it(tmp_path):
    with pytest.raises(WriterError, match=r"heading #tall.*taller than a page"):
        write(document([Heading(" ".join(["word"] * 2500), 1, "tall", "heading-2"), para("after")]),
              tmp_path / "x.pdf")


def test_toc_entry_taller_than_a_page_is_an_error_naming_it(tmp_path):
    with pytest.raises(WriterError, match=r"table of contents entry 'Endless.*taller than a page"):
        write(document([TableOfContents("T", (TocEntry("Endless " * 3000, 1, "h"),)),
                        Heading("Short", 1, "h", "heading-2")]), tmp_path / "x.pdf")


@pytest.mark.parametrize("source,named", [("t.rows[1].text", "t.rows[1].text"), (None, "table row 3")])
def test_table_row_taller_than_a_page_is_an_error_naming_the_row(source, named, tmp_path):
    rows = (Row((Cell((para("Head", "t.head", "table-header"),), "table-header"),)),
            Row((Cell((para("one", "t.rows[0]"),)),)),
            Row((Cell((lines_paragraph(200, source),)),)),
            Row((Cell((para("three", "t.rows[2]"),)),)))
    target = tmp_path / "x.pdf"
    with pytest.raises(WriterError, match=r"taller than a page") as info:
        write(document([Table(rows, (1.0,))]), target)
    assert str(info.value).startswith(named)
    assert not target.exists()


@pytest.mark.parametrize("header_rows", [1, 2])
def test_header_rows_taller_than_a_page_are_an_error_naming_the_header(header_rows, tmp_path):
    lines = 200 if header_rows == 1 else 35  # two rows of 35 lines: each fits, together they do not
    header = tuple(Row((Cell((lines_paragraph(lines, f"t.header[{n}]"),)),)) for n in range(header_rows))
    body = tuple(Row((Cell((para(f"row {n}", f"t.rows[{n}]"),)),)) for n in range(4))
    with pytest.raises(WriterError, match="taller than a page") as info:
        write(document([Table(header + body, (1.0,), header_rows=header_rows)]), tmp_path / "x.pdf")
    assert "t.header[" in str(info.value), str(info.value)


def test_duplicate_anchors_are_an_error(tmp_path):
    with pytest.raises(WriterError, match="#same"):
        write(document([Heading("A", 1, "same", "heading-1"), para("x"), Heading("B", 2, "same", "heading-2")]),
              tmp_path / "x.pdf")


def test_duplicate_anchor_in_a_list_item_is_an_error(tmp_path):
    nested = ListBlock((ListItem((Heading("B", 2, "same", "heading-2"), para("y"))),))
    with pytest.raises(WriterError, match="#same"):
        write(document([Heading("A", 1, "same", "heading-1"), para("x"), nested]), tmp_path / "x.pdf")


def test_generated_anchor_does_not_collide_with_an_explicit_one(tmp_path):
    blocks = [TableOfContents("T", (TocEntry("Manual", 1, "_heading-1"),)),
              Heading("Auto", 1, None, "heading-1"), para("first page"), PageBreak(),
              Heading("Manual", 1, "_heading-1", "heading-1"), para("second page")]
    try:
        path = write(document(blocks), tmp_path / "x.pdf")
    except WriterError:
        return  # refusing the anchor is fine too
    titles = [item.title for item in PdfReader(str(path)).outline]
    assert titles == ["Auto", "Manual"]
    assert re.search(r"^MANUAL\s+2\s*$", pdftotext(path, "-raw", "-f", "1", "-l", "1"), re.M)


def test_toc_entry_of_level_zero_is_set_or_named(tmp_path):
    blocks = [TableOfContents("T", (TocEntry("Level zero", 0, "z"),)), Heading("Level zero", 1, "z", "heading-1")]
    try:
        write(document(blocks), tmp_path / "x.pdf")
    except WriterError as error:
        assert "Level zero" in str(error) or "#z" in str(error), str(error)


# --------------------------------------------------------------------------------------------
# the table of contents


def test_toc_of_500_entries_prints_the_pages_of_its_headings(tmp_path):
    blocks = []
    for n in range(500):
        blocks += [Heading(f"Part {n:03d}", 2, f"p{n}", "heading-2"), para(f"text {n:03d}")]
    toc = TableOfContents("Contents", tuple(TocEntry(f"Part {n:03d}", 2, f"p{n}") for n in range(500)))
    doc = document([toc, PageBreak(), *blocks])
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    pages = pdftotext(path, "-raw").split("\f")
    printed = {}
    for text in pages:
        for name, number in re.findall(r"^Part (\d{3})\s+(\d+)$", text, re.M):
            printed[name] = int(number)
    assert len(printed) == 500
    for name, number in printed.items():
        assert re.search(rf"^Part {name}$", pages[number - 1], re.M), f"Part {name} is not on page {number}"
    assert not outside_frame(path)


def test_toc_entries_of_several_lines_and_deep_levels(tmp_path):
    rng = random.Random(4)
    headings = [Heading(f"Heading {n} " + prose(rng, "en", 2), 1 + n % 6, f"h{n}", "heading-2") for n in range(12)]
    blocks = [TableOfContents("Contents", tuple(TocEntry(h.text, h.level, h.anchor) for h in headings))]
    for heading in headings:
        blocks += [heading, para(prose(rng, "en", 2))]
    path = write(document(blocks), tmp_path / "x.pdf")
    qpdf_check(path)
    assert not outside_frame(path)
    # every entry ends with its page number; nothing else in the document ends a line with one
    assert len(re.findall(r"\s\d+\s*$", pdftotext(path, "-raw"), re.M)) == 12


# --------------------------------------------------------------------------------------------
# lists


def nested_list(levels: int, marker: str = "bullet") -> ListBlock:
    rng = random.Random(levels)
    inner = None
    for level in range(levels, -1, -1):
        blocks = (para(f"level {level} " + prose(rng, "en", 1), f"list.{level}"),) + ((inner,) if inner else ())
        inner = ListBlock((ListItem(blocks), ListItem((para(f"second {level}", f"list.{level}.b"),))), marker,
                          level=level)
    return inner


def test_lists_nested_eight_deep(tmp_path):
    assert_faithful(document([nested_list(8)]), tmp_path)


def test_odd_list_items(tmp_path):
    inner = ListBlock((ListItem((para("inner"),)),), "bullet", level=1)
    table = Table((Row((Cell((para("cell"),)),)),), (1.0,))
    blocks = [ListBlock((ListItem((inner, para("after the inner list"))),  # starts with a nested list
                         ListItem(()),  # no blocks at all
                         ListItem((table, para("after the table"))),
                         ListItem((para("x " * 400),))), "bullet"),
              ListBlock((ListItem((para("negative level"),)),), "bullet", level=-3)]
    assert_faithful(document(blocks), tmp_path)


# --------------------------------------------------------------------------------------------
# tables


def test_one_column_table_of_1000_rows(tmp_path):
    rows = (Row((Cell((para("Header", "t.head", "table-header"),), "table-header"),)),) + tuple(
        Row((Cell((para(f"row{n:04d}", f"t.rows[{n}]"),)),)) for n in range(1000))
    path = write(document([Table(rows, (1.0,))]), tmp_path / "x.pdf")
    qpdf_check(path)
    pages = pdftotext(path, "-raw").split("\f")[:-1]
    assert len(pages) > 20
    found = [int(n) for n in re.findall(r"row(\d{4})", "\n".join(pages))]
    assert found == list(range(1000))
    for text in pages:
        assert text.count("Header") == 1
        assert len(re.findall(r"row\d{4}", text)) >= 2  # never a single body row on a page
    assert not outside_frame(path)


def test_spans_empty_cells_and_odd_header_counts(tmp_path):
    span = (Row((Cell((para("all three"),), colspan=3),)),
            Row((Cell((para("one"),)), Cell((para("two"),), colspan=2))),
            Row((Cell(()), Cell(()), Cell(()))),
            Row((Cell((para("zero span"),), colspan=0), Cell((para("b"),)), Cell((para("c"),)))))
    blocks = [Table(span, (0.2, 0.3, 0.5)),
              Table((), (1.0,)),
              Table(tuple(Row((Cell(()), Cell(()))) for _ in range(5)), (0.5, 0.5)),
              Table((Row((Cell((para("only header"),)),)),), (1.0,), header_rows=3),
              Table(tuple(Row((Cell((para(f"r{n}"),)),)) for n in range(80)), (1.0,), header_rows=0)]
    assert_faithful(document(blocks), tmp_path)


def test_row_spanning_more_columns_than_the_widths_is_an_error(tmp_path):
    with pytest.raises(WriterError, match="table row 2"):
        write(document([Table((Row((Cell((para("a"),)),)), Row((Cell((para("b"),), colspan=2),))), (1.0,))]),
              tmp_path / "x.pdf")


# --------------------------------------------------------------------------------------------
# sections and pagination


def test_sections_without_blocks(tmp_path):
    doc = Document(metadata(), (Section(()), Section((para("text"),), running_header="H", page_numbers=True)))
    path = write(doc, tmp_path / "x.pdf")
    qpdf_check(path)
    assert "text" in pdftotext(path, "-raw")


@pytest.mark.parametrize("sections", [(), (Section((PageBreak(),) * 10),), (Section(()), Section(()))],
                         ids=["no sections", "only page breaks", "empty sections"])
def test_a_document_with_nothing_to_show_is_refused_or_one_page(sections, tmp_path):
    try:
        path = write(Document(metadata(), sections), tmp_path / "x.pdf")
    except WriterError:
        return
    assert subprocess.run(["pdfinfo", str(path)], capture_output=True).returncode == 0
    assert len(PdfReader(str(path)).pages) >= 1


@pytest.mark.parametrize("kind", ["headings", "lead-ins"])
def test_keep_with_next_chain_longer_than_a_page_fills_its_pages(kind, tmp_path):
    if kind == "headings":
        chain = [Heading(f"Heading {n}", 2, f"h{n}", "heading-2") for n in range(40)]
    else:
        chain = [para(f"lead-in {n}", f"lead.{n}", keep_with_next=True) for n in range(100)]
    doc = document(chain + [para(prose(random.Random(1), "en", 5))])
    _, pages, _ = layout(doc, THEME)
    frame = (PAGE.height - PAGE.margin_top - PAGE.margin_bottom) * MM
    height = sum(block.height + max(block.space_before, block.space_after) for _, block in
                 (item for page in pages for item in page.items))
    assert len(pages) <= height / frame + 2, f"{len(pages)} pages for {height / frame:.1f} pages of text"


def test_a_heading_is_never_alone_on_a_page_above_a_table(tmp_path):
    head = Row((Cell((para("Head", "t.head", "table-header"),), "table-header"),))
    alone = []
    for count in range(20, 60):
        rows = (head,) + tuple(Row((Cell((para(f"row {n}", f"t.rows[{n}]"),)),)) for n in range(count))
        _, pages, _ = layout(document([Heading("Kept heading", 2, "k", "heading-2"), Table(rows, (1.0,))]), THEME)
        if any(len(page.items) == 1 and getattr(page.items[0][1], "anchor", None) == "k" for page in pages):
            alone.append(count)
    assert not alone, f"the heading stands alone on a page above a table of {alone} rows"


def test_running_header_of_several_lines_stays_out_of_the_text(tmp_path):
    doc = document([para("body text " * 50)], running_header=" ".join(["Header"] * 200), page_numbers=True)
    try:
        path = write(doc, tmp_path / "x.pdf")
    except WriterError as error:
        assert "running header" in str(error)
        return
    header = [box for box in word_boxes(path) if box[5] == "Header"]
    assert header and max(box[4] for box in header) <= TOP


# --------------------------------------------------------------------------------------------
# measures too narrow for the text


NARROW = {
    "column narrower than its padding": [Table((Row((Cell((para("x"),)), Cell((para("b"),)))),), (0.01, 0.99))],
    "quote in a 5% column": [Table((Row((Cell((para("ab", style="quote"),)), Cell((para("b"),)))),), (0.05, 0.95))],
    "negative column width": [Table((Row((Cell((para("ab"),)), Cell((para("b"),)))),), (-1.0, 2.0))],
    "list nested 22 deep": [ListBlock((ListItem((para("abc"),)),), "bullet", level=22)],
    "TOC entry of level 40": [TableOfContents("T", (TocEntry("Deep", 40, "d"),)), Heading("Deep", 3, "d", "heading-3")],
}


@pytest.mark.parametrize("name", NARROW)
def test_a_measure_of_no_width_is_an_error_not_a_hang(name, tmp_path):
    try:
        path = write(document(NARROW[name]), tmp_path / "x.pdf", SHORT_DEADLINE)
    except WriterError:
        return
    assert not outside_frame(path)


def test_a_measure_narrower_than_a_glyph_keeps_glyphs_in_the_frame(tmp_path):
    try:
        path = write(document([ListBlock((ListItem((para("abc", "deep.item"),)),), "bullet", level=21)]),
                     tmp_path / "x.pdf", SHORT_DEADLINE)
    except WriterError as error:
        assert "deep.item" in str(error)
        return
    assert not outside_frame(path)


# --------------------------------------------------------------------------------------------
# soft hyphens and the cost of over-long words


def test_soft_hyphens_are_invisible_inside_a_line(tmp_path):
    doc = document([para("inter\u00adnational\u00adisation " * 60)])
    _, pages, _ = layout(doc, THEME)
    lines = [line.text for page in pages for _, block in page.items for line in block.lines]
    assert lines
    for text in lines:
        assert "\u00ad" not in text.rstrip("\u00ad-"), f"a soft hyphen is drawn inside {text[:60]!r}"


def test_an_over_long_word_is_hyphenated_in_linear_time(monkeypatch):
    original = pdf_writer.hyphenator
    seen = [0]

    def counting(*args, **kwargs):
        hyphenate = original(*args, **kwargs)

        def count(word):
            seen[0] += len(word)
            return hyphenate(word)

        return count

    monkeypatch.setattr(pdf_writer, "hyphenator", counting)
    length = 2000
    layout(document([para("abcdefghij" * (length // 10))]), THEME)
    assert seen[0] <= 4 * length, f"{seen[0]} letters hyphenated for a word of {length}"
