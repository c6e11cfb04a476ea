"""The PDF writer, read back with pypdf and poppler (pdftotext, pdffonts) and checked by qpdf.

A hand-built tree (cover, table of contents, ~80 headings, long English and Russian prose,
nested lists of every marker, a 40-row table, links, literal markup) exercises the writer on its
own; the real sample, composed in English and Russian, is checked the same way when compose
exists.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from iapreport import tree
from iapreport.theme import load_theme
from iapreport.tree import (Cell, Document, Heading, ListBlock, ListItem, Metadata, PageBreak, Paragraph,
                            Row, Run, Section, Table, TableOfContents, TocEntry)
from iapreport.writers import WriterError
from iapreport.writers.pdf import write_pdf

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "kazakhstan-2018.yaml"  # conftest's kz_report
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")

# poppler-utils and qpdf are installed by .ci/run: without them these tests fail, they never skip.
assert shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("qpdf"), \
    "needs poppler-utils and qpdf (apt-get install -y poppler-utils qpdf)"


# --------------------------------------------------------------------------------------------
# a hand-built publication

WORDS = {
    "en": ("the", "of", "and", "to", "in", "authorities", "implementation", "anti-corruption", "accountability",
           "transparency", "investigation", "institutional", "recommendations", "prosecutors", "independence",
           "administrative", "comprehensive", "whistleblowers", "declarations", "procurement", "effectiveness",
           "legislation", "monitoring", "international", "organisations", "parliamentary", "responsibilities",
           "representatives", "consultations", "strengthening", "enforcement", "judiciary", "integrity",
           "interagency", "coordination", "methodology", "extraordinary", "characteristics", "municipal",
           "disciplinary", "proceedings", "confiscation", "beneficial", "ownership", "government", "agency"),
    "ru": ("и", "в", "по", "на", "для", "реализация", "антикоррупционной", "ответственности", "государственной",
           "правоохранительных", "рекомендаций", "мониторинга", "прозрачности", "эффективности",
           "законодательства", "декларирования", "расследования", "независимости", "представителей",
           "общественности", "международных", "организаций", "парламентского", "координации",
           "административных", "дисциплинарного", "производства", "конфискации", "бенефициарных",
           "собственников", "государственных", "закупок", "добросовестности", "судебной", "системы",
           "прокуратуры", "Казахстана", "стратегии", "коррупционных", "преступлений", "агентство"),
}
TITLES = {
    "en": ("Chapter", "Recommendation", "Assessment of progress", "Table of contents", "Summary table"),
    "ru": ("Глава", "Рекомендация", "Оценка прогресса", "Содержание", "Сводная таблица"),
}


def prose(rng: random.Random, lang: str, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS[lang]) for _ in range(rng.randint(12, 28))]
        sentence = " ".join(words)
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return " ".join(out)


def para(text: str, source: str, style: str = "body") -> Paragraph:
    return Paragraph((Run(text),), style, source)


def make_document(lang: str = "en", *, extra: tuple = ()) -> Document:
    """A deterministic publication: cover, TOC, 8 chapters × (1 + 8 + 1) headings, lists, a table."""
    rng = random.Random(f"iapreport-{lang}")
    chapter, recommendation, assessment, toc_title, summary = TITLES[lang]
    cover = (
        para("OECD Anti-Corruption Network", "cover.publisher", "cover-publisher"),
        para("Istanbul Anti-Corruption Action Plan" if lang == "en" else "Стамбульский план действий",
             "cover.programme", "cover-programme"),
        para("Veridia" if lang == "en" else "Веридия", "cover.country", "cover-country"),
        para("Progress update" if lang == "en" else "Промежуточный доклад", "cover.title", "cover-title"),
        PageBreak(),
        Paragraph((Run("About: "), Run("a literal <b>not bold</b> & <i>, "), Run("bold", bold=True), Run(" "),
                   Run("italic", italic=True), Run(" "), Run("both", bold=True, italic=True), Run(" and "),
                   Run("a link", link="https://www.oecd.org/corruption/acn/?a=1&b=\"2\""), Run(", "),
                   Run("mail", link="mailto:anti-corruption.contact@oecd.org"), Run("."), Run("", line_break=True),
                   Run("After a hard break.")), "about-body", "about.text"),
    )
    headings: list[Heading] = []
    body: list = []

    def heading(text: str, level: int, anchor: str, style: str, **kw) -> None:
        h = Heading(text, level, anchor, style, **kw)
        headings.append(h)
        body.append(h)

    heading(summary, 1, "summary", "heading-1")
    body.append(para(prose(rng, lang, 4), "summary.text", "summary-text"))
    ratings = ("progress", "significant_progress", "lack_of_progress")
    rows = [Row((Cell((para(recommendation, "t.h1", "table-header"),), "table-header"),
                 Cell((para(assessment, "t.h2", "table-header"),), "table-header", colspan=2))),
            Row((Cell((), "table-header"), Cell((para("2019", "t.y1", "table-header"),), "table-header"),
                 Cell((para("2021", "t.y2", "table-header"),), "table-header")))]
    for n in range(1, 41):
        label = f"{recommendation} {n}: " + prose(rng, lang, 1)[: rng.randint(20, 90)]
        rows.append(Row((Cell((para(label, f"table.rows[{n}]", "table-cell"),)),
                         *(Cell((para(r, f"table.rows[{n}].rating", f"rating-{r}"),), f"rating-{r}")
                           for r in (ratings[n % 3], ratings[(n + 1) % 3])))))
    body.append(Table(tuple(rows), (0.5, 0.25, 0.25), header_rows=2))
    body.append(PageBreak())
    for c in range(1, 9):
        heading(f"{chapter} {c}. " + prose(rng, lang, 1)[:40].rstrip(" ."), 1, f"chapter-{c}", "heading-chapter")
        for r in range(1, 9):
            n = (c - 1) * 8 + r
            heading(f"{recommendation} {'No.' if lang == 'en' else '№'} {n}", 2, f"rec-{n}", "heading-2")
            body.append(para(prose(rng, lang, rng.randint(3, 9)), f"chapters[{c - 1}].recommendations[{r - 1}].text.{lang}",
                             "recommendation"))
            if r == 3:
                heading(f"{assessment} {n}", 3, f"rec-{n}-assessment", "heading-3")
            elif r == 5:  # a level-3 heading neither in the TOC nor in the outline
                heading(f"{assessment} {n}", 3, f"rec-{n}-m", "heading-3", toc=False, outline=False)
            body.append(para(prose(rng, lang, rng.randint(2, 12)), f"chapters[{c - 1}].recommendations[{r - 1}]"
                             f".updates[0].assessment.{lang}"))
            if r % 4 == 1:
                marker = ("decimal-dot", "decimal-paren", "bullet")[(n // 4) % 3]
                nested = ListBlock(tuple(ListItem((para(prose(rng, lang, 1), f"list.{n}.nested.{i}"),))
                                         for i in range(3)), "bullet", level=1, source=f"list.{n}.nested")
                body.append(ListBlock((
                    ListItem((para(prose(rng, lang, 2), f"list.{n}.0"), para(prose(rng, lang, 2), f"list.{n}.0b"))),
                    ListItem((para(prose(rng, lang, 1), f"list.{n}.1"), nested)),
                    ListItem((para(prose(rng, lang, 3), f"list.{n}.2"),)),
                ), marker, start=3 if n == 9 else 1, source=f"list.{n}"))
    entries = tuple(TocEntry(h.toc_text or h.text, h.level, h.anchor) for h in headings if h.toc)
    back = (Heading("Annex" if lang == "en" else "Приложение", 1, "annex", "heading-1"),
            para(prose(rng, lang, 6), "annex.text"), *extra)
    metadata = Metadata(
        title=f"Veridia: {TITLES[lang][2]}", subject="Istanbul Anti-Corruption Action Plan",
        author="OECD Anti-Corruption Network" if lang == "en" else "Антикоррупционная сеть ОЭСР",
        keywords=("anti-corruption", "monitoring", "Veridia") if lang == "en" else ("коррупция", "мониторинг"),
        language="en-GB" if lang == "en" else "ru-RU", date=dt.date(2021, 10, 15))
    return Document(metadata, (
        Section(cover),
        Section((TableOfContents(toc_title, entries), PageBreak(), *body),
                running_header="Veridia: progress update" if lang == "en" else "Веридия: промежуточный доклад",
                page_numbers=True),
        Section(back, running_header="Annex" if lang == "en" else "Приложение", page_numbers=True),
    ))


# --------------------------------------------------------------------------------------------
# reading PDFs back


class Pdf:
    """A written PDF, read back once: per-page text (pdftotext -raw), pypdf reader, fonts."""

    def __init__(self, path: Path, document: Document):
        self.path, self.document = path, document
        self.reader = PdfReader(str(path))
        self.pages = self.text().split("\f")[: len(self.reader.pages)]  # pdftotext ends pages with \f
        assert len(self.pages) == len(self.reader.pages)

    def body_text(self) -> str:
        """The text of all pages without their furniture, so that words hyphenated across a page
        break join up (pdftotext -raw gives the header and the number first: they are drawn first).
        """
        furniture = {s.running_header for s in self.document.sections if s.running_header}
        pages = []
        for number, text in enumerate(self.pages, 1):
            lines = text.splitlines()
            while lines and (lines[0].strip() in furniture or lines[0].strip() == str(number)):
                del lines[0]
            pages.append("\n".join(lines))
        return "\n".join(pages)

    def text(self, page: int | None = None) -> str:
        span = ["-f", str(page), "-l", str(page)] if page else []
        return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *span, str(self.path), "-"],
                              check=True, capture_output=True, text=True).stdout


def word_boxes(path: Path) -> list[tuple[float, float, str]]:
    """(left, right, word) of every word poppler finds in the PDF at `path`, in reading order."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [(float(x0), float(x1), word) for x0, x1, word in
            re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', out)]


