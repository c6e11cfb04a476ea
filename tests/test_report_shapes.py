"""Every progress update's shape (issue 13): reports without chapters, grouped recommendations,
titled headings, meetings in the contents, per-report wording, other ratings, per-meeting facts,
another round's recommendations, a fax line, and a summary table legible from 1 to 12 meetings."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import textwrap

import pytest
import yaml

from iapreport import api
from iapreport.composer import ComposeError, compose
from iapreport.loader import load, load_data, load_text
from iapreport.tree import Heading, Table, TableOfContents, walk_paragraphs

from conftest import SAMPLES
from test_load import MINIMAL, problems_of

from conftest import ASTRELIA  # noqa: E402

def _flat() -> str:
    data = yaml.safe_load(MINIMAL)
    data["recommendations"] = data.pop("chapters")[0]["recommendations"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


FLAT = _flat()


def errors(text: str) -> list[str]:
    return [str(p) for p in problems_of(text) if p.severity == "error"]


def headings(document) -> list[Heading]:
    return [b for section in document.sections for b in section.blocks if isinstance(b, Heading)]


def toc(document) -> TableOfContents:
    return next(b for section in document.sections for b in section.blocks if isinstance(b, TableOfContents))


def summary_table(document) -> Table:
    return next(b for section in document.sections for b in section.blocks if isinstance(b, Table))


def cell_texts(row) -> list[str]:
    return ["".join(p.text for p in cell.paragraphs) for cell in row.cells]


# -- the format ------------------------------------------------------------------------------


def test_a_report_without_chapters_prints_no_chapter_heading():
    assert "recommendations:" in FLAT and "chapters" not in FLAT
    report = load_text(FLAT, "flat.yaml").report
    assert not report.has_chapters
    document = compose(report, "en")
    texts = [h.text for h in headings(document)]
    assert not any(t.startswith("Chapter") for t in texts)
    assert "Recommendation No.\xa01" in texts or "Recommendation No. 1" in texts


def test_chapters_and_recommendations_are_either_or():
    both = MINIMAL + "recommendations: []\n"
    assert any("give chapters or recommendations, not both" in e for e in errors(both))
    neither = MINIMAL.split("chapters:")[0]
    assert any("chapters or recommendations is required but missing" in e for e in errors(neither))


def test_a_grouped_section_prints_its_range_and_plural_heading():
    text = MINIMAL.replace("      - number: 1\n", '      - numbers: ["1.1", "1.2"]\n')
    report = load_text(text, "g.yaml").report
    rec = report.chapters[0].recommendations[0]
    assert rec.numbers == ("1.1", "1.2") and rec.number == "1.1–1.2" and rec.grouped
    en = [h.text.replace("\xa0", " ").replace("\u202f", " ") for h in headings(compose(report, "en"))]
    ru = [h.text.replace("\xa0", " ").replace("\u202f", " ") for h in headings(compose(report, "ru"))]
    assert "Recommendations No. 1.1–1.2" in en
    assert "Рекомендации № 1.1–1.2" in ru
    table = summary_table(compose(report, "en"))
    assert cell_texts(table.rows[3])[0].replace("\xa0", " ").replace("\u202f", " ").startswith("Recommendations 1.1–1.2: ")
    body = [p.text.replace("\xa0", " ") for p in walk_paragraphs(compose(report, "en").sections[1].blocks)]
    assert "Overall assessment of Recommendations No. 1.1–1.2: Progress." in body


def test_grouped_numbers_that_are_not_a_run_are_listed():
    text = MINIMAL.replace("      - number: 1\n", '      - numbers: ["2.1", "2.3"]\n')
    assert load_text(text, "g.yaml").report.chapters[0].recommendations[0].number == "2.1, 2.3"


def test_grouped_numbers_must_be_unique_across_the_report():
    text = MINIMAL.replace("      - number: 1\n", '      - numbers: ["1", "1"]\n')
    found = errors(text)
    assert any("numbers[1]" in e and "duplicate recommendation number 1" in e for e in found), found
    one = MINIMAL.replace("      - number: 1\n", '      - numbers: ["1"]\n')
    assert any("numbers" in e and "at least 2" in e for e in errors(one))
    both = MINIMAL.replace("      - number: 1\n", '      - number: 1\n        numbers: ["1", "2"]\n')
    assert any("give number or numbers, not both" in e for e in errors(both))


LABELLED = MINIMAL + textwrap.dedent("""\
    labels:
      "Recommendation No. %(number)s":
        en: ["Recommendation %(number)s: %(title)s", "Recommendations %(number)s: %(title)s"]
        ru: "Рекомендация %(number)s. %(title)s"
      "Report of the Government": {en: Government report, ru: Доклад Правительства}
      "Progress": {en: Some progress, ru: Некоторый прогресс}
    """)


def test_labels_reword_headings_the_contents_and_the_table():
    report = load_text(LABELLED, "l.yaml").report
    en = compose(report, "en")
    heading = next(h for h in headings(en) if h.level == 2)
    assert heading.text.replace("\xa0", " ").replace("\u202f", " ") == "Recommendation 1: Policy documents"
    assert any(e.text.replace("\xa0", " ").replace("\u202f", " ") == "Recommendation 1: Policy documents" for e in toc(en).entries)
    paragraphs = [p.text for p in walk_paragraphs(en.sections[1].blocks)]
    assert "Government report" in paragraphs and "Report of the Government" not in paragraphs
    assert "Some progress" in cell_texts(summary_table(en).rows[3])
    ru = compose(report, "ru")
    assert next(h for h in headings(ru) if h.level == 2).text.replace("\xa0", " ").replace("\u202f", " ") == \
        "Рекомендация 1. Программные документы"


def test_a_misspelt_label_names_the_closest_message():
    text = LABELLED.replace('"Report of the Government"', '"Report of the Goverment"')
    found = errors(text)
    assert any("labels.Report of the Goverment" in e and "not a message of the catalog" in e
               and "did you mean 'Report of the Government'?" in e for e in found), found
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "Goverment" in l)
    assert any(f"l.yaml:{line}:" in e or f"report.yaml:{line}:" in e for e in found), found


@pytest.mark.parametrize("value, message", [
    ('{en: "Recommendation %(nubmer)s"}', "unknown placeholder %(nubmer)s"),
    ('{en: "100% Recommendation %(number)s"}', "malformed placeholder"),
    ('{ru: ["a %(number)s", "b %(number)s"]}', "'ru' has 3 plural forms, found 2"),
])
def test_label_placeholders_and_plural_forms_are_checked(value, message):
    text = MINIMAL + f'labels:\n  "Recommendation No. %(number)s": {value}\n'
    assert any(message in e for e in errors(text)), errors(text)


def test_a_message_without_plural_takes_one_text():
    text = MINIMAL + 'labels:\n  "Report of the Government": {en: [a, b]}\n'
    assert any("this message has no plural" in e for e in errors(text))


def test_a_label_missing_a_language_stops_that_edition_only():
    text = MINIMAL + 'labels:\n  "Report of the Government": {en: Government report}\n'
    result = load_text(text, "l.yaml")
    assert any(p.severity == "warning" and "no 'ru' text" in str(p) for p in result.problems)
    compose(result.report, "en")
    with pytest.raises(ComposeError, match=r"labels\.Report of the Government: no 'ru' text"):
        compose(result.report, "ru")


NAMED = MINIMAL.replace("    place: {en: Paris, ru: Париж}\n", """\
    place: {en: Paris, ru: Париж}
    name: {en: 19th ACN Istanbul Action Plan Monitoring Meeting, ru: 19-е заседание по мониторингу СПД}
    report_due: 2018-05-01
    report_submitted: 2018-05-20
    report_submitted_by: {en: the Ministry of Justice, ru: Министерство юстиции}
    reviewed_by: {en: the rapporteurs, ru: докладчики}
    adopted_by: {en: the plenary, ru: пленарное заседание}
    adopted_on: 2018-07-05
