"""The TrueType reader and subsetter of the PDF writer (`writers._truetype`), checked against fontTools.

fontTools is the independent reference: it reads the PT fonts the project ships for the expected
cmap, advances and metrics, and it reads our subsets back (every table, checksums enforced) so the
glyph outlines can be compared with the original's. Where poppler's pdftoppm is installed, a subset
is also drawn in a PDF and compared pixel for pixel with the full font drawing the same glyphs.
"""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from iapreport.writers._truetype import FontError, TrueTypeFont


def _files(package: str, family: str) -> dict[str, Path]:
    folder = Path(importlib.util.find_spec(package).submodule_search_locations[0]) / "files"
    return {f"{family}-{style}": folder / f"{family}-Web-{style}.ttf"
            for style in ("Regular", "Bold", "Italic", "BoldItalic")}


FONTS = {**_files("fontpkg_pt_serif", "PT_Serif"), **_files("fontpkg_pt_sans", "PT_Sans")}
SERIF = "PT_Serif-Regular"  # long loca
SERIF_BOLD = "PT_Serif-Bold"  # short loca
#: the subset text: Latin, Cyrillic, and composite glyphs (й: и + breve; %: three components, one twice;
#: ģ: a scaled component; é: e + acute)
TEXT = "Hello, мир йé%ģ"


@pytest.fixture(scope="module")
def fonts() -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in FONTS.items()}


def _reference(data: bytes) -> TTFont:
    return TTFont(io.BytesIO(data))


def _table_offset(data: bytes, tag: bytes) -> int:
    """Where table `tag` starts in font file `data` (read from its directory, independently of the module)."""
    (count,) = struct.unpack_from(">H", data, 4)
    for index in range(count):
        entry_tag, _, offset, _ = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if entry_tag == tag:
            return offset
    raise KeyError(tag)


def _patched(data: bytes, position: int, value: bytes) -> bytes:
    return data[:position] + value + data[position + len(value):]


def _closure(reference: TTFont, glyphs: list[int]) -> list[int]:
    """`glyphs` followed by the components they need, in the order the subset must have them."""
    glyf = reference["glyf"]
    order = list(glyphs)
    for glyph in order:
        outline = glyf[reference.getGlyphName(glyph)]
        for component in outline.components if outline.isComposite() else ():
            component_id = reference.getGlyphID(component.glyphName)
            if component_id not in order:
                order.append(component_id)
    return order


def _check_sfnt_structure(data: bytes) -> list[bytes]:
    """Assert what fontTools does not: directory order and search fields, alignment, every checksum."""
    version, count, search_range, selector, range_shift = struct.unpack_from(">I4H", data, 0)
    assert version == 0x00010000
    assert search_range == 16 * 2 ** selector and 2 ** selector <= count < 2 ** (selector + 1)
    assert range_shift == 16 * count - search_range
    tags = []
    for index in range(count):
        tag, checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        tags.append(tag)
        assert offset % 4 == 0 and offset + length <= len(data)
        table = data[offset:offset + length]
        if tag == b"head":
            table = table[:8] + b"\0\0\0\0" + table[12:]
        table += b"\0" * (-len(table) % 4)
        assert checksum == sum(struct.unpack(f">{len(table) // 4}I", table)) & 0xFFFFFFFF, tag
    assert tags == sorted(tags)
    assert len(data) % 4 == 0
    assert sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF == 0xB1B0AFBA
    return tags


# ---------------------------------------------------------------------------------------- reading


