"""The Russian edition's fixed text uses the OECD's own Russian terms (issue 14).

The terms come from the OECD's Russian publications and the sample's Russian prose: the ACN is
"Антикоррупционная сеть ОЭСР для стран Восточной Европы и Центральной Азии", the directorate
"Директорат по финансам и предпринимательству", a translation note says "Непроверенный перевод",
and the government's report is a "доклад" everywhere the catalog names it (the ACN's monitoring
report keeps "отчет о мониторинге", as the sample's prose calls it). Only the catalog's wording is
checked for the government's report: the data's prose is the report's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from conftest import KZ, ROOT
from iapreport.catalog import read_catalog
from iapreport.composer import compose
from iapreport.loader import load
from iapreport.model import Localized
from iapreport.tree import dump, walk_paragraphs

CATALOG = ROOT / "locales" / "ru" / "LC_MESSAGES" / "iapreport.po"

NETWORK = "Антикоррупционная сеть ОЭСР для стран Восточной Европы и Центральной Азии"
ABOUT_NETWORK = "Об Антикоррупционной сети ОЭСР для стран Восточной Европы и Центральной Азии"
DIRECTORATE = "Директорат по финансам и предпринимательству"
PROGRAMME = "Стамбульский план действий по борьбе с коррупцией"
ROUND = "Четвертый раунд мониторинга"
PUBLISHED_COVER = "Четвертый раунд мониторинга Стамбульского плана действий по борьбе с коррупцией"
REJECTED = ("по финансовым вопросам и предпринимательской", "неофициальный перевод")

#: "отчет"/"отчёт" in any form; the ACN's monitoring report ("отчет о мониторинге") is allowed
REPORT_WORD = re.compile(r"отч[её]т", re.IGNORECASE)
MONITORING_REPORT = re.compile(r"отч[её]т\w* о мониторинге", re.IGNORECASE)


def norm(text: str) -> str:
    """Return `text` with the typography's no-break spaces as spaces and soft hyphens removed."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", "")


def paragraphs(document, style: str | None = None) -> list:
    return [p for section in document.sections for p in walk_paragraphs(section.blocks)
            if style is None or p.style == style]


def texts(document, style: str) -> list[str]:
    return [norm(p.text) for p in paragraphs(document, style)]


def is_fixed_text(paragraph) -> bool:
    """Whether the paragraph is the catalog's wording (a label, a boilerplate block, a meeting's
    summary sentences), not the data's prose."""
    source = paragraph.source
    return source is None or source.startswith("template:") or re.fullmatch(r"meetings\[\d+\]", source) is not None


def without_monitoring_report(text: str) -> str:
    return MONITORING_REPORT.sub("", text)


@pytest.fixture(scope="module")
def report():
    return load(KZ)


@pytest.fixture(scope="module")
def ru(report):
    return compose(report, "ru")


@pytest.fixture(scope="module")
def ru_translated(report):
    """The Russian edition of a report written in English: its cover carries the translation note."""
    return compose(dataclasses.replace(report, original_language="en"), "ru")


@pytest.fixture(scope="module")
def ru_with_facts(report):
    """The Russian edition with every fact on the government's report the summary can print."""
    facts = dict(report_due=dt.date(2018, 5, 1), report_submitted=dt.date(2018, 5, 15),
                 report_submitted_by=Localized((("en", "the Agency"), ("ru", "Агентство"))),
                 reviewed_by=Localized((("en", "the experts"), ("ru", "эксперты"))))
    meetings = tuple(m._replace(**facts) for m in report.meetings)
    return compose(dataclasses.replace(report, meetings=meetings), "ru")


@pytest.fixture(scope="module")
def catalog():
    return read_catalog(CATALOG)


def msgstrs(message) -> tuple[str, ...]:
    return tuple(s for s in (message.string if isinstance(message.string, tuple) else (message.string,)) if s)


def msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


# -- the network, the directorate ----------------------------------------------------------------


def test_publisher_block_names_the_network_and_directorate_as_the_oecd_does(ru):
    publisher = texts(ru, "cover-publisher")
    assert publisher[0] == "АКС"
    assert NETWORK in publisher
    assert DIRECTORATE in publisher


def test_about_heading_and_text_name_the_network_as_the_oecd_does(ru):
    assert ABOUT_NETWORK in texts(ru, "about-heading")
    about_acn = [norm(p.text) for p in paragraphs(ru, "about-body") if p.source == "template:about_acn"]
    assert len(about_acn) == 1 and about_acn[0].startswith(NETWORK + " (АКС)")


def test_metadata_author_is_the_network(ru):
    assert norm(ru.metadata.author) == NETWORK


