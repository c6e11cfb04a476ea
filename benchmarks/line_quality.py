"""Measure how well the body text is set, ours beside Typst's on the same text (issue 15).

For each sample and language, builds our PDF and has Typst set the same document (the source
`typst_reference.py` writes: same font, size, measure and justification), reads both back with
`pdftotext -bbox-layout` and prints, side by side:

- **hyphenated**: the share of body lines that end in an added hyphen (a compound's own hyphen,
  "anti-|corruption", is not counted: a break is counted when the word with a hyphen is not in the
  document's text);
- **loose**: the share of justified body lines (reaching the right margin, two words or more) with
  a word gap over 1.8 times the font's normal space;
- **run**: the longest run of consecutive body lines ending in an added hyphen.

Body lines are those of the most common line height (the body text's size); a list marker's gap to
its text is not a word gap. Targets (issue 15): loose at most Typst's, hyphenated at most Typst's
plus 3 points, never a run of three.

    pip install typst   # in the `bench` extra; only this benchmark needs it
    python benchmarks/line_quality.py [--samples a.yaml,b.yaml] [--lang en,ru] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "samples" / "kazakhstan-2018.yaml", ROOT / "samples" / "veridia-2021.yaml"]

#: a word gap wider than this many normal spaces makes a line loose
LOOSE = 1.8
#: how near the right edge of the text (points) a line must end to count as justified
EDGE = 1.0
#: how far past it a line may end (Typst hangs hyphens and punctuation into the margin)
OVERHANG = 8.0
#: a body line's block (paragraph) is at least this share of the measure wide (a table's is narrower)
BODY_BLOCK = 0.7
_NS = "{http://www.w3.org/1999/xhtml}"
_MARKER = re.compile(r"^(?:[•◦▪‣–—\-]|\d{1,3}[.)]|[a-zа-я][.)]|[ivx]{1,4}[.)])$")
_HEAD = re.compile(r"([^\W\d_]+)-$")
_TAIL = re.compile(r"^([^\W\d_]+)")


@dataclasses.dataclass
class Line:
    page: int
    words: list  # (xMin, xMax, text)
    x0: float
    x1: float
    height: float
    block: float  # the width of the block (as pdftotext groups lines) the line is in


@dataclasses.dataclass
class Quality:
    lines: int  # body lines
    justified: int
    hyphenated: int
    loose: int
    run: int  # longest run of hyphenated lines

    @property
    def hyphenated_share(self) -> float:
        return self.hyphenated / self.lines if self.lines else 0.0

    @property
    def loose_share(self) -> float:
        return self.loose / self.justified if self.justified else 0.0


def _clean(word: str) -> str:
    """A word as read: a soft hyphen ending it (Typst's added hyphen) as "-", others dropped."""
    if "\xad" not in word:
        return word
    return word[:-1].replace("\xad", "") + "-" if word.endswith("\xad") else word.replace("\xad", "")


def read_lines(pdf: Path) -> list[Line]:
    """The PDF's lines in reading order."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(xml)
    lines: list[Line] = []
    for number, page in enumerate(root.iter(f"{_NS}page"), 1):
        for block in page.iter(f"{_NS}block"):
            block_width = float(block.get("xMax")) - float(block.get("xMin"))
            for line in block.iter(f"{_NS}line"):
                words = [(float(w.get("xMin")), float(w.get("xMax")), _clean(w.text or ""))
                         for w in line.iter(f"{_NS}word")]
                if words:
                    lines.append(Line(number, words, float(line.get("xMin")), float(line.get("xMax")),
                                      float(line.get("yMax")) - float(line.get("yMin")), block_width))
    return lines


def document_text(document) -> str:
    """All text of a document tree, lower-cased (to tell a compound's hyphen from an added one)."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        elif dataclasses.is_dataclass(node):
            for field in dataclasses.fields(node):
                walk(getattr(node, field.name))

    walk(document)
    return " ".join(found).replace("\xad", "").lower()


def measure(pdf: Path, edges: tuple[float, float], space: float, text: str) -> Quality:
    """The quality figures of `pdf`'s body lines, between `edges` (the text's left and right, points;
    `space`: the body face's normal space, points; `text`: the document's, lower-cased)."""
    lines = read_lines(pdf)
    left, right_edge = edges
    heights = collections.Counter(round(line.height, 1) for line in lines)
    body_height = heights.most_common(1)[0][0]
    # the body's size, in a block most of the measure wide (not a table's column)
    body = [line for line in lines if abs(line.height - body_height) <= 0.15
            and line.block >= BODY_BLOCK * (right_edge - left)]
    justified = loose = hyphenated = run = longest = 0
    for index, line in enumerate(body):
        words = line.words
        if _MARKER.match(words[0][2]):
            words = words[1:]
        if len(words) >= 2 and right_edge - EDGE <= line.x1 <= right_edge + OVERHANG:
            justified += 1
            gaps = [b[0] - a[1] for a, b in zip(words, words[1:])]
            if max(gaps) > LOOSE * space:
                loose += 1
        added = False
        head = _HEAD.search(line.words[-1][2])
        if head and index + 1 < len(body):
            tail = _TAIL.match(body[index + 1].words[0][2])
            if tail and f"{head.group(1)}-{tail.group(1)}".lower() not in text:
                added = True
        if added:
            hyphenated += 1
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return Quality(len(body), justified, hyphenated, loose, longest)


def body_space(theme) -> float:
    """The normal word space of the body text, points."""
    from iapreport.writers.fonts import load_face

    style = theme.style("body")
    return load_face(theme.fonts[style.font].regular).space * style.size / 1000.0


def edges(theme) -> tuple[float, float]:
    """The left and right edges of the text on a page, points."""
    from iapreport.writers.pdf import MM

    page = theme.page
    return page.margin_left * MM, (page.width - page.margin_right) * MM


def same_measure(theme) -> str:
    """Typst set rules that give list items our measure: each level's marker hangs in a box one
    list indent wide (`theme.lists.indent`), the text after it, as in our PDF and the DOCX (Typst's
    own list indents are narrower, which would give its lists a wider measure)."""
    step = theme.lists.indent
    bullet = theme.lists.bullet(0)
    return (f"#set list(indent: 0pt, body-indent: 0pt, marker: box(width: {step}pt)[{bullet}])\n"
            f"#set enum(indent: 0pt, body-indent: 0pt, numbering: n => box(width: {step}pt)[#n.])\n")


def build_pair(sample: Path, lang: str, outdir: Path) -> tuple[Path, Path, str]:
    """Our PDF and Typst's of `sample` in `lang`, and the document's text."""
    import typst

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from typst_reference import typst_source

    from iapreport.api import write
    from iapreport.composer import compose
    from iapreport.loader import load
    from iapreport.theme import load_theme

    theme = load_theme()
    document = compose(load(sample), lang)
    ours = outdir / f"{sample.stem}.{lang}.pdf"
    write(document, "pdf", ours)
    source = outdir / f"{sample.stem}.{lang}.typ"
    source.write_text(same_measure(theme) + typst_source(document, theme), encoding="utf-8")
    theirs = outdir / f"{sample.stem}.{lang}.typst.pdf"
    fonts = sorted({str(Path(f.regular).parent) for f in theme.fonts.values()})
    typst.compile(str(source), output=str(theirs), font_paths=fonts, ignore_system_fonts=True)
    return ours, theirs, document_text(document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default=",".join(str(s) for s in SAMPLES))
    parser.add_argument("--lang", default="en,ru")
    parser.add_argument("--keep", type=Path, help="keep the PDFs and Typst sources here")
    args = parser.parse_args()
    try:
        import typst  # noqa: F401
    except ImportError:
        raise SystemExit("this benchmark needs the typst package: pip install typst")
    from iapreport.theme import load_theme

    theme = load_theme()
    space, edge = body_space(theme), edges(theme)
    rows = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.keep or Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        for sample in map(Path, args.samples.split(",")):
            for lang in args.lang.split(","):
                ours, theirs, text = build_pair(sample, lang, outdir)
                a, b = measure(ours, edge, space, text), measure(theirs, edge, space, text)
                ok = (a.loose_share <= b.loose_share and a.hyphenated_share <= b.hyphenated_share + 0.03
                      and a.run < 3)
                failed |= not ok
                rows.append((sample.stem, lang, a, b, ok))
    print(f"{'sample':<18}{'lang':<5}{'hyphenated ours/typst':>24}{'loose ours/typst':>20}"
          f"{'run ours/typst':>16}{'lines ours/typst':>18}  target")
    for stem, lang, a, b, ok in rows:
        print(f"{stem:<18}{lang:<5}{a.hyphenated_share:>14.1%} / {b.hyphenated_share:<6.1%}"
              f"{a.loose_share:>11.1%} / {b.loose_share:<6.1%}{a.run:>9} / {b.run:<4}"
              f"{a.lines:>10} / {b.lines:<6} {'met' if ok else 'MISSED'}")
    print(f"hyphenated: share of body lines ending in an added hyphen; loose: share of justified lines with "
          f"a word gap over {LOOSE} x the space ({LOOSE * space:.2f} pt); run: longest run of hyphenated lines.\n"
          "target: loose <= Typst's, hyphenated <= Typst's + 3 points, run < 3")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