def tokens(text: str) -> set[str]:
    """Words of `text`, case-folded; lines ending in a hyphen are read both joined and not."""
    joined = re.sub(r"(?<=\w)-\n(?=\w)", "", text)
    return set(re.findall(r"\w+", joined.casefold())) | set(re.findall(r"\w+", text.casefold()))


def heading_pattern(text: str, *, whole_lines: bool = False) -> re.Pattern:
    """Match `text` (case-folded) across line breaks; with `whole_lines`, only as lines of its own."""
    words = r"\s+".join(re.escape(w) for w in text.casefold().split())
    if whole_lines:
        return re.compile(r"^[ \t]*" + words + r"[ \t]*$", re.M)
    return re.compile(r"(?<!\w)" + words + r"(?!\w)")


def all_paragraphs(document: Document):
    for section in document.sections:
        yield from tree.walk_paragraphs(section.blocks)


def toc_of(document: Document) -> TableOfContents:
    return next(b for b in document.blocks() if isinstance(b, TableOfContents))


def toc_numbers(pdf: Pdf) -> dict[str, int]:
    """anchor -> the page number printed after the entry in the table of contents."""
    toc = toc_of(pdf.document)
    first = next(i for i, text in enumerate(pdf.pages) if heading_pattern(toc.title).search(text.casefold()))
    text = "\n".join(pdf.pages[first:first + 6]).casefold()
    numbers, position = {}, 0
    for entry in toc.entries:
        match = re.compile(heading_pattern(entry.text).pattern + r"\s+(\d+)\s*$", re.M).search(text, position)
        assert match, f"TOC entry {entry.text!r} not found with a page number"
        numbers[entry.anchor] = int(match.group(1))
        position = match.end()
    return numbers


