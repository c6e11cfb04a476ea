"""The DOCX read back: Word-native structure, TOC field, table, languages, every word of the data."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from iapreport.api import build
from iapreport.composer import compose
from iapreport.theme import load_theme
from iapreport.writers.docx import render_docx, write_docx

from conftest import KZ

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


@pytest.fixture(scope="module")
def kz_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    outputs = build(KZ, langs=["en", "ru"], formats=["docx"], outdir=out)
    return {o.lang: o.path for o in outputs}


def _xml(path: Path, part: str = "word/document.xml"):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _all_text(path: Path) -> str:
    """Every w:t in the document, headers and footers (as a reader sees the text)."""
    texts = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                for p in root.iter(f"{{{W}}}p"):
                    texts.append("".join(t.text or "" for t in p.iter(f"{{{W}}}t")).replace("\xad", ""))
    return "\n".join(texts)


def test_outputs_are_named_per_edition(kz_files):
    assert kz_files["en"].name == "kazakhstan-2018.en.docx"
    assert kz_files["ru"].name == "kazakhstan-2018.ru.docx"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_headings_use_words_heading_styles(kz_files, lang):
    document = docx.Document(kz_files[lang])
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert len(by_style["Heading 1"]) == 3 + 4
    recommendations = by_style["Heading 2"]
    assert len(recommendations) == 29
    word = "Recommendation No." if lang == "en" else "Рекомендация №"
    assert recommendations == [f"{word}\xa0{n}" for n in range(1, 30)]  # tied: never split
    assert len(by_style["Heading 3"]) == 29


def test_toc_field_with_cached_entries_linked_to_bookmarks(kz_files):
    root = _xml(kz_files["en"])
    instr = [t.text for t in root.iter(f"{{{W}}}instrText")]
    assert any(re.match(r'\s*TOC \\o "1-2" \\h', t) for t in instr)
    bookmarks = {b.get(f"{{{W}}}name") for b in root.iter(f"{{{W}}}bookmarkStart")}

    def entry_text(link) -> str:  # the runs before the tab (after it: the page number field)
        text = []
        for run in link.iter(f"{{{W}}}r"):
            if run.find(f"{{{W}}}tab") is not None:
                break
            text.extend(t.text for t in run.iter(f"{{{W}}}t"))
        return "".join(text)

    links = [(h.get(f"{{{W}}}anchor"), entry_text(h)) for h in root.iter(f"{{{W}}}hyperlink") if h.get(f"{{{W}}}anchor")]
    assert len(links) == 3 + 4 + 29
    assert {anchor for anchor, _ in links} <= bookmarks
    assert ("rec_29", "Recommendation No.\xa029") in links
    assert ("chapter_2", "Chapter 2. Prevention of corruption") in links
    # the field is well formed: begin ... separate ... end around the entries
    chars = [c.get(f"{{{W}}}fldCharType") for c in root.iter(f"{{{W}}}fldChar")]
    assert chars[:2] == ["begin", "separate"] and chars.count("begin") == chars.count("end")
    settings = _xml(kz_files["en"], "word/settings.xml")
    # no prompt to update fields on opening: the TOC's page numbers are already there
    assert settings.find("w:updateFields", NS) is None
    assert not [c for c in root.iter(f"{{{W}}}fldChar") if c.get(f"{{{W}}}dirty")]


def test_summary_table_repeats_its_header_and_keeps_rows_whole(kz_files):
    document = docx.Document(kz_files["en"])
    (table,) = document.tables
    assert len(table.rows) == 3 + 29
    rows = table._tbl.findall("w:tr", NS)
    headers = [tr for tr in rows if tr.find("w:trPr/w:tblHeader", NS) is not None]
    assert len(headers) == 3 and headers == rows[:3]
    assert all(tr.find("w:trPr/w:cantSplit", NS) is not None for tr in rows)
    assert table.rows[7].cells[0].text == "Recommendation 5: Raising awareness"
    assert table.rows[7].cells[1].text == "Significant progress"
    widths = [int(c.get(f"{{{W}}}w")) for c in table._tbl.tblGrid.findall("w:gridCol", NS)]
    text_width_twips = load_theme().page.text_width / 25.4 * 1440
    assert abs(sum(widths) - text_width_twips) < 5


@pytest.mark.parametrize("lang,tag", [("en", "en-GB"), ("ru", "ru-RU")])
def test_language_on_defaults_and_runs(kz_files, lang, tag):
    styles = _xml(kz_files[lang], "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert default.get(f"{{{W}}}val") == tag
    root = _xml(kz_files[lang])
    runs = [r for r in root.iter(f"{{{W}}}r") if r.find("w:t", NS) is not None and r.find("w:t", NS).text]
    by_lang: dict = {}
    for r in runs:
        if r.find("w:rPr/w:lang", NS) is not None:
            by_lang.setdefault(r.find("w:rPr/w:lang", NS).get(f"{{{W}}}val"), []).append(r.find("w:t", NS).text)
    # the edition's language is the default every run inherits; web and mail addresses alone are
    # "no linguistic content", so no dictionary hyphenates them (as in the PDF)
    assert set(by_lang) == {"zxx"}
    assert all(re.search(r"[./@]", text) for text in by_lang["zxx"]) and "www.oecd.org" in "".join(by_lang["zxx"])
    assert len(by_lang["zxx"]) < 0.05 * len(runs)


def test_page_furniture(kz_files):
    document = docx.Document(kz_files["en"])
    cover, body = document.sections
    assert cover.header.is_linked_to_previous  # the cover defines no header of its own
    assert all(not p.text for p in cover.header.paragraphs)
    assert body.header.paragraphs[0].text.replace("\xad", "") == "Kazakhstan: Progress update"
    footer = body.footer._element
    assert any(" PAGE " == t.text for t in footer.iter(f"{{{W}}}instrText"))
    for section in document.sections:
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_core_properties(kz_files):
    props = docx.Document(kz_files["ru"]).core_properties
    assert props.title == "Казахстан: Промежуточный доклад"
    assert props.language == "ru-RU"
    assert "Стамбульский план действий по борьбе с коррупцией" in props.keywords
    assert "Четвертый раунд мониторинга" in props.subject
    assert props.author == "Антикоррупционная сеть ОЭСР для стран Восточной Европы и Центральной Азии"
    assert props.created.year == 2018


def test_lists_are_real_word_lists(kz_files):
    numbering = _xml(kz_files["en"], "word/numbering.xml")
    formats = {lvl.find("w:lvlText", NS).get(f"{{{W}}}val") for lvl in numbering.iter(f"{{{W}}}lvl")
               if lvl.get(f"{{{W}}}ilvl") == "0"}
    assert {"%1.", "%1)", "•"} <= formats
    root = _xml(kz_files["en"])
    numbered = root.findall(".//w:p/w:pPr/w:numPr", NS)
    assert len(numbered) > 100
    levels = {n.find("w:ilvl", NS).get(f"{{{W}}}val") for n in numbered}
    assert {"0", "1"} <= levels  # nested lists
    nums = {n.get(f"{{{W}}}numId") for n in numbering.findall("w:num", NS)}
    assert {n.find("w:numId", NS).get(f"{{{W}}}val") for n in numbered} <= nums


def test_links_and_emphasis_are_kept(kz_files):
    document = docx.Document(kz_files["en"])
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert any("kyzmet.gov.kz" in t for t in targets)
    root = _xml(kz_files["en"])
    assert root.findall(".//w:r/w:rPr/w:b", NS) and root.findall(".//w:r/w:rPr/w:i", NS)


def _prose_words(report, lang):
    """Words of every prose and title field as the author wrote them (link targets aside)."""
    fields = []
    for meeting in report.meetings:
        fields += [meeting.sources, meeting.place] + [e.name for e in meeting.experts]
        fields += [e.affiliation for e in meeting.experts]
    for chapter in report.chapters:
        fields.append(chapter.title)
        for rec in chapter.recommendations:
            fields += [rec.title, rec.text]
            for update in rec.updates:
                fields += [update.government_report, update.assessment, update.conclusion]
    words = set()
    for field in fields:
        if field is None:
            continue
        text = re.sub(r"\]\([^)]*\)", "]", field.get(lang))
        words.update(re.findall(r"\w+", text))
    return words


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_word_of_the_data_is_in_the_docx(kz_files, kz_report, lang):
    present = set(re.findall(r"\w+", _all_text(kz_files[lang])))
    missing = _prose_words(kz_report, lang) - present
    assert not missing, sorted(missing)[:20]


def test_every_word_of_the_three_meeting_sample(tmp_path, veridia_report):
    for lang in ("en", "ru"):
        path = tmp_path / f"v.{lang}.docx"
        write_docx(compose(veridia_report, lang), load_theme(), path)
        present = set(re.findall(r"\w+", _all_text(path)))
        assert not _prose_words(veridia_report, lang) - present
        table = docx.Document(path).tables[0]
        assert len(table.columns) == 4


def test_russian_docx_has_no_english_label(kz_files):
    text = _all_text(kz_files["ru"])
    for label in ("Recommendation", "Report of the Government", "Assessment of progress", "Chapter",
                  "Table of contents", "Progress update", "Lack of progress", "meeting", "Overall"):
        assert label not in text, label


def test_theme_drives_the_document(tmp_path, kz_docs):
    """Changing the body size in the theme file changes the DOCX, without code changes."""
    import yaml

    from iapreport.resources import templates_dir

    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    raw["styles"]["base"]["size"] = 13
    theme_file = tmp_path / "theme.yaml"
    theme_file.write_text(yaml.safe_dump(raw), encoding="utf-8")
    for theme, expected in ((load_theme(), 10.5), (load_theme(theme_file), 13)):
        path = tmp_path / f"t{expected}.docx"
        write_docx(kz_docs["en"], theme, path)
        document = docx.Document(path)
        assert document.styles["IAP body"].font.size.pt == expected
        assert document.styles["Normal"].font.size.pt == expected


def test_same_input_gives_identical_bytes(kz_docs, theme):
    assert render_docx(kz_docs["ru"], theme) == render_docx(kz_docs["ru"], theme)


def test_failed_write_leaves_no_file(tmp_path, kz_docs, theme, monkeypatch):
    from iapreport.writers import docx as writer

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "render_docx", boom)
    target = tmp_path / "x.docx"
    with pytest.raises(RuntimeError):
        writer.write_docx(kz_docs["en"], theme, target)
    assert list(tmp_path.iterdir()) == []


def test_libreoffice_opens_and_exports(kz_files, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice (Debian's libreoffice-writer-nogui) is needed; .ci/run installs it"
    for lang, path in kz_files.items():
        result = subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                                 "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                                capture_output=True, text=True, timeout=240)
        pdf = tmp_path / f"{path.stem}.pdf"
        assert result.returncode == 0 and pdf.exists(), result.stderr
        assert pdf.stat().st_size > 50_000
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) > 30


def test_fonts_are_declared_and_embedded(kz_files, theme):
    from iapreport.writers._ooxml import obfuscate_font

    fonts = _xml(kz_files["ru"], "word/fontTable.xml")
    rels = _xml(kz_files["ru"], "word/_rels/fontTable.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    slots = {"regular": "w:embedRegular", "bold": "w:embedBold", "italic": "w:embedItalic",
             "bold_italic": "w:embedBoldItalic"}
    primary = {style.font for style in theme.styles.values()}
    embedded_faces = set()
    for key, family in theme.fonts.items():
        entries = [f for f in fonts.findall("w:font", NS) if f.get(f"{{{W}}}name") == family.family]
        if key not in primary and not entries:
            continue  # a fallback family the text did not need
        (entry,) = entries
        assert entry.find("w:family", NS).get(f"{{{W}}}val") in ("roman", "swiss")
        for slot, tag in slots.items():
            embedded = entry.find(tag, NS)
            if embedded is None:
                assert key not in primary, f"{family.family} {slot} is not embedded"
                continue
            embedded_faces.add((family.family, slot))
            key_ = embedded.get(f"{{{W}}}fontKey")
            target = targets[embedded.get(f"{{{NS['r']}}}id")]
            with zipfile.ZipFile(kz_files["ru"]) as z:
                data = z.read(f"word/{target}")
            original = getattr(family, slot).read_bytes()
            # ECMA-376 17.8.1, computed here independently: the first 32 bytes XORed with the GUID's
            # 16 bytes in reverse order; the rest as is
            guid = bytes.fromhex(key_.strip("{}").replace("-", ""))[::-1]
            assert data[:32] == bytes(b ^ guid[i % 16] for i, b in enumerate(original[:32]))
            assert data[:32] != original[:32] and data[32:] == original[32:]
            assert obfuscate_font(data, key_) == original
    # the Russian dates' narrow no-break space (U+202F) is set in DejaVu, which PT lacks: only the
    # DejaVu faces the text used are embedded, not all eight
    fallback = {face for face in embedded_faces if face[0].startswith("DejaVu")}
    assert fallback and len(fallback) < 8
    settings = _xml(kz_files["ru"], "word/settings.xml")
    assert settings.find("w:embedTrueTypeFonts", NS) is not None
    assert settings.find("w:autoHyphenation", NS).get(f"{{{W}}}val") == "true"


def test_toc_entries_carry_page_references(kz_files):
    root = _xml(kz_files["en"])
    refs = [t.text.strip() for t in root.iter(f"{{{W}}}instrText") if "PAGEREF" in t.text]
    assert len(refs) == 3 + 4 + 29 and "PAGEREF rec_7 \\h" in refs


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_toc_page_numbers_are_the_pdfs(kz_files, kz_docs, theme, tmp_path, lang):
    """Each PAGEREF's result is the page its heading is on in the PDF (read back from the PDF's
    outline with pypdf), so LibreOffice, Google Docs and Word's Protected View show the numbers."""
    from pypdf import PdfReader

    from iapreport.writers.pdf import write_pdf

    root = _xml(kz_files[lang])
    numbers = {}
    for link in root.iter(f"{{{W}}}hyperlink"):
        anchor = link.get(f"{{{W}}}anchor")
        runs = list(link.iter(f"{{{W}}}r"))
        kinds = [(r.find(f"{{{W}}}fldChar").get(f"{{{W}}}fldCharType") if r.find(f"{{{W}}}fldChar") is not None
                  else "text") for r in runs]
        if anchor and "separate" in kinds:
            result = runs[kinds.index("separate") + 1:kinds.index("end")]
            numbers[anchor] = "".join(t.text for r in result for t in r.iter(f"{{{W}}}t"))
    assert len(numbers) == 3 + 4 + 29
    pdf = tmp_path / "kz.pdf"
    write_pdf(kz_docs[lang], theme, pdf)
    reader = PdfReader(str(pdf))
    outline_pages = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline_pages[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    toc = next(b for b in kz_docs[lang].blocks() if b.__class__.__name__ == "TableOfContents")
    for entry in toc.entries:
        assert numbers[entry.anchor] == str(outline_pages[entry.text]), entry.text
    assert len(set(numbers.values())) > 10


def test_line_spacing_matches_the_pdf_leading(kz_files, theme):
    style = docx.Document(kz_files["en"]).styles["IAP body"]
    body = theme.style("body")
    assert abs(style.paragraph_format.line_spacing.pt - body.size * body.leading) < 0.05


def test_page_breaks_are_page_break_before_and_package_is_clean(kz_files):
    root = _xml(kz_files["en"])
    assert not root.findall(".//w:br[@w:type='page']", NS)  # no empty paragraphs holding breaks
    breaks = root.findall(".//w:pPr/w:pageBreakBefore", NS)
    assert len(breaks) >= 3
    with zipfile.ZipFile(kz_files["en"]) as z:
        names = z.namelist()
        app = z.read("docProps/app.xml").decode()
    assert not [n for n in names if n.startswith("customXml")]
    assert "<Application>iapreport</Application>" in app and "Microsoft" not in app


def test_lead_in_paragraphs_keep_with_their_list(kz_files):
    document = docx.Document(kz_files["en"])
    kept = [p for p in document.paragraphs if p.paragraph_format.keep_with_next and p.text.endswith(":")]
    assert len(kept) >= 10


def test_source_date_epoch_dates_the_docx_and_a_bad_one_is_an_error(tmp_path, kz_docs, theme, monkeypatch):
    """Both writers read SOURCE_DATE_EPOCH the same way (`writers.build_moment`): the DOCX once
    ignored a value that was not all digits, silently."""
    from iapreport.writers import WriterError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # 2020-09-13 12:26:40 UTC
    write_docx(kz_docs["en"], theme, tmp_path / "x.docx")
    created = docx.Document(tmp_path / "x.docx").core_properties.created
    assert (created.year, created.month, created.day, created.hour, created.minute) == (2020, 9, 13, 12, 26)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "next tuesday")
    with pytest.raises(WriterError, match="SOURCE_DATE_EPOCH"):
        write_docx(kz_docs["en"], theme, tmp_path / "y.docx")
    assert not (tmp_path / "y.docx").exists()