@pytest.mark.parametrize("name", FONTS)
def test_reads_what_fonttools_reads(fonts, name):
    data = fonts[name]
    font = TrueTypeFont(data, str(FONTS[name]))
    reference = _reference(data)
    upem = reference["head"].unitsPerEm
    assert font.source == str(FONTS[name])
    assert font.units_per_em == upem
    assert font.num_glyphs == reference["maxp"].numGlyphs == len(font.advances)

    best = reference.getBestCmap()
    expected = {code: reference.getGlyphID(glyph) for code, glyph in best.items()}
    assert font.cmap == {code: glyph for code, glyph in expected.items() if glyph != 0}
    assert len(font.cmap) > 600

    hmtx = reference["hmtx"]
    assert font.advances == [hmtx[glyph][0] for glyph in reference.getGlyphOrder()]

    expected_name = re.sub("[^A-Za-z0-9-]", "", reference["name"].getDebugName(6))
    assert font.postscript_name == expected_name and expected_name.startswith("PT")
    scale = 1000 / upem
    head, hhea, os2, post = reference["head"], reference["hhea"], reference["OS/2"], reference["post"]
    assert font.bbox == (head.xMin * scale, head.yMin * scale, head.xMax * scale, head.yMax * scale)
    assert font.ascent == hhea.ascent * scale > 0
    assert font.descent == -abs(hhea.descent) * scale < 0
    assert font.cap_height == os2.sCapHeight * scale > 0
    assert font.italic_angle == post.italicAngle
    assert font.fixed_pitch is False
    assert font.bold is ("Bold" in name)
    assert font.italic is ("Italic" in name)
    assert font.italic_angle < 0 if font.italic else font.italic_angle == 0
    assert font.stem_v == 50 + int((os2.usWeightClass / 65) ** 2)


def test_sample_characters_and_widths(fonts):
    font = TrueTypeFont(fonts[SERIF], SERIF)
    reference = _reference(fonts[SERIF])
    best, hmtx, upem = reference.getBestCmap(), reference["hmtx"], reference["head"].unitsPerEm
    for char in "Aя€":
        assert font.cmap[ord(char)] == reference.getGlyphID(best[ord(char)]) != 0
    widths = font.char_widths()
    assert widths.keys() == font.cmap.keys()
    assert widths[ord("A")] == hmtx[best[ord("A")]][0] * 1000 / upem
    assert widths[ord("я")] == font.glyph_width(font.cmap[ord("я")])
    assert widths[ord(" ")] != widths[ord("W")]
    assert font.glyph_width(0) == hmtx[".notdef"][0] * 1000 / upem
    for glyph in (-1, font.num_glyphs):
        with pytest.raises(ValueError):
            font.glyph_width(glyph)


def test_apple_true_signature_is_accepted(fonts):
    font = TrueTypeFont(b"true" + fonts[SERIF][4:], SERIF)
    assert font.cmap == TrueTypeFont(fonts[SERIF], SERIF).cmap


# ---------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("data", [b"", b"garbage", b"garbage " * 1000, b"\0\1\0\0" + b"\xff" * 200],
                         ids=["empty", "short", "text", "damaged-directory"])
def test_garbage_is_a_font_error(data):
    with pytest.raises(FontError, match="^/fonts/bad.ttf: "):
        TrueTypeFont(data, "/fonts/bad.ttf")


@pytest.mark.parametrize("fraction", [0.0001, 0.01, 0.05, 0.25, 0.5, 0.9])
def test_truncated_font_is_a_font_error(fonts, fraction):
    data = fonts[SERIF]
    with pytest.raises(FontError, match="bad.ttf"):
        TrueTypeFont(data[:int(len(data) * fraction)], "bad.ttf")


def test_table_running_past_the_end_is_a_font_error(fonts):
    data = fonts[SERIF]
    # a directory entry (the first, DSIG) whose length reaches past the end of the file
    damaged = _patched(data, 12 + 12, struct.pack(">I", len(data)))
    with pytest.raises(FontError, match="truncated"):
        TrueTypeFont(damaged, "bad.ttf")


@pytest.mark.parametrize("signature, message", [(b"OTTO", "CFF"), (b"ttcf", "collection"), (b"wOFF", "not a TrueType")])
def test_other_formats_are_refused(fonts, signature, message):
    with pytest.raises(FontError, match=message):
        TrueTypeFont(signature + fonts[SERIF][4:], "other.otf")


