"""Read a finished DOCX or PDF back and compare it with its data: the secretariat's last step
before publishing (`iapreport check OUTPUT --data FILE`).

The reference is what the data says: the edition is composed again from the data file (same
templates, catalogs and theme), and the output is read as a reader's tools read it (the PDF's
text through pypdf, page by page; the DOCX's XML). Four kinds of finding:

- ``missing``: a word of the edition's text (the data's prose and names, the labels) that the
  output does not contain;
- ``toc``: a table of contents entry whose number is not the page of its heading (PDF: the
  heading is looked for on that page; DOCX: the number is compared with the project's layout);
- ``language``: a label of another language's catalog in this edition (an English label left in
  the Russian edition);
- ``rating``: a recommendation whose rating reads otherwise in the summary table than in the data
  and its section's conclusion.

The reading works on text, so it finds what a reader would see; it cannot see a word printed
in white or under an image.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from . import tree
from .errors import IapreportError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class CheckError(IapreportError):
    """The output cannot be read (not a DOCX or PDF, damaged), or the edition cannot be told."""


@dataclass(frozen=True)
class Finding:
    kind: str  # missing, toc, language, rating
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


# -- reading the output ---------------------------------------------------------------------------

@dataclass
class _Output:
    format: str
    language: str | None  # BCP 47, as the file states it
    pages: list[str]  # PDF: each page's text; DOCX: the whole text as one
    toc: dict[str, int]  # anchor or entry text -> the number printed (DOCX: PAGEREF results)
    table_rows: list[list[str]]  # DOCX: every table row's cells


def _read_pdf(path: Path) -> _Output:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:  # pragma: no cover - a dependency
        raise CheckError("reading a PDF needs the pypdf package") from None
    try:
        reader = PdfReader(path)
        pages = [(page.extract_text() or "") + _tooltips(page) for page in reader.pages]
        language = reader.trailer["/Root"].get("/Lang")
    except (PyPdfError, OSError, ValueError, KeyError) as exc:
        raise CheckError(f"{path}: cannot read the PDF: {exc}") from None
    return _Output("pdf", str(language) if language else None, pages, {}, [])


def _tooltips(page) -> str:
    """The texts of a PDF page's link annotations (a Markdown link's title), as lines of their own:
    a reader sees them on pointing at the link."""
    texts = []
    for annotation in page.get("/Annots") or ():
        contents = annotation.get_object().get("/Contents")
        if contents:
            texts.append(str(contents))
    return "".join("\n" + text for text in texts)


def _read_docx(path: Path) -> _Output:
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as package:
            document = etree.fromstring(package.read("word/document.xml"))
            styles = etree.fromstring(package.read("word/styles.xml"))
            stories = [etree.fromstring(package.read(name)) for name in package.namelist()
                       if re.fullmatch(r"word/(header|footer)\d+\.xml", name)]
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError) as exc:
        raise CheckError(f"{path}: cannot read the DOCX: {exc}") from None
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    paragraphs = [_paragraph_text(p) for root in (document, *stories) for p in root.iter(f"{W}p")]
    # a link's tooltip (a Markdown link's title), which Word shows on pointing at the link
    paragraphs += [link.get(f"{W}tooltip") for link in document.iter(f"{W}hyperlink") if link.get(f"{W}tooltip")]
    toc: dict[str, int] = {}
    for link in document.iter(f"{W}hyperlink"):
        anchor = link.get(f"{W}anchor")
        instructions = "".join(t.text or "" for t in link.iter(f"{W}instrText"))
        if anchor and "PAGEREF" in instructions:
            # the field's result: the text runs after its "separate" mark
            result, after = [], False
            for element in link.iter(f"{W}fldChar", f"{W}t"):
                if element.tag == f"{W}fldChar":
                    after = element.get(f"{W}fldCharType") == "separate" or (after and element.get(
                        f"{W}fldCharType") != "end")
                elif after:
                    result.append(element.text or "")
            number = "".join(result).strip()
            if number.isdigit():
                toc[anchor] = int(number)
    rows = [[" ".join(_paragraph_text(p) for p in tc.iter(f"{W}p")).strip() for tc in tr.iter(f"{W}tc")]
            for tr in document.iter(f"{W}tr")]
    return _Output("docx", lang.get(f"{W}val") if lang is not None else None, ["\n".join(paragraphs)], toc, rows)


def _paragraph_text(p) -> str:
    parts = []
    for element in p.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append(element.text or "" if element.tag == f"{W}t" else " ")
    return "".join(parts)


def read_output(path: str | Path) -> _Output:
    path = Path(path)
    try:
        head = path.read_bytes()[:5]
    except OSError as exc:
        raise CheckError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if head.startswith(b"%PDF"):
        return _read_pdf(path)
    if head.startswith(b"PK"):
        return _read_docx(path)
    raise CheckError(f"{path}: neither a DOCX nor a PDF")


# -- comparing ------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_SOFT = "\u00ad\u200b\u2060"
#: a word this long may be broken over lines without a hyphen: it is looked for in the text
#: with its line breaks removed (a shorter one could be found by accident across two words)
_LONG = 24


def _norm(text: str) -> str:
    """`text` composed (NFC) and without invisible break marks: "é" typed as e + U+0301 and
    printed precomposed reads as the same word."""
    return unicodedata.normalize("NFC", text).translate({ord(c): None for c in _SOFT})


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(_norm(text))}


def _flat(text: str) -> str:
    """Text as one line, case folded: for finding phrases whatever the line breaks and capitals."""
    return " ".join(_norm(text).split()).casefold()


def _printed_words(output: _Output) -> set[str]:
    """Every word the output shows, a word hyphenated at a line end counted whole as well as in
    its two parts (a compound such as anti-corruption broken after its own hyphen)."""
    text = _norm("\n".join(output.pages))
    joined = re.sub(r"(\w)[-\u2010]\n(\w)", r"\1\2", text)
    return _words(text) | _words(joined)


def _texts(document: tree.Document) -> list[str]:
    """Every text of the edition, as the writers print it."""
    out: list[str] = []

    def runs_text(runs) -> str:
        # a link's title is its tooltip, a text of its own (not glued to what follows the link)
        out.extend(run.title for run in runs if run.title)
        return "".join("\n" if run.line_break else run.text for run in runs)

    for block in tree.walk(document.blocks()):
        if isinstance(block, tree.Paragraph):
            out.append(runs_text(block.runs))
        elif isinstance(block, tree.Heading):
            out.append(block.text)
        elif isinstance(block, tree.Table):
            for row in block.rows:
                for cell in row.cells:
                    out.extend(runs_text(p.runs) for p in cell.paragraphs)
        elif isinstance(block, tree.TableOfContents):
            out.append(block.title)
            out.extend(entry.text for entry in block.entries)
    for section in document.sections:
        if section.running_header:
            out.append(section.running_header)
    return out


def _without_furniture(output: _Output, document: tree.Document) -> _Output:
    """The PDF's pages without their running header and page number, so that a word or sentence
    that runs on to the next page reads on (the header and number are checked as text all the
    same: they are in the pages as read)."""
    if output.format != "pdf":
        return output
    headers = {_flat(section.running_header) for section in document.sections if section.running_header}
    pages = []
    for page in output.pages:
        lines = page.split("\n")
        while lines and (_flat(lines[0]) in headers or lines[0].strip().isdigit()):
            lines.pop(0)
        while lines and lines[-1].strip().isdigit():
            lines.pop()
        pages.append("\n".join(lines))
    return _Output(output.format, output.language, pages, output.toc, output.table_rows)


def _missing(document: tree.Document, output: _Output) -> list[Finding]:
    body = _without_furniture(output, document)
    printed = _printed_words(output) | _printed_words(body)
    compact = None  # the text without line breaks: for words longer than a line
    missing: list[str] = []
    for text in _texts(document):
        for word in _WORD.findall(_norm(text)):
            key = word.casefold()
            if key in printed or word in missing:
                continue
            if len(word) >= _LONG:
                # a word longer than a line is broken over lines, and pages, without a hyphen
                if compact is None:
                    compact = _norm("".join(body.pages)).replace("\n", "").casefold()
                if key in compact:
                    continue
            missing.append(word)
    if not missing:
        return []
    shown = ", ".join(missing[:12]) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
    return [Finding("missing", f"{len(missing)} word{'s' if len(missing) != 1 else ''} of the data not in the "
                               f"output: {shown}")]


def _toc(document: tree.Document, output: _Output, theme) -> list[Finding]:
    entries = [entry for block in document.blocks() if isinstance(block, tree.TableOfContents)
               for entry in block.entries]
    if not entries:
        return []
    findings: list[Finding] = []
    if output.format == "docx":
        if not output.toc:
            return []  # numbers not filled in: Word fills them on "Update field"
        from .writers.pdf import layout

        _, _, pages = layout(document, theme)
        for entry in entries:
            shown, expected = output.toc.get(entry.anchor), pages.get(entry.anchor)
            if shown is not None and expected is not None and shown != expected:
                findings.append(Finding("toc", f"'{entry.text}' shows page {shown}; its heading is on page {expected}"))
        return findings
    flat_pages = [_flat(page) for page in output.pages]
    whole = " ".join(flat_pages)
    position = 0
    for entry in entries:
        match = re.compile(re.escape(_flat(entry.text)) + r" (\d+)\b").search(whole, position)
        if match is None:
            findings.append(Finding("toc", f"'{entry.text}' is not in the table of contents with a page number"))
            continue
        position = match.end()
        number = int(match.group(1))
        heading = _flat(entry.text)
        if not 1 <= number <= len(flat_pages):
            findings.append(Finding("toc", f"'{entry.text}' shows page {number}; the document has "
                                           f"{len(flat_pages)} pages"))
        elif not _has(flat_pages[number - 1], heading):
            toc_page = _page_of(flat_pages, match.start())
            where = [i + 1 for i, page in enumerate(flat_pages) if _has(page, heading) and i != toc_page]
            place = f"; it is on page {where[0]}" if where else ""
            findings.append(Finding("toc", f"'{entry.text}' shows page {number}, which does not have that "
                                           f"heading{place}"))
    return findings


def _has(text: str, phrase: str) -> bool:
    """Whether `phrase` is in `text` as whole words ("No. 2" is not in "No. 2.1")."""
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w|[.,]\d)", text) is not None


def _page_of(flat_pages: list[str], offset: int) -> int:
    """The index of the page that holds `offset` of the pages joined by single spaces."""
    for index, page in enumerate(flat_pages):
        offset -= len(page) + 1
        if offset < 0:
            return index
    return len(flat_pages) - 1


def _foreign_labels(document: tree.Document, output: _Output, lang: str,
                    locales_dirs: Sequence[str | Path]) -> list[Finding]:
    """Labels of the other languages' catalogs (and the English source texts) printed in this edition."""
    from babel.messages.pofile import read_po

    from .i18n import available_languages, catalog_dirs, catalog_path

    dirs = catalog_dirs(locales_dirs)
    own: set[str] = set()
    foreign: dict[str, str] = {}
    for code in available_languages(locales_dirs):
        path = catalog_path(code, dirs)
        if path is None:
            continue
        with open(path, "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            texts = [s for s in strings if s] or list(ids)  # an untranslated message prints its source
            if code == lang:
                own.update(texts)
            else:
                for text in texts:
                    foreign.setdefault(text, code)
            for source in ids:  # the source texts are English
                if lang == "en":
                    own.add(source)
                else:
                    foreign.setdefault(source, "en")
    data_text = _flat(" ".join(_texts(document)))
    printed = _flat("\n".join(output.pages))
    found: list[str] = []
    for text, code in foreign.items():
        for piece in re.split(r"%\(\w+\)[sd]|\{[^}]*\}|[*_#\[\]]+|\n", text):
            piece = _flat(piece).strip(" .,:;")
            if (len(piece) < 12 or " " not in piece or piece in own or any(piece in _flat(o) for o in own)
                    or piece in data_text):
                continue
            if piece in printed and piece not in found:
                found.append(piece)
    return [Finding("language", f"'{piece}' is a label of another language's catalog") for piece in found[:20]]


def _ratings(document: tree.Document, output: _Output) -> list[Finding]:
    """The summary table's rows against the data's: each recommendation's ratings as printed."""
    findings: list[Finding] = []
    tables = [block for block in document.blocks() if isinstance(block, tree.Table) and block.rows]
    if not tables:
        return findings
    table = tables[0]
    expected = []
    for row in table.rows[table.header_rows:]:
        cells = [" ".join("".join(r.text for r in p.runs) for p in cell.paragraphs) for cell in row.cells]
        expected.append(cells)
    if output.format == "docx":
        printed_rows = {_flat(cells[0]): cells for cells in output.table_rows if cells}
        for cells in expected:
            shown = printed_rows.get(_flat(cells[0]))
            if shown is None:
                findings.append(Finding("rating", f"the summary table has no row '{cells[0]}'"))
            elif [_flat(c) for c in shown[1:]] != [_flat(c) for c in cells[1:]]:
                findings.append(Finding("rating", f"'{cells[0]}': the summary table reads "
                                                  f"{' | '.join(shown[1:])}; the data and the section: "
                                                  f"{' | '.join(cells[1:])}"))
        return findings
    # compared without spaces and hyphens: a cell's lines break at its own hyphens ("Anti-|
    # corruption") and, in a narrow summary table, at added ones
    def bare(text: str) -> str:
        return re.sub(r"[\s\-\u2010\u00ad]+", "", _flat(text))

    whole = "".join(bare(page) for page in output.pages)
    for cells in expected:
        if bare(" ".join(cells)) not in whole:
            findings.append(Finding("rating", f"'{cells[0]}': the summary table does not read "
                                              f"{' | '.join(cells[1:])} as the data and the section do"))
    return findings


def check(output_path: str | Path, data_path: str | Path, *, lang: str | None = None,
          locales_dirs: Sequence[str | Path] = (), theme=None) -> list[Finding]:
    """Compare the DOCX or PDF at `output_path` with the edition its data file composes; return
    the findings (none: the output prints what the data says).

    The edition's language is `lang`, else the one the file states (PDF /Lang, DOCX default
    language), else the name's ``<stem>.<lang>.<format>``. Raises CheckError for an output that
    cannot be read, and the loader's and composer's errors for data that cannot be composed.
    """
    from .api import _report, _theme
    from .composer import compose
    from .loader import load_file, report_languages

    output = read_output(output_path)
    report = _report(load_file(data_path), False)
    languages = report_languages(report)
    if lang is None:
        stated = (output.language or "").split("-")[0].lower()
        by_name = Path(output_path).suffixes[-2][1:] if len(Path(output_path).suffixes) >= 2 else ""
        lang = next((code for code in (stated, by_name) if code in languages), None)
    if lang is None:
        raise CheckError(f"{output_path}: cannot tell the edition's language; give it with --lang "
                         f"(the data has {', '.join(languages)})")
    theme = _theme(theme)
    document = compose(report, lang, locales_dirs=locales_dirs, theme=theme)
    return (_missing(document, output) + _toc(document, output, theme)
            + _foreign_labels(document, output, lang, locales_dirs) + _ratings(document, output))