def test_nothing_of_python_docx_starting_document_is_left_unused(kz_files, theme):
    """No part, style, list definition or font entry the document never uses (issue 11)."""
    path = kz_files["ru"]
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
        package_rels = z.read("_rels/.rels").decode()
    assert len(names) == len(set(names))
    for leftover in ("stylesWithEffects", "webSettings", "thumbnail", "customXml"):
        assert not [n for n in names if leftover in n] and leftover not in types and leftover not in package_rels
    styles = _xml(path, "word/styles.xml")
    ids = {s.get(f"{{{W}}}styleId"): s for s in styles.findall("w:style", NS)}
    ours = {s for s in ids if s.startswith("IAP")}
    assert len(ours) == len(theme.styles)
    template = set(ids) - ours
    # Word's defaults, its three heading styles (with the character styles Word links to them) and
    # the TOC levels: nothing else (python-docx's template has 160 more)
    assert template <= {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Heading1", "Heading2",
                        "Heading3", "Heading1Char", "Heading2Char", "Heading3Char", "TOC1", "TOC2", "TOC3"}, template
    # every style a paragraph, a run, a table or another style names exists
    named = set()
    for part in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
        root = _xml(path, part)
        named |= {e.get(f"{{{W}}}val") for e in root.iter(f"{{{W}}}pStyle", f"{{{W}}}rStyle", f"{{{W}}}tblStyle")}
    named |= {e.get(f"{{{W}}}val") for e in styles.iter(f"{{{W}}}basedOn", f"{{{W}}}next", f"{{{W}}}link")}
    assert named <= set(ids), named - set(ids)
    numbering = _xml(path, "word/numbering.xml")
    used_lists = {e.get(f"{{{W}}}val") for e in _xml(path).iter(f"{{{W}}}numId")}
    assert {n.get(f"{{{W}}}numId") for n in numbering.findall("w:num", NS)} == used_lists
    fonts = {f.get(f"{{{W}}}name") for f in _xml(path, "word/fontTable.xml").findall("w:font", NS)}
    assert {"PT Serif", "PT Sans"} <= fonts <= {"PT Serif", "PT Sans", "DejaVu Serif", "DejaVu Sans"}