@pytest.mark.parametrize("tag", [b"head", b"hmtx", b"loca", b"glyf", b"cmap"])
def test_missing_table_is_a_font_error(fonts, tag):
    data = fonts[SERIF]
    (count,) = struct.unpack_from(">H", data, 4)
    entry = next(12 + 16 * i for i in range(count) if data[12 + 16 * i:16 + 16 * i] == tag)
    with pytest.raises(FontError, match=tag.decode()):
        TrueTypeFont(_patched(data, entry, b"zzzz"), "bad.ttf")


def test_font_without_unicode_cmap_is_a_font_error(fonts):
    data = fonts[SERIF]
    cmap = _table_offset(data, b"cmap")
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    for index in range(count):  # every subtable becomes a Windows symbol or Macintosh one
        platform, _ = struct.unpack_from(">HH", data, cmap + 4 + 8 * index)
        data = _patched(data, cmap + 4 + 8 * index, struct.pack(">HH", 1, 0) if platform == 1 else struct.pack(">HH", 3, 0))
    with pytest.raises(FontError, match="no Unicode cmap"):
        TrueTypeFont(data, "symbol.ttf")


@pytest.mark.parametrize("fs_type, refused", [(0x0002, True), (0x0302, True), (0x0000, False), (0x0004, False),
                                              (0x0008, False), (0x0100, False)])
def test_restricted_licence_is_refused(fonts, fs_type, refused):
    # only the two bytes change: checksums are now wrong, which the reader must not mind
    os2 = _table_offset(fonts[SERIF], b"OS/2")
    data = _patched(fonts[SERIF], os2 + 8, struct.pack(">H", fs_type))
    if refused:
        with pytest.raises(FontError, match="restricted.ttf: .*licence"):
            TrueTypeFont(data, "restricted.ttf")
    else:
        assert TrueTypeFont(data, "restricted.ttf").cmap


# ---------------------------------------------------------------------------------------- subsets


def _subset_glyphs(font: TrueTypeFont, text: str) -> list[int]:
    glyphs = [0]
    for char in text:
        if font.cmap[ord(char)] not in glyphs:
            glyphs.append(font.cmap[ord(char)])
    return glyphs


def _check_subset(data: bytes, glyphs: list[int], subset: bytes) -> TTFont:
    """Assert that `subset` is a valid font holding `glyphs` of `data` (+ components) as glyphs 0, 1, ..."""
    tags = _check_sfnt_structure(subset)
    assert tags == sorted([b"OS/2", b"cmap", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca",
                           b"maxp", b"name", b"post", b"prep"])
    original = _reference(data)
    result = TTFont(io.BytesIO(subset), checkChecksums=2)
    for tag in result.reader.keys():
        result[tag]  # every table decompiles
    order = _closure(original, glyphs)
    count = len(order)
    assert result["maxp"].numGlyphs == count == len(result.getGlyphOrder())
    assert result["hhea"].numberOfHMetrics == count
    assert result["head"].indexToLocFormat == 1
    assert result["post"].formatType == 3.0
    for tag in ("cvt ", "fpgm", "prep"):
        assert result.reader[tag] == original.reader[tag]
    # the name table keeps the font's identity and copyright (IDs 0-6), not its 18 KB licence text
    kept = {(r.platformID, r.platEncID, r.langID, r.nameID, r.toUnicode()) for r in result["name"].names}
    assert kept == {(r.platformID, r.platEncID, r.langID, r.nameID, r.toUnicode())
                    for r in original["name"].names if r.nameID <= 6}
    assert {r.nameID for r in result["name"].names} == set(range(7))
    assert len(result.reader["name"]) < 2000
    assert result["OS/2"].fsType == original["OS/2"].fsType
    assert (result["OS/2"].usFirstCharIndex, result["OS/2"].usLastCharIndex) == (0xF000, 0xF000 + len(glyphs) - 1)

    old_glyf, new_glyf = original["glyf"], result["glyf"]
    for new, old in enumerate(order):
        old_name, new_name = original.getGlyphName(old), result.getGlyphName(new)
        assert result["hmtx"][new_name] == original["hmtx"][old_name]
        old_glyph, new_glyph = old_glyf[old_name], new_glyf[new_name]
        assert new_glyph.isComposite() == old_glyph.isComposite()
        old_coordinates, old_ends, old_flags = old_glyph.getCoordinates(old_glyf)  # composites resolved
        new_coordinates, new_ends, new_flags = new_glyph.getCoordinates(new_glyf)
        assert list(new_coordinates) == list(old_coordinates)
        assert (list(new_ends), list(new_flags)) == (list(old_ends), list(old_flags))
        if old_glyph.isComposite():
            assert [order[result.getGlyphID(c.glyphName)] for c in new_glyph.components] == \
                   [original.getGlyphID(c.glyphName) for c in old_glyph.components]
        elif old_glyph.numberOfContours:
            assert new_glyph.program.getBytecode() == old_glyph.program.getBytecode()

    tables = {(t.platformID, t.platEncID): t for t in result["cmap"].tables}
    assert sorted(tables) == [(1, 0), (3, 0)]
    assert tables[1, 0].format == 0 and tables[3, 0].format == 4
    codes = range(len(glyphs))
    names = result.getGlyphOrder()
    assert {code: glyph for code, glyph in tables[1, 0].cmap.items() if glyph != ".notdef"} == \
           {code: names[code] for code in codes if code}
    assert tables[3, 0].cmap == {0xF000 + code: names[code] for code in codes if code}  # fontTools drops 0 -> 0
    return result