""") + "contents_meetings: true\n"


def test_named_meetings_head_their_updates_with_full_dates_and_are_in_the_contents():
    report = load_text(NAMED, "n.yaml").report
    assert report.contents_meetings and report.meetings[0].report_due == dt.date(2018, 5, 1)
    document = compose(report, "en")
    meeting = next(h for h in headings(document) if h.level == 3)
    assert meeting.text.replace("\xa0", " ").replace("\u202f", " ") == "19th ACN Istanbul Action Plan Monitoring Meeting, 3–5 July 2018"
    assert meeting.toc and any(e.level == 3 and e.anchor == meeting.anchor for e in toc(document).entries)
    unnamed = compose(load_text(MINIMAL, "m.yaml").report, "en")
    assert not any(e.level == 3 for e in toc(unnamed).entries)


def test_meeting_facts_are_printed_in_the_summary():
    document = compose(load_text(NAMED, "n.yaml").report, "en")
    text = " ".join(p.text for p in walk_paragraphs(document.sections[1].blocks)).replace("\xa0", " ").replace("\u202f", " ")
    assert "Report of the Government: due on 1 May 2018." in text
    assert "Report of the Government: submitted on 20 May 2018 by the Ministry of Justice." in text
    assert "Report of the Government: reviewed by the rapporteurs." in text
    assert "The progress update was adopted by the plenary on 5 July 2018." in text
    ru = " ".join(p.text for p in walk_paragraphs(compose(load_text(NAMED, "n.yaml").report, "ru")
                                                   .sections[1].blocks)).replace("\xa0", " ").replace("\u202f", " ")
    assert "19-е заседание по мониторингу СПД, 3–5 июля 2018 г., Париж." in ru
    assert "Министерство юстиции" in ru and "пленарное заседание" in ru


def test_meeting_facts_out_of_order_are_located_errors():
    late = NAMED.replace("report_submitted: 2018-05-20", "report_submitted: 2018-08-20")
    found = errors(late)
    assert any("meetings[0].report_submitted" in e and "after the meeting ends" in e for e in found), found
    early = NAMED.replace("adopted_on: 2018-07-05", "adopted_on: 2018-06-05")
    assert any("meetings[0].adopted_on" in e and "before the meeting starts" in e for e in errors(early))


def test_no_progress_and_a_late_report_are_ratings_of_their_own():
    text = MINIMAL.replace("rating: progress", "rating: not_assessed_late")
    document = compose(load_text(text, "r.yaml").report, "en")
    table = summary_table(document)
    assert "Not assessed (report submitted late)" in cell_texts(table.rows[2])[1]
    assert cell_texts(table.rows[3])[1] in ("Not assessed (report submitted late)", "NA")
    assert table.rows[3].cells[1].style == "rating-not_assessed_late"
    body = " ".join(p.text for p in walk_paragraphs(document.sections[1].blocks)).replace("\xa0", " ").replace("\u202f", " ")
    assert "Overall assessment of Recommendation No. 1: Not assessed (report submitted late)." in body
    no = compose(load_text(MINIMAL.replace("rating: progress", "rating: no_progress"), "r.yaml").report, "ru")
    assert "Прогресс отсутствует" in cell_texts(summary_table(no).rows[3])


def test_optional_ratings_are_listed_only_when_used():
    table = summary_table(compose(load_text(MINIMAL, "m.yaml").report, "en"))
    assert cell_texts(table.rows[2])[1] == "Progress / Significant progress / Lack of progress"


def test_another_rounds_recommendations_and_a_fax_line_on_the_cover():
    text = MINIMAL.replace("round: 4", "round: 4\nassessed_round: 3\ncontact: {fax: '+33 1 00 00 00 00'}")
    document = compose(load_text(text, "c.yaml").report, "en")
    cover = [p.text.replace("\xa0", " ").replace("\u202f", " ") for p in walk_paragraphs(document.sections[0].blocks)]
    assert "On the recommendations of the third round of monitoring" in cover
    assert "Fax: +33 1 00 00 00 00" in cover
    plain = [p.text for p in walk_paragraphs(compose(load_text(MINIMAL, "m.yaml").report, "en").sections[0].blocks)]
    assert not any(t.startswith("Fax") or t.startswith("On the recommendations") for t in plain)
    ru = [p.text.replace("\xa0", " ").replace("\u202f", " ") for p in walk_paragraphs(compose(load_text(text, "c.yaml").report, "ru")
                                                             .sections[0].blocks)]
    assert "По рекомендациям третьего раунда мониторинга" in ru and "Факс: +33 1 00 00 00 00" in ru


def test_the_schema_publishes_the_additions_and_accepts_the_third_sample():
    import jsonschema

    from iapreport.loader import json_schema

    schema = json_schema()
    for name in ("recommendations", "contents_meetings", "assessed_round", "contact", "labels"):
        assert name in schema["properties"], name
    meeting = schema["properties"]["meetings"]["items"]["properties"]
    assert {"name", "report_due", "report_submitted", "report_submitted_by", "reviewed_by", "adopted_by",
            "adopted_on"} <= set(meeting)
    raw = json.loads(json.dumps(yaml.safe_load(ASTRELIA.read_text(encoding="utf-8")), default=str))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(raw)) == []
    raw.pop("recommendations")
    assert list(validator.iter_errors(raw))  # neither chapters nor recommendations


def test_the_third_sample_uses_every_shape():
    report = load(ASTRELIA)
    assert not report.has_chapters and report.contents_meetings and len(report.meetings) >= 8
    recs = [rec for _, rec in report.recommendations()]
    assert any(rec.grouped for rec in recs)
    assert {u.rating for rec in recs for u in rec.updates} >= {"no_progress", "not_assessed_late"}
    assert all(m.name is not None for m in report.meetings)
    assert any(label.msgid == "Recommendation No. %(number)s" for label in report.labels)


# -- the summary table from 1 to 12 meetings --------------------------------------------------

#: months with long names, so the meeting headings are as wide as they get
_ENDS = [dt.date(2014, 9, 18), dt.date(2014, 11, 20), dt.date(2015, 2, 19), dt.date(2015, 9, 17),
         dt.date(2015, 12, 10), dt.date(2016, 9, 22), dt.date(2016, 11, 24), dt.date(2017, 2, 16),
         dt.date(2017, 9, 21), dt.date(2017, 12, 14), dt.date(2018, 9, 20), dt.date(2018, 11, 22)]
_RATINGS = ["significant_progress", "lack_of_progress", "progress", "not_assessed_late", "no_progress"]


def many_meetings(n: int) -> dict:
    meetings = [{"number": 10 + i, "start": (end - dt.timedelta(days=2)).isoformat(), "end": end.isoformat(),
                 "place": {"en": "Paris", "ru": "Париж"},
                 "experts": [{"name": "A. Expert", "affiliation": {"en": "OECD", "ru": "ОЭСР"}}]}
                for i, end in enumerate(_ENDS[:n])]
    titles = [("Independence of the anti-corruption specialised institutions", "Независимость специализированных "
               "антикоррупционных институтов"), ("Whistleblowers", "Информаторы"),
              ("Criminalisation of corruption", "Криминализация коррупции"),
              ("Asset declarations", "Декларирование имущества")]
    recs = []
    for r, (en, ru) in enumerate(titles):
        recs.append({"number": f"{r + 1}.1", "title": {"en": en, "ru": ru},
                     "text": {"en": "To act.", "ru": "Действовать."},
                     "updates": [{"meeting": m["number"], "rating": _RATINGS[(r + i) % len(_RATINGS)],
                                  "government_report": {"en": "Done.", "ru": "Сделано."},
                                  "assessment": {"en": "Good.", "ru": "Хорошо."}}
                                 for i, m in enumerate(meetings) if (r + i) % 7 != 6]})
    return {"format": "iapreport/1", "country": "GE", "round": 3, "meetings": meetings, "recommendations": recs}


def _words_on_pages(pdf, first: int, last: int) -> list[list[tuple[float, float, float, float, str]]]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.split(r"<page ", out)[1:]:
        words = []
        for match in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                                 page):
            x0, y0, x1, y1 = map(float, match.groups()[:4])
            words.append((x0, y0, x1, y1, match.group(5).replace("&amp;", "&").replace("&lt;", "<")
                          .replace("&gt;", ">").replace("&quot;", '"')))
        pages.append(words)
    return pages


def _table_words(pdf, table: Table, end_heading: str):
    """The words of the summary table in the PDF, page by page: from its "Progress assessment"
    header cell (never in the contents) to the heading after the table."""
    marker = cell_texts(table.rows[0])[1].replace("\xa0", " ").split()
    end = end_heading.split()[0]
    out = []
    started = False
    for words in _words_on_pages(pdf, 1, 80):
        texts = [w[4] for w in words]
        if not started:
            at = next((i for i in range(len(texts)) if texts[i:i + len(marker)] == marker), None)
            if at is None:
                continue
            started = True
            words = [w for w in words if w[1] >= words[at][1] - 2]
        ends = [w[1] for w in words if w[4] in (end, end.upper())]
        if ends and out:
            out.append([w for w in words if w[1] < min(ends)])
            break
        out.append(words)
    return out


def _vocabulary(table: Table) -> set[str]:
    words = set()
    for row in table.rows:
        for text in cell_texts(row):
            for word in text.replace("\xad", "").replace("\xa0", " ").replace("\u202f", " ").split():
                words.add(word)
                words.update(part for part in re.split(r"(?<=[-–—/])", word) if part)
    return words


def _edges(table: Table, theme) -> list[float]:
    points = 72 / 25.4
    edges = [theme.page.margin_left * points]
    for share in table.widths:
        edges.append(edges[-1] + share * theme.page.text_width * points)
    return edges


def _split_words(pages, table: Table, theme) -> list[str]:
    """Words of the table read back that are not the table's words: each column's words in
    reading order, a word ending in a hyphen joined with the next, must be words of its cells."""
    vocabulary = _vocabulary(table)
    edges = _edges(table, theme)
    bottom = (297 - theme.page.margin_bottom) * 72 / 25.4
    bad = []
    for words in pages:
        columns: dict[int, list] = {}
        for x0, y0, x1, y1, word in words:
            if x0 < edges[0] - 0.5 or x0 > edges[-1] or y0 > bottom:
                continue
            column = max(i for i in range(len(edges) - 1) if edges[i] <= x0 + 0.5)
            columns.setdefault(column, []).append((round(y0), x0, word))
        for column in columns.values():
            tokens = [word for _, _, word in sorted(column)]
            i = 0
            while i < len(tokens):
                word = tokens[i]
                while word.endswith("-") and word not in vocabulary and i + 1 < len(tokens):
                    i += 1
                    word = word[:-1] + tokens[i]
                if word not in vocabulary and not word.isdigit():
                    bad.append(word)
                i += 1
    return bad


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("n", range(1, 13))
def test_the_summary_table_is_legible_with_1_to_12_meetings(tmp_path, n, lang, theme):
    """Read back from the PDF: no word of the table split without a hyphen, none outside its cell."""
    report = load_data(many_meetings(n), f"m{n}.yaml").report
    document = compose(report, lang)
    table = summary_table(document)
    pdf = tmp_path / f"m{n}.{lang}.pdf"
    api.write(document, "pdf", pdf)
    end = next(h.text for h in headings(document) if h.anchor == "assessment")
    pages = _table_words(pdf, table, end)
    assert pages, "the table was not found"
    assert _split_words(pages, table, theme) == []
    # every word inside the column it stands in (spanning header cells: inside the meeting columns)
    points = 72 / 25.4
    left = theme.page.margin_left * points
    total = theme.page.text_width * points
    edges = [left]
    for share in table.widths:
        edges.append(edges[-1] + share * total)
    bottom = (297 - theme.page.margin_bottom) * points  # the page number's line is below it
    for words in pages:
        for x0, y0, x1, y1, word in words:
            if x0 < left - 0.5 or x0 > edges[-1] or y0 > bottom:
                continue  # the running header and page number lie outside the table
            column = max(i for i in range(len(edges) - 1) if edges[i] <= x0 + 0.5)
            right = edges[column + 1] if column == 0 else edges[-1] if x1 > edges[column + 1] + 0.5 and \
                word in _vocabulary(Table(table.rows[:3:2], table.widths)) else edges[column + 1]
            assert x1 <= right + 0.5, (word, x0, x1, edges[column], right)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_wide_tables_abbreviate_ratings_with_a_legend_in_both_formats(tmp_path, lang):
    """The decision is the tree's: the DOCX has the PDF's cells and column widths."""
    import docx

    report = load_data(many_meetings(12), "m12.yaml").report
    document = compose(report, lang)
    table = summary_table(document)
    legend = cell_texts(table.rows[2])[1].replace("\xa0", " ")
    short = "SP" if lang == "en" else "ЗП"
    assert f"{short}: " in legend or f"{short} — " in legend
    assert short in [t for row in table.rows[3:] for t in cell_texts(row)]
    few = summary_table(compose(load_data(many_meetings(2), "m2.yaml").report, lang))
    assert "SP" not in str(few) and "ЗП" not in [t for row in few.rows[3:] for t in cell_texts(row)]
    path = tmp_path / "m12.docx"
    api.write(document, "docx", path)
    word_table = docx.Document(str(path)).tables[0]
    assert [c.text for c in word_table.rows[3].cells] == [t.replace("\xad", "") for t in cell_texts(table.rows[3])] \
        or [c.text.replace("\xad", "") for c in word_table.rows[3].cells] == \
        [t.replace("\xad", "") for t in cell_texts(table.rows[3])]
    grid = [col.width for col in word_table.columns]
    shares = [w / sum(grid) for w in grid]
    assert shares == pytest.approx(list(table.widths), abs=0.005)


def test_a_word_too_wide_even_abbreviated_gets_a_visible_hyphen(tmp_path):
    """A page so narrow that even "2014" or "Sep" overflow twelve columns: the words get soft
    hyphens, which the PDF prints as visible hyphens where it breaks them."""
    from iapreport.resources import templates_dir
    from iapreport.theme import load_theme

    source = (templates_dir() / "theme.yaml").read_text(encoding="utf-8")
    narrow = tmp_path / "narrow.yaml"
    narrow.write_text(source.replace("margin_left: 25", "margin_left: 45").replace("margin_right: 20",
                                                                                   "margin_right: 45"),
                      encoding="utf-8")
    theme = load_theme(narrow)
    report = load_data(many_meetings(12), "m12.yaml").report
    document = compose(report, "en", theme=theme)
    table = summary_table(document)
    assert any("\xad" in t for row in table.rows for t in cell_texts(row))
    pdf = tmp_path / "narrow.pdf"
    api.write(document, "pdf", pdf, theme=theme)
    end = next(h.text for h in headings(document) if h.anchor == "assessment")
    pages = _table_words(pdf, table, end)
    assert any(w[4].endswith("-") for words in pages for w in words)
    assert _split_words(pages, table, theme) == []


def test_hyphenate_to_fit_breaks_only_what_is_too_wide():
    from iapreport.tablefit import hyphenate_to_fit

    width = lambda word: 10.0 * len(word)  # noqa: E731
    assert hyphenate_to_fit("ab cd", 30, width, None) == "ab cd"
    softened = hyphenate_to_fit("abcdefgh ab", 35, width, None)
    assert softened.replace("\xad", "") == "abcdefgh ab"
    assert all(len(part) + 1 <= 3.5 or part == "ab" for part in re.split("[\xad ]", softened)[:-1])
    # the language's points are preferred where their parts fit
    assert hyphenate_to_fit("abcdef", 45, width, lambda word: [3]) == "abc\xaddef"


@pytest.mark.parametrize("n", [8, 12])
def test_libreoffice_sets_the_docx_table_without_splitting_words(tmp_path, n, theme):
    """The DOCX as an office suite reads it: LibreOffice's own line breaking of the same cells."""
    import shutil

    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice (Debian's libreoffice-writer-nogui) is needed; .ci/run installs it"
    for lang in ("en", "ru"):
        document = compose(load_data(many_meetings(n), f"m{n}.yaml").report, lang)
        table = summary_table(document)
        path = tmp_path / f"m{n}.{lang}.docx"
        api.write(document, "docx", path)
        result = subprocess.run([office, "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                                 "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                                capture_output=True, text=True, timeout=240)
        pdf = tmp_path / f"m{n}.{lang}.pdf"
        assert result.returncode == 0 and pdf.exists(), result.stderr
        end = next(h.text for h in headings(document) if h.anchor == "assessment")
        pages = _table_words(pdf, table, end)
        assert pages, "the table was not found"
        assert _split_words(pages, table, theme) == [], lang


def test_the_third_sample_reads_back_as_its_data(tmp_path):
    """`iapreport check` on both formats and languages: nothing missing, the TOC's numbers right
    (meetings included), and the abbreviated summary table read as the data's ratings."""
    from iapreport.check import check

    outputs = api.build(ASTRELIA, langs=["en", "ru"], outdir=tmp_path)
    assert len(outputs) == 4
    for output in outputs:
        assert check(output.path, ASTRELIA) == [], output.path


def test_a_percent_sign_in_a_reworded_rating_label_prints_once():
    text = MINIMAL + 'labels:\n  "Progress": {en: "Progress (50%%)", ru: "Прогресс (50%%)"}\n'
    table = summary_table(compose(load_text(text, "p.yaml").report, "en"))
    assert "Progress (50%)" in cell_texts(table.rows[3])


def test_a_round_cannot_assess_a_later_rounds_recommendations():
    text = MINIMAL.replace("round: 4", "round: 4\nassessed_round: 5")
    assert any("assessed_round" in e and "later round" in e for e in errors(text))


def test_both_fields_of_a_pair_name_the_one_the_position_points_at():
    both = MINIMAL + "recommendations: []\n"
    found = [e for e in errors(both) if "not both" in e]
    line = both.splitlines().index("recommendations: []") + 1
    assert found and all(f":{line}:" in e and "recommendations:" in e for e in found), found


def test_russian_fact_sentences_end_with_one_full_stop():
    document = compose(load(ASTRELIA), "ru")
    text = " ".join(p.text for p in walk_paragraphs(document.sections[1].blocks))
    assert "г.." not in text and "18 августа 2017" in text.replace("\xa0", " ")
