"""Font fallback: every character of real text prints in both formats, or is found by validation.

Text pasted from Word and e-mail carries characters PT Serif and PT Sans lack ("●", "ə", "₸",
arrows, check marks, Georgian, Armenian). The theme's fallback chains set each in the first face
that has it; the DOCX names that face on the run; a character no face has is a located
validation error, every one at once, and the build writes nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from iapreport import glyphs
from iapreport.api import build
from iapreport.loader import DataError, load_text
from iapreport.resources import templates_dir
from iapreport.theme import load_theme
from iapreport.writers.fonts import chain_for

from test_load import MINIMAL

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: what a secretariat member pastes: Azerbaijani schwa, tenge, arrows, marks, shapes, relations,
#: a figure dash, primes, a thin and a narrow no-break space, Georgian and Armenian names
PASTED = "● ə Ə ₸ → ✓ ✔ ▪ ◦ ■ ○ ≥ ≤ ≠ ‒ ′ ″ 5\u2009000 1\u202f077 საქართველო Հայաստան"
PASTED_CHARS = sorted(set(PASTED) - set(" 0157"))


def cli(*args):
    return subprocess.run([sys.executable, "-m", "iapreport", *map(str, args)], capture_output=True, text=True)


def data_with(assessment: str, title: str = "Policy documents") -> str:
    return (MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}',
                            f'assessment: {{en: "1.1. Good {assessment}.", ru: "1.1. Хорошо {assessment}."}}')
            .replace("title: {en: Policy documents,", f"title: {{en: {title},"))


def test_the_theme_chains_cover_every_pasted_character():
    theme = load_theme()
    for font in ("serif", "sans"):
        for bold in (False, True):
            for italic in (False, True):
                chain = chain_for(theme, font, bold, italic)
                assert chain.missing(PASTED) == [], (font, bold, italic)
                # PT itself lacks them: the fallback does the work
                assert set(PASTED_CHARS) - chain.primary.coverage


def test_pasted_characters_build_in_both_formats_and_the_docx_names_the_fallback(tmp_path):
    path = tmp_path / "pasted.yaml"
    path.write_text(data_with(PASTED), encoding="utf-8")
    assert cli("validate", path).returncode == 0
    outputs = build(path, langs=["en"], formats=["docx", "pdf"], outdir=tmp_path / "out")
    docx = next(o.path for o in outputs if o.format == "docx")
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        font_table = z.read("word/fontTable.xml").decode("utf-8")
    runs = {}
    for run in body.iter(f"{{{W}}}r"):
        text = "".join(t.text or "" for t in run.iter(f"{{{W}}}t"))
        fonts = run.find(f"{{{W}}}rPr/{{{W}}}rFonts")
        runs.setdefault(fonts.get(f"{{{W}}}ascii") if fonts is not None else None, []).append(text)
    fallback_text = "".join(runs.get("DejaVu Serif", []) + runs.get("DejaVu Sans", []))
    # each pasted character PT lacks in a run that names a DejaVu face; the rest in the style's own
    lacking = set(PASTED_CHARS) - chain_for(load_theme(), "serif", False, False).primary.coverage
    assert lacking and lacking <= set(fallback_text)
    assert not (set(PASTED_CHARS) - lacking) & set(fallback_text)
    assert "Good" in "".join(runs[None]) and "Good" not in fallback_text
    # the check marks are not in DejaVu Serif: they fall through to DejaVu Sans
    assert "✓" in "".join(runs["DejaVu Sans"]) and "ə" in "".join(runs["DejaVu Serif"])
    assert 'w:name="DejaVu Serif"' in font_table and 'w:name="DejaVu Sans"' in font_table


def test_libreoffice_shows_the_docx_fallback_characters(tmp_path):
    """LibreOffice reads the DOCX's runs (and the embedded DejaVu) and prints every character."""
    path = tmp_path / "pasted.yaml"
    path.write_text(data_with(PASTED), encoding="utf-8")
    [output] = build(path, langs=["en"], formats=["docx"], outdir=tmp_path)
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"),
                    str(output.path)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "lo" / "pasted.en.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    printed = set(text)
    visible = [c for c in PASTED_CHARS if not c.isspace()]
    assert set(visible) <= printed, sorted(set(visible) - printed)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "lo" / "pasted.en.pdf")], check=True,
                           capture_output=True, text=True).stdout
    assert "DejaVu" in fonts


def _no_fallback_theme(tmp_path: Path) -> Path:
    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    for family in raw["fonts"].values():
        family.pop("fallback", None)
    path = tmp_path / "тема без запасных.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_finds_every_unprintable_character_located_and_build_writes_nothing(tmp_path):
    text = data_with("中 and ‎ok", title="Policy \U0010fffd docs").replace("‎", "")
    text = text.replace('government_report: {en: "1) Done.",', 'government_report: {en: "1) Done שלום.",')
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    result = cli("validate", path)
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err
    expected = [
        ("chapters[0].recommendations[0].title.en", "\U0010fffd", "U+10FFFD"),
        ("chapters[0].recommendations[0].updates[0].government_report.en", "ש", "U+05E9"),
        ("chapters[0].recommendations[0].updates[0].assessment.en", "中", "U+4E2D"),
    ]
    for path_, char, code in expected:
        line = next(n for n, source in enumerate(lines, 1) if char in source)
        column = lines[line - 1].index(char) + 1
        assert re.search(rf"{re.escape(str(path))}:{line}:{column}: {re.escape(path_)}: .*{re.escape(code)}", err), err
    assert "right-to-left" in err and "no font of the theme can print" in err
    # every character of the Hebrew word, each located: all problems at once
    assert err.count("right-to-left") == 4
    out = tmp_path / "out"
    built = cli("build", path, "--lang", "en", "-o", out)
    assert built.returncode == 1 and "U+4E2D" in built.stderr and "U+10FFFD" in built.stderr
    assert not out.exists() or list(out.iterdir()) == []
    with pytest.raises(DataError) as info:
        build(path, langs=["en"], formats=["pdf"], outdir=out)
    assert {p.path for p in info.value.problems} >= {p for p, _, _ in expected}