@pytest.mark.parametrize("name", [SERIF, SERIF_BOLD, "PT_Sans-Italic"])
def test_subset_round_trip(fonts, name):
    data = fonts[name]
    assert _reference(data)["head"].indexToLocFormat == (0 if name == SERIF_BOLD else 1)  # both loca formats read
    font = TrueTypeFont(data, name)
    glyphs = _subset_glyphs(font, TEXT)
    subset = font.subset(glyphs)
    result = _check_subset(data, glyphs, subset)
    # components the text does not use (й's breve, é's acute, ...) were appended
    assert result["maxp"].numGlyphs > len(glyphs)
    # deterministic, also from a fresh instance; the argument is not changed
    assert glyphs == _subset_glyphs(font, TEXT)
    assert font.subset(glyphs) == subset == TrueTypeFont(data, name).subset(glyphs)
    assert font.subset(glyphs[:-1]) != subset


def test_subset_as_the_pdf_writer_asks(fonts):
    """Unused codes filled with .notdef, the space at 32, a glyph listed twice."""
    font = TrueTypeFont(fonts[SERIF], SERIF)
    glyphs = [0] * 32 + [font.cmap[32]] + _subset_glyphs(font, TEXT)[1:] + [font.cmap[ord("H")]]
    _check_subset(fonts[SERIF], glyphs, font.subset(glyphs))


def test_subsets_of_one_and_256_glyphs(fonts):
    font = TrueTypeFont(fonts[SERIF_BOLD], SERIF_BOLD)
    _check_subset(fonts[SERIF_BOLD], [0], font.subset([0]))
    glyphs = [0] + sorted(set(font.cmap.values()))[:255]
    result = _check_subset(fonts[SERIF_BOLD], glyphs, font.subset(glyphs))
    assert result["cmap"].getcmap(1, 0).cmap[255] == result.getGlyphName(255)


@pytest.mark.parametrize("glyphs", [[], [1, 2], [0, -1], [0, 719], [0, 100000], [0] * 257, [0, 1.5], [0, "1"]],
                         ids=["empty", "no-notdef", "negative", "past-end", "far", "too-many", "float", "str"])
def test_subset_rejects_bad_glyph_lists(fonts, glyphs):
    font = TrueTypeFont(fonts[SERIF], SERIF)
    assert font.num_glyphs == 719
    with pytest.raises(ValueError) as error:
        font.subset(glyphs)
    assert not isinstance(error.value, FontError)


# ---------------------------------------------------------------------------------------- a made font


