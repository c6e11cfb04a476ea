"""The one theme: inheritance resolves, both writers cover every style, every used style exists."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from iapreport.resources import templates_dir
from iapreport.theme import ThemeError, load_theme
from iapreport.tree import Run, Heading, walk_paragraphs


def test_inheritance_is_resolved(theme):
    chapter = theme.style("heading-chapter")
    assert chapter.font == "sans" and chapter.bold and chapter.size == 14  # own size, base's font
    assert theme.style("rating-lack_of_progress").background == theme.colours["lack_of_progress"]
    assert theme.style("rating-not_implemented").name == "rating"  # unknown ratings fall back


def test_every_style_the_documents_use_is_in_the_theme(kz_docs, theme):
    for document in kz_docs.values():
        names = {p.style for section in document.sections for p in walk_paragraphs(section.blocks)}
        names |= {b.style for b in document.blocks() if isinstance(b, Heading)}
        for name in names:
            theme.style(name)


def test_both_writers_cover_every_theme_style(theme, kz_docs):
    import docx

    from iapreport.writers import pdf
    from iapreport.writers.docx import build_styles, word_style_name

    word = docx.Document()
    build_styles(word, theme)
    for name, style in theme.styles.items():
        word_style = word.styles[word_style_name(name)]
        assert word_style.font.size.pt == style.size and bool(word_style.font.bold) == style.bold, name
    setter = pdf._Setter(kz_docs["en"], theme)
    for name, style in theme.styles.items():
        text = setter.text((Run("Text"),), style, name, width=300)
        assert text.size == style.size and text.leading == style.size * style.leading, name
        face = {(False, False): "regular", (True, False): "bold", (False, True): "italic",
                (True, True): "bold_italic"}[style.bold, style.italic]
        expected = getattr(theme.fonts[style.font], face)
        drawn = text.lines[0].fragments[0].face.path
        assert Path(drawn).resolve() == Path(expected).resolve(), name


def test_bad_themes_are_reported(tmp_path):
    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    raw["styles"]["body"]["base"] = "nonexistent"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ThemeError, match="unknown base style 'nonexistent'"):
        load_theme(path)
    raw["styles"]["body"] = {"base": "base", "colour_typo": "red"}
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ThemeError, match="unknown properties: colour_typo"):
        load_theme(path)


@pytest.mark.parametrize("change,message", [
    (lambda raw: raw["page"].update(size="A5"), "page size 'A5'"),
    (lambda raw: raw["styles"]["body"].update(colour="reed"), "colour: 'reed' is neither"),
    (lambda raw: raw.pop("page"), "incomplete or malformed"),
])
def test_theme_mistakes_are_named(tmp_path, change, message):
    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "theme.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ThemeError, match=message.replace("(", r"\(")):
        load_theme(path)


def test_theme_cycles_unknown_fonts_and_options(tmp_path):
    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "t.yaml"

    def load(change):
        data = yaml.safe_load(yaml.safe_dump(raw))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return load_theme(path)

    with pytest.raises(ThemeError, match="inherits from itself"):
        load(lambda d: d["styles"]["base"].update(base="body"))
    with pytest.raises(ThemeError, match="unknown font 'script'"):
        load(lambda d: d["styles"]["body"].update(font="script"))
    letter = load(lambda d: (d["page"].update(size="Letter"), d.update(docx={"embed_fonts": False}),
                             d["lists"].update(bullets=["•", "◦"])))
    assert (letter.page.width, letter.docx_embed_fonts) == (215.9, False)
    assert [letter.lists.bullet(level) for level in range(3)] == ["•", "◦", "•"]


def test_docx_without_embedded_fonts(tmp_path, kz_docs):
    import zipfile

    from iapreport.writers.docx import write_docx

    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    raw["docx"] = {"embed_fonts": False}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    write_docx(kz_docs["en"], load_theme(path), tmp_path / "x.docx")
    with zipfile.ZipFile(tmp_path / "x.docx") as z:
        assert not [n for n in z.namelist() if n.endswith(".odttf")]
        assert b"PT Serif" in z.read("word/fontTable.xml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_theme_that_is_a_pipe_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "theme.yaml"
    os.mkfifo(pipe)
    with pytest.raises(ThemeError, match="named pipe"):
        load_theme(pipe)


def test_a_theme_alias_bomb_or_a_huge_number_is_a_theme_error(tmp_path):
    """A theme is read under the data files' limits: aliases repeating too much are refused at
    the alias, located; a 5,000-digit number is a ThemeError, not a traceback."""
    bomb = tmp_path / "bomb.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ThemeError, match=r"bomb\.yaml:\d+:\d+: .*alias"):
        load_theme(bomb)
    huge = tmp_path / "huge.yaml"
    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    huge.write_text(yaml.safe_dump(raw).replace("page:", "extra: " + "9" * 5000 + "\npage:", 1), encoding="utf-8")
    with pytest.raises(ThemeError):
        load_theme(huge)