def test_the_network_is_named_as_the_samples_prose_names_it(ru):
    # the sample's prose calls it "Антикоррупционная сеть ОЭСР" (in the genitive, "секретариат
    # Антикоррупционной сети ОЭСР"); the fixed text's full name starts the same way
    prose = " ".join(norm(p.text) for p in paragraphs(ru) if not is_fixed_text(p))
    assert re.search(r"Антикоррупционн\w+ сет\w+ ОЭСР", prose)
    assert NETWORK.startswith("Антикоррупционная сеть ОЭСР")
    fixed = " ".join(norm(p.text) for p in paragraphs(ru) if is_fixed_text(p))
    assert "Сеть по борьбе с коррупцией" not in fixed and "Сети по борьбе с коррупцией" not in fixed


# -- the cover ---------------------------------------------------------------------------------


def test_cover_programme_and_round(ru):
    assert texts(ru, "cover-programme") == [PUBLISHED_COVER]  # round, then the programme in the genitive
    assert texts(ru, "cover-round") == []
    # the sample's prose names the round as the published cover does
    prose = " ".join(norm(p.text) for p in paragraphs(ru) if not is_fixed_text(p))
    assert "четвертого раунда мониторинга Стамбульского плана действий по борьбе с коррупцией" in prose


def test_cover_reads_as_the_published_russian_cover(ru):
    cover = [norm(p.text) for p in paragraphs(ru) if p.style in ("cover-programme", "cover-round")]
    assert PUBLISHED_COVER in " ".join(cover)


# -- the translation note ------------------------------------------------------------------------


def test_translation_note_says_unverified(ru, ru_translated):
    assert texts(ru, "cover-note") == []  # the Kazakhstan sample was written in Russian
    notes = texts(ru_translated, "cover-note")
    assert len(notes) == 1
    assert notes[0].startswith("Непроверенный перевод с ")
    assert "английск" in notes[0]


# -- rejected wordings ---------------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["ru", "ru_translated", "ru_with_facts"])
def test_no_rejected_wording_anywhere(edition, request):
    tree = norm(dump(request.getfixturevalue(edition))).lower()
    for rejected in REJECTED:
        assert rejected not in tree


def test_no_rejected_wording_in_the_catalog(catalog):
    for message in catalog:
        for text in msgstrs(message):
            for rejected in REJECTED:
                assert rejected not in norm(text).lower(), (msgid(message), text)


# -- the government's report: "доклад" -----------------------------------------------------------


def test_report_of_the_government_label(report, ru):
    labels = texts(ru, "label")
    # one "Report of the Government" label per update of a recommendation
    assert labels.count("Доклад правительства") == sum(len(r.updates) for _, r in report.recommendations()) > 0
    assert not any(REPORT_WORD.search(t) for t in labels)


def test_fixed_text_never_calls_the_governments_report_otchet(ru, ru_translated, ru_with_facts):
    for document in (ru, ru_translated, ru_with_facts):
        fixed = [norm(p.text) for p in paragraphs(document) if is_fixed_text(p)]
        assert fixed
        for text in fixed:
            assert not REPORT_WORD.search(without_monitoring_report(text)), text
        for heading in document.headings():
            if heading.style != "heading-chapter":  # a chapter heading carries the data's title
                assert not REPORT_WORD.search(norm(heading.text)), heading.text


def test_meeting_facts_call_the_governments_report_doklad(ru_with_facts):
    summary = [norm(p.text) for p in paragraphs(ru_with_facts, "summary-text")
               if re.fullmatch(r"meetings\[\d+\]", p.source or "")]
    assert summary
    for text in summary:
        # the sentences on when the report was due, submitted and reviewed, whatever their wording
        assert re.search(r"доклад\w* правительства", text, re.IGNORECASE), text
        assert len(re.findall(r"доклад", text, re.IGNORECASE)) >= 3, text
        assert not REPORT_WORD.search(text), text


def test_catalog_calls_the_governments_report_doklad(catalog):
    """Every msgstr of a message on the government's (the country's) report says "доклад"; no
    msgstr says "отчет" but for the ACN's monitoring report."""
    government = re.compile(r"government’s report|country’s report|Report of the Government|"
                            r"The country reports|a written report|report was submitted late|"
                            r"report submitted late|The report was reviewed", re.IGNORECASE)
    checked = []
    for message in catalog:
        if not message.id:
            continue
        for text in msgstrs(message):
            assert not REPORT_WORD.search(without_monitoring_report(norm(text))), (msgid(message), text)
            if government.search(msgid(message)):
                assert re.search(r"доклад", text, re.IGNORECASE), (msgid(message), text)
                checked.append(msgid(message))
    # at least the label and the method's steps (the summary's facts and the late-report rating too)
    assert "Report of the Government" in checked and "The country reports." in checked
    assert len(checked) >= 4


def test_monitoring_report_is_one_term(catalog):
    """The ACN's monitoring report is "отчет о мониторинге" wherever the catalog names it, as the
    sample's prose does."""
    for message in catalog:
        if "monitoring report" in msgid(message).lower():
            for text in msgstrs(message):
                assert MONITORING_REPORT.search(text), (msgid(message), text)
                assert "доклад по итогам мониторинга" not in text and "доклада по итогам мониторинга" not in text
