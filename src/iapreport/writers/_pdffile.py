"""The PDF file itself: pages of content operators, fonts embedded as subsets, links, outline, metadata.

Why our own and not reportlab's canvas: the PDF writer already sets, paginates and writes every
text operator itself (`pdf.py`); what it needed from reportlab was the file around them. That file
is small (catalog, pages, fonts, annotations, outline, info, cross-reference table), while importing
reportlab (which imports PIL) and letting it format its object tree took a third of a build's time.

Fonts are embedded as simple TrueType fonts of at most 256 glyphs each (`_truetype.subset`), as
reportlab did: code 32 is the space in every subset, so the `Tw` operator justifies lines; a face
whose text uses more characters gets a second subset. Each subset carries a ToUnicode map, so text
extracts as written (Cyrillic as Cyrillic).

Output is deterministic: object order, subset tags and the file identifier derive from the content.
Streams are compressed on other threads while the pages are drawn and the objects written (zlib
lets go of the GIL), which is where a two-core machine gains.
"""

from __future__ import annotations

import hashlib
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple
from urllib.parse import quote

from ._truetype import TrueTypeFont

#: zlib level of every stream: 6 is zlib's default, the usual balance of time and size
COMPRESSION = 6
#: the character code of the word space in every subset: `Tw` widens exactly this code
SPACE_CODE = 32
#: codes a subset may give to characters, in order of first use (0 is .notdef, 32 the space):
#: the low codes first, so that a subset has no unused codes below its last (each would hold a
#: copy of .notdef in the subset font)
_CODES = [code for code in range(1, 256) if code != SPACE_CODE]


def num(value: float) -> str:
    """A number as PDF writes it: at most three decimals, no trailing zeros, no "-0"."""
    text = "%.3f" % value
    if text[-1] == "0":
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nums(*values: float) -> str:
    return " ".join(map(num, values))


_LITERAL_ESCAPES = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)", ord("\r"): "\\r", ord("\n"): "\\n"}


def text_string(text: str) -> str:
    """A PDF text string: a literal for printable ASCII, else UTF-16BE with its byte-order mark."""
    if text.isascii() and text.isprintable():
        return "(" + text.translate(_LITERAL_ESCAPES) + ")"
    return "<feff" + text.encode("utf-16-be").hex() + ">"


def _ascii_uri(url: str) -> str:
    """A URI as PDF wants it (7-bit ASCII): anything else percent-encoded, printable ASCII kept."""
    return quote(url, safe="".join(chr(c) for c in range(33, 127)))


