"""A third language by catalog alone (issue 14): Ukrainian, added the way docs/translating.md
tells a translator to, through the real command line in a temporary folder.

`i18n init uk` starts the catalog; its messages are filled in from tests/fixtures/uk-translations.json
with babel, as a translator's editor would; `i18n status` passes the catalog and lists the fields
a report without Ukrainian prose lacks; a report with `uk` prose is built in both formats with
`--locales`. The DOCX and the PDF are read back: labels, month names (babel's `uk` data), the
plural forms of the counting sentence and the cover are Ukrainian, and no English label is left.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from iapreport.i18n import OPTIONAL_CONTEXTS

from test_load import MINIMAL

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "uk-translations.json"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def iapreport(*args):
    return subprocess.run([sys.executable, "-m", "iapreport", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def fixture() -> dict[tuple[str | None, str], dict]:
    """The fixture's entries by (msgctxt, msgid)."""
    entries = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return {(entry["context"], entry["id"]): entry for entry in entries}


def norm(text: str) -> str:
    """`text` with the typography's no-break spaces as spaces, soft hyphens removed and runs of
    white space as one space."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ").replace("\u202f", " ").replace("\u2011", "-")
    return re.sub(r"\s+", " ", text).strip()


# -- the data: MINIMAL with Ukrainian prose, two meetings, five recommendations -------------------

UK = {"Paris": "Париж", "Ukraine": "Україна", "Policy": "Політика", "Policy documents": "Програмні документи",
      "1. Adopt a strategy.": "1. Ухвалити стратегію.", "1) Done.": "1) Виконано.", "1.1. Good.": "1.1. Добре."}


def _add_ukrainian(node) -> None:
    """Give every language map of the data (a mapping with `en` text) its `uk` text."""
    if isinstance(node, dict):
        if "en" in node and all(isinstance(value, str) for value in node.values()):
            node["uk"] = UK[node["en"]]
        for value in node.values():
            _add_ukrainian(value)
    elif isinstance(node, list):
        for value in node:
            _add_ukrainian(value)


def _recommendation(number: int, title: str, ratings: dict[int, str]) -> dict:
    return {
        "number": number,
        "title": {"en": f"Measure {number}", "uk": title},
        "text": {"en": f"{number}. Take measure {number}.", "uk": f"{number}. Вжити заходу {number}."},
        "updates": [{"meeting": meeting, "rating": rating,
                     "government_report": {"en": "1) Reported.", "uk": f"1) Уряд повідомив про захід {number}."},
                     "assessment": {"en": "Assessed.", "uk": f"Експерти оцінили захід {number}."}}
                    for meeting, rating in ratings.items()],
    }


def ukrainian_report() -> dict:
    """MINIMAL with `uk` text in every language map, a second meeting in another month (the 23rd,
    March 2019: the ordinal category 'few') and four more recommendations, rated so that the
    counting sentence of the 19th meeting counts 5 (the 'many' form) and of the 23rd counts 3
    (the 'few' form)."""
    data = yaml.safe_load(MINIMAL)
    _add_ukrainian(data)
    data["meetings"][0]["experts"].append({"name": {"en": "Ivan Petrenko", "uk": "Іван Петренко"},
                                           "affiliation": {"en": "Georgia", "uk": "Грузія"}})
    data["meetings"].append({
        "number": 23, "start": dt.date(2019, 3, 19), "end": dt.date(2019, 3, 21),
        "place": {"en": "Paris", "uk": "Париж"},
        "experts": [{"name": "Олена Коваленко", "affiliation": {"en": "Armenia", "uk": "Вірменія"}}],
        "report_submitted": dt.date(2019, 2, 1),
        "report_submitted_by": {"en": "the Ministry of Justice", "uk": "Міністерство юстиції"},
    })
    recommendations = data["chapters"][0]["recommendations"]
    recommendations[0]["updates"].append({"meeting": 23, "rating": "significant_progress",
                                          "government_report": {"en": "2) Done.", "uk": "2) Виконано повністю."},
                                          "assessment": {"en": "Better.", "uk": "Краще."}})
    recommendations.append(_recommendation(2, "Оцінка ризиків", {19: "progress", 23: "progress"}))
    recommendations.append(_recommendation(3, "Доброчесність", {19: "lack_of_progress", 23: "lack_of_progress"}))
    data["chapters"].append({"number": 2, "title": {"en": "Prevention", "uk": "Запобігання"}, "recommendations": [
        _recommendation(4, "Публічні закупівлі", {19: "lack_of_progress"}),
        _recommendation(5, "Декларування активів", {19: "significant_progress"}),
    ]})
    return data


# -- the translator's steps, once for the module -------------------------------------------------


@pytest.fixture(scope="module")
def translated(tmp_path_factory) -> Path:
    """A catalog folder holding the Ukrainian catalog `i18n init uk` started and the fixture's
    translations filled in."""
    locales = tmp_path_factory.mktemp("uk") / "locales"
    started = iapreport("i18n", "init", "uk", "--locales", locales)
    assert started.returncode == 0, started.stderr
    po = locales / "uk" / "LC_MESSAGES" / "iapreport.po"
    assert started.stdout.startswith(f"{po}: started")
    with po.open("rb") as stream:
        catalog = read_po(stream)
    assert str(catalog.locale) == "uk" and catalog.num_plurals == 3
    translations = fixture()
    wanted = set()
    for message in catalog:
        if not message.id or message.context in OPTIONAL_CONTEXTS:
            continue
        singular = message.id if isinstance(message.id, str) else message.id[0]
        wanted.add((message.context, singular))
        entry = translations.get((message.context, singular))
        if entry is not None:
            message.string = tuple(entry["string"]) if isinstance(message.id, tuple) else entry["string"]
    assert wanted == set(translations), (
        "the fixture is not the catalog's list of messages: "
        f"untranslated {sorted(map(str, wanted - set(translations)))}, "
        f"no longer in the catalog {sorted(map(str, set(translations) - wanted))}")
    with po.open("wb") as stream:
        write_po(stream, catalog, width=100)
    return locales


@pytest.fixture(scope="module")
def built(translated, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uk-build")
    data = folder / "ukrainian.yaml"
    data.write_text(yaml.safe_dump(ukrainian_report(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = folder / "out"
    done = iapreport("build", data, "--lang", "uk", "--format", "docx,pdf", "--locales", translated, "-o", out)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"docx": out / "ukrainian.uk.docx", "pdf": out / "ukrainian.uk.pdf"}


def docx_text(path: Path) -> tuple[list[str], list[list[str]]]:
    """The DOCX's paragraphs (body, then the headers) and its tables' rows, as normalised text."""
    document = docx.Document(path)
    paragraphs = [norm(p.text) for p in document.paragraphs]
    for section in document.sections:
        paragraphs += [norm(p.text) for p in section.header.paragraphs]
    rows = [[norm(cell.text) for cell in row.cells] for table in document.tables for row in table.rows]
    return [p for p in paragraphs if p], rows


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    text = done.stdout.decode("utf-8")
    return norm(re.sub(r"(\w)-\n(\w)", r"\1\2", text))  # a word hyphenated at the end of a line


# -- the fixture itself --------------------------------------------------------------------------


def test_the_fixture_keeps_every_placeholder_and_has_three_plural_forms():
    for (context, msgid), entry in fixture().items():
        ids = [msgid] + ([entry["id_plural"]] if "id_plural" in entry else [])
        names = {name for text in ids for name in PLACEHOLDER.findall(text)}
        strings = entry["string"] if isinstance(entry["string"], list) else [entry["string"]]
        assert len(strings) == (3 if "id_plural" in entry else 1), msgid
        for text in strings:
            assert text.strip() and set(PLACEHOLDER.findall(text)) == names, (msgid, text)
            assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), (msgid, text)


# -- status ----------------------------------------------------------------------------------------


def test_status_passes_the_catalog_and_lists_what_a_report_without_ukrainian_lacks(translated, tmp_path):
    done = iapreport("i18n", "status", "--lang", "uk", "--locales", translated)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.match(r"uk: \d+ translated, 0 fuzzy, 0 untranslated, 0 obsolete", done.stdout), done.stdout
    lacking = tmp_path / "minimal.yaml"
    lacking.write_text(MINIMAL, encoding="utf-8")  # English and Russian prose only
    done = iapreport("i18n", "status", "--lang", "uk", "--locales", translated, "--data", lacking)
    assert done.returncode == 1
    assert re.search(rf"{re.escape(str(lacking))}: \d+ fields without 'uk' text", done.stdout), done.stdout
    for field in ("meetings[0].place", "chapters[0].title", "chapters[0].recommendations[0].text",
                  "chapters[0].recommendations[0].updates[0].assessment"):
        assert f"{field}: no 'uk' text (given in en, ru)" in done.stdout, done.stdout
    assert "an edition lacks text" in done.stderr


# -- the edition -----------------------------------------------------------------------------------

#: the cover's programme and round (one line, as the published Russian reads), country, document type
COVER = ["Четвертий раунд моніторингу Стамбульського плану дій по боротьбі з корупцією", "Казахстан",
         "Звіт про прогрес"]
LABELS = ["Зміст", "Стислий опис методології звіту про прогрес", "Резюме звіту про прогрес",
          "Звіт про прогрес з оцінкою", "Розділ 1. Політика", "Розділ 2. Запобігання", "Рекомендація № 1",
          "Рекомендація № 5", "Доповідь уряду", "Оцінка прогресу"]
RATINGS = ["Прогрес", "Значний прогрес", "Відсутність прогресу"]
#: babel's Ukrainian months: genitive in a date, nominative in "month year"; 19-те, 23-тє (CLDR's
#: ordinal categories 'other' and 'few' for uk)
IAP_MEETING = "засідання з моніторингу Стамбульського плану дій по боротьбі з корупцією"
DATES = [f"19-те {IAP_MEETING}, 3–5 липня 2018 р., Париж.", f"23-тє {IAP_MEETING}, 19–21 березня 2019 р., Париж.",
         "19-те засідання АКМ з моніторингу, липень 2018 р.", "23-тє засідання АКМ з моніторингу, березень 2019 р.",
         "Доповідь уряду: подано 1 лютого 2019 р., подавач — Міністерство юстиції."]
#: the counting sentences: 5 recommendations ('many': рекомендацій), then 3 ('few': рекомендації)
COUNTS = ["Усього 5 рекомендацій: «Прогрес» — 2, «Значний прогрес» — 1 і «Відсутність прогресу» — 2.",
          "Усього 3 рекомендації: «Прогрес» — 1, «Значний прогрес» — 1 і «Відсутність прогресу» — 1."]
#: the conclusions generated from the ratings (the data gives none)
CONCLUSIONS = ["Загальна оцінка виконання Рекомендації № 1: «Прогрес».",
               "Загальна оцінка виконання Рекомендації № 1: «Значний прогрес».",
               "Загальна оцінка виконання Рекомендації № 4: «Відсутність прогресу»."]
WRONG_FORMS = ["Усього 5 рекомендації", "Усього 5 рекомендація", "Усього 3 рекомендацій", "Усього 3 рекомендація"]
EXPERTS = ["Оцінку підготували експерти: Jane Doe (Україна) і Іван Петренко (Грузія).",
           "Оцінку підготував експерт: Олена Коваленко (Вірменія)."]


#: the messages whose Ukrainian is the English text itself
SAME_IN_UKRAINIAN = {"2, rue André-Pascal, 75775 Paris Cedex 16, France"}


def english_labels(catalog_path: Path) -> list[re.Pattern]:
    """A pattern for the literal words of every English message of the catalog (placeholders cut
    out; whole words only), and one for an English ordinal (19th, 23rd)."""
    with catalog_path.open("rb") as stream:
        catalog = read_po(stream)
    patterns = []
    for message in catalog:
        if not message.id or (message.context or "").startswith("ordinal"):
            continue
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            if text in SAME_IN_UKRAINIAN:
                continue
            for piece in PLACEHOLDER.split(text)[::2]:
                piece = piece.replace("**", "").strip(" .,:;—()“”")
                if len(re.findall(r"[A-Za-z]", piece)) >= 2:
                    patterns.append(re.compile(rf"(?<![\w/.]){re.escape(piece)}(?![\w/])"))
    patterns.append(re.compile(r"\b\d+(?:st|nd|rd|th)\b"))
    return patterns


def assert_no_english(text: str, where: str, catalog_path: Path) -> None:
    text = re.sub(r"\S+@\S+|\b(?:www\.|https?://)\S+", " ", text)  # the cover's addresses are not labels
    found = sorted({match.group() for pattern in english_labels(catalog_path) for match in pattern.finditer(text)})
    assert not found, f"{where}: English text of the catalog: {found}"


def test_the_docx_is_ukrainian(built):
    paragraphs, rows = docx_text(built["docx"])
    text = "\n".join(paragraphs + [" | ".join(row) for row in rows])
    start = paragraphs.index(COVER[0])
    assert paragraphs[start:start + len(COVER)] == COVER, paragraphs[:20]
    for label in LABELS + CONCLUSIONS + COUNTS:
        assert label in paragraphs, label
    for sentence in DATES + EXPERTS:  # in a paragraph of the summary, or a heading
        assert any(sentence in p for p in paragraphs), sentence
    for wrong in WRONG_FORMS:
        assert wrong not in text
    # the summary table: its headers, the meetings' columns and the rating labels in its cells
    assert rows[0][:2] == ["Рекомендація", "Оцінка прогресу"], rows[0]
    assert rows[1][1:] == ["19-те засідання, липень 2018 р.", "23-тє засідання, березень 2019 р."], rows[1]
    assert rows[2][1] == "Прогрес / Значний прогрес / Відсутність прогресу", rows[2]
    body = {row[0]: row[1:] for row in rows[3:]}
    assert body["Рекомендація 1: Програмні документи"] == ["Прогрес", "Значний прогрес"], body
    assert body["Рекомендація 4: Публічні закупівлі"] == ["Відсутність прогресу", "—"], body
    assert {cell for cells in body.values() for cell in cells} == set(RATINGS) | {"—"}
    assert "Казахстан: Звіт про прогрес" in paragraphs  # the running header
    properties = docx.Document(built["docx"]).core_properties
    assert properties.title == "Казахстан: Звіт про прогрес" and properties.language.startswith("uk")
    assert properties.subject == ("Стамбульський план дій по боротьбі з корупцією. Четвертий раунд моніторингу. "
                                  "Засідання з моніторингу 19, 23.")


def test_the_pdf_is_ukrainian(built):
    text = pdf_text(built["pdf"])
    # the theme sets the cover's programme, round and country in capitals
    cover = [line.upper() for line in COVER[:2]] + COVER[2:]
    assert " ".join(cover) in text, text[:600]
    for label in LABELS[1:] + RATINGS + DATES + COUNTS + CONCLUSIONS + EXPERTS:
        assert label in text or label.upper() in text, label  # headings in capitals too
    assert re.search(r"\bЗМІСТ\b", text)
    for wrong in WRONG_FORMS:
        assert wrong not in text
    assert "19-те засідання, липень 2018 р." in text and "23-тє засідання, березень 2019 р." in text


def test_no_english_label_is_left_in_either_format(built, translated):
    catalog = translated / "uk" / "LC_MESSAGES" / "iapreport.po"
    paragraphs, rows = docx_text(built["docx"])
    assert_no_english("\n".join(paragraphs + [" | ".join(row) for row in rows]), "DOCX", catalog)
    assert_no_english(pdf_text(built["pdf"]), "PDF", catalog)


# -- a catalog in the wrong folder -----------------------------------------------------------------


def test_a_catalog_whose_language_is_not_its_folders_is_refused(translated, tmp_path):
    """`uk/` holding a catalog that says `Language: ru` (here the complete Ukrainian catalog with
    its header changed) is refused by name, never built as a Russian edition under a Ukrainian name."""
    po = tmp_path / "locales" / "uk" / "LC_MESSAGES" / "iapreport.po"
    po.parent.mkdir(parents=True)
    with (translated / "uk" / "LC_MESSAGES" / "iapreport.po").open("rb") as stream:
        catalog = read_po(stream)
    catalog.locale = "ru"
    with po.open("wb") as stream:
        write_po(stream, catalog, width=100)
    assert 'Language: ru\\n"' in po.read_text(encoding="utf-8")
    data = tmp_path / "ukrainian.yaml"
    data.write_text(yaml.safe_dump(ukrainian_report(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    done = iapreport("build", data, "--lang", "uk", "--format", "docx", "--locales", tmp_path / "locales",
                     "-o", tmp_path / "out")
    assert done.returncode == 1
    assert f"{po}: the catalog says Language: ru, but it is in the folder of 'uk'" in done.stderr, done.stderr
    assert not list(tmp_path.glob("out/*.docx"))
