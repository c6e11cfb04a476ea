"""Composition: golden tree dumps, localisation, and facts that must agree across the document."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import pytest

from iapreport.catalog import extract, read_catalog, shipped_catalog, untranslated
from iapreport.composer import ComposeError, compose
from iapreport.i18n import LocaleError, get_locale
from iapreport.loader import load_text
from iapreport.markdown import parse
from iapreport.tree import Paragraph, Table, dump, walk_paragraphs

from conftest import ASTRELIA, GOLDEN, KZ, VERIDIA
from test_load import MINIMAL


@pytest.mark.parametrize("sample", [KZ, VERIDIA, ASTRELIA], ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_golden_tree(sample, lang, accept):
    """The document tree, as text: regenerate with ``pytest --accept`` and review the diff."""
    from iapreport.loader import load

    text = dump(compose(load(sample), lang))
    golden = GOLDEN / f"{sample.stem}.{lang}.tree.txt"
    if accept:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run pytest --accept and review it"
    assert text == golden.read_text(encoding="utf-8")


def plain(text: str) -> str:
    """Text as read, without the typographic ties (no-break spaces)."""
    return text.replace("\xa0", " ")


def _texts(document):
    return [plain(p.text) for section in document.sections for p in walk_paragraphs(section.blocks)]


def _headings(document, level=None):
    return [h for h in document.headings() if level is None or h.level == level]


def test_outline_of_the_publication(kz_docs):
    doc = kz_docs["en"]
    assert [h.text for h in _headings(doc, 1)][:4] == [
        "Progress update methodology summary", "Progress update summary", "Progress update with assessment",
        "Chapter 1. Anti-corruption policy"]
    assert [h.text for h in _headings(doc, 2)] == [f"Recommendation No.\xa0{n}" for n in range(1, 30)]
    assert [h.text for h in _headings(doc, 3)] == ["19th ACN Monitoring Meeting, July 2018"] * 29
    toc = next(b for b in doc.blocks() if type(b).__name__ == "TableOfContents")
    assert len(toc.entries) == 3 + 4 + 29
    assert len({e.anchor for e in toc.entries}) == len(toc.entries)


def test_cover_and_translation_note(kz_docs):
    en, ru = (kz_docs[lang].sections[0] for lang in ("en", "ru"))
    en_text = [p.text.replace("\xad", "") for p in walk_paragraphs(en.blocks)]
    assert "Kazakhstan" in en_text and "Fourth round of monitoring" in en_text
    assert "Unverified translation from Russian" in en_text
    ru_text = [p.text.replace("\xad", "") for p in walk_paragraphs(ru.blocks)]
    assert "Казахстан" in ru_text
    assert "Четвертый раунд мониторинга Стамбульского плана действий по борьбе с коррупцией" in [
        t.replace("\xa0", " ") for t in ru_text]
    assert "Промежуточный доклад" in ru_text
    assert not any("перевод" in t.lower() for t in ru_text)  # the original language: no note
    assert kz_docs["en"].sections[0].running_header is None
    assert kz_docs["en"].sections[1].running_header.replace("\xad", "") == "Kazakhstan: Progress update"


def test_rating_count_sentence(kz_docs):
    assert ("Of 29 recommendations: Progress — 10, Significant progress — 1 and Lack of progress — 18."
            in _texts(kz_docs["en"]))
    assert ("Из 29 рекомендаций: Прогресс — 10, Значительный прогресс — 1 и Отсутствие прогресса — 18."
            in [t.replace("\xa0", " ") for t in _texts(kz_docs["ru"])])


def test_one_term_one_message_for_each_rating(kz_docs):
    """A rating's label is the one message the table, the counting sentence and the generated
    conclusions print: translated once, it reads the same everywhere."""
    ru = [t.replace("\xa0", " ") for t in _texts(kz_docs["ru"])]
    table = next(b for b in kz_docs["ru"].blocks() if isinstance(b, Table))
    label = get_locale("ru").gettext("Significant progress")
    assert any(c.paragraphs and c.paragraphs[0].text == label for row in table.rows[3:] for c in row.cells)
    assert any(f"{label} — 1" in t for t in ru)
    assert any(t.endswith(f": {label}.") for t in ru)  # the conclusion of recommendation 5


def test_russian_plural_forms():
    ru = get_locale("ru")
    forms = {n: ru.ngettext("Of %(num)s recommendation: %(counts)s.", "Of %(num)s recommendations: %(counts)s.", n,
                            counts="x") for n in (1, 2, 5, 11, 21, 22)}
    assert forms[1].startswith("Из 1 рекомендации") and forms[21].startswith("Из 21 рекомендации")
    assert forms[2].startswith("Из 2 рекомендаций") and forms[5].startswith("Из 5 рекомендаций")
    assert forms[11].startswith("Из 11 рекомендаций") and forms[22].startswith("Из 22 рекомендаций")


def test_dates_numbers_and_ordinals():
    en, ru = get_locale("en"), get_locale("ru")
    start, end = dt.date(2018, 7, 3), dt.date(2018, 7, 5)
    assert en.date_range(start, end) == "3–5 July 2018"
    assert ru.date_range(start, end) == "3–5 июля 2018\u202fг."
    assert en.month(end) == "July 2018" and ru.month(end) == "июль 2018\u202fг."
    assert [en.ordinal(n) for n in (1, 2, 3, 11, 19, 22, 23)] == ["1st", "2nd", "3rd", "11th", "19th", "22nd", "23rd"]
    assert ru.ordinal(19) == "19-е"
    assert ru.number(12345) == "12\xa0345" and en.number(12345) == "12,345"
    assert en.date_range(dt.date(2020, 9, 29), dt.date(2020, 10, 1)) == "29 September 2020 – 1 October 2020"
    assert ru.quote("x") == "«x»" and en.quote("x") == "“x”"


def test_summary_table(kz_docs):
    for lang, header, progress in (("en", "19th meeting, July 2018", "Progress"),
                                   ("ru", "19-е заседание, июль 2018\u202fг.", "Прогресс")):
        table = next(b for b in kz_docs[lang].blocks() if isinstance(b, Table))
        assert table.header_rows == 3 and len(table.rows) == 3 + 29
        assert table.rows[1].cells[1].paragraphs[0].text == header
        assert abs(sum(table.widths) - 1) < 1e-9
        row5 = table.rows[3 + 4]
        first = row5.cells[0].paragraphs[0].text
        assert first == ("Recommendation 5: Raising awareness" if lang == "en"
                         else "Рекомендация 5: " + first.split(": ", 1)[1])
        assert row5.cells[1].style == "rating-significant_progress"
        assert table.rows[3].cells[1].paragraphs[0].text == progress


def test_ratings_read_identically_in_table_and_conclusions(kz_docs):
    for lang in ("en", "ru"):
        doc = kz_docs[lang]
        table = next(b for b in doc.blocks() if isinstance(b, Table))
        labels = [row.cells[1].paragraphs[0].text for row in table.rows[3:]]
        conclusions = [b.text for b in doc.blocks() if isinstance(b, Paragraph) and b.style == "conclusion"]
        assert len(conclusions) == 29
        for label, sentence in zip(labels, conclusions):
            assert label.lower() in sentence.lower(), (label, sentence)
            others = {l.lower() for l in labels} - {label.lower()}
            # "progress" is inside "lack of progress": only the longest matching label may appear
            assert not any(o in sentence.lower() and len(o) > len(label) for o in others), sentence


def test_veridia_three_meetings_and_given_conclusion(veridia_report):
    doc = compose(veridia_report, "en")
    table = next(b for b in doc.blocks() if isinstance(b, Table))
    assert [c.paragraphs[0].text for c in table.rows[1].cells[1:]] == [
        "22nd meeting, March 2020", "23rd meeting, October 2020", "24th meeting, March 2021"]
    assert all(len(row.cells) == 4 for row in table.rows[3:])
    given = [u.conclusion for _, r in veridia_report.recommendations() for u in r.updates if u.conclusion]
    assert len(given) == 1
    assert given[0].get("en").strip() in " ".join(_texts(doc))
    assert len(_headings(doc, 3)) == 18


def test_russian_edition_has_no_english_label(kz_docs):
    """Every catalog string translated differently in Russian must not appear in English."""
    ru_text = "\n".join(_texts(kz_docs["ru"]) + [h.text for h in kz_docs["ru"].headings()])
    ru_text += kz_docs["ru"].sections[1].running_header + kz_docs["ru"].metadata.title
    ru_text = re.sub(r"\S+@\S+|www\.\S+|https?://\S+", "", ru_text)  # addresses are not labels
    catalog = read_catalog(shipped_catalog("ru"))
    checked = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        english = message.id if isinstance(message.id, str) else message.id[1]
        fixed = re.split(r"%\(\w+\)s", english)
        for piece in fixed:
            piece = piece.strip(" .,:;()“”")
            if len(piece) > 3 and re.search(r"[A-Za-z]{3}", piece) and piece not in str(message.string):
                assert piece not in ru_text, piece
                checked += 1
    assert checked > 50
    generated = [p.text for section in kz_docs["ru"].sections for p in walk_paragraphs(section.blocks)
                 if p.source is None or not p.source.startswith(("chapters", "meetings"))]
    for text in generated + [h.text for h in kz_docs["ru"].headings()]:
        assert not re.search('[“”"]', text), text  # Russian quotation marks are «»
        words = re.findall(r"[A-Za-z]{4,}", re.sub(r"\S*(www\.|@|rue |Paris|France)\S*", "", text))
        assert not [w for w in words if w not in ("Pascal", "Cedex", "France", "Paris", "André")], text


def test_english_edition_has_no_russian_label(kz_docs):
    doc = kz_docs["en"]
    generated = [p.text for section in doc.sections for p in walk_paragraphs(section.blocks)
                 if p.source is None or p.source.startswith("template")]
    generated += [h.text for h in doc.headings()]
    assert not [t for t in generated if re.search("[А-Яа-яЁё]", t)]


def test_catalogs_are_complete():
    template = extract()
    for lang in ("en", "ru"):
        catalog = read_catalog(shipped_catalog(lang))
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id} <= ids, lang
    assert untranslated(shipped_catalog("ru"), template) == []


def test_missing_catalog_is_an_error_not_english(kz_report):
    with pytest.raises(LocaleError, match="no catalog for language 'de'"):
        compose(kz_report, "de")


def test_a_new_language_needs_only_a_catalog(tmp_path, kz_report):
    """A Ukrainian edition from a catalog in an extra directory, without code changes."""
    import shutil

    target = tmp_path / "uk" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = shipped_catalog("ru").read_text(encoding="utf-8")
    po = po.replace("Language: ru_RU", "Language: uk_UA").replace('msgstr "Промежуточный доклад"',
                                                                  'msgstr "Оновлення щодо прогресу"')
    (target / "iapreport.po").write_text(po, encoding="utf-8")
    data = load_text(MINIMAL.replace("ru:", "uk:"), "uk.yaml").report
    doc = compose(data, "uk", locales_dirs=[tmp_path])
    assert doc.metadata.language == "uk-UA"
    assert "Оновлення щодо прогресу" in [p.text for p in walk_paragraphs(doc.sections[0].blocks)]
    assert "Казахстан" in doc.metadata.title  # babel's Ukrainian territory name
    shutil.rmtree(tmp_path / "uk")


def test_missing_prose_in_the_edition_language_names_every_field():
    text = MINIMAL.replace('ru: "1.1. Хорошо."', 'de: "1.1. Gut."').replace('ru: "1) Сделано."', 'de: "1)"')
    report = load_text(text, "r.yaml").report
    with pytest.raises(ComposeError) as info:
        compose(report, "ru")
    assert len(info.value.messages) == 2
    assert "r.yaml: chapters[0].recommendations[0].updates[0].assessment: no 'ru' text" in str(info.value)


def test_boilerplate_override_and_drop():
    text = MINIMAL.replace("round: 4", "round: 4\nboilerplate:\n  about_oecd: false\n  methodology:\n"
                           "    en: Our *own* method.\n    ru: Наш метод.")
    doc = compose(load_text(text, "r.yaml").report, "en")
    texts = _texts(doc)
    assert "About the OECD" not in texts and "About the Istanbul Anti-Corruption Action Plan" in texts
    assert "Our own method." in texts
    assert "Progress update methodology summary" in [h.text for h in doc.headings()]


def test_chapter_label_and_country_name_overrides():
    text = MINIMAL.replace("round: 4", "round: 3\nchapter_label: {en: Pillar, ru: Направление}\n"
                           "country_name: {en: The Republic, ru: Республика}")
    doc = compose(load_text(text, "r.yaml").report, "en")
    assert "Pillar 1. Policy" in [h.text for h in doc.headings()]
    assert "The Republic" in _texts(doc) and "Third round of monitoring" in _texts(doc)


def test_markup_lookalikes_are_text():
    blocks = parse("<b>bold?</b> &lt;x&gt; {{ jinja }} {% raw %} [a](javascript:alert(1)) **real**")
    (paragraph,) = blocks
    assert "<b>bold?</b>" in paragraph.text and "{{ jinja }}" in paragraph.text and "{% raw %}" in paragraph.text
    assert "javascript:alert(1)" in paragraph.text
    assert all(run.link is None for run in paragraph.runs)
    assert any(run.bold and run.text == "real" for run in paragraph.runs)


def test_country_name_with_markup_is_escaped_in_boilerplate():
    text = MINIMAL.replace("round: 4", "round: 4\ncountry_name: {en: '*Star* <b>Land</b>', ru: Земля}")
    doc = compose(load_text(text, "r.yaml").report, "en")
    description = next(p for p in walk_paragraphs(doc.sections[0].blocks) if p.style == "cover-description")
    assert "*Star* <b>Land</b>" in description.text
    assert not any(run.italic for run in description.runs)


def test_lists_keep_their_markers():
    blocks = parse("1) one\n2) two\n\n   - nested\n\n1. dot\n\n- bullet")
    markers = [b.marker for b in blocks]
    assert markers == ["decimal-paren", "decimal-dot", "bullet"]
    nested = blocks[0].items[1].blocks[1]
    assert nested.marker == "bullet" and nested.level == 1


def test_pot_template_is_up_to_date():
    """locales/iapreport.pot holds exactly the msgids the templates and scales use."""
    from conftest import ROOT

    def ids(catalog):
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}

    pot = read_catalog(ROOT / "locales" / "iapreport.pot")
    assert ids(pot) == ids(extract())


def test_reference_definitions_are_printed_not_consumed():
    (definition, use) = parse("[1]: https://adilet.zan.kz/rus/docs/K1400000226\n\nSee the Code [1].")
    assert definition.text == "[1]: https://adilet.zan.kz/rus/docs/K1400000226"
    assert use.text == "See the Code [1]."


def test_prose_the_parser_would_lose_is_an_error_naming_the_field():
    deep = "\n".join("  " * i + f"- level{i}" for i in range(60))
    text = MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}',
                           "assessment:\n              en: |\n" + textwrap.indent(deep, " " * 16)
                           + '\n              ru: "1.1. Хорошо."')
    report = load_text(text, "r.yaml").report
    with pytest.raises(ComposeError) as info:
        compose(report, "en")
    assert "chapters[0].recommendations[0].updates[0].assessment.en" in str(info.value)
    assert "would not be printed: level49, level50" in str(info.value)
    compose(report, "ru")  # the other language is unaffected


def _extra_catalog(tmp_path, lang, edit):
    target = tmp_path / lang / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = shipped_catalog("ru").read_text(encoding="utf-8").replace("Language: ru_RU", f"Language: {lang}")
    (target / "iapreport.po").write_text(edit(po), encoding="utf-8")
    return tmp_path


def _uk_report():
    return load_text(MINIMAL.replace("ru:", "uk:"), "uk.yaml").report


def test_an_untranslated_or_fuzzy_entry_is_an_error_not_english(tmp_path):
    fuzzy = _extra_catalog(tmp_path / "a", "uk", lambda po: po.replace(
        'msgid "Report of the Government"', '#, fuzzy\nmsgid "Report of the Government"'))
    with pytest.raises(LocaleError, match="no translation for 'Report of the Government'"):
        compose(_uk_report(), "uk", locales_dirs=[fuzzy])
    garbage = tmp_path / "b" / "uk" / "LC_MESSAGES"
    garbage.mkdir(parents=True)
    (garbage / "iapreport.po").write_text('msgid "x', encoding="utf-8")
    with pytest.raises(LocaleError):
        compose(_uk_report(), "uk", locales_dirs=[tmp_path / "b"])


def test_a_translators_placeholder_typo_names_the_catalog_line(tmp_path):
    typo = _extra_catalog(tmp_path, "uk", lambda po: po.replace('msgstr[0] "Рекомендация № %(number)s"',
                                                                'msgstr[0] "Рекомендация № %(nubmer)s"'))
    with pytest.raises(LocaleError, match=r"iapreport\.po:\d+: unknown placeholder %\(nubmer\)s"):
        compose(_uk_report(), "uk", locales_dirs=[typo])


def test_a_catalog_may_name_a_country():
    assert get_locale("ru").territory("KG") == "Кыргызстан"
    assert get_locale("en").territory("KG") == "Kyrgyzstan"


def test_a_lead_in_stays_with_its_list():
    lead, items, after = parse("The plan covers:\n\n- one\n- two\n\nThen this:\n")
    assert lead.keep_with_next and not after.keep_with_next


def test_default_editions_are_the_languages_of_the_data(kz_report, veridia_report):
    from iapreport.loader import report_languages

    assert report_languages(kz_report) == ("en", "ru")
    # the editions are the languages of the titles and texts (a stray language in one field is not)
    stray = load_text(MINIMAL.replace('ru: "1.1. Хорошо."', 'de: "1.1. Gut."'), "r.yaml").report
    assert report_languages(stray) == ("en", "ru")


def test_a_meeting_without_update_shows_a_dash_in_the_table():
    second = (MINIMAL.split("meetings:\n", 1)[1].split("chapters:", 1)[0]
              .replace("number: 19", "number: 20").replace("2018-07", "2019-07"))
    report = load_text(MINIMAL.replace("chapters:\n", second + "chapters:\n", 1), "r.yaml").report
    table = next(b for b in compose(report, "en").blocks() if isinstance(b, Table))
    assert [c.paragraphs[0].text for c in table.rows[3].cells[1:]] == ["Progress", "—"]


def test_publisher_block_and_document_type_can_be_replaced_or_dropped():
    text = MINIMAL.replace("round: 4", "round: 4\ntitle: {en: Interim review, ru: Промежуточный обзор}\n"
                           "boilerplate:\n  publisher:\n    en: |\n      Line one\n      Line two\n    ru: Строка")
    doc = compose(load_text(text, "r.yaml").report, "en")
    cover = [p.text for p in walk_paragraphs(doc.sections[0].blocks)]
    assert "Line one" in cover and "Line two" in cover and "Interim review" in cover
    assert "Progress update" not in cover and doc.metadata.title == "Kazakhstan: Interim review"
    dropped = compose(load_text(MINIMAL.replace("round: 4", "round: 4\nboilerplate: {publisher: false}"),
                                "r.yaml").report, "en")
    cover = [p.text for p in walk_paragraphs(dropped.sections[0].blocks)]
    assert "ACN" not in cover and not any("rue André-Pascal" in t for t in cover)


def test_updates_appear_in_meeting_order_whatever_their_order_in_the_file(veridia_report):
    import dataclasses

    rec = veridia_report.chapters[0].recommendations[0]
    shuffled = rec._replace(updates=tuple(reversed(rec.updates)))
    chapter = veridia_report.chapters[0]._replace(recommendations=(shuffled,))
    report = dataclasses.replace(veridia_report, chapters=(chapter,))
    headings = [h.text for h in compose(report, "en").headings() if h.level == 3]
    assert headings == ["22nd ACN Monitoring Meeting, March 2020", "23rd ACN Monitoring Meeting, October 2020",
                        "24th ACN Monitoring Meeting, March 2021"]


def test_a_catalog_without_territory_gets_the_likely_one(tmp_path):
    catalogs = _extra_catalog(tmp_path, "kk", lambda po: po)  # header says "Language: kk"
    report = load_text(MINIMAL.replace("ru:", "kk:"), "kk.yaml").report
    assert compose(report, "kk", locales_dirs=[catalogs]).metadata.language == "kk-KZ"