def _name(text: str) -> str:
    """A PDF name object: characters outside ! to ~ and delimiters written as #xx."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if 33 <= byte <= 126 and char not in "#()<>[]{}/%" else f"#{byte:02x}")
    return "/" + "".join(out)


class _SubsetFull(Exception):
    """A character met a subset with no code left."""


class _Subset(dict):
    """One subset of a face: a `str.translate` table, character -> its one-byte code (as a str)."""

    def __init__(self, font: TrueTypeFont, resource: str):
        super().__init__()
        self.font = font
        self.resource = resource
        #: code -> glyph: 0 is .notdef, 32 the space; the rest as characters come
        self.glyphs: dict[int, int] = {0: 0, SPACE_CODE: font.cmap.get(32, 0)}
        self.unicode: dict[int, str] = {SPACE_CODE: " "}
        self.free = iter(_CODES)
        self[32] = self[0xA0] = " "  # the no-break space is drawn as the space (code 32)

    def __missing__(self, char: int) -> str:
        code = next(self.free, None)
        if code is None:
            raise _SubsetFull
        self.glyphs[code] = self.font.cmap.get(char, 0)
        self.unicode[code] = chr(char)
        self[char] = text = chr(code)
        return text


class FontSubsets:
    """The subsets of one face in one PDF: encodes text into (resource name, hex codes) chunks."""

    def __init__(self, font: TrueTypeFont, number: int):
        self.font = font
        self.number = number
        self.subsets = [_Subset(font, f"/F{number}")]

    def encode(self, text: str) -> list[tuple[str, str]]:
        """Return `text` as chunks of (font resource, hex string), one per subset it touches."""
        first = self.subsets[0]
        try:
            return [(first.resource, text.translate(first).encode("latin-1").hex())]
        except _SubsetFull:
            pass
        chunks: list[tuple[str, list[str]]] = []
        for char in text:
            for subset in self.subsets:
                try:
                    code = subset[ord(char)]
                    break
                except _SubsetFull:
                    continue
            else:
                subset = _Subset(self.font, f"/F{self.number}s{len(self.subsets)}")
                self.subsets.append(subset)
                code = subset[ord(char)]
            if chunks and chunks[-1][0] == subset.resource:
                chunks[-1][1].append(code)
            else:
                chunks.append((subset.resource, [code]))
        return [(resource, "".join(codes).encode("latin-1").hex()) for resource, codes in chunks]


class _Page(NamedTuple):
    content: Future  # the compressed content stream
    uri_links: list
    anchor_links: list


class _OutlineItem(NamedTuple):
    title: str
    anchor: str
    children: list  # of _OutlineItem, filled as the entries come


class Info(NamedTuple):
    """The document information dictionary and the catalog's language."""

    title: str
    author: str
    subject: str
    keywords: str
    creator: str
    language: str
    date: str  # D:YYYYMMDDHHmmSS+00'00'


