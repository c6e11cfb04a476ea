"""TrueType fonts for the PDF writer: metrics and cmap read from a font file, subsets written back.

Why not reportlab's `ttfonts`: importing reportlab costs about 0.1 s, more than reading all the
faces an edition uses, and the PDF writer needs only a small part of it: the cmap, the advance
widths, a few metrics for the font descriptor, and subsets of at most 256 glyphs to embed as
simple TrueType fonts. This module does exactly that, from the OpenType specification, with the
standard library only.

Reading is quick because nothing is decoded that is not needed: the table directory and a few
fields via `struct.unpack_from`, the big-endian arrays (advances, cmap segments, loca) as
`array.array` byteswapped in one call. Glyph data is touched only when a subset is written.

Only TrueType outlines (a ``glyf`` table) can be embedded this way; CFF-flavoured OpenType
('OTTO'), collections and fonts whose licence restricts embedding are refused with `FontError`.
"""

from __future__ import annotations

import re
import struct
import sys
from array import array

__all__ = ["FontError", "TrueTypeFont"]

#: tables a font must have for us to read and subset it
REQUIRED_TABLES = ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap")
#: tables copied unchanged into a subset, if the font has them
COPIED_TABLES = ("OS/2", "cvt ", "fpgm", "prep")
#: name records a subset keeps (copyright, family, subfamily, unique id, full name, version,
#: PostScript name): the font stays attributed; its licence text (18 KB in PT fonts, in every
#: subset) is left out, as document embedding allows
KEPT_NAMES = frozenset(range(7))
#: most glyphs a subset may give codes to: a simple font's codes are one byte
MAX_SUBSET_GLYPHS = 256
#: the code of glyph 0 in the (3,0) subtable of a subset: symbolic fonts live at U+F000..U+F0FF
SYMBOL_BASE = 0xF000

# flags of a composite glyph's component record
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080

_LITTLE_ENDIAN = sys.byteorder == "little"
_UINT32 = "I" if array("I").itemsize == 4 else "L"
_NOT_IN_PS_NAME = re.compile(r"[^A-Za-z0-9-]")


class FontError(ValueError):
    """The file is not a TrueType font we can embed (message names the file and the problem)."""


def _be_array(typecode: str, data: bytes) -> array:
    """Big-endian `data` as an array of `typecode` items (native order after one byteswap)."""
    items = array(typecode, data)
    if _LITTLE_ENDIAN:
        items.byteswap()
    return items


def _checksum(data: bytes) -> int:
    """The OpenType table checksum: the sum of big-endian uint32s, zero-padded, modulo 2**32."""
    if len(data) % 4:
        data = data + b"\0" * (4 - len(data) % 4)
    return sum(_be_array(_UINT32, data)) & 0xFFFFFFFF


def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


