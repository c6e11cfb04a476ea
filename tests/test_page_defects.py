"""Issue 15's page defects, read back from the files.

1. A list item that opens with a nested list prints its marker on the nested list's first line,
   not alone on a line above it (PDF: by the y of the words; DOCX: no empty marker paragraph, and
   LibreOffice's rendering of it).
2. The summary table starts under the summary text when its header rows and two body rows fit,
   and splits with its header rows repeated: both samples' tables, in the PDF and in LibreOffice's
   rendering of the DOCX; the DOCX keeps only the table's first and last rows with the next, never
   every row (which would move a table that fits a page whole).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from iapreport import tree
from iapreport.markdown import parse
from iapreport.theme import load_theme
from iapreport.writers.docx import write_docx
from iapreport.writers.pdf import MIN_ROWS, write_pdf

from conftest import KZ, VERIDIA
from test_pdf_layout import document, para

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip().lower()


def _page_texts(path: Path) -> list[str]:
    """Each page's text, `pdftotext -layout`, normalised."""
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    return [_norm(page) for page in pages if page.strip()]


def _words(path: Path) -> list[tuple[int, float, str]]:
    """(page, yMin, word) of every word, from `pdftotext -bbox-layout`."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = []
    for number, page in enumerate(out.split("<page ")[1:], 1):
        for y, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page):
            words.append((number, float(y), word))
    return words


# --------------------------------------------------------------------------------------------
# 1. list markers

NESTED = ("- \n    1) sub-item one\n    2) sub-item two\n- second\n\n"
          "1. first\n2. \n    - nested bullet one\n    - nested bullet two\n3. third")


def nested_document(filler: int = 0) -> tree.Document:
    blocks = [para(f"Line {n}.", f"filler.{n}") for n in range(filler)]
    blocks += parse(NESTED, source="nested")
    return document(blocks)


def test_the_markdown_gives_items_that_open_with_a_nested_list():
    first = parse(NESTED, source="nested")[0]
    assert isinstance(first, tree.ListBlock) and isinstance(first.items[0].blocks[0], tree.ListBlock)


def _line_of(words, text: str) -> tuple[int, float]:
    found = [(page, y) for page, y, word in words if word == text]
    assert found, f"{text!r} is not in the PDF"
    return found[0]


def test_pdf_an_item_opening_with_a_nested_list_has_its_marker_on_the_first_nested_line(tmp_path):
    theme = load_theme()
    path = tmp_path / "lists.pdf"
    write_pdf(nested_document(), theme, path)
    words = _words(path)
    bullet = theme.lists.bullet(0)
    for marker, nested_marker, text in ((bullet, "1)", "sub-item"), ("2.", theme.lists.bullet(1), "nested")):
        page, y = _line_of(words, text)
        markers = [(p, wy) for p, wy, word in words if word == marker]
        assert any(p == page and abs(wy - y) < 1 for p, wy in markers), \
            f"{marker!r} is not on the line of {text!r}: {markers} against {(page, y)}"
        assert any(p == page and abs(wy - y) < 1 for p, wy, word in words if word == nested_marker)
    # no marker alone on a line: every line with a marker has text
    lines: dict[tuple[int, float], list[str]] = {}
    for page, y, word in words:
        lines.setdefault((page, round(y)), []).append(word)
    for line in lines.values():
        assert [w for w in line if w not in (bullet, theme.lists.bullet(1)) and not re.fullmatch(r"\d+[.)]", w)], line


def test_pdf_a_marker_never_ends_a_page_alone(tmp_path):
    """At every height of the page the item with the nested list starts, its marker goes with the
    nested list's first line."""
    theme = load_theme()
    bullet = theme.lists.bullet(0)
    for filler in range(44, 52):
        path = tmp_path / f"lists{filler}.pdf"
        write_pdf(nested_document(filler), theme, path)
        words = _words(path)
        page, y = _line_of(words, "sub-item")
        first_bullet = next((p, wy) for p, wy, word in words if word == bullet)
        assert first_bullet[0] == page and abs(first_bullet[1] - y) < 1, (filler, first_bullet, page, y)


