"""The end-of-session readers (issue 12, `conftest.py`): every .docx and .pdf the suite writes is
opened by LibreOffice, or checked with `qpdf --check` and `pdffonts`. These tests give the readers
files known to be bad, so the mechanism is shown to catch them, not only to run."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import check_readers, reader_inputs
from iapreport.tree import Document, Metadata, Paragraph, Run, Section
from iapreport.writers.docx import write_docx
from iapreport.writers.pdf import write_pdf

TESTS = Path(__file__).resolve().parent


def _small() -> Document:
    meta = Metadata(title="Readers", subject="Bad files", author="iapreport", keywords=("test",), language="en-GB",
                    date=dt.date(2021, 10, 15))
    return Document(meta, (Section((Paragraph((Run("A paragraph the readers read."),), "body", "p"),)),))


@pytest.mark.unreadable_outputs("writes a truncated PDF, a PDF with a bare font and DOCX files that are no DOCX")
def test_the_readers_refuse_bad_files_and_pass_good_ones(tmp_path, theme):
    good_pdf, good_docx = tmp_path / "good.pdf", tmp_path / "good.docx"
    write_pdf(_small(), theme, good_pdf)
    write_docx(_small(), theme, good_docx)
    data = good_pdf.read_bytes()
    (tmp_path / "truncated.pdf").write_bytes(data[: len(data) // 2])
    from reportlab.pdfgen import canvas  # a base-14 font: named, never embedded

    bare = canvas.Canvas(str(tmp_path / "bare-font.pdf"))
    bare.setFont("Helvetica", 12)
    bare.drawString(72, 720, "Helvetica is not embedded")
    bare.save()
    (tmp_path / "not-a-zip.docx").write_bytes(b"This is plain text, which LibreOffice would open as a text file.\n")
    docx = good_docx.read_bytes()
    (tmp_path / "truncated.docx").write_bytes(docx[: len(docx) // 2])
    with zipfile.ZipFile(tmp_path / "no-document.docx", "w") as z:  # a zip, but not a word processing package
        z.writestr("hello.txt", "no [Content_Types].xml, no word/document.xml")
    with zipfile.ZipFile(good_docx) as z, zipfile.ZipFile(tmp_path / "malformed-xml.docx", "w") as out:
        for member in z.infolist():  # the package whole, its main part's XML cut off half-way
            data = z.read(member)
            out.writestr(member, data[: len(data) // 2] if member.filename == "word/document.xml" else data)
    (tmp_path / "good copy.docx").write_bytes(docx)  # the same bytes: read once

    groups = reader_inputs(tmp_path)
    assert sorted(len(g) for g in groups) == [1] * 7 + [2]
    failures = {group[0].name: why for group, why in check_readers(groups, tmp_path / "work")}
    assert set(failures) == {"truncated.pdf", "bare-font.pdf", "not-a-zip.docx", "truncated.docx",
                             "no-document.docx", "malformed-xml.docx"}, failures
    assert failures["truncated.pdf"].startswith("qpdf --check (status 2)")
    assert failures["bare-font.pdf"] == "pdffonts: fonts not embedded: Helvetica (Type 1)"
    for name in ("not-a-zip.docx", "truncated.docx", "no-document.docx", "malformed-xml.docx"):
        assert failures[name].startswith("LibreOffice could not open it (nothing came out"), failures[name]
        assert "source file could not be loaded" in failures[name]


@pytest.mark.unreadable_outputs("writes .docx and .pdf files that hold only their own names")
def test_only_visible_docx_and_pdf_files_are_read_once_per_content(tmp_path):
    for name in ("a.pdf", "b.pdf", "sub/c.pdf", "a.docx", "sub/deeper/a.docx", "d.docx",
                 ".hidden.pdf", ".x.docx.1a2b3c.part", "x.pdf.part", "x.PDF", "x.pdfx", "notes.txt",
                 ".iapreport-scratch/e.pdf", "skipped/f.pdf"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"same" if name.endswith(("a.pdf", "b.pdf", "c.pdf")) else name.encode())
    (tmp_path / "link.pdf").symlink_to(tmp_path / "a.pdf")
    groups = reader_inputs(tmp_path, excluded=[tmp_path / "skipped"])
    found = sorted(sorted(str(p.relative_to(tmp_path)) for p in g) for g in groups)
    assert found == [["a.docx"], ["a.pdf", "b.pdf", "sub/c.pdf"], ["d.docx"], ["sub/deeper/a.docx"]]


CHILD_TESTS = '''
import pytest

def test_writes_a_broken_pdf(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\\nnot really")
    (tmp_path / ".scratch.pdf").write_bytes(b"ignored: a dot file")
    (tmp_path / "out.pdf.part").write_bytes(b"ignored: not .pdf")

@pytest.mark.unreadable_outputs("broken on purpose")
def test_writes_an_excluded_broken_pdf(tmp_path):
    (tmp_path / "excluded.pdf").write_bytes(b"%PDF-1.4\\nnot really")
'''


@pytest.mark.unreadable_outputs("a child session writes broken PDFs under this tmp_path")
def test_a_session_that_wrote_an_unreadable_file_fails(tmp_path):
    """A whole pytest session with this conftest: its tests pass, yet the broken PDF one wrote
    fails the run, naming the file and qpdf's message; the excluded and hidden ones are not read;
    IAPREPORT_SKIP_READERS=1 lets the same session pass."""
    child = tmp_path / "child"
    child.mkdir()
    (child / "conftest.py").write_text((TESTS / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (child / "test_child.py").write_text(CHILD_TESTS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "IAPREPORT_SKIP_READERS"}

    def run(**extra):
        return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
                               f"--basetemp={tmp_path / 'basetemp'}", str(child)],
                              cwd=child, capture_output=True, text=True, timeout=300, env={**env, **extra})

    result = run()
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert "outputs a real reader refused" in result.stdout
    assert "broken.pdf: qpdf --check" in result.stdout
    assert "1 distinct PDF and 0 distinct DOCX of 1 files" in result.stdout
    assert "excluded.pdf" not in result.stdout and ".scratch.pdf" not in result.stdout
    skipped = run(IAPREPORT_SKIP_READERS="1")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "readers:" not in skipped.stdout