def _made_font(with_os2: bool = True) -> bytes:
    """A small font fontTools builds: nested composites, a format 12 cmap, optionally no OS/2 and post."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    order = [".notdef", "a", "b", "ab", "aab", "emoji", "scaled"]

    def square(size: int):
        pen = TTGlyphPen(None)
        pen.moveTo((0, 0)), pen.lineTo((0, size)), pen.lineTo((size, size)), pen.lineTo((size, 0)), pen.closePath()
        return pen.glyph()

    def composite(*parts):
        pen = TTGlyphPen(set(order))
        for part, transform in parts:
            pen.addComponent(part, transform if len(transform) == 6 else (1, 0, 0, 1, *transform))
        return pen.glyph()

    builder = FontBuilder(2048, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap({0x60: ".notdef", 0x61: "a", 0x62: "b", 0x63: "ab", 0x64: "aab", 0x1F600: "emoji"})
    builder.setupGlyf({".notdef": square(100), "a": square(500), "b": square(300), "ab": composite(("a", (0, 0)), ("b", (600, 0))),
                       "aab": composite(("a", (0, 0)), ("ab", (600, 0))), "emoji": square(900),
                       # x and y scale, a 2 by 2 matrix, one scale, word offsets, then a plain component
                       "scaled": composite(("a", (1.5, 0, 0, 0.5, 0, 0)), ("b", (0.75, 0.25, -0.25, 0.75, 10, 10)),
                                           ("a", (0.5, 0, 0, 0.5, 1000, -300)), ("b", (20, 0)))})
    builder.setupHorizontalMetrics({name: (1000 + 100 * i, 0) for i, name in enumerate(order)})
    builder.setupHorizontalHeader(ascent=1600, descent=-400)
    builder.setupNameTable({"familyName": "Made", "styleName": "Regular", "psName": "Made Font(Test)"})
    if with_os2:
        builder.setupOS2(usWeightClass=700, fsSelection=0x21, sCapHeight=1400, version=4)  # macStyle 0: fsSelection counts
        builder.setupPost(italicAngle=-10.5, isFixedPitch=1)
    builder.setupMaxp()
    stream = io.BytesIO()
    builder.save(stream)
    return stream.getvalue()


def test_made_font_metrics_and_format12_cmap():
    font = TrueTypeFont(_made_font(), "made.ttf")
    reference = TTFont(io.BytesIO(_made_font()))
    assert reference["cmap"].getcmap(3, 10).format == 12
    assert struct.pack(">3I", 0x60, 0x64, 0) in reference.reader["cmap"]  # a format 12 group starting at glyph 0
    assert font.cmap == {0x61: 1, 0x62: 2, 0x63: 3, 0x64: 4, 0x1F600: 5}  # U+0060 -> glyph 0 left out
    assert font.postscript_name == "MadeFontTest"
    assert font.advances == [1000, 1100, 1200, 1300, 1400, 1500, 1600]
    assert font.char_widths()[0x1F600] == 1500 * 1000 / 2048
    assert (font.ascent, font.descent, font.cap_height) == (1600 * 1000 / 2048, -400 * 1000 / 2048, 1400 * 1000 / 2048)
    assert font.bold and font.italic and font.fixed_pitch and font.italic_angle == -10.5
    assert font.stem_v == 50 + int((700 / 65) ** 2)

    bare = TrueTypeFont(_made_font(with_os2=False), "bare.ttf")
    assert bare.stem_v == 80 and bare.cap_height == bare.ascent
    assert not bare.bold and not bare.italic and not bare.fixed_pitch and bare.italic_angle == 0


def test_made_font_nested_composites():
    data = _made_font()
    font = TrueTypeFont(data, "made.ttf")
    subset = font.subset([0, 4, 6])  # aab = a + ab, ab = a + b: a, ab and b appended in this order
    result = TTFont(io.BytesIO(subset), checkChecksums=2)
    _check_sfnt_structure(subset)
    assert result["maxp"].numGlyphs == 6
    glyf, names = result["glyf"], result.getGlyphOrder()
    assert [c.glyphName for c in glyf[names[1]].components] == [names[3], names[4]]  # aab = a + ab
    assert [c.glyphName for c in glyf[names[4]].components] == [names[3], names[5]]  # ab = a + b
    assert [c.glyphName for c in glyf[names[2]].components] == [names[3], names[5], names[3], names[5]]
    assert [glyf[names[i]].isComposite() for i in range(6)] == [False, True, True, False, True, False]
    original = TTFont(io.BytesIO(data))
    for new, old in ((1, "aab"), (2, "scaled")):
        coordinates, _, _ = glyf[names[new]].getCoordinates(glyf)
        assert list(coordinates) == list(original["glyf"][old].getCoordinates(original["glyf"])[0])


# ---------------------------------------------------------------------------------------- drawn


def _pdf(font_objects: list[str], content: bytes, font_file: bytes) -> bytes:
    """A one-page PDF drawing `content` with font /F1: objects 4.. are `font_objects`, the font file
    comes after them, then the content stream."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>",
               "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 60] /Resources << /Font << /F1 4 0 R >> >> "
               f"/Contents {5 + len(font_objects)} 0 R >>"]
    objects += font_objects
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    bodies = [o.encode() for o in objects]
    bodies.append(f"<< /Length {len(font_file)} /Length1 {len(font_file)} >>\nstream\n".encode() + font_file + b"\nendstream")
    bodies.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _render(pdf: bytes, folder: Path, name: str) -> bytes:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftoppm", "-r", "100", "-gray", str(path), str(folder / name)],
                         capture_output=True, text=True, check=True)
    assert run.stderr == ""
    (image,) = folder.glob(f"{name}*.pgm")
    return image.read_bytes()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler's pdftoppm is not installed")