class PdfFile:
    """A PDF being written: pages are added in order, then `write` puts out the whole file."""

    def __init__(self, width: float, height: float, info: Info):
        self.width, self.height = width, height
        self.info = info
        self.pages: list[_Page] = []
        self.code: list[str] = []  # the current page's operators
        self._fonts: dict[int, FontSubsets] = {}  # by id() of the TrueTypeFont
        self._uri_links: list = []
        self._anchor_links: list = []
        self.destinations: dict[str, tuple[int, float, float]] = {}  # anchor -> page index, x, y
        self.outline: list[_OutlineItem] = []
        self._outline_path: list[_OutlineItem] = []
        self._pool = ThreadPoolExecutor(max_workers=2)  # both cores compress the fonts at the end

    # -- drawing --------------------------------------------------------------------------------

    def fonts(self, font: TrueTypeFont) -> FontSubsets:
        subsets = self._fonts.get(id(font))
        if subsets is None:
            subsets = self._fonts[id(font)] = FontSubsets(font, len(self._fonts) + 1)
        return subsets

    def link_uri(self, rect: tuple[float, float, float, float], url: str) -> None:
        self._uri_links.append((rect, url))

    def link_anchor(self, rect: tuple[float, float, float, float], anchor: str) -> None:
        self._anchor_links.append((rect, anchor))

    def destination(self, anchor: str, x: float, y: float) -> None:
        """Mark `anchor` at (x, y) on the current page: the target of links and outline entries."""
        self.destinations[anchor] = (len(self.pages), x, y)

    def outline_entry(self, title: str, anchor: str, level: int) -> None:
        """Add a bookmark at `level` (0 = top; at most one deeper than the entry before)."""
        item = _OutlineItem(title, anchor, [])
        level = min(level, len(self._outline_path))
        del self._outline_path[level:]
        (self._outline_path[-1].children if self._outline_path else self.outline).append(item)
        self._outline_path.append(item)

    def end_page(self) -> None:
        data = "\n".join(self.code).encode("latin-1")
        self.pages.append(_Page(self._pool.submit(zlib.compress, data, COMPRESSION),
                                self._uri_links, self._anchor_links))
        self.code, self._uri_links, self._anchor_links = [], [], []

    # -- the file -------------------------------------------------------------------------------

    def write(self, out) -> None:
        """Write the whole file to the binary stream `out`."""
        try:
            self._write(out)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the compressing thread (after `write`, or when drawing failed)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _write(self, out) -> None:
        objects: list = [None]  # 1-based object numbers: bytes, or (compressed data, extra keys)

        def reserve() -> int:
            objects.append(None)
            return len(objects) - 1

        def put(number: int, body: str | bytes) -> None:
            objects[number] = body if isinstance(body, bytes) else body.encode("latin-1")

        def stream(number: int, data: Future, extra: str = "") -> None:
            """A compressed stream, still being compressed on the other thread: taken when written."""
            objects[number] = (data, extra)

        catalog, pages_root, info, resources = reserve(), reserve(), reserve(), reserve()
        page_numbers = [reserve() for _ in self.pages]

        # fonts: subsets are final now that every page is drawn
        font_entries = []
        for subsets in self._fonts.values():
            for subset in subsets.subsets:
                font_entries.append(f"{subset.resource} {self._font(subset, reserve, put, stream)} 0 R")
        put(resources, f"<< /Font << {' '.join(font_entries)} >> /ProcSet [/PDF /Text] >>")

        def explicit(anchor: str) -> str:
            page, x, y = self.destinations[anchor]
            return f"[{page_numbers[page]} 0 R /XYZ {nums(x, y)} 0]"

        for index, page in enumerate(self.pages):
            content = reserve()
            stream(content, page.content)
            annots = []
            for rect, url in page.uri_links:
                number = reserve()
                put(number, f"<< /Type /Annot /Subtype /Link /Rect [{nums(*rect)}] /Border [0 0 0] "
                            f"/A << /S /URI /URI {text_string(_ascii_uri(url))} >> >>")
                annots.append(f"{number} 0 R")
            for rect, anchor in page.anchor_links:
                number = reserve()
                put(number, f"<< /Type /Annot /Subtype /Link /Rect [{nums(*rect)}] /Border [0 0 0] "
                            f"/Dest {explicit(anchor)} >>")
                annots.append(f"{number} 0 R")
            put(page_numbers[index], f"<< /Type /Page /Parent {pages_root} 0 R /Resources {resources} 0 R "
                                     f"/MediaBox [0 0 {nums(self.width, self.height)}] /Contents {content} 0 R"
                                     + (f" /Annots [{' '.join(annots)}]" if annots else "") + " >>")
        kids = " ".join(f"{n} 0 R" for n in page_numbers)
        put(pages_root, f"<< /Type /Pages /Count {len(self.pages)} /Kids [{kids}] >>")

        outline = ""
        if self.outline:
            root = reserve()
            first, last, count = self._outline(self.outline, root, reserve, put, explicit)
            put(root, f"<< /Type /Outlines /First {first} 0 R /Last {last} 0 R /Count {count} >>")
            outline = f" /Outlines {root} 0 R /PageMode /UseOutlines"
        i = self.info
        put(catalog, f"<< /Type /Catalog /Pages {pages_root} 0 R{outline} /Lang {text_string(i.language)} "
                     "/ViewerPreferences << /DisplayDocTitle true >> >>")
        put(info, f"<< /Title {text_string(i.title)} /Author {text_string(i.author)} "
                  f"/Subject {text_string(i.subject)} /Keywords {text_string(i.keywords)} "
                  f"/Creator {text_string(i.creator)} /Producer {text_string(i.creator)} "
                  f"/CreationDate {text_string(i.date)} /ModDate {text_string(i.date)} >>")

        chunks = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
        offsets = []
        position = len(chunks[0])
        digest = hashlib.md5(usedforsecurity=False)
        for number, body in enumerate(objects[1:], 1):
            assert body is not None, number
            if isinstance(body, tuple):
                data, extra = body
                data = data.result()
                body = (f"<< /Length {len(data)} /Filter /FlateDecode{extra} >>\nstream\n".encode("latin-1")
                        + data + b"\nendstream")
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            offsets.append(position)
            position += len(chunk)
            chunks.append(chunk)
            digest.update(chunk)
        identifier = digest.hexdigest()
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % len(objects)]
        xref.extend(b"%010d 00000 n \n" % offset for offset in offsets)
        chunks.append(b"".join(xref))
        chunks.append(f"trailer\n<< /Size {len(objects)} /Root {catalog} 0 R /Info {info} 0 R "
                      f"/ID [<{identifier}> <{identifier}>] >>\nstartxref\n{position}\n%%EOF\n".encode("latin-1"))
        out.write(b"".join(chunks))

    def _outline(self, items, parent: int, reserve, put, explicit) -> tuple[int, int, int]:
        """Write sibling outline items: return the first's and last's numbers and their visible count."""
        numbers = [reserve() for _ in items]
        total = len(items)
        for index, (item, number) in enumerate(zip(items, numbers)):
            parts = [f"/Title {text_string(item.title)} /Parent {parent} 0 R /Dest {explicit(item.anchor)}"]
            if index:
                parts.append(f"/Prev {numbers[index - 1]} 0 R")
            if index + 1 < len(items):
                parts.append(f"/Next {numbers[index + 1]} 0 R")
            if item.children:
                first, last, count = self._outline(item.children, number, reserve, put, explicit)
                parts.append(f"/First {first} 0 R /Last {last} 0 R /Count {count}")
                total += count
            put(number, "<< " + " ".join(parts) + " >>")
        return numbers[0], numbers[-1], total

    def _font(self, subset: _Subset, reserve, put, stream) -> int:
        """Write one subset as a simple TrueType font; return its object number."""
        font = subset.font
        # glyph i of the subset font is code i's (codes are given low first: a gap below code 32
        # only in a subset of fewer than 31 characters, filled with .notdef)
        glyphs = [subset.glyphs.get(code, 0) for code in range(max(subset.glyphs) + 1)]
        program = font.subset(glyphs)
        tag = "".join(chr(65 + b % 26) for b in hashlib.md5(program, usedforsecurity=False).digest()[:6])
        base = f"/{tag}+{font.postscript_name}"
        number, descriptor, file, to_unicode = reserve(), reserve(), reserve(), reserve()
        widths = " ".join(num(font.glyph_width(g)) for g in glyphs)
        put(number, f"<< /Type /Font /Subtype /TrueType /BaseFont {base} /FirstChar 0 /LastChar {len(glyphs) - 1} "
                    f"/Widths [{widths}] /FontDescriptor {descriptor} 0 R /ToUnicode {to_unicode} 0 R >>")
        flags = 4 | (1 if font.fixed_pitch else 0) | (64 if font.italic_angle else 0)
        put(descriptor, f"<< /Type /FontDescriptor /FontName {base} /Flags {flags} /FontBBox [{nums(*font.bbox)}] "
                        f"/ItalicAngle {num(font.italic_angle)} /Ascent {num(font.ascent)} "
                        f"/Descent {num(font.descent)} /CapHeight {num(font.cap_height)} /StemV {font.stem_v} "
                        f"/FontFile2 {file} 0 R >>")
        compress = self._pool.submit
        stream(file, compress(zlib.compress, program, COMPRESSION), f" /Length1 {len(program)}")
        stream(to_unicode, compress(zlib.compress, _to_unicode(subset.unicode), COMPRESSION))
        return number


def _to_unicode(unicode: dict[int, str]) -> bytes:
    """A ToUnicode CMap: each code of a subset -> the text it stands for."""
    entries = [f"<{code:02x}> <{text.encode('utf-16-be').hex()}>" for code, text in sorted(unicode.items())]
    blocks = []
    for start in range(0, len(entries), 100):  # at most 100 entries per block
        chunk = entries[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<00> <ff>\nendcodespacerange\n" + "\n".join(blocks)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("latin-1")