def test_a_character_in_a_block_scalar_is_located_on_its_own_line(tmp_path):
    text = MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}',
                           'assessment:\n                  en: |\n                    First line.\n'
                           '                    Second 中 line.\n                  ru: "1.1. Хорошо."')
    result = load_text(text, "block.yaml")
    assert result.errors == []
    [problem] = glyphs.check(result.texts, load_theme(), "block.yaml")
    line = next(n for n, source in enumerate(text.splitlines(), 1) if "中" in source)
    assert (problem.line, problem.column) == (line, text.splitlines()[line - 1].index("中") + 1)
    assert problem.path.endswith("assessment.en")


def test_validate_reads_the_theme_it_is_given(tmp_path):
    """Without fallback fonts, "●" is beyond PT Serif: the same file is valid with the shipped
    theme and invalid with one whose families have no fallback."""
    path = tmp_path / "bullet.yaml"
    path.write_text(data_with("● done"), encoding="utf-8")
    assert cli("validate", path).returncode == 0
    result = cli("validate", "--theme", _no_fallback_theme(tmp_path), path)
    assert result.returncode == 1
    assert "U+25CF" in result.stderr and "assessment.en" in result.stderr
    assert "(tried PTSerif-Regular)" in result.stderr or "(tried PTSans-Regular)" in result.stderr


def test_capitals_only_where_the_fonts_have_them(tmp_path):
    """A style set in capitals upper-cases Latin and Cyrillic, and keeps Georgian as written: its
    capitals (Mtavruli, U+1C90-) are in no face of the chain, and would otherwise stop the build."""
    from test_pdf_hostile import document, para, pdftotext, write

    target = tmp_path / "caps.pdf"
    write(document([para("Tbilisi თბილისი Тбилиси", "cover.programme", "cover-programme")]), target)
    assert "TBILISI თბილისი ТБИЛИСИ" in pdftotext(target)
    chain = chain_for(load_theme(), "sans", True, False)
    assert chain.upper("straße ǆ თ") == "STRASSE Ǆ თ"


def test_validation_reads_coverages_from_the_cache_without_reportlab(tmp_path):
    """A warm cache answers which characters a face has: `validate` then neither imports reportlab
    nor reads a font; a font file that changes is read again (the key is the file's identity)."""
    import os
    import shutil

    from iapreport.writers.fonts import coverage_of

    env = {**os.environ, "IAPREPORT_CACHE_DIR": str(tmp_path / "cache")}
    path = tmp_path / "pasted.yaml"
    path.write_text(data_with(PASTED), encoding="utf-8")
    probe = ("import sys; from iapreport.cli import main; code = main(['validate', sys.argv[1]]); "
             "print('reportlab' in sys.modules); sys.exit(code)")
    runs = [subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, env=env)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout.split()[-1] == "True" and runs[1].stdout.split()[-1] == "False"

    theme = load_theme()
    font = tmp_path / "face.ttf"
    shutil.copyfile(theme.fonts["serif"].regular, font)
    assert "ə" not in coverage_of(font)
    shutil.copyfile(theme.fonts["sans-fallback"].regular, font)
    os.utime(font, ns=(1, 1))  # another size and time: another identity
    assert "ə" in coverage_of(font)


def test_an_emoji_is_refused_by_validation_though_dejavu_draws_it(tmp_path):
    """DejaVu Sans has 😀, but reportlab maps a character beyond U+FFFF to wrong text: the PDF would
    print it and read back something else, so validation names it, located."""
    text = data_with("\U0001F600")
    result = load_text(text, "emoji.yaml")
    problems = glyphs.check(result.texts, load_theme(), "emoji.yaml")
    assert {p.path for p in problems} == {"chapters[0].recommendations[0].updates[0].assessment.en",
                                          "chapters[0].recommendations[0].updates[0].assessment.ru"}
    assert all("U+1F600" in p.message and "Basic Multilingual Plane" in p.message for p in problems)


def test_uzbek_okina_and_a_zero_width_space_build_and_read_back(tmp_path):
    """Uzbek's official Latin letter ʻ (U+02BB, from DejaVu) and a zero-width space (a break
    opportunity that needs no glyph), pasted from the web: both formats, every word read back."""
    from pypdf import PdfReader

    from iapreport.check import check

    path = tmp_path / "uzbek.yaml"
    path.write_text(data_with("Oʻzbekiston Respublikasi; anti\u200bcorruption"), encoding="utf-8")
    assert cli("validate", path).returncode == 0
    outputs = build(path, langs=["en", "ru"], formats=["docx", "pdf"], outdir=tmp_path / "out")
    assert len(outputs) == 4
    for output in outputs:
        assert [f for f in check(output.path, path) if f.kind == "missing"] == [], output.path
    pdf = next(o.path for o in outputs if o.format == "pdf" and o.lang == "en")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Oʻzbekiston" in text