def test_body_text_is_in_a_style_based_on_normal(kz_files, theme):
    styles = _xml(kz_files["en"], "word/styles.xml")
    by_id = {s.get(f"{{{W}}}styleId"): s for s in styles.findall("w:style", NS)}
    body = by_id["IAPbody"]
    assert body.find("w:basedOn", NS).get(f"{{{W}}}val") == "Normal"
    # Normal itself looks like the body text: what a Word user types in a new paragraph matches
    normal = by_id["Normal"]
    size = int(normal.find("w:rPr/w:sz", NS).get(f"{{{W}}}val"))
    assert size == round(theme.style("body").size * 2)
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii") == theme.fonts[theme.style("body").font].family
    paragraphs = _xml(kz_files["en"]).iter(f"{{{W}}}pStyle")
    assert sum(p.get(f"{{{W}}}val") == "IAPbody" for p in paragraphs) > 100


def test_package_parts_are_each_stored_once_and_all_related(kz_files):
    """The package is written once (no second zip pass): every relationship's target is in it,
    every part has its content type, and nothing else is there."""
    import posixpath

    path = kz_files["en"]
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        types = etree.fromstring(z.read("[Content_Types].xml"))
        overrides = {o.get("PartName").lstrip("/") for o in types if o.get("PartName")}
        targets = set()
        for name in names:
            if not name.endswith(".rels"):
                continue
            base = posixpath.dirname(posixpath.dirname(name))
            for rel in etree.fromstring(z.read(name)):
                if rel.get("TargetMode") != "External":
                    targets.add(posixpath.normpath(posixpath.join(base, rel.get("Target"))))
    parts = {n for n in names if not n.endswith(".rels") and n != "[Content_Types].xml"}
    assert parts == overrides == targets
    assert {i.date_time for i in infos} == {(2018, 7, 5, 0, 0, 0)}  # the report's date, not the clock


