"""The DOCX paginates like the PDF: opened in LibreOffice, every heading of both samples, in both
languages, stands on the page where the PDF puts it, the page counts are equal, and the TOC's page
numbers (written from the project's layout) are those pages.

LibreOffice is given a fresh profile that hyphenates each edition's language with the PDF's own
patterns (pyphen's dictionary the theme names, with the theme's shortest head and tail): Debian's
packaged patterns differ, and register en-US only, while the DOCX is in en-GB.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pyphen
import pytest
from pypdf import PdfReader

from iapreport.api import build
from iapreport.theme import load_theme

from conftest import KZ, VERIDIA


def write_profile(profile: Path, tags: list[str]) -> None:
    """A LibreOffice user profile whose hyphenation dictionaries are the PDF's, for `tags`."""
    hyphenation = load_theme().hyphenation
    user = profile / "user"
    (user / "dicts").mkdir(parents=True, exist_ok=True)
    items = []
    for tag in tags:
        source = Path(pyphen.LANGUAGES[hyphenation.dictionary(tag)])
        body = [line for line in source.read_text(encoding="utf-8").splitlines()[1:]
                if not line.startswith(("LEFTHYPHENMIN", "RIGHTHYPHENMIN"))]
        target = user / "dicts" / f"hyph_{tag.replace('-', '_')}.dic"
        target.write_text("\n".join(["UTF-8", f"LEFTHYPHENMIN {hyphenation.min_left}",
                                     f"RIGHTHYPHENMIN {hyphenation.min_right}", *body]) + "\n", encoding="utf-8")
        items.append('<item oor:path="/org.openoffice.Office.Linguistic/ServiceManager/Dictionaries">'
                     f'<node oor:name="HyphDic_iapreport_{tag}" oor:op="replace">'
                     f'<prop oor:name="Locations" oor:op="fuse"><value><it>{target.as_uri()}</it></value></prop>'
                     '<prop oor:name="Format" oor:op="fuse"><value>DICT_HYPH</value></prop>'
                     f'<prop oor:name="Locales" oor:op="fuse"><value><it>{tag}</it></value></prop>'
                     '</node></item>')
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items) + "\n</oor:items>\n", encoding="utf-8")


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip().lower()


def _pages(path: Path) -> list[list[str]]:
    count = len(PdfReader(str(path)).pages)
    return [[_norm(line) for line in subprocess.run(
        ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True, text=True,
        check=True).stdout.splitlines()] for n in range(1, count + 1)]


def _outline(path: Path) -> list[tuple[str, int]]:
    reader = PdfReader(str(path))
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def _heading_page(pages: list[list[str]], title: str, start: int) -> int | None:
    """The first page from `start` with a line that is the heading, or its first line when it wraps."""
    key = _norm(title)
    for number in range(start, len(pages)):
        lines = pages[number]
        for index, line in enumerate(lines):
            candidates = [line]
            if line.endswith("-") and index + 1 < len(lines):
                candidates.append(line[:-1] + lines[index + 1])
            for candidate in candidates:
                if candidate == key or (len(candidate) >= 15 and key.startswith(candidate)
                                        and not re.search(r"\d$", candidate)):
                    return number + 1
    return None


@pytest.mark.parametrize("sample,lang", [(KZ, "en"), (KZ, "ru"), (VERIDIA, "en"), (VERIDIA, "ru")],
                         ids=["kz-en", "kz-ru", "veridia-en", "veridia-ru"])
def test_libreoffice_puts_every_heading_on_the_pdfs_page(sample, lang, tmp_path):
    outputs = build(sample, langs=[lang], formats=["docx", "pdf"], outdir=tmp_path)
    docx = next(o.path for o in outputs if o.format == "docx")
    pdf = next(o.path for o in outputs if o.format == "pdf")
    profile = tmp_path / "libreoffice profile"
    write_profile(profile, ["en-GB", "ru-RU"])
    subprocess.run(["libreoffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo"), str(docx)], check=True, capture_output=True, timeout=300)
    office = tmp_path / "lo" / f"{docx.stem}.pdf"
    pages = _pages(office)
    assert len(pages) == len(PdfReader(str(pdf)).pages)
    # the table of contents: its last page is the last with dotted leaders
    toc_end = max(n for n, lines in enumerate(pages, 1) if sum(bool(re.search(r"\.{4,}", line)) for line in lines) > 3)
    toc_numbers = {}
    for lines in pages[:toc_end]:
        for line in lines:
            match = re.fullmatch(r"(.+?)\s*\.{4,}\s*(\d+)", line)
            if match:
                toc_numbers[match.group(1)] = int(match.group(2))
    start = toc_end
    headings = _outline(pdf)
    for title, page in headings:
        found = _heading_page(pages, title, start - 1)
        assert found == page, f"{title!r}: page {page} in the PDF, {found} in LibreOffice"
        start = found
        if _norm(title) in toc_numbers:
            assert toc_numbers[_norm(title)] == found, title
    assert len(toc_numbers) >= len(headings) - 4  # entries that wrap are matched by their whole line only
