"""The translators' workflow (issue 14): i18n extract, update, init and status; a catalog in the
wrong folder; editions with a fallback language; the built-in pseudo-locale."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml

from iapreport import api
from iapreport.catalog import extract, read_catalog, shipped_catalog
from iapreport.composer import ComposeError, compose
from iapreport.i18n import LocaleError, get_locale, pseudo
from iapreport.loader import load, load_text
from iapreport.tree import Heading, Paragraph

from conftest import KZ, ROOT, VERIDIA
from test_load import MINIMAL


def iapreport(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "iapreport", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=300)


def ids(catalog):
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


# -- extract, update, init, status -------------------------------------------------------------


def test_extract_writes_every_message_of_the_publication(tmp_path):
    done = iapreport("i18n", "extract", "--locales", tmp_path)
    assert done.returncode == 0, done.stderr
    written = read_catalog(tmp_path / "iapreport.pot")
    assert ids(written) == ids(extract()) == ids(read_catalog(ROOT / "locales" / "iapreport.pot"))


def _translated_folder(tmp_path):
    """A catalog folder holding the shipped Russian catalog, and a template that has moved on:
    one message changed, one added, one removed."""
    (tmp_path / "ru" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(shipped_catalog("ru"), tmp_path / "ru" / "LC_MESSAGES" / "iapreport.po")
    template = (ROOT / "locales" / "iapreport.pot").read_text(encoding="utf-8")
    template = template.replace('msgid "Table of contents"', 'msgid "Table of the contents"')
    template = template.replace('msgid "Chapter"\nmsgstr ""\n', 'msgid "A brand new label"\nmsgstr ""\n')
    (tmp_path / "iapreport.pot").write_text(template, encoding="utf-8")
    return tmp_path


def test_update_merges_as_pybabel_does(tmp_path):
    folder = _translated_folder(tmp_path)
    done = iapreport("i18n", "update", "--locales", folder)
    assert done.returncode == 0, done.stderr
    assert "1 new" in done.stdout and "1 fuzzy" in done.stdout and "1 obsolete" in done.stdout, done.stdout
    text = (folder / "ru" / "LC_MESSAGES" / "iapreport.po").read_text(encoding="utf-8")
    changed = re.search(r'#, fuzzy\n(?:#\| .*\n)*msgid "Table of the contents"\nmsgstr "([^"]*)"', text)
    assert changed and changed.group(1) == "Содержание"  # kept for the translator to check
    assert re.search(r'msgid "A brand new label"\nmsgstr ""', text)
    assert '#~ msgid "Chapter"' in text
    status = iapreport("i18n", "status", "--lang", "ru", "--locales", folder)
    assert status.returncode == 1
    assert "untranslated: A brand new label" in status.stdout and "fuzzy: Table of the contents" in status.stdout


def test_init_starts_a_catalog_with_the_plural_rule_and_refuses_to_overwrite(tmp_path):
    done = iapreport("i18n", "init", "uk", "--locales", tmp_path)
    assert done.returncode == 0, done.stderr
    catalog = read_catalog(tmp_path / "uk" / "LC_MESSAGES" / "iapreport.po")
    assert str(catalog.locale) == "uk" and catalog.num_plurals == 3
    assert ids(catalog) == ids(extract())
    again = iapreport("i18n", "init", "uk", "--locales", tmp_path)
    assert again.returncode == 1 and "exists already" in again.stderr
    unknown = iapreport("i18n", "init", "xx-nowhere", "--locales", tmp_path)
    assert unknown.returncode == 1 and "not a language babel knows" in unknown.stderr


def test_status_passes_complete_editions_and_stops_a_script_otherwise(tmp_path):
    shipped = iapreport("i18n", "status", "--data", VERIDIA, KZ)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    assert re.search(r"^ru: \d+ translated, 0 fuzzy, 0 untranslated", shipped.stdout, re.M)
    assert f"{VERIDIA}: complete" in shipped.stdout
    lacking = tmp_path / "lacking.yaml"
    lacking.write_text(MINIMAL.replace('text: {en: "1. Adopt a strategy.", ru: "1. Принять стратегию."}',
                                       'text: {en: "1. Adopt a strategy."}'), encoding="utf-8")
    result = iapreport("i18n", "status", "--lang", "ru", "--data", lacking)
    assert result.returncode == 1
    assert "chapters[0].recommendations[0].text: no 'ru' text" in result.stdout
    iapreport("i18n", "init", "uk", "--locales", tmp_path)
    started = iapreport("i18n", "status", "--lang", "uk", "--locales", tmp_path)
    assert started.returncode == 1 and "untranslated: Table of contents" in started.stdout


def test_an_edited_catalog_takes_effect_at_the_next_build(tmp_path):
    folder = tmp_path / "locales"
    (folder / "ru" / "LC_MESSAGES").mkdir(parents=True)
    po = folder / "ru" / "LC_MESSAGES" / "iapreport.po"
    shutil.copy(shipped_catalog("ru"), po)
    report = load_text(MINIMAL, "m.yaml").report
    before = compose(report, "ru", locales_dirs=[folder])
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Содержание"', 'msgstr "Оглавление"'),
                  encoding="utf-8")
    after = compose(report, "ru", locales_dirs=[folder])
    assert [b.title for b in before.blocks() if hasattr(b, "entries")] == ["Содержание"]
    assert [b.title for b in after.blocks() if hasattr(b, "entries")] == ["Оглавление"]


def test_a_catalog_in_another_languages_folder_is_refused(tmp_path):
    target = tmp_path / "uk" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(shipped_catalog("ru"), target / "iapreport.po")
    with pytest.raises(LocaleError, match=r"Language: ru_RU.*folder of 'uk'"):
        get_locale("uk", [tmp_path])


# -- a fallback language ----------------------------------------------------------------------

LACKING = MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}', 'assessment: {en: "1.1. Good."}')


def test_without_fallback_every_missing_field_is_listed():
    with pytest.raises(ComposeError, match=r"updates\[0\]\.assessment: no 'ru' text"):
        compose(load_text(LACKING, "l.yaml").report, "ru")


def test_a_fallback_prints_the_text_lists_it_and_marks_the_section():
    document = compose(load_text(LACKING, "l.yaml").report, "ru", fallback="en")
    assert document.fallbacks == ("l.yaml: chapters[0].recommendations[0].updates[0].assessment: no 'ru' text; "
                                  "the 'en' text is printed",)
    blocks = list(document.blocks())
    heading = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and b.anchor == "rec_1")
    note = blocks[heading + 1]
    assert isinstance(note, Paragraph) and note.style == "fallback-note"
    assert "английск" in note.text and "не переведена" in note.text  # in the edition's language
    assert any(isinstance(b, Paragraph) and b.text == "1.1. Good." for b in blocks)
    notes = [b for b in blocks if isinstance(b, Paragraph) and b.style == "fallback-note"]
    assert len(notes) == 1  # only the section that uses it
    assert compose(load_text(MINIMAL, "m.yaml").report, "ru", fallback="en").fallbacks == ()


def test_build_with_fallback_lists_each_use(tmp_path):
    data = tmp_path / "lacking.yaml"
    data.write_text(LACKING, encoding="utf-8")
    refused = iapreport("build", data, "--lang", "ru", "--format", "pdf", "-o", tmp_path / "a")
    assert refused.returncode == 1 and "no 'ru' text" in refused.stderr
    built = iapreport("build", data, "--lang", "ru", "--format", "pdf", "-o", tmp_path / "b", "--fallback", "en")
    assert built.returncode == 0, built.stderr
    assert "warning: " in built.stderr and "assessment: no 'ru' text; the 'en' text is printed" in built.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "b" / "lacking.ru.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "1.1. Good." in text and "английск" in text


# -- the pseudo-locale ------------------------------------------------------------------------


def test_pseudo_text_keeps_placeholders_addresses_and_list_markers():
    text = pseudo("Recommendation No. %(number)s at www.oecd.org/acn")
    assert text.startswith("[") and text.endswith("]")
    assert "%(number)s" in text and "www.oecd.org/acn" in text and "Recommendation" not in text
    assert len(text) >= 1.3 * len("Recommendation No. %(number)s at www.oecd.org/acn")
    assert pseudo("1. **Step.** Then").startswith("1. [")


def _flat(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize("sample", [VERIDIA, KZ], ids=lambda p: p.stem)
def test_the_pseudo_locale_leaves_no_english_label_and_nothing_overflows(tmp_path, sample, theme):
    outputs = api.build(sample, langs=["en-XA"], outdir=tmp_path)
    assert {o.format for o in outputs} == {"docx", "pdf"}
    pdf = next(o.path for o in outputs if o.format == "pdf")
    printed = _flat(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    data = _flat(" ".join(str(v) for v in _strings(yaml.safe_load(sample.read_text(encoding="utf-8")))))
    for message in extract():
        if not message.id or message.context:
            continue
        for source in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for piece in re.split(r"%\(\w+\)s|\*\*|\n", source):
                piece = _flat(piece).strip(" .,:;")
                if len(piece) >= 12 and " " in piece and piece not in data:
                    assert piece not in printed, piece
    # nothing outside the page's text area: not a table cell, a TOC line or a running header
    points = 72 / 25.4
    page = theme.page
    right = (210 - page.margin_right) * points + 0.5
    left = page.margin_left * points - 0.5
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    for match in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', out):
        x0, x1, word = float(match.group(1)), float(match.group(2)), match.group(3)
        assert left <= x0 and x1 <= right, (word, x0, x1)
    # the summary table's cells: no word split without a hyphen, none outside its column
    from test_report_shapes import _split_words, _table_words, headings, summary_table

    document = compose(load(sample), "en-XA")
    table = summary_table(document)
    end = next(h.text for h in headings(document) if h.anchor == "assessment")
    pages = _table_words(pdf, table, end)
    assert pages and _split_words(pages, table, theme) == []
    docx = next(o.path for o in outputs if o.format == "docx")
    import docx as python_docx

    text = " ".join(p.text for p in python_docx.Document(str(docx)).paragraphs)
    assert "Table of contents" not in text and "[Ţáƀĺé óƒ çóñţéñţš" in text


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_status_finds_what_a_build_would_refuse(tmp_path):
    """A placeholder a build cannot fill, and a catalog in another language's folder."""
    folder = tmp_path / "locales"
    (folder / "ru" / "LC_MESSAGES").mkdir(parents=True)
    po = folder / "ru" / "LC_MESSAGES" / "iapreport.po"
    po.write_text(shipped_catalog("ru").read_text(encoding="utf-8").replace(
        'msgstr "Тел.: %(phone)s"', 'msgstr "Тел.: %(phnoe)s"'), encoding="utf-8")
    typo = iapreport("i18n", "status", "--lang", "ru", "--locales", folder)
    assert typo.returncode == 1 and "unknown placeholder %(phnoe)s" in typo.stdout
    (folder / "uk" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(shipped_catalog("ru"), folder / "uk" / "LC_MESSAGES" / "iapreport.po")
    wrong = iapreport("i18n", "status", "--lang", "uk", "--locales", folder)
    assert wrong.returncode == 1 and "Language: ru_RU" in wrong.stdout


def test_init_refuses_a_code_babel_reads_as_another(tmp_path):
    done = iapreport("i18n", "init", "ukr", "--locales", tmp_path)
    assert done.returncode == 1 and "i18n init uk" in done.stderr
    assert not (tmp_path / "ukr").exists()


def test_a_fuzzy_entry_shows_the_english_it_was_translated_from(tmp_path):
    folder = _translated_folder(tmp_path)
    iapreport("i18n", "update", "--locales", folder)
    text = (folder / "ru" / "LC_MESSAGES" / "iapreport.po").read_text(encoding="utf-8")
    assert '#| msgid "Table of contents"\nmsgid "Table of the contents"' in text


def test_a_translation_may_number_meetings_with_the_number_the_code_passes(tmp_path):
    folder = tmp_path / "locales"
    (folder / "ru" / "LC_MESSAGES").mkdir(parents=True)
    po = folder / "ru" / "LC_MESSAGES" / "iapreport.po"
    po.write_text(shipped_catalog("ru").read_text(encoding="utf-8").replace(
        'msgstr "%(ordinal)s заседание по мониторингу АКС, %(month)s"',
        'msgstr "Заседание № %(number)s, %(month)s"'), encoding="utf-8")
    document = compose(load_text(MINIMAL, "m.yaml").report, "ru", locales_dirs=[folder])
    assert any(h.text.startswith("Заседание №\xa019,") or h.text.startswith("Заседание № 19,")
               for h in document.headings())