@pytest.mark.parametrize("day", ["1975-03-10", "2099-12-31"])
def test_any_date_in_the_data_range_dates_a_docx(kz_docs, theme, day):
    """A zip entry's time is a DOS date (1980–2107): the package's entries take the nearest one,
    the core properties the report's own date."""
    import datetime

    document = kz_docs["en"]
    document = document._replace(metadata=document.metadata._replace(date=datetime.date.fromisoformat(day)))
    data = render_docx(document, theme)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        years = {info.date_time[0] for info in z.infolist()}
        core = z.read("docProps/core.xml").decode()
    assert years == {min(max(int(day[:4]), 1980), 2107)}
    assert f"{day}T00:00:00Z" in core


def test_long_titles_and_fifty_keywords_fit_the_core_properties(kz_docs, theme):
    """python-docx refuses core properties over 255 characters: the file's properties are cut at
    a word with an ellipsis; the document prints every word."""
    import io

    document = kz_docs["en"]
    title = "The Republic of " + " ".join(["Very"] * 80) + " Long Name"
    keywords = tuple(f"Meeting {n}" for n in range(1, 51))
    document = document._replace(metadata=document.metadata._replace(title=title, subject=title, keywords=keywords,
                                                                         description=title))
    properties = docx.Document(io.BytesIO(render_docx(document, theme))).core_properties
    for value in (properties.title, properties.subject, properties.keywords, properties.comments):
        assert len(value) <= 255 and value.endswith("…") and not value.endswith(" …")
    assert properties.title.startswith("The Republic of Very Very")