def _paragraphs(path: Path):
    with zipfile.ZipFile(path) as z:
        body = ET.fromstring(z.read("word/document.xml")).find(f"{{{W}}}body")
    for p in body.iter(f"{{{W}}}p"):
        text = "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
        yield p, text


def test_docx_has_no_empty_marker_paragraph_and_puts_both_markers_on_the_first_nested_line(tmp_path):
    theme = load_theme()
    path = tmp_path / "lists.docx"
    write_docx(nested_document(), theme, path)
    numbered = []
    for p, text in _paragraphs(path):
        num = p.find(f"{{{W}}}pPr/{{{W}}}numPr")
        if num is not None:
            assert text.strip(), "an empty paragraph carries a list marker"
            numbered.append((num.find(f"{{{W}}}ilvl").get(f"{{{W}}}val"), text))
    # the outer item's marker by Word's numbering (level 0), the nested one as text before a tab
    assert ("0", "1)sub-item one") in numbered
    assert ("1", "sub-item two") in numbered
    assert ("0", theme.lists.bullet(1) + "nested bullet one") in numbered


def libreoffice_pdf(docx: Path, tmp_path: Path) -> Path:
    profile = tmp_path / "libreoffice profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), str(docx)], check=True, capture_output=True, timeout=300)
    return tmp_path / "lo" / f"{docx.stem}.pdf"


