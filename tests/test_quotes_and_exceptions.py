"""Typographic quotes per language and hyphenation exceptions from the catalog (issue 15)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from iapreport import api
from iapreport.catalog import shipped_catalog
from iapreport.composer import ComposeError, compose
from iapreport.loader import load_text
from iapreport.tree import walk_paragraphs

from conftest import KZ
from test_load import MINIMAL

QUOTED = MINIMAL.replace('government_report: {en: "1) Done.", ru: "1) Сделано."}',
                         'government_report: {en: "The Law \\"On Amending \\"Certain\\" Acts\\" and the Agency\'s '
                         '\'Plan\'.", ru: "Закон \\"О внесении \\"изменений\\"\\" и \'План\'."}')


def _texts(document) -> list[str]:
    return [p.text for section in document.sections for p in walk_paragraphs(section.blocks)]


def test_straight_quotes_become_the_languages_quotation_marks():
    report = load_text(QUOTED, "q.yaml").report
    en = _texts(compose(report, "en"))
    assert any("“On Amending ‘Certain’ Acts” and the Agency’s ‘Plan’." in t.replace("\xa0", " ") for t in en), en
    ru = _texts(compose(report, "ru"))
    assert any("«О внесении „изменений“» и„План“." in t.replace("\xa0", "") or
               "«О внесении „изменений“» и „План“." in t.replace("\xa0", " ") for t in ru), ru


def test_a_field_can_keep_its_straight_quotes():
    path = "chapters[0].recommendations[0].updates[0].government_report"
    report = load_text(QUOTED + f"straight_quotes: ['{path}']\n", "q.yaml").report
    assert any('"On Amending "Certain" Acts"' in t for t in _texts(compose(report, "en")))
    wrong = load_text(QUOTED + "straight_quotes: ['chapters[0].recommendations[0].nothing']\n", "q.yaml").report
    with pytest.raises(ComposeError, match=r"straight_quotes: 'chapters\[0\]\.recommendations\[0\]\.nothing' names "
                                           r"no Markdown field"):
        compose(wrong, "en")


def test_code_keeps_its_quotes():
    text = MINIMAL.replace('government_report: {en: "1) Done.", ru: "1) Сделано."}',
                           'government_report: {en: "```\\nx = \\"a\\"\\n```", ru: "Сделано."}')
    assert any('x = "a"' in t for t in _texts(compose(load_text(text, "c.yaml").report, "en")))


def _line_end_heads(pdf, stem: str) -> set[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return set(re.findall(rf"\b({stem}\w*)-[ \t]*\n", text))


def _name_heavy_report():
    """A report whose prose puts "Kazakhstan" at every point of a line, so some fall at line ends."""
    words = ["the", "agency", "reported", "that", "its", "plan", "in", "Kazakhstan", "was", "adopted", "and", "all",
             "ministries", "of", "Kazakhstan", "published", "a", "report"]
    sentences = []
    for n in range(60):
        rotated = words[n % len(words):] + words[:n % len(words)]
        sentence = " ".join(rotated[: 8 + n % 9])
        sentences.append(sentence[0].upper() + sentence[1:] + " Kazakhstan.")
    prose = " ".join(sentences).replace('"', "")
    return load_text(MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}',
                                     f'assessment: {{en: "{prose}", ru: "Хорошо."}}'), "k.yaml").report


def test_names_break_only_where_the_catalog_says(tmp_path):
    """"Ka-zakh-stan": the English catalog's exception; a name-heavy report breaks the name only
    there in the PDF, and the DOCX carries the same points as optional hyphens."""
    document = compose(_name_heavy_report(), "en")
    pdf = tmp_path / "k.pdf"
    api.write(document, "pdf", pdf)
    heads = _line_end_heads(pdf, "Ka")
    assert heads and heads <= {"Ka", "Kazakh"}, heads
    docx = tmp_path / "k.docx"
    api.write(document, "docx", docx)
    import zipfile

    xml = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    assert "Ka\u00adzakh\u00adstan" in xml or "Ka<w:softHyphen/>zakh<w:softHyphen/>stan" in xml
    outputs = api.build(KZ, langs=["en"], formats=["pdf"], outdir=tmp_path / "kz")
    assert _line_end_heads(outputs[0].path, "Ka") <= {"Ka", "Kazakh"}


def test_a_translator_changes_the_break_points_in_the_catalog(tmp_path):
    folder = tmp_path / "locales"
    (folder / "ru" / "LC_MESSAGES").mkdir(parents=True)
    po = folder / "ru" / "LC_MESSAGES" / "iapreport.po"
    source = shipped_catalog("ru").read_text(encoding="utf-8")
    entry = re.search(r'msgctxt "hyphenation"\nmsgid "[^"]*"\nmsgstr "([^"]*)"', source)
    assert entry, "the Russian catalog has a hyphenation entry"
    po.write_text(source.replace(entry.group(0), entry.group(0).replace(entry.group(1), "Пол-ити-ка")),
                  encoding="utf-8")
    document = compose(load_text(MINIMAL, "m.yaml").report, "ru", locales_dirs=[folder])
    assert any("Пол\u00adити\u00adка" in h.text or "Пол\u00adити\u00adка" in t
               for h in document.headings() for t in _texts(document))
    shutil.rmtree(folder)