class TrueTypeFont:
    """One TrueType face: what a PDF needs to measure text with it and embed subsets of it.

    `cmap`, `advances` and the font descriptor's metrics are read in `__init__`; `subset` writes a
    font file of chosen glyphs. Scaled metrics are in thousandths of an em, as PDF wants them.
    """

    def __init__(self, data: bytes, source: str):
        self.source = source
        self._data = data = bytes(data)
        try:
            self._read(data)
        except (struct.error, IndexError, OverflowError) as error:
            raise FontError(f"{source}: truncated or damaged font file ({error})") from None

    def _fail(self, problem: str) -> FontError:
        return FontError(f"{self.source}: {problem}")

    # ------------------------------------------------------------------ reading

    def _read(self, data: bytes) -> None:
        """Parse the directory and the tables behind the public attributes."""
        if len(data) < 12:
            raise self._fail("too short to be a font file")
        version = data[:4]
        if version == b"OTTO":
            raise self._fail("OpenType font with CFF outlines ('OTTO'); only TrueType outlines (glyf) can be embedded")
        if version == b"ttcf":
            raise self._fail("TrueType collection (.ttc); use a single-font file (.ttf)")
        if version not in (b"\x00\x01\x00\x00", b"true"):
            raise self._fail("not a TrueType font (unknown file signature %r)" % version)

        (num_tables,) = struct.unpack_from(">H", data, 4)
        self._tables: dict[str, tuple[int, int]] = {}
        for index in range(num_tables):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
            if offset + length > len(data):
                raise self._fail(f"truncated font file: table {tag.decode('latin-1')!r} runs past the end")
            self._tables.setdefault(tag.decode("latin-1"), (offset, length))
        missing = [tag for tag in REQUIRED_TABLES if tag not in self._tables]
        if missing:
            raise self._fail("not a TrueType font we can embed: missing table(s) " + ", ".join(map(repr, missing)))

        head = self._table("head", 54)
        self.units_per_em, = struct.unpack_from(">H", data, head + 18)
        if not 16 <= self.units_per_em <= 16384:
            raise self._fail(f"implausible unitsPerEm {self.units_per_em}")
        scale = 1000 / self.units_per_em
        x_min, y_min, x_max, y_max, mac_style = struct.unpack_from(">4hH", data, head + 36)
        (self._loca_format,) = struct.unpack_from(">h", data, head + 50)
        self.bbox = (x_min * scale, y_min * scale, x_max * scale, y_max * scale)

        maxp = self._table("maxp", 6)
        (self.num_glyphs,) = struct.unpack_from(">H", data, maxp + 4)
        if self.num_glyphs == 0:
            raise self._fail("the font has no glyphs")

        hhea = self._table("hhea", 36)
        ascender, descender = struct.unpack_from(">hh", data, hhea + 4)
        (self._num_hmetrics,) = struct.unpack_from(">H", data, hhea + 34)
        self._read_advances()

        os2 = self._tables.get("OS/2")
        weight, fs_type, fs_selection, os2_version = 400, 0, 0, None
        typo_ascender = typo_descender = cap_height = 0
        if os2 is not None and os2[1] >= 10:
            offset, length = os2
            os2_version, _, weight, _, fs_type = struct.unpack_from(">HhHHH", data, offset)
            if length >= 72:
                (fs_selection,) = struct.unpack_from(">H", data, offset + 62)
                typo_ascender, typo_descender = struct.unpack_from(">hh", data, offset + 68)
            if os2_version >= 2 and length >= 90:
                (cap_height,) = struct.unpack_from(">h", data, offset + 88)
            if fs_type & 0x000F == 0x0002:
                raise self._fail("the font's licence forbids embedding it (OS/2 fsType: restricted licence)")
        if not ascender and not descender:
            ascender, descender = typo_ascender, typo_descender
        self.ascent = ascender * scale
        self.descent = -abs(descender) * scale
        self.cap_height = cap_height * scale if cap_height else self.ascent
        self.bold = bool(mac_style & 1 or fs_selection & 0x20)
        self.italic = bool(mac_style & 2 or fs_selection & 0x01)
        self.stem_v = 80 if os2_version is None else 50 + int((weight / 65) ** 2)

        self.italic_angle, self.fixed_pitch = 0.0, False
        if "post" in self._tables:
            post = self._table("post", 16)
            angle, fixed_pitch = struct.unpack_from(">i4xI", data, post + 4)
            self.italic_angle, self.fixed_pitch = angle / 65536, bool(fixed_pitch)

        self.postscript_name = self._read_postscript_name()
        self.cmap = self._read_cmap()
        self._copied_checksums: dict[str, int] | None = None  # of the tables subsets copy unchanged
        self._name_table: bytes | None = None  # the short name table of every subset (`_short_name`)

    def _table(self, tag: str, min_length: int = 0) -> int:
        """Offset of table `tag`, which must be at least `min_length` bytes long."""
        offset, length = self._tables[tag]
        if length < min_length:
            raise self._fail(f"table {tag!r} is too short ({length} bytes)")
        return offset

    def _table_bytes(self, tag: str) -> bytes:
        offset, length = self._tables[tag]
        return self._data[offset:offset + length]

    def _read_advances(self) -> None:
        """`advances` from hmtx: one per glyph, the last long metric's repeated for the rest."""
        count = self._num_hmetrics
        if count == 0:
            raise self._fail("hhea numberOfHMetrics is 0")
        offset, length = self._tables["hmtx"]
        if length < 4 * count:
            raise self._fail("truncated font file: hmtx is shorter than hhea says")
        advances = _be_array("H", self._data[offset:offset + 4 * count])[0::2].tolist()
        if count >= self.num_glyphs:
            del advances[self.num_glyphs:]
        else:
            advances.extend([advances[-1]] * (self.num_glyphs - count))
        self.advances = advances

    def _read_postscript_name(self) -> str:
        """Name ID 6, Windows (UTF-16BE) record preferred, then Macintosh, then Unicode platform."""
        if "name" not in self._tables:
            return "Font"
        data = self._data
        base = self._table("name", 6)
        _, count, strings = struct.unpack_from(">3H", data, base)
        found: dict[int, bytes] = {}
        records = data[base + 6:base + 6 + 12 * count]
        for platform, _, _, name_id, length, offset in struct.iter_unpack(">6H", records[:len(records) // 12 * 12]):
            if name_id == 6 and platform not in found:
                start = base + strings + offset
                found[platform] = data[start:start + length]
        for platform, encoding in ((3, "utf-16-be"), (1, "mac_roman"), (0, "utf-16-be")):
            if platform in found:
                name = _NOT_IN_PS_NAME.sub("", found[platform].decode(encoding, "replace"))
                if name:
                    return name
        return "Font"

    def _short_name(self) -> bytes:
        """The name table with only the `KEPT_NAMES` records (format 0), made once per font."""
        if self._name_table is None:
            data = self._data
            base = self._table("name", 6)
            _, count, strings = struct.unpack_from(">3H", data, base)
            records = data[base + 6:base + 6 + 12 * count]
            kept, storage = [], bytearray()
            for platform, encoding, language, name_id, length, offset in struct.iter_unpack(
                    ">6H", records[:len(records) // 12 * 12]):
                if name_id in KEPT_NAMES:
                    start = base + strings + offset
                    kept.append((platform, encoding, language, name_id, length, len(storage)))
                    storage += data[start:start + length]
            header = struct.pack(">3H", 0, len(kept), 6 + 12 * len(kept))
            self._name_table = header + b"".join(struct.pack(">6H", *record) for record in kept) + bytes(storage)
        return self._name_table

    def _read_cmap(self) -> dict[int, int]:
        """The best Unicode subtable: format 12 before format 4, Windows before Unicode platform."""
        data = self._data
        base = self._table("cmap", 4)
        end = base + self._tables["cmap"][1]
        (count,) = struct.unpack_from(">H", data, base + 2)
        candidates = []
        for index in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", data, base + 4 + 8 * index)
            if platform == 0 or (platform == 3 and encoding in (1, 10)):
                (fmt,) = struct.unpack_from(">H", data, base + offset)
                if fmt in (4, 12):
                    candidates.append((fmt != 12, platform != 3, index, fmt, base + offset))
        if not candidates:
            raise self._fail("the font has no Unicode cmap (platform 3 encoding 1 or 10, or platform 0, format 4 or 12)")
        *_, fmt, offset = min(candidates)
        return self._cmap_format12(offset, end) if fmt == 12 else self._cmap_format4(offset, end)

    def _cmap_format4(self, offset: int, end: int) -> dict[int, int]:
        """Segment mapping to delta values (format 4); glyph 0 and code U+FFFF are left out."""
        (seg_count_x2,) = struct.unpack_from(">H", self._data, offset + 6)
        seg = seg_count_x2 // 2
        stop = offset + 14 + (end - offset - 14) // 2 * 2  # the length field may lie: read to the table's end
        words = _be_array("H", self._data[offset + 14:stop])
        if len(words) < 4 * seg + 1:
            raise self._fail("truncated font file: cmap format 4 subtable")
        ends, starts = words[:seg], words[seg + 1:2 * seg + 1]
        deltas, range_offsets = words[2 * seg + 1:3 * seg + 1], words[3 * seg + 1:4 * seg + 1]
        num_glyphs, available = self.num_glyphs, len(words)
        cmap: dict[int, int] = {}
        for i in range(seg):
            first, last, delta, range_offset = starts[i], min(ends[i], 0xFFFE), deltas[i], range_offsets[i]
            if first > last:
                continue
            if range_offset == 0:
                for code in range(first, last + 1):
                    glyph = (code + delta) & 0xFFFF
                    if 0 < glyph < num_glyphs:
                        cmap[code] = glyph
            else:
                # glyphIdArray entry: idRangeOffset is relative to where it is stored (word 3*seg+1+i)
                shift = 3 * seg + 1 + i + range_offset // 2 - first
                for code in range(first, last + 1):
                    index = shift + code
                    glyph = words[index] if index < available else 0
                    if glyph:
                        glyph = (glyph + delta) & 0xFFFF
                        if 0 < glyph < num_glyphs:
                            cmap[code] = glyph
        return cmap

    def _cmap_format12(self, offset: int, end: int) -> dict[int, int]:
        """Segmented coverage (format 12): groups of consecutive codes to consecutive glyphs."""
        (count,) = struct.unpack_from(">I", self._data, offset + 12)
        if offset + 16 + 12 * count > end:
            raise self._fail("truncated font file: cmap format 12 subtable")
        groups = _be_array(_UINT32, self._data[offset + 16:offset + 16 + 12 * count])
        num_glyphs = self.num_glyphs
        cmap: dict[int, int] = {}
        for i in range(0, 3 * count, 3):
            first, last, glyph = groups[i], groups[i + 1], groups[i + 2]
            last = min(last, 0x10FFFF, first + num_glyphs - 1 - glyph)  # no codes past the last glyph
            if glyph == 0:
                first, glyph = first + 1, 1
            if first <= last:
                cmap.update(zip(range(first, last + 1), range(glyph, glyph + last - first + 1)))
        return cmap

    # ------------------------------------------------------------------ metrics

    def char_widths(self) -> dict[int, float]:
        """Code point -> advance in thousandths of an em, for every code point in cmap."""
        scale = 1000 / self.units_per_em
        advances = self.advances
        return {code: advances[glyph] * scale for code, glyph in self.cmap.items()}

    def glyph_width(self, glyph: int) -> float:
        """Advance of glyph id `glyph` in thousandths of an em."""
        if not 0 <= glyph < self.num_glyphs:
            raise ValueError(f"{self.source}: glyph id {glyph} out of range (the font has {self.num_glyphs})")
        return self.advances[glyph] * 1000 / self.units_per_em

    # ------------------------------------------------------------------ subsetting

    def subset(self, glyphs: list[int]) -> bytes:
        """Return a TrueType font file holding only `glyphs` (and the components of composite glyphs among them).

        glyphs[0] must be 0 (.notdef). In the result, glyph i is glyphs[i] of this font for i < len(glyphs);
        components of composite glyphs that are not in `glyphs` are appended after them (and the composite
        glyph data rewritten to point at the new ids). len(glyphs) <= 256. A glyph may be listed more than
        once (unused codes are usually filled with 0); components point at its first place.

        The result's cmap has a (1,0) format 0 subtable and a (3,0) format 4 one, mapping code i (and
        U+F000 + i) -> glyph i for every i < len(glyphs), so a PDF simple TrueType font draws code i with
        glyph i. Written: head (long loca, checkSumAdjustment recomputed), hhea, maxp, hmtx, loca, glyf,
        cmap, post 3.0 (no glyph names), and OS/2 (first and last char index set to the new cmap's),
        cvt, fpgm, prep and name copied if present. Same input, same bytes.
        """
        glyphs = list(glyphs)
        if not glyphs or glyphs[0] != 0:
            raise ValueError("a subset's first glyph must be 0 (.notdef)")
        if len(glyphs) > MAX_SUBSET_GLYPHS:
            raise ValueError(f"a subset holds at most {MAX_SUBSET_GLYPHS} glyphs, not {len(glyphs)}")
        for glyph in glyphs:
            if not (isinstance(glyph, int) and 0 <= glyph < self.num_glyphs):
                raise ValueError(f"{self.source}: glyph id {glyph!r} out of range (the font has {self.num_glyphs})")
        try:
            return self._subset(glyphs)
        except (struct.error, IndexError, OverflowError) as error:
            raise self._fail(f"damaged glyph data ({error})") from None

    def _subset(self, glyphs: list[int]) -> bytes:
        codes = len(glyphs)
        loca, loca_scale = self._loca()
        glyf_offset, glyf_length = self._tables["glyf"]
        data = self._data

        def glyph_data(glyph: int) -> bytes:
            start, end = loca[glyph] * loca_scale, loca[glyph + 1] * loca_scale
            if not start <= end <= glyf_length:
                raise self._fail(f"loca entry of glyph {glyph} points outside glyf")
            return data[glyf_offset + start:glyf_offset + end]

        # the glyph list, closed over components; each old glyph gets the id of its first place
        order = glyphs
        new_id: dict[int, int] = {}
        for index, glyph in enumerate(order):
            new_id.setdefault(glyph, index)
        outlines: list[bytes] = []
        rewritten: dict[int, bytes] = {}
        index = 0
        while index < len(order):
            glyph = order[index]
            outline = rewritten.get(glyph)
            if outline is None:
                outline = glyph_data(glyph)
                if len(outline) >= 10 and outline[0] & 0x80:  # numberOfContours < 0: composite
                    outline = self._remap_components(glyph, outline, order, new_id)
                rewritten[glyph] = outline
            outlines.append(outline)
            index += 1
        count = len(order)

        glyf_parts, offsets, position = [], [], 0
        for outline in outlines:
            offsets.append(position)
            outline = _pad4(outline)
            glyf_parts.append(outline)
            position += len(outline)
        offsets.append(position)

        hmtx_offset, hmtx_length = self._tables["hmtx"]
        signed = _be_array("h", data[hmtx_offset:hmtx_offset + hmtx_length // 2 * 2])
        long_metrics = self._num_hmetrics
        metrics = []
        for glyph in order:
            if glyph < long_metrics:
                lsb = signed[2 * glyph + 1]
            else:  # past the long metrics, hmtx has left side bearings only
                at = 2 * long_metrics + glyph - long_metrics
                lsb = signed[at] if at < len(signed) else 0
            metrics += (self.advances[glyph], lsb)

        head = bytearray(self._table_bytes("head"))
        head[8:12] = b"\0\0\0\0"
        head[50:52] = b"\0\1"
        hhea = bytearray(self._table_bytes("hhea"))
        hhea[34:36] = struct.pack(">H", count)
        maxp = bytearray(self._table_bytes("maxp"))
        maxp[4:6] = struct.pack(">H", count)
        post = bytearray(self._table_bytes("post")[:32]) if "post" in self._tables else bytearray()
        post[len(post):] = bytes(32 - len(post))
        post[0:4] = b"\0\3\0\0"

        tables = {
            "head": bytes(head),
            "hhea": bytes(hhea),
            "maxp": bytes(maxp),
            "hmtx": struct.pack(">" + "Hh" * count, *metrics),
            "loca": struct.pack(f">{count + 1}I", *offsets),
            "glyf": b"".join(glyf_parts),
            "cmap": _subset_cmap(codes),
            "post": bytes(post),
        }
        for tag in COPIED_TABLES:
            if tag in self._tables:
                tables[tag] = self._table_bytes(tag)
        if "name" in self._tables:
            tables["name"] = self._short_name()
        if "OS/2" in tables and len(tables["OS/2"]) >= 68:
            os2 = bytearray(tables["OS/2"])
            os2[64:68] = struct.pack(">HH", SYMBOL_BASE, SYMBOL_BASE + codes - 1)
            tables["OS/2"] = bytes(os2)
        if self._copied_checksums is None:  # the same in every subset: summed once per font
            self._copied_checksums = {tag: _checksum(tables[tag]) for tag in COPIED_TABLES
                                      if tag in tables and tag != "OS/2"}
        return _font_file(tables, self._copied_checksums)

    def _loca(self) -> tuple[array, int]:
        """The loca offsets (native array) and their unit: 2 bytes for the short format, else 1."""
        short = self._loca_format == 0
        if self._loca_format not in (0, 1):
            raise self._fail(f"unknown indexToLocFormat {self._loca_format}")
        size = (2 if short else 4) * (self.num_glyphs + 1)
        offset, length = self._tables["loca"]
        if length < size:
            raise self._fail("truncated font file: loca is shorter than maxp says")
        return _be_array("H" if short else _UINT32, self._data[offset:offset + size]), (2 if short else 1)

    def _remap_components(self, glyph: int, outline: bytes, order: list[int], new_id: dict[int, int]) -> bytes:
        """Composite `outline` with its component ids mapped to the subset's (new ones appended to `order`)."""
        result = bytearray(outline)
        position = 10
        while True:
            flags, component = struct.unpack_from(">HH", outline, position)
            if component >= self.num_glyphs:
                raise self._fail(f"composite glyph {glyph} refers to glyph {component}, which does not exist")
            if component not in new_id:
                new_id[component] = len(order)
                order.append(component)
            struct.pack_into(">H", result, position + 2, new_id[component])
            position += 8 if flags & _ARGS_ARE_WORDS else 6
            if flags & _HAVE_SCALE:
                position += 2
            elif flags & _HAVE_XY_SCALE:
                position += 4
            elif flags & _HAVE_2X2:
                position += 8
            if not flags & _MORE_COMPONENTS:
                return bytes(result)


def _subset_cmap(codes: int) -> bytes:
    """A cmap mapping code i -> glyph i for i < `codes`: (1,0) format 0 and (3,0) format 4 at U+F000 + i."""
    mac = struct.pack(">3H", 0, 262, 0) + bytes(range(codes)) + bytes(256 - codes)
    # two segments: U+F000..U+F000+codes-1 shifted to glyph 0.., and the closing U+FFFF one
    seg_count = 2
    windows = struct.pack(
        ">16H",
        4, 16 + 8 * seg_count, 0,  # format, length, language
        2 * seg_count, 4, 1, 0,  # segCountX2, searchRange, entrySelector, rangeShift
        SYMBOL_BASE + codes - 1, 0xFFFF,  # endCode
        0,  # reservedPad
        SYMBOL_BASE, 0xFFFF,  # startCode
        -SYMBOL_BASE & 0xFFFF, 1,  # idDelta (modulo 65536): U+F000 + i -> i, U+FFFF -> 0
        0, 0,  # idRangeOffset
    )
    header = struct.pack(">HH", 0, 2)
    records = struct.pack(">HHI", 1, 0, 4 + 2 * 8) + struct.pack(">HHI", 3, 0, 4 + 2 * 8 + len(mac))
    return header + records + mac + windows


def _font_file(tables: dict[str, bytes], checksums: dict[str, int]) -> bytes:
    """An sfnt file of `tables`: directory sorted by tag, tables 4-byte aligned, checksums set.

    `checksums` holds the checksums of some of the tables, known already; the others are computed.
    """
    tags = sorted(tables, key=lambda tag: tag.encode("latin-1"))
    count = len(tags)
    selector = count.bit_length() - 1
    search_range = 16 << selector
    directory = [struct.pack(">I4H", 0x00010000, count, search_range, selector, 16 * count - search_range)]
    body = []
    offset = 12 + 16 * count
    head_offset = total = 0
    for tag in tags:
        table = tables[tag]
        if tag == "head":
            head_offset = offset  # its checkSumAdjustment is 0 until the whole file is summed
        checksum = checksums.get(tag)
        if checksum is None:
            checksum = _checksum(table)
        total += checksum
        directory.append(struct.pack(">4s3I", tag.encode("latin-1"), checksum, offset, len(table)))
        padded = _pad4(table)
        body.append(padded)
        offset += len(padded)
    directory_bytes = b"".join(directory)
    # the file's checksum is the directory's plus the (zero-padded) tables'
    total = (total + _checksum(directory_bytes)) & 0xFFFFFFFF
    font = bytearray(directory_bytes + b"".join(body))
    struct.pack_into(">I", font, head_offset + 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return bytes(font)
