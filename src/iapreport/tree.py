"""The format-neutral document tree between `compose` and the writers.

Small immutable records (named tuples: a tenth of a frozen dataclass's cost to define at import and
half its cost to create, and a report makes thousands of runs): what a publication is made of, with
every string already translated and formatted; `_replace` makes a changed copy. Each block carries
a semantic `style` name that the theme resolves for both writers.
This module imports nothing else from iapreport, so writers depend on it alone.
"""

from __future__ import annotations

import datetime as _dt
from typing import Iterable, Iterator, NamedTuple, Union


class Run(NamedTuple):
    """A stretch of inline text with one set of attributes.

    `link` is a URL (only http, https and mailto are ever set); `line_break` marks a hard break
    and carries no text; `title` is a link's title, which the writers show as its tooltip (the
    DOCX's ``w:tooltip``, the PDF link annotation's ``/Contents``).
    """

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    line_break: bool = False
    title: str | None = None


class Paragraph(NamedTuple):
    """A paragraph of runs. `source` names the data field it came from, for messages."""

    runs: tuple[Run, ...]
    style: str = "body"
    source: str | None = None
    #: keep on the same page as what follows (a lead-in such as "as follows:" before a list)
    keep_with_next: bool = False

    @property
    def text(self) -> str:
        return "".join("\n" if run.line_break else run.text for run in self.runs)


class Heading(NamedTuple):
    """A heading: `level` 1–3 maps to Word's Heading 1–3 and to the PDF outline depth.

    `anchor` is a stable name for links and bookmarks; `toc` says whether the table of contents
    lists it; `outline` whether the PDF bookmarks do.
    """

    text: str
    level: int
    anchor: str | None = None
    style: str = "heading-1"
    toc: bool = True
    outline: bool = True
    #: the text the TOC and bookmarks show, when it differs from the heading itself
    toc_text: str | None = None


class ListItem(NamedTuple):
    """One item of a list: blocks (paragraphs, nested lists)."""

    blocks: tuple["Block", ...]


class ListBlock(NamedTuple):
    """An ordered or bullet list.

    `marker` is ``"bullet"``, ``"decimal-dot"`` (1.) or ``"decimal-paren"`` (1)); `start` is the
    first number of an ordered list. `level` is the nesting depth, 0 outermost.
    """

    items: tuple[ListItem, ...]
    marker: str = "bullet"
    start: int = 1
    level: int = 0
    source: str | None = None


class Cell(NamedTuple):
    """A table cell: paragraphs, with a style for the cell (e.g. a rating colour)."""

    paragraphs: tuple[Paragraph, ...]
    style: str = "table-cell"
    colspan: int = 1


class Row(NamedTuple):
    cells: tuple[Cell, ...]


class Table(NamedTuple):
    """A table whose first `header_rows` rows repeat on every page it spans.

    `widths` are relative column widths (they sum to 1).
    """

    rows: tuple[Row, ...]
    widths: tuple[float, ...]
    header_rows: int = 1
    style: str = "summary-table"


class TocEntry(NamedTuple):
    text: str
    level: int
    anchor: str


class TableOfContents(NamedTuple):
    """Where the table of contents stands, with its entries (known before layout)."""

    title: str
    entries: tuple[TocEntry, ...]


class Image(NamedTuple):
    """A PNG or JPEG file: its absolute path and its size in pixels (the aspect ratio it is
    scaled by; a writer never needs to open it to lay it out)."""

    path: str
    width_px: int
    height_px: int


class ImageRow(NamedTuple):
    """Images side by side on one line, such as the publisher's logos on the cover.

    Each image is `height` millimetres high and as wide as its proportions make it; `gap`
    millimetres separate neighbours and `space_after` millimetres follow the row; `align` (left,
    center, right) places the row in the text width, which it never exceeds (compose shrinks it).
    """

    images: tuple[Image, ...]
    height: float  # mm
    gap: float  # mm
    align: str = "left"
    space_after: float = 0.0  # mm
    source: str | None = None

    def widths(self) -> tuple[float, ...]:
        """Return each image's width in millimetres at the row's height."""
        return tuple(self.height * image.width_px / image.height_px for image in self.images)

    @property
    def width(self) -> float:
        """Return the row's width in millimetres: the images and the gaps between them."""
        return sum(self.widths()) + self.gap * max(len(self.images) - 1, 0)


class PageBreak(NamedTuple):
    """Start a new page."""

    def __bool__(self) -> bool:  # a tuple without fields would be false: a page break is something
        return True


Block = Union[Paragraph, Heading, ListBlock, Table, TableOfContents, ImageRow, PageBreak]


class Section(NamedTuple):
    """A run of pages with its own furniture: the cover has none, the body a header and numbers."""

    blocks: tuple[Block, ...]
    running_header: str | None = None
    page_numbers: bool = False