def build(tmp_path_factory, name: str, document: Document) -> Pdf:
    path = tmp_path_factory.mktemp("pdf") / f"{name}.pdf"
    write_pdf(document, load_theme(), path)
    return Pdf(path, document)


@pytest.fixture(scope="module", params=["en", "ru", "kz-en", "kz-ru", "veridia-en", "veridia-ru"])
def pdf(request, tmp_path_factory) -> Pdf:
    """The hand-built publication and the composed samples (conftest's reports), in both languages."""
    name = request.param
    if "-" in name:
        from iapreport.composer import compose

        sample, lang = name.split("-")
        document = compose(request.getfixturevalue(f"{sample}_report"), lang)
    else:
        document = make_document(name)
    return build(tmp_path_factory, name, document)


# --------------------------------------------------------------------------------------------
# every publication


def test_fonts_are_embedded_subsets_never_standard_14(pdf):
    out = subprocess.run(["pdffonts", str(pdf.path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        # the theme's families, or their fallbacks (DejaVu) for what PT lacks (U+202F in Russian dates)
        assert re.fullmatch(r"[A-Z]{6}\+(PT|DejaVu)(Serif|Sans)-\w+", name), row
        assert not any(std in name for std in STANDARD_14), row


def test_qpdf_check_passes(pdf):
    result = subprocess.run(["qpdf", "--check", str(pdf.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_metadata_and_language(pdf):
    md = pdf.document.metadata
    info = pdf.reader.metadata
    assert info.title == md.title
    assert info.author == md.author
    assert info.subject == md.subject
    assert info["/Keywords"] == ", ".join(md.keywords)
    assert info["/Creator"] == "iapreport"
    if not os.environ.get("SOURCE_DATE_EPOCH"):
        assert info["/CreationDate"] == f"D:{md.date:%Y%m%d}000000+00'00'"
        assert info["/ModDate"] == info["/CreationDate"]
    assert pdf.reader.trailer["/Root"]["/Lang"] == md.language


def test_outline_holds_every_heading_nested_by_level(pdf):
    expected, depth = [], 0
    for h in pdf.document.headings():
        if h.outline:
            depth = min(h.level, depth + 1)  # a skipped level nests one deeper only
            expected.append((h.toc_text or h.text, depth, h.anchor))

    def flatten(items, depth=1):
        for item in items:
            if isinstance(item, list):
                yield from flatten(item, depth + 1)
            else:
                yield item.title, depth, item

    outline = list(flatten(pdf.reader.outline))
    assert [(title, depth) for title, depth, _ in outline] == [(t, d) for t, d, _ in expected]
    numbers = toc_numbers(pdf)
    for (title, _, item), (_, _, anchor) in zip(outline, expected):
        if anchor in numbers:
            assert pdf.reader.get_destination_page_number(item) + 1 == numbers[anchor], title


def test_toc_numbers_are_the_pages_of_the_headings(pdf):
    numbers = toc_numbers(pdf)
    headings = {h.anchor: h for h in pdf.document.headings()}
    toc = toc_of(pdf.document)
    assert len(numbers) == len(toc.entries)
    previous = 0
    for entry in toc.entries:
        page = numbers[entry.anchor]
        assert page >= previous, entry  # in reading order
        previous = page
        # the heading stands, as lines of its own, on that page and on no other
        pattern = heading_pattern(headings[entry.anchor].text, whole_lines=True)
        pages = [n for n, text in enumerate(pdf.pages, 1) if pattern.search(text.casefold())]
        assert pages == [page], f"{entry.text!r}: the TOC says page {page}; the heading stands on {pages}"


def test_no_heading_is_left_at_the_foot_of_a_page(pdf):
    for heading in pdf.document.headings():
        pattern = heading_pattern(heading.text, whole_lines=True)
        found = 0
        for number, text in enumerate(pdf.pages, 1):
            body = text.strip().casefold()
            for match in pattern.finditer(body):
                found += 1
                assert body[match.end():].strip(), f"{heading.text!r} stands alone at the foot of page {number}"
        assert found, f"{heading.text!r} not found as a line of its own"


def test_toc_entries_link_to_their_headings(pdf):
    numbers = toc_numbers(pdf)
    targets = []
    for page in pdf.reader.pages:
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                targets.append(pdf.reader.get_page_number(annot["/Dest"][0].get_object()) + 1)
    assert targets == [numbers[e.anchor] for e in toc_of(pdf.document).entries]


def test_footer_numbers_are_physical_page_numbers_and_cover_has_none(pdf):
    document = pdf.document
    header = document.sections[1].running_header
    title = heading_pattern(toc_of(document).title)
    first_numbered = next(n for n, text in enumerate(pdf.pages, 1) if title.search(text.casefold()))
    assert first_numbered > 1
    for number, text in enumerate(pdf.pages, 1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if number < first_numbered:  # the cover section: no furniture
            assert str(number) not in lines
            assert header.casefold() not in text.casefold()
        else:
            assert str(number) in lines, f"page {number} shows no page number"


def test_every_word_of_every_paragraph_is_in_the_text(pdf):
    found = tokens(pdf.body_text())
    for paragraph in all_paragraphs(pdf.document):
        # soft hyphens (the catalog's hyphenation exceptions) are break points, not letters
        missing = {w for w in re.findall(r"\w+", paragraph.text.replace("\xad", "").casefold())} - found
        assert not missing, f"{paragraph.source}: {sorted(missing)[:10]}"
    for heading in pdf.document.headings():
        assert not set(re.findall(r"\w+", heading.text.replace("\xad", "").casefold())) - found, heading.text


def test_text_is_hyphenated_in_the_document_language(pdf):
    text = pdf.body_text()
    source = set()
    for paragraph in all_paragraphs(pdf.document):
        source |= set(re.findall(r"\w+", paragraph.text.casefold()))
    breaks = re.findall(r"(\w+)-\n(\w+)", text)
    hyphenated = [a + b for a, b in breaks if (a + b).casefold() in source]
    assert len(hyphenated) >= 5, breaks[:20]


def test_links_are_uri_annotations(pdf):
    uris = [annot.get_object()["/A"]["/URI"] for page in pdf.reader.pages for annot in page.get("/Annots", []) or []
            if "/A" in annot.get_object()]
    expected = [run.link for p in all_paragraphs(pdf.document) for run in p.runs if run.link]
    # a URI holds ASCII without spaces or quotes (RFC 3986): the rest is percent-encoded
    from urllib.parse import unquote

    assert all(re.fullmatch(r"[!#-~]+", uri) and '"' not in uri for uri in uris), uris
    assert sorted(set(map(unquote, uris))) == sorted(set(map(unquote, expected)))


def test_pages_are_a4(pdf):
    for page in pdf.reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


# --------------------------------------------------------------------------------------------
# the hand-built publication only


@pytest.fixture(scope="module")
def en(tmp_path_factory) -> Pdf:
    return build(tmp_path_factory, "fixture-en", make_document("en"))


@pytest.fixture(scope="module")
def ru(tmp_path_factory) -> Pdf:
    return build(tmp_path_factory, "fixture-ru", make_document("ru"))


def test_literal_markup_survives_as_text(en):
    text = en.text()
    assert "a literal <b>not bold</b> & <i>," in text


def test_line_break_starts_a_new_line(en):
    assert re.search(r"^After a hard break\.", en.text(2), re.M)


def test_cyrillic_extracts_as_cyrillic(ru):
    text = ru.text()
    assert "антикоррупционной" in text
    assert "Рекомендация 1" in text
    assert "РЕКОМЕНДАЦИЯ" not in text  # heading-2 is not upper-cased...
    assert "ВЕРИДИЯ" in text  # ...the cover country is


def test_sections_start_on_a_new_page_with_their_own_header(en):
    annex = next(n for n, text in enumerate(en.pages, 1) if "ANNEX" in text)
    lines = [line for line in en.pages[annex - 1].splitlines() if line.strip()]
    assert "Annex" in lines[0]
    assert "Veridia: progress update" not in en.pages[annex - 1]
    assert "Veridia: progress update" in en.pages[annex - 2]


def test_table_header_rows_repeat_on_every_page(en):
    pages = [text for text in en.pages if re.search(r"^Recommendation \d+:", text, re.M)]
    assert len(pages) >= 2, "the 40-row table should span pages"
    for text in pages:
        assert "Assessment of progress" in text and "2019" in text and "2021" in text


def test_table_cells_have_background_colours(en):
    content = b"".join(page.get_contents().get_data() for page in en.reader.pages[:6])
    fills = {tuple(round(float(v) * 255) for v in match)
             for match in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", content)}
    # fill colours table_header DCE3F0 and progress E3F1DF
    assert (0xDC, 0xE3, 0xF0) in fills
    assert (0xE3, 0xF1, 0xDF) in fills


def test_list_markers_and_start(en):
    text = en.text()
    assert re.search(r"^3\. ", text, re.M)  # the list of recommendation 9 starts at 3
    assert re.search(r"^1\) ", text, re.M)
    assert re.search(r"^• ", text, re.M) or "•" in text


def test_a_heading_keeps_with_the_first_lines_of_the_next_paragraph(tmp_path):
    """The heading stays below half a page of text when the long paragraph after it can split."""
    rng = random.Random(7)
    document = make_document("en")
    long = para(prose(rng, "en", 60), "long.text")
    document = Document(document.metadata, (
        Section((para("Cover", "cover"),)),
        Section((para(prose(rng, "en", 14), "first.text"), Heading("Kept here", 1, "kept", "heading-2"), long),
                running_header="Header", page_numbers=True)))
    write_pdf(document, load_theme(), tmp_path / "x.pdf")
    pages = Pdf(tmp_path / "x.pdf", document).pages
    assert len(pages) >= 3
    assert "Kept here" in pages[1], "the heading went to the next page with its whole paragraph"
    assert not pages[1].rstrip().endswith("Kept here")


def test_missing_glyph_names_the_source_and_writes_nothing(tmp_path):
    for char in ("\U0010FFFD", "\u4e2d"):  # private use; CJK, which neither PT nor DejaVu has
        bad = Paragraph((Run("Some text "), Run(f"with {char} inside")), "body",
                        "chapters[0].recommendations[2].text.ru")
        target = tmp_path / "bad.pdf"
        with pytest.raises(WriterError) as info:
            write_pdf(make_document("ru", extra=(bad,)), load_theme(), target)
        message = str(info.value)
        assert "chapters[0].recommendations[2].text.ru" in message
        assert f"U+{ord(char):04X}" in message
        assert not target.exists() and not list(tmp_path.iterdir())


def test_missing_glyph_in_a_heading_is_an_error(tmp_path):
    document = make_document("en", extra=(Heading("Bad \u0b85", 2, "bad", "heading-2"),))
    with pytest.raises(WriterError, match=r"heading #bad.*U\+0B85"):
        write_pdf(document, load_theme(), tmp_path / "x.pdf")


def test_narrow_no_break_space_is_drawn_as_a_no_break_space(tmp_path):
    document = make_document("ru", extra=(para("1\u202f234\u202fрубля", "annex.sum"),))
    write_pdf(document, load_theme(), tmp_path / "x.pdf")
    assert re.search(r"1\s234\sрубля", Pdf(tmp_path / "x.pdf", document).text())


def test_toc_pointing_nowhere_is_an_error(tmp_path):
    document = make_document("en")
    toc = toc_of(document)
    broken = TableOfContents(toc.title, toc.entries + (TocEntry("Nowhere", 1, "nowhere"),))
    section = document.sections[1]
    document = Document(document.metadata, (document.sections[0],
                                            Section((broken,) + section.blocks[1:], section.running_header,
                                                    section.page_numbers)))
    with pytest.raises(WriterError, match="nowhere"):
        write_pdf(document, load_theme(), tmp_path / "x.pdf")


def test_identical_input_gives_identical_bytes(tmp_path):
    document = make_document("ru")
    write_pdf(document, load_theme(), tmp_path / "a.pdf")
    write_pdf(document, load_theme(), tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    # and in another process, with another hash seed
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import test_pdf; "
            "from iapreport.theme import load_theme; from iapreport.writers.pdf import write_pdf; "
            "write_pdf(test_pdf.make_document('ru'), load_theme(), sys.argv[2])")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(tmp_path / "c.pdf")],
                   check=True, env=env)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "c.pdf").read_bytes()


def test_source_date_epoch_sets_the_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13 12:26:40 UTC
    write_pdf(make_document("en"), load_theme(), tmp_path / "x.pdf")
    info = PdfReader(str(tmp_path / "x.pdf")).metadata
    assert info["/CreationDate"].startswith("D:20200913122640")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_word_of_the_data_is_in_the_pdf(lang, kz_report, tmp_path_factory):
    """Checked against the data file's own words, not the tree's: nothing is lost on the way."""
    from iapreport.composer import compose
    from test_docx import _prose_words

    pdf = build(tmp_path_factory, f"data-{lang}", compose(kz_report, lang))
    found = tokens(pdf.body_text())
    missing = {w.casefold() for w in _prose_words(kz_report, lang)} - found
    assert not missing, sorted(missing)[:20]


def test_over_long_tokens_wrap_inside_the_margins(tmp_path):
    """A 320-character address or word is broken at the margin, never run off the page."""
    url = "https://example.org/" + "/".join(f"p{n:03d}" for n in range(60))
    word = "".join(f"w{n:03d}" for n in range(80))
    body = (Paragraph((Run("See "), Run(url, link=url), Run(" and "), Run(word), Run(".")), "body", "long.text"),)
    document = Document(make_document("en").metadata, (Section(body, running_header="H", page_numbers=True),))
    write_pdf(document, load_theme(), tmp_path / "long.pdf")
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "long.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    joined = re.sub(r"\s+", "", text)
    for n in range(60):
        assert f"p{n:03d}" in joined, n
    for n in range(80):
        assert f"w{n:03d}" in joined, n
    # every glyph inside the page: pdftotext -bbox gives word boxes
    boxes = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "long.pdf"), "-"], capture_output=True,
                           text=True, check=True).stdout
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    theme = load_theme()
    limit = (theme.page.width - theme.page.margin_right) / 25.4 * 72 + 1
    assert max(right_edges) <= limit


def test_emphasis_uses_the_family_faces_in_russian(kz_report, tmp_path_factory):
    """Bold and italic come from the registered family's own faces, Cyrillic included."""
    from iapreport.composer import compose

    pdf = build(tmp_path_factory, "faces-ru", compose(kz_report, "ru"))
    out = subprocess.run(["pdffonts", str(pdf.path)], check=True, capture_output=True, text=True).stdout
    faces = {line.split()[0].split("+", 1)[1] for line in out.splitlines()[2:] if line.strip()}
    assert {"PTSerif-Regular", "PTSerif-Bold", "PTSerif-Italic", "PTSans-Bold"} <= faces


def test_hyphenation_dictionary_comes_from_the_theme(theme):
    from iapreport.writers._lines import hyphenator

    assert theme.hyphenation.dictionary("en-GB") == "en_US"
    assert theme.hyphenation.dictionary("ru-RU") == "ru_RU"
    points = hyphenator("en_US", theme.hyphenation.min_left, theme.hyphenation.min_right)("criminal")
    heads = {"criminal"[:p] + "-" for p in points}
    assert "crimin-" not in heads and "crim-" in heads


@pytest.mark.parametrize("sample,lang", [("veridia", "en"), ("veridia", "ru"), ("kz", "en"), ("kz", "ru")])
def test_no_page_holds_a_single_row_of_the_summary_table(sample, lang, request, tmp_path_factory):
    from iapreport.composer import compose

    pdf = build(tmp_path_factory, f"rows-{sample}-{lang}", compose(request.getfixturevalue(f"{sample}_report"), lang))
    label = re.compile(r"^\s*(Recommendation|Рекомендация) \d", re.M)  # table rows; headings say No./№
    counts = [len(label.findall(page)) for page in pdf.pages]
    assert sum(counts) == len(list(request.getfixturevalue(f"{sample}_report").recommendations()))
    assert 1 not in counts, counts


def test_a_lead_in_paragraph_keeps_with_the_next_block(tmp_path, theme):
    """A lead-in ("as follows:") that would end a page goes over with its list."""
    rng = random.Random(3)
    items = ListBlock(tuple(ListItem((para(prose(rng, "en", 3), f"item.{n}"),)) for n in range(3)), "decimal-dot")
    metadata = make_document("en").metadata

    def pages_with(filler: int, keep: bool) -> list[str]:
        lead = Paragraph((Run("The measures are as follows:"),), "body", "lead", keep_with_next=keep)
        blocks = tuple(para(f"Line {n}.", f"filler.{n}") for n in range(filler)) + (lead, items)
        document = Document(metadata, (Section(blocks, running_header="H", page_numbers=True),))
        write_pdf(document, theme, tmp_path / "x.pdf")
        return Pdf(tmp_path / "x.pdf", document).pages

    # find how many filler lines leave the lead-in, without keep-with-next, last on page 1
    for filler in range(20, 80):
        pages = pages_with(filler, keep=False)
        if len(pages) > 1 and pages[0].rstrip().endswith("follows:"):
            break
    else:
        pytest.fail("no filler length leaves the lead-in at the foot of the page")
    pages = pages_with(filler, keep=True)
    assert "follows:" not in pages[0]
    assert re.search(r"follows:\s*\n\s*1\.", pages[1])


def test_a_face_with_more_than_256_characters_gets_more_subsets_and_all_extract(tmp_path):
    """A simple TrueType font holds 256 codes: the 257th character of a face starts a second subset,
    which must draw and extract like the first."""
    from iapreport.writers.fonts import load_face

    face = load_face(load_theme().fonts["serif"].regular)
    letters = sorted(c for c in face.coverage if c.isalpha() and unicodedata.normalize("NFKC", c) == c)[:420]
    assert len(letters) == 420
    words = ["".join(letters[i:i + 10]) for i in range(0, len(letters), 10)]
    document = make_document("en", extra=(para(" ".join(words), "annex.alphabet"),))
    path = tmp_path / "x.pdf"
    write_pdf(document, load_theme(), path)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    assert len(re.findall(r"^[A-Z]{6}\+PTSerif-Regular ", fonts, re.M)) >= 2
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    text = Pdf(path, document).text()
    assert set(words) <= set(re.sub(r"(?<=\w)-\n(?=\w)", "", text).split())


def test_a_bad_source_date_epoch_is_an_error_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "next tuesday")
    with pytest.raises(WriterError, match="SOURCE_DATE_EPOCH"):
        write_pdf(make_document("en"), load_theme(), tmp_path / "x.pdf")
    assert not list(tmp_path.iterdir())


def test_a_link_after_a_grouped_number_on_a_justified_line_covers_its_words(tmp_path):
    """The link rectangle is placed by the line's running position, which the drawing of "1 077"
    (a no-break space Tw must not widen) once overwrote."""
    runs = (Run("It counted 1\u00a0077 cases, on "), Run("its portal", link="https://example.org/portal"),
            Run(" for everyone to read, with the figures for each region and each month of the year, as the "
                "annual report of the agency says at some length."))
    document = make_document("en", extra=(Paragraph(runs, "body", "annex.link"),))
    path = tmp_path / "x.pdf"
    write_pdf(document, load_theme(), path)
    reader = PdfReader(str(path))
    rects = [[float(v) for v in annot.get_object()["/Rect"]] for page in reader.pages
             for annot in page.get("/Annots", []) or [] if annot.get_object().get("/A", {}).get("/URI") ==
             "https://example.org/portal"]
    assert rects
    boxes = word_boxes(path)
    portal = [(x0, x1) for x0, x1, word in boxes if word == "portal"]
    assert portal
    # every box of the link's words lies inside one of the link's rectangles (x range)
    for x0, x1 in portal:
        assert any(left - 1 <= x0 and x1 <= right + 1 for left, _, right, _ in rects), (portal, rects)
