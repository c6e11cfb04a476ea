"""Logos on the cover: named in data or theme, checked when loaded (every problem located), placed
by compose at the top of the cover, and set by the DOCX writer at the theme's height.

Images are made here with Pillow in tmp_path; no binary file is kept in the repository.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import docx
import jsonschema
import pytest
import yaml
from docx.shared import Mm
from PIL import Image as PILImage

from iapreport import loader as load_module
from iapreport.composer import compose
from iapreport.loader import json_schema, load, load_file, load_text
from iapreport.resources import templates_dir
from iapreport.theme import ThemeError, load_theme
from iapreport.tree import ImageRow, dump, walk
from iapreport.writers.docx import render_docx

from test_load import MINIMAL

#: a folder and files whose names have spaces and Cyrillic letters
FOLDER = "логотипы и знаки"
PNG_NAME = "oecd logo.png"
JPEG_NAME = "сеть АКС.jpg"


def png(path: Path, size=(400, 200), colour="navy") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, colour).save(path, "PNG")
    return path


def jpeg(path: Path, size=(300, 300), colour="red") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, colour).save(path, "JPEG")
    return path


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares a size and holds no pixels (for sizes no one would really encode)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IEND", b""))


def with_logos(*paths: str) -> str:
    """MINIMAL with a `logos:` list on line 4 (JSON strings are valid YAML flow scalars)."""
    items = ", ".join(json.dumps(p, ensure_ascii=False) for p in paths)
    return MINIMAL.replace("round: 4\n", f"round: 4\nlogos: [{items}]\n")


@pytest.fixture
def logos(tmp_path) -> tuple[Path, Path]:
    return png(tmp_path / FOLDER / PNG_NAME), jpeg(tmp_path / FOLDER / JPEG_NAME)


def write_data(tmp_path: Path, text: str, name: str = "report.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def theme_file(tmp_path: Path, cover: dict, name: str = "theme.yaml") -> Path:
    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    raw["cover"] = cover
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


# -- loading ---------------------------------------------------------------------------------------


def test_logos_are_read_relative_to_the_data_file(tmp_path, logos):
    path = write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}", f"{FOLDER}/{JPEG_NAME}"))
    result = load_file(path)
    assert result.problems == []
    first, second = result.report.logos
    assert (Path(first.path), first.width_px, first.height_px) == (logos[0], 400, 200)
    assert (Path(second.path), second.width_px, second.height_px) == (logos[1], 300, 300)
    assert Path(first.path).is_absolute()


def test_absolute_and_windows_style_paths(tmp_path, logos):
    text = with_logos(str(logos[0]), f"{FOLDER}\\{JPEG_NAME}")
    report = load(write_data(tmp_path, text))
    assert [Path(logo.path) for logo in report.logos] == list(logos)


def test_no_logos_field_and_an_empty_list_differ():
    assert load_text(MINIMAL).report.logos is None  # the theme's logos, if any
    assert load_text(MINIMAL.replace("round: 4\n", "round: 4\nlogos: []\n")).report.logos == ()  # none at all


def test_data_without_a_file_reads_relative_paths_from_the_current_directory(tmp_path, logos, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = load_text(with_logos(f"{FOLDER}/{PNG_NAME}"))
    assert result.problems == [] and Path(result.report.logos[0].path) == logos[0]
    missing = load_text(with_logos("nowhere.png")).errors
    assert len(missing) == 1
    assert f"the data has no file, so a relative path starts from the current directory, {tmp_path}" \
        in str(missing[0])
    data_dir = tmp_path / "elsewhere"
    data_dir.mkdir()
    assert load_text(with_logos(f"../{FOLDER}/{PNG_NAME}"), base_dir=data_dir).problems == []


def _truncated_png(path: Path) -> None:
    data = png(path, (200, 100)).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _jpeg_without_jfif(path: Path) -> None:
    data = jpeg(path).read_bytes()
    app0 = struct.unpack(">H", data[4:6])[0]
    path.write_bytes(data[:2] + data[4 + app0:])  # SOI, then what followed the JFIF segment


BAD_IMAGES = [
    ("missing.png", None, "cannot find the image file {path} (hint: a relative path starts from the data "
                          "file's folder, {folder})"),
    ("garbage.png", lambda p: p.write_bytes(b"this is not an image at all"), "{path} is not a PNG or JPEG image"),
    ("drawing.gif", lambda p: PILImage.new("RGB", (20, 20)).save(p, "GIF"),
     "{path} is a GIF image; only PNG and JPEG are accepted"),
    ("truncated.png", _truncated_png, "{path} is a damaged PNG file"),
    ("empty.png", lambda p: p.write_bytes(b""), "the image file {path} is empty"),
    ("folder.png", lambda p: p.mkdir(), "{path} is a folder, not an image file"),
    ("huge.png", lambda p: p.write_bytes(png_header(100_000, 100_000)), "{path} declares more than"),
    ("wide.png", lambda p: p.write_bytes(png_header(30_000, 600)), "{path} is 30000×600 pixels, more than"),
    ("thin.png", lambda p: png(p, (1000, 10)), "{path} is 1000×10 pixels, too thin to print"),
    ("headerless.jpg", _jpeg_without_jfif, "{path} is a JPEG without a JFIF or Exif header"),
]


@pytest.mark.parametrize("name,make,message", BAD_IMAGES, ids=[b[0] for b in BAD_IMAGES])
def test_a_bad_image_is_a_located_error(tmp_path, logos, name, make, message):
    target = tmp_path / name
    if make:
        make(target)
    path = write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}", name))
    errors = load_file(path).errors
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    column = with_logos(f"{FOLDER}/{PNG_NAME}", name).splitlines()[3].index(f'"{name}"') + 1
    assert (error.file, error.line, error.column, error.path) == (str(path), 4, column, "logos[1]")
    expected = message.format(path=target, folder=tmp_path)
    assert str(error).startswith(f"{path}:4:{column}: logos[1]: {expected}"), str(error)


def test_every_bad_image_is_reported_at_once(tmp_path, logos):
    names = []
    for name, make, _ in BAD_IMAGES:
        if make:
            make(tmp_path / name)
        names.append(name)
    errors = load_file(write_data(tmp_path, with_logos(*names, f"{FOLDER}/{PNG_NAME}"))).errors
    assert [e.path for e in errors] == [f"logos[{i}]" for i in range(len(names))]


def test_an_unreadable_image_is_reported(tmp_path, logos, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(load_module, "open", refuse, raising=False)  # the module's `open` only
    errors = load_file(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}"))).errors
    assert [str(e).split(": ", 1)[1] for e in errors] == \
        [f"logos[0]: cannot read the image file {logos[0]}: Permission denied"]


@pytest.mark.parametrize("value,message", [
    ("logo.png", "expected a list, found a string"),
    ("[1]", "expected a string, found an integer"),
    ("['']", "must not be empty"),
])
def test_logos_of_the_wrong_kind(value, message):
    errors = load_text(MINIMAL.replace("round: 4\n", f"round: 4\nlogos: {value}\n")).errors
    assert len(errors) == 1 and errors[0].line == 4 and message in errors[0].message


def test_the_schema_agrees_with_validation(tmp_path, logos):
    validator = jsonschema.Draft202012Validator(json_schema())
    assert "logos" in json_schema()["properties"] and "logos" not in json_schema()["required"]

    def raw(text: str):
        return json.loads(json.dumps(yaml.safe_load(text), default=str))

    good = with_logos(str(logos[0]), str(logos[1]))
    assert list(validator.iter_errors(raw(good))) == [] and load_text(good).problems == []
    for value in ("logo.png", "[1]", "['']", "{a: b.png}"):
        text = MINIMAL.replace("round: 4\n", f"round: 4\nlogos: {value}\n")
        assert list(validator.iter_errors(raw(text))), value
        assert load_text(text).errors, value


# -- theme -----------------------------------------------------------------------------------------


def test_the_shipped_theme_has_a_cover_without_logos(theme):
    assert theme.cover.logo_height == 18 and theme.cover.logo_gap == 6 and theme.cover.logos == ()


def test_theme_logos_are_read_relative_to_the_theme_file(tmp_path, logos):
    path = theme_file(tmp_path, {"logo_height": 12.5, "logo_gap": 4, "logo_align": "center",
                                 "logos": [f"{FOLDER}/{JPEG_NAME}"]})
    cover = load_theme(path).cover
    assert (cover.logo_height, cover.logo_gap, cover.logo_align) == (12.5, 4.0, "center")
    assert [(Path(logo.path), logo.width_px, logo.height_px) for logo in cover.logos] == [(logos[1], 300, 300)]


@pytest.mark.parametrize("cover,message", [
    ({"logo_height": 0}, "cover.logo_height: expected millimetres from 1 to 100, found 0"),
    ({"logo_gap": "wide"}, "cover.logo_gap: expected millimetres from 0 to 50, found 'wide'"),
    ({"logo_height": True}, "cover.logo_height: expected millimetres"),
    ({"logo_align": "middle"}, "cover.logo_align: expected left, center or right, found 'middle'"),
    ({"logo_hieght": 10}, "cover has unknown properties: logo_hieght"),
    ({"logos": "oecd.png"}, "cover.logos: expected a list of image files"),
    ({"logos": ["nowhere.png"]}, "cover.logos[0]: cannot find the image file "),
    ("big", "cover: expected a mapping"),
])
def test_theme_cover_mistakes_are_named(tmp_path, cover, message):
    path = theme_file(tmp_path, cover)
    with pytest.raises(ThemeError) as caught:
        load_theme(path)
    assert str(caught.value).startswith(f"{path}: {message}"), str(caught.value)


# -- compose and the tree --------------------------------------------------------------------------


def first_block(document):
    return document.sections[0].blocks[0]


def test_data_logos_open_the_cover(tmp_path, logos, theme):
    report = load(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}", f"{FOLDER}/{JPEG_NAME}")))
    document = compose(report, "en")
    row = first_block(document)
    assert isinstance(row, ImageRow) and row.source == "logos"
    assert [(Path(i.path), i.width_px, i.height_px) for i in row.images] == [(logos[0], 400, 200),
                                                                             (logos[1], 300, 300)]
    assert (row.height, row.gap, row.align) == (theme.cover.logo_height, theme.cover.logo_gap, "left")
    assert row.widths() == (36.0, 18.0) and row.width == 60.0
    assert row in list(walk(document.blocks()))
    assert (f"  image-row [logos] height=18.00mm gap=6.00mm align=left space_after=8.00mm: "
            f"{PNG_NAME} 400x200 | {JPEG_NAME} 300x300\n") in dump(document)
    # the rest of the cover is what it was without logos
    plain = compose(load_text(MINIMAL).report, "en")
    assert document.sections[0].blocks[1:] == plain.sections[0].blocks


def test_the_samples_have_no_image_row(kz_docs):
    for document in kz_docs.values():
        assert not any(isinstance(block, ImageRow) for block in walk(document.blocks()))
        assert "image-row" not in dump(document)


def test_theme_logos_serve_when_the_data_names_none(tmp_path, logos):
    theme = load_theme(theme_file(tmp_path, {"logo_height": 10, "logos": [f"{FOLDER}/{JPEG_NAME}"]}))
    row = first_block(compose(load_text(MINIMAL).report, "en", theme=theme))
    assert isinstance(row, ImageRow) and row.source == "theme:cover.logos" and row.height == 10
    assert [Path(i.path) for i in row.images] == [logos[1]]
    own = load(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}")))
    assert [Path(i.path) for i in first_block(compose(own, "en", theme=theme)).images] == [logos[0]]
    none = load_text(MINIMAL.replace("round: 4\n", "round: 4\nlogos: []\n")).report
    assert not isinstance(first_block(compose(none, "en", theme=theme)), ImageRow)


def test_a_row_wider_than_the_text_shrinks_to_fit(tmp_path, theme):
    wide = png(tmp_path / "wide.png", (1200, 200))  # 108 mm wide at 18 mm high
    report = load(write_data(tmp_path, with_logos("wide.png", "wide.png", "wide.png")))
    row = first_block(compose(report, "en"))
    room = theme.page.text_width
    assert room - 1 < row.width <= room  # heights in hundredths of a millimetre
    assert row.height < theme.cover.logo_height
    assert row.gap / row.height == pytest.approx(theme.cover.logo_gap / theme.cover.logo_height, rel=1e-2)
    assert Path(row.images[0].path) == wide


# -- DOCX ------------------------------------------------------------------------------------------


def _docx(document, theme, tmp_path) -> docx.document.Document:
    path = tmp_path / "out.docx"
    path.write_bytes(render_docx(document, theme))
    return docx.Document(str(path))


def test_docx_places_the_logos_at_the_themes_height(tmp_path, logos, theme):
    report = load(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}", f"{FOLDER}/{JPEG_NAME}")))
    word = _docx(compose(report, "en"), theme, tmp_path)
    shapes = word.inline_shapes
    assert len(shapes) == 2
    assert [s.height for s in shapes] == [Mm(theme.cover.logo_height)] * 2
    assert [s.width for s in shapes] == [Mm(36), Mm(18)]  # each by its own proportions
    first = word.paragraphs[0]  # the row opens the cover, in one paragraph
    assert len(first._p.xpath(".//w:drawing")) == 2
    # the second logo stands at a tab stop one gap after the first
    stops = [stop.position.mm for stop in first.paragraph_format.tab_stops]  # in twips: 1/56.7 mm
    assert stops == [pytest.approx(36 + theme.cover.logo_gap, abs=0.02)]
    images = [rel.target_part.content_type for rel in word.part.rels.values() if rel.reltype.endswith("/image")]
    assert sorted(images) == ["image/jpeg", "image/png"]
    assert word.paragraphs[1].text == "ACN"


def test_docx_centres_a_theme_row_and_rebuilds_identically(tmp_path, logos):
    theme = load_theme(theme_file(tmp_path, {"logo_height": 10, "logo_gap": 5, "logo_align": "center",
                                             "logos": [f"{FOLDER}/{PNG_NAME}", f"{FOLDER}/{JPEG_NAME}"]}))
    document = compose(load_text(MINIMAL).report, "ru", theme=theme)
    word = _docx(document, theme, tmp_path)
    assert [s.height for s in word.inline_shapes] == [Mm(10)] * 2
    left = (theme.page.text_width - (20 + 5 + 10)) / 2
    stops = [stop.position.mm for stop in word.paragraphs[0].paragraph_format.tab_stops]
    assert stops == [pytest.approx(left, abs=0.02), pytest.approx(left + 25, abs=0.02)]
    assert render_docx(document, theme) == render_docx(document, theme)


def test_docx_names_a_logo_that_vanished_after_loading(tmp_path, logos, theme):
    from iapreport.writers import WriterError

    report = load(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}")))
    document = compose(report, "en")
    logos[0].unlink()
    with pytest.raises(WriterError, match=f"logos: cannot place the image {logos[0]}"):
        render_docx(document, theme)


# -- PDF -------------------------------------------------------------------------------------------


MM_PT = 72 / 25.4


def _placed_images(path: Path, page: int = 0) -> list[tuple[float, float, float, float]]:
    """(width, height, x, y) in points of every image drawn on a page: the `cm` before each `Do`."""
    import re

    from pypdf import PdfReader

    content = PdfReader(str(path)).pages[page].get_contents().get_data().decode("latin-1")
    pattern = r"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm\s*/\S+ Do"
    return [tuple(float(v) for v in match) for match in re.findall(pattern, content)]


def test_pdf_places_the_logos_at_the_themes_height_on_the_cover(tmp_path, logos, theme):
    from iapreport.writers.pdf import write_pdf

    report = load(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}", f"{FOLDER}/{JPEG_NAME}")))
    document = compose(report, "ru")
    target = tmp_path / "вывод с пробелом" / "out.pdf"
    write_pdf(document, theme, target)
    placed = _placed_images(target)
    height = theme.cover.logo_height * MM_PT
    assert [(round(w, 2), round(h, 2)) for w, h, _, _ in placed] == \
        [(round(36 * MM_PT, 2), round(height, 2)), (round(18 * MM_PT, 2), round(height, 2))]
    (x1, y1), (x2, y2) = [(x, y) for _, _, x, y in placed]
    assert x1 == pytest.approx(theme.page.margin_left * MM_PT, abs=0.01)
    assert x2 == pytest.approx(x1 + (36 + theme.cover.logo_gap) * MM_PT, abs=0.01)  # one gap after the first
    # the row's top is the frame's top: the first thing on the cover
    top = (theme.page.height - theme.page.margin_top) * MM_PT
    assert y1 + height == pytest.approx(top, abs=0.01) and y1 == y2
    listed = subprocess.run(["pdfimages", "-list", str(target)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listed.splitlines()[2:]]
    assert [(r[0], r[3], r[4], r[8]) for r in rows] == [("1", "400", "200", "image"), ("1", "300", "300", "jpeg")]
    assert _placed_images(target, 1) == []  # the logos are on the cover only


def test_pdf_without_logos_draws_no_image(tmp_path, theme):
    from iapreport.writers.pdf import write_pdf

    write_pdf(compose(load_text(MINIMAL).report, "en"), theme, tmp_path / "out.pdf")
    assert _placed_images(tmp_path / "out.pdf") == []


def test_pdf_names_a_logo_that_vanished_after_loading(tmp_path, logos, theme):
    from iapreport.writers import WriterError
    from iapreport.writers.pdf import write_pdf

    report = load(write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}")))
    document = compose(report, "en")
    logos[0].unlink()
    with pytest.raises(WriterError, match="logos: cannot read the image"):
        write_pdf(document, theme, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_build_with_a_theme_file_uses_its_logos_in_both_formats(tmp_path, logos):
    from iapreport.api import build

    theme = theme_file(tmp_path, {"logo_height": 10, "logo_gap": 5, "logos": [f"{FOLDER}/{PNG_NAME}"]})
    data = write_data(tmp_path, MINIMAL)
    outputs = build(data, langs=["en"], formats=["docx", "pdf"], outdir=tmp_path / "out", theme=theme)
    pdf = next(o.path for o in outputs if o.format == "pdf")
    word = docx.Document(str(next(o.path for o in outputs if o.format == "docx")))
    assert [s.height for s in word.inline_shapes] == [Mm(10)]
    [(width, height, _, _)] = _placed_images(pdf)
    assert (width, height) == (pytest.approx(20 * MM_PT, abs=0.01), pytest.approx(10 * MM_PT, abs=0.01))


# -- command line ----------------------------------------------------------------------------------


def test_validate_command_locates_a_missing_logo(tmp_path, logos):
    path = write_data(tmp_path, with_logos(f"{FOLDER}/{PNG_NAME}", "logos/missing.png"))
    result = subprocess.run([sys.executable, "-m", "iapreport", "validate", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    column = with_logos(f"{FOLDER}/{PNG_NAME}", "x").splitlines()[3].index('"x"') + 1
    assert (f"{path}:4:{column}: logos[1]: cannot find the image file {tmp_path / 'logos' / 'missing.png'} "
            f"(hint: a relative path starts from the data file's folder, {tmp_path})") in result.stderr
    assert "invalid (1 error)" in result.stderr and "Traceback" not in result.stderr


def test_dump_tree_command_shows_the_row(tmp_path, logos):
    path = write_data(tmp_path, with_logos(f"{FOLDER}/{JPEG_NAME}"))
    result = subprocess.run([sys.executable, "-m", "iapreport", "dump-tree", str(path), "--lang", "ru"],
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert f"image-row [logos] height=18.00mm gap=6.00mm align=left space_after=8.00mm: {JPEG_NAME} 300x300" \
        in result.stdout