class Metadata(NamedTuple):
    """Document properties for both formats."""

    title: str
    subject: str
    author: str
    keywords: tuple[str, ...]
    language: str  # BCP 47 tag, e.g. en-GB, ru-RU
    date: _dt.date
    description: str = ""


class Document(NamedTuple):
    """A whole publication in one language."""

    metadata: Metadata
    sections: tuple[Section, ...] = ()
    #: the data fields printed in a fallback language, one message each (see `compose`)
    fallbacks: tuple[str, ...] = ()

    def blocks(self) -> Iterator[Block]:
        """Yield every top-level block of every section, in order."""
        for section in self.sections:
            yield from section.blocks

    def headings(self) -> Iterator[Heading]:
        """Yield every heading in order, those inside list items included."""
        return (block for block in walk(self.blocks()) if isinstance(block, Heading))

    def paragraphs(self) -> Iterator[Paragraph]:
        """Yield every paragraph in order, those in lists and table cells included."""
        return walk_paragraphs(self.blocks())


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """Yield every block in `blocks` in reading order: each block, then the blocks of its list
    items or the paragraphs of its table cells."""
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from walk(item.blocks)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs


def walk_paragraphs(blocks: Iterable[Block]) -> Iterator[Paragraph]:
    """Yield every paragraph in `blocks`, descending into lists and tables."""
    return (block for block in walk(blocks) if isinstance(block, Paragraph))


def dump(document: Document) -> str:
    """Return a readable text dump of the tree: the golden-file form, reviewed in diffs."""
    lines: list[str] = []
    md = document.metadata
    lines.append(f"metadata title={md.title!r} language={md.language} date={md.date.isoformat()}")
    lines.append(f"  subject={md.subject!r}")
    lines.append(f"  author={md.author!r} keywords={list(md.keywords)!r}")
    for number, section in enumerate(document.sections, 1):
        lines.append(f"section {number} header={section.running_header!r} page_numbers={section.page_numbers}")
        _dump_blocks(section.blocks, lines, 1)
    return "\n".join(lines) + "\n"


def _runs(runs: tuple[Run, ...]) -> str:
    out = []
    for run in runs:
        if run.line_break:
            out.append("⏎")
            continue
        text = run.text
        if run.bold:
            text = f"**{text}**"
        if run.italic:
            text = f"_{text}_"
        if run.link:
            text = f"[{text}]<{run.link}>" + (f"{{{run.title}}}" if run.title else "")
        out.append(text)
    return "".join(out)


def _file_name(path: str) -> str:
    """Return the last part of a path, whichever the system's separator."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _dump_blocks(blocks, lines: list[str], depth: int) -> None:
    pad = "  " * depth
    for block in blocks:
        if isinstance(block, Heading):
            extra = "" if block.toc else " notoc"
            lines.append(f"{pad}heading {block.level} [{block.style}] #{block.anchor}{extra}: {block.text}")
        elif isinstance(block, Paragraph):
            keep = " keep-with-next" if block.keep_with_next else ""
            lines.append(f"{pad}para [{block.style}]{keep}: {_runs(block.runs)}")
        elif isinstance(block, ListBlock):
            lines.append(f"{pad}list {block.marker} start={block.start} level={block.level}")
            for item in block.items:
                lines.append(f"{pad}  item")
                _dump_blocks(item.blocks, lines, depth + 2)
        elif isinstance(block, Table):
            widths = ", ".join(f"{w:.2f}" for w in block.widths)
            lines.append(f"{pad}table [{block.style}] header_rows={block.header_rows} widths=[{widths}]")
            for row in block.rows:
                cells = " | ".join(
                    f"{' / '.join(_runs(p.runs) for p in cell.paragraphs)}"
                    + (f" [{cell.style}]" if cell.style != "table-cell" else "")
                    + (f" (span {cell.colspan})" if cell.colspan > 1 else "")
                    for cell in row.cells
                )
                lines.append(f"{pad}  row: {cells}")
        elif isinstance(block, TableOfContents):
            lines.append(f"{pad}toc: {block.title}")
            for entry in block.entries:
                lines.append(f"{pad}  {'  ' * (entry.level - 1)}{entry.text} -> #{entry.anchor}")
        elif isinstance(block, ImageRow):
            # file names only: a dump reads the same wherever the images are
            images = " | ".join(f"{_file_name(image.path)} {image.width_px}x{image.height_px}"
                                for image in block.images)
            lines.append(f"{pad}image-row [{block.source}] height={block.height:.2f}mm gap={block.gap:.2f}mm "
                         f"align={block.align} space_after={block.space_after:.2f}mm: {images}")
        elif isinstance(block, PageBreak):
            lines.append(f"{pad}page-break")