def test_libreoffice_shows_the_markers_on_the_nested_lists_first_line(tmp_path):
    theme = load_theme()
    path = tmp_path / "lists.docx"
    write_docx(nested_document(), theme, path)
    text = subprocess.run(["pdftotext", "-layout", str(libreoffice_pdf(path, tmp_path)), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = [_norm(line) for line in text.splitlines() if line.strip()]
    assert f"{theme.lists.bullet(0)} 1) sub-item one" in lines
    assert "2) sub-item two" in lines  # the nested list counts on from its first item
    assert f"2. {theme.lists.bullet(1)} nested bullet one" in lines
    assert "3. third" in lines


# --------------------------------------------------------------------------------------------
# 2. the summary table


def summary(sample: Path, lang: str) -> tuple[str, str, list[str]]:
    """The paragraph before the summary table (its first words), the table's header line as a
    pattern, and the body rows' first words."""
    from iapreport.composer import compose
    from iapreport.loader import load

    doc = compose(load(sample), lang)
    for section in doc.sections:
        blocks = section.blocks
        for index, block in enumerate(blocks):
            if isinstance(block, tree.Table) and index and isinstance(blocks[index - 1], tree.Paragraph):
                before = _norm(blocks[index - 1].text)
                header = [_norm(cell.paragraphs[0].text) for cell in block.rows[0].cells]
                rows = [_norm(row.cells[0].paragraphs[0].text) for row in block.rows[block.header_rows:]]
                pattern = r"\s+".join(re.escape(" ".join(cell.split()[:2])) for cell in header)
                return " ".join(before.split()[:3]), pattern, [" ".join(row.split()[:2]) + " " for row in rows]
    raise AssertionError("no summary table")


def check_table_pages(pages: list[str], before: str, header: str, rows: list[str]) -> tuple[int, int]:
    """Assert that the table's header is on the page of the summary's last paragraph and on every
    page the table spans; return the first and last page of the table (1-based)."""
    text_page = next(n for n, page in enumerate(pages, 1) if before in page)
    header_pages = [n for n, page in enumerate(pages, 1) if re.search(header, page)]
    assert header_pages and header_pages[0] == text_page, \
        f"the summary text ends on page {text_page}, the table starts on {header_pages[:1]}"
    last = text_page
    for row in rows:  # each row's page, in order, from the text's page on
        last = next(n for n in range(last, len(pages) + 1) if row in pages[n - 1])
    spanned = list(range(text_page, last + 1))
    assert set(spanned) <= set(header_pages), f"pages {spanned}: the header rows are on {header_pages}"
    return text_page, last


CASES = [(KZ, "en"), (KZ, "ru"), (VERIDIA, "en"), (VERIDIA, "ru")]
IDS = ["kz-en", "kz-ru", "veridia-en", "veridia-ru"]


@pytest.mark.parametrize("sample,lang", CASES, ids=IDS)
def test_pdf_the_summary_table_starts_under_the_summary_text(sample, lang, tmp_path):
    from iapreport.api import build

    outputs = build(sample, langs=[lang], formats=["pdf", "docx"], outdir=tmp_path)
    pdf = next(o.path for o in outputs if o.format == "pdf")
    before, header, rows = summary(sample, lang)
    first, last = check_table_pages(_page_texts(pdf), before, header, rows)
    if sample == KZ:
        assert last > first, "the Kazakhstan table should be split between two pages"

    # the DOCX: no "keep with next" on every row, only on the header rows and the first body row,
    # and on the rows before the last MIN_ROWS
    docx = next(o.path for o in outputs if o.format == "docx")
    with zipfile.ZipFile(docx) as z:
        body = ET.fromstring(z.read("word/document.xml")).find(f"{{{W}}}body")
    table = body.find(f"{{{W}}}tbl")
    kept = [any(p.find(f"{{{W}}}pPr/{{{W}}}keepNext") is not None for p in tr.iter(f"{{{W}}}p"))
            for tr in table.findall(f"{{{W}}}tr")]
    headers = sum(tr.find(f"{{{W}}}trPr/{{{W}}}tblHeader") is not None for tr in table.findall(f"{{{W}}}tr"))
    count = len(kept)
    assert kept == [r < headers + MIN_ROWS - 1 or count - MIN_ROWS <= r < count - 1 for r in range(count)]
    # the paragraph before the table does not keep with it
    previous = table.getprevious() if hasattr(table, "getprevious") else list(body)[list(body).index(table) - 1]
    assert previous.find(f"{{{W}}}pPr/{{{W}}}keepNext") is None


@pytest.mark.parametrize("sample,lang", [(KZ, "en"), (KZ, "ru")], ids=["kz-en", "kz-ru"])
def test_libreoffice_starts_the_docx_summary_table_under_the_summary_text(sample, lang, tmp_path):
    from iapreport.api import build

    outputs = build(sample, langs=[lang], formats=["docx"], outdir=tmp_path)
    docx = next(o.path for o in outputs if o.format == "docx")
    before, header, rows = summary(sample, lang)
    first, last = check_table_pages(_page_texts(libreoffice_pdf(docx, tmp_path)), before, header, rows)
    assert last > first


@pytest.mark.parametrize("rows", [3, 4, 6])
def test_libreoffice_splits_a_table_where_the_pdf_does(rows, tmp_path):
    """A table after text at several heights: in LibreOffice every body row is on the PDF's page
    (the header rows with two body rows start the table; the last page has two rows or more)."""
    from test_pdf_layout import small_table

    theme = load_theme()
    docs = tmp_path / "docx"
    docs.mkdir()
    fillers = range(26, 36)
    for filler in fillers:
        doc = document([para(f"Line {n}.", f"filler.{n}") for n in range(filler)] + [small_table(rows)])
        write_pdf(doc, theme, tmp_path / f"f{filler}.pdf")
        write_docx(doc, theme, docs / f"f{filler}.docx")
    profile = tmp_path / "libreoffice profile"
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), *sorted(map(str, docs.iterdir()))],
                   check=True, capture_output=True, timeout=300)

    def row_pages(path: Path) -> list[int]:
        pages = _page_texts(path)
        return [next(n for n, page in enumerate(pages, 1) if re.search(rf"recommendation {r}\b", page))
                for r in range(rows)]

    split = 0
    for filler in fillers:
        ours = row_pages(tmp_path / f"f{filler}.pdf")
        assert row_pages(tmp_path / "lo" / f"f{filler}.pdf") == ours, filler
        split += len(set(ours)) > 1
    if rows >= 2 * MIN_ROWS:
        assert split, "the table should have been split at some heights"
