"""`iapreport check`: a finished DOCX or PDF read back against its data (issue 12). Each defect is
made for real (data edited after the build, an output edited as a person would in Word, a PDF
whose table of contents lies) and must be found; a clean build must pass."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from iapreport import build
from iapreport.check import CheckError, check

from conftest import KZ, VERIDIA

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def veridia(tmp_path_factory):
    out = tmp_path_factory.mktemp("check")
    return {(o.lang, o.format): o.path for o in build(VERIDIA, langs=["en", "ru"], outdir=out)}


def _edit_docx(source: Path, target: Path, edit) -> Path:
    """Copy the DOCX `source` to `target` with `edit(document_root)` applied to its main part."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    edit(root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return target


def test_clean_builds_pass_in_both_formats_and_languages(veridia):
    for (lang, fmt), path in veridia.items():
        assert check(path, VERIDIA) == [], (lang, fmt)


def test_words_added_to_the_data_after_the_build_are_missing(veridia, tmp_path):
    data = tmp_path / "veridia.yaml"
    text = VERIDIA.read_text(encoding="utf-8")
    data.write_text(text.replace("The experts also took into account", "The experts also took Zanzibarian "
                                 "into account", 1), encoding="utf-8")
    for fmt in ("docx", "pdf"):
        findings = check(veridia["en", fmt], data)
        assert [f.kind for f in findings] == ["missing"], findings
        assert "Zanzibarian" in findings[0].message


def test_a_rating_changed_in_the_docx_table_by_hand_is_found(veridia, tmp_path):
    def edit(root):
        for row in root.iter(f"{W}tr"):
            cells = row.findall(f"{W}tc")
            if "".join(cells[0].itertext()).startswith("Recommendation 3:"):
                last = list(cells[-1].iter(f"{W}t"))
                last[0].text, rest = "Significant progress", last[1:]
                for t in rest:
                    t.text = ""
                return
        raise AssertionError("no row for recommendation 3")

    edited = _edit_docx(veridia["en", "docx"], tmp_path / "veridia-2021.en.docx", edit)
    findings = check(edited, VERIDIA)
    assert [f.kind for f in findings] == ["rating"], findings
    assert "Recommendation 3" in findings[0].message and "Significant progress" in findings[0].message


def test_an_english_label_left_in_the_russian_edition_is_found(veridia, tmp_path):
    def edit(root):
        for p in root.iter(f"{W}p"):
            if "".join(p.itertext()) == "Доклад правительства":
                texts = list(p.iter(f"{W}t"))
                texts[0].text = "Report of the Government"
                for t in texts[1:]:
                    t.text = ""
                return
        raise AssertionError("no label 'Доклад правительства'")

    edited = _edit_docx(veridia["ru", "docx"], tmp_path / "veridia-2021.ru.docx", edit)
    findings = check(edited, VERIDIA)
    assert "language" in {f.kind for f in findings}, findings
    assert any("report of the government" in f.message for f in findings if f.kind == "language")


def test_docx_toc_numbers_that_are_not_the_layouts_are_found(veridia, tmp_path):
    """The data grew after the build: the headings moved, the DOCX's numbers did not."""
    data = tmp_path / "veridia.yaml"
    text = VERIDIA.read_text(encoding="utf-8")
    paragraph = "The experts also took into account written comments"
    data.write_text(text.replace(paragraph, (paragraph.replace("comments", "notes") + " ") * 150 + paragraph, 1),
                    encoding="utf-8")
    findings = check(veridia["en", "docx"], data)
    assert "toc" in {f.kind for f in findings}, findings
    assert any(re.search(r"shows page \d+; its heading is on page \d+", f.message) for f in findings)


def test_a_pdf_whose_contents_page_lies_is_found(tmp_path, monkeypatch):
    from iapreport.writers import pdf

    real_layout = pdf.layout

    def lying_layout(document, theme):
        setter, pages, heading_pages = real_layout(document, theme)
        heading_pages = dict(heading_pages, rec_2=heading_pages["rec_2"] + 3)
        return setter, pages, heading_pages

    monkeypatch.setattr(pdf, "layout", lying_layout)
    (out,) = build(VERIDIA, langs=["en"], formats=["pdf"], outdir=tmp_path)
    monkeypatch.undo()
    findings = check(out.path, VERIDIA)
    assert [f.kind for f in findings] == ["toc"], findings
    found = re.search(r"'Recommendation No.\u00a02' shows page (\d+), which does not have that heading; it is "
                      r"on page (\d+)", findings[0].message)
    assert found and int(found.group(1)) == int(found.group(2)) + 3, findings


@pytest.mark.unreadable_outputs("a truncated PDF, which the command must refuse")
def test_the_command_exits_1_on_findings_and_2_on_an_unreadable_file(veridia, tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "iapreport", "check", *map(str, args)], capture_output=True,
                              text=True)

    ok = run(veridia["en", "pdf"], veridia["ru", "docx"], "--data", VERIDIA)
    assert ok.returncode == 0 and ok.stdout == "", ok.stderr
    data = tmp_path / "veridia.yaml"
    data.write_text(VERIDIA.read_text(encoding="utf-8").replace("The experts also took", "The experts also "
                                                                "took Zanzibarian", 1), encoding="utf-8")
    found = run(veridia["en", "pdf"], "--data", data)
    assert found.returncode == 1 and "missing: 1 word of the data not in the output: Zanzibarian" in found.stdout
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(veridia["en", "pdf"].read_bytes()[:2000])
    bad = run(broken, "--data", VERIDIA, "--lang", "en")
    assert bad.returncode == 2 and "cannot read the PDF" in bad.stderr and "Traceback" not in bad.stderr
    with pytest.raises(CheckError, match="neither a DOCX nor a PDF"):
        check(VERIDIA, VERIDIA)