def test_subset_draws_like_the_full_font(fonts, tmp_path):
    """The same glyphs drawn with the subset (simple font, one-byte codes) and with the whole font
    (CIDFontType2, codes are glyph ids) must give the same pixels."""
    data = fonts[SERIF]
    font = TrueTypeFont(data, SERIF)
    glyphs = [0] * 32 + [font.cmap[32]] + _subset_glyphs(font, TEXT)[1:]
    subset = font.subset(glyphs)
    codes = [glyphs.index(font.cmap[ord(char)]) for char in TEXT]
    widths = " ".join(str(font.glyph_width(g)) for g in glyphs)
    simple = _pdf([f"<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+{font.postscript_name} /FirstChar 0 "
                   f"/LastChar {len(glyphs) - 1} /Widths [{widths}] /FontDescriptor 5 0 R >>",
                   "<< /Type /FontDescriptor /FontName /ABCDEF+PTSerif-Regular /Flags 4 /FontBBox [0 0 0 0] "
                   "/ItalicAngle 0 /Ascent 0 /Descent 0 /CapHeight 0 /StemV 80 /FontFile2 6 0 R >>"],
                  b"BT /F1 28 Tf 10 20 Td <" + bytes(codes).hex().encode() + b"> Tj ET", subset)
    all_widths = " ".join(str(font.glyph_width(g)) for g in range(font.num_glyphs))
    full = _pdf([f"<< /Type /Font /Subtype /Type0 /BaseFont /{font.postscript_name} /Encoding /Identity-H "
                 f"/DescendantFonts [5 0 R] >>",
                 f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{font.postscript_name} /CIDSystemInfo "
                 f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R "
                 f"/CIDToGIDMap /Identity /W [0 [{all_widths}]] >>",
                 "<< /Type /FontDescriptor /FontName /PTSerif-Regular /Flags 4 /FontBBox [0 0 0 0] "
                 "/ItalicAngle 0 /Ascent 0 /Descent 0 /CapHeight 0 /StemV 80 /FontFile2 7 0 R >>"],
                b"BT /F1 28 Tf 10 20 Td <" + "".join(f"{font.cmap[ord(c)]:04x}" for c in TEXT).encode()
                + b"> Tj ET", data)
    drawn, expected = _render(simple, tmp_path, "simple"), _render(full, tmp_path, "full")
    assert drawn == expected
    header, pixels = expected.split(b"\n255\n", 1)
    assert pixels.count(b"\xff") < len(pixels) * 0.97  # there is ink
