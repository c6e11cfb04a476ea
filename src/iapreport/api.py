"""The public Python API: load, compose and write, for scripts and for the CLI.

    from iapreport import build
    paths = build("samples/kazakhstan-2018.yaml", langs=["en", "ru"], formats=["docx", "pdf"],
                  outdir="out")
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from . import model
from .compose import compose
from .loader import DataError, load_file, report_languages
from .theme import Theme, load_theme
from .tree import Document
from .writers import FORMATS, GlyphError, get_writer


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    path: Path
    lang: str
    format: str


def output_name(source: str | Path, lang: str, fmt: str) -> str:
    """Return ``<stem>.<lang>.<format>``, the name of an edition's file."""
    return f"{Path(source).stem}.{lang}.{fmt}"


def build_document(report: model.Report, lang: str, *, locales_dirs: Sequence[str | Path] = (),
                   theme: Theme | None = None) -> Document:
    """Return the document tree of one edition (the theme gives the cover's logos and their size)."""
    return compose(report, lang, locales_dirs=locales_dirs, theme=theme)


def write(document: Document, fmt: str, path: str | Path, theme: Theme | None = None) -> Path:
    """Write a document tree in `fmt` (docx or pdf) to `path`; return the path."""
    get_writer(fmt)(document, theme or load_theme(), path)
    return Path(path)


def _unprintable(result, theme: Theme, source: str | Path) -> DataError | None:
    """The located problems of every character in the data that no font of `theme` can print
    (`glyphs.check`), as one DataError, or None when the data has none."""
    from . import glyphs

    problems = glyphs.check(result.texts, theme, str(source))
    return DataError(problems) if problems else None


def build(source: str | Path, *, langs: Iterable[str] | None = None, formats: Iterable[str] = FORMATS,
          outdir: str | Path = ".", strict: bool = False, locales_dirs: Sequence[str | Path] = (),
          theme: Theme | str | Path | None = None) -> list[Output]:
    """Build every requested edition of one data file; return what was written.

    `langs` defaults to the languages the data is written in. Raises `loader.DataError` for invalid
    data (also for characters no font of the theme can print, each located), `i18n.LocaleError` for a language without catalog, `compose.ComposeError` for text
    missing in a language, `writers.WriterError` when a file cannot be written faithfully. Every
    edition is composed before any file is written, so bad data leaves no partial set of outputs.
    """
    if not isinstance(theme, Theme):
        theme = load_theme(theme)
    result = load_file(source)
    bad = result.problems if strict else result.errors
    if bad or result.report is None:
        raise DataError(bad or result.problems)
    report = result.report
    langs = list(dict.fromkeys(langs)) if langs is not None else list(report_languages(report))
    formats = list(dict.fromkeys(formats))
    if not langs or not formats:
        raise ValueError("nothing to build: no language or no format given")
    for fmt in formats:
        get_writer(fmt)  # unknown formats fail before any work
    documents = {lang: compose(report, lang, locales_dirs=locales_dirs, theme=theme) for lang in langs}
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    # all files are written to a scratch directory beside their target and moved into place only
    # when every one succeeded: a failing edition leaves no partial set of outputs behind
    scratch = Path(tempfile.mkdtemp(prefix=".iapreport-", dir=outdir))
    try:
        outputs = []
        for lang, document in documents.items():
            for fmt in formats:
                name = output_name(source, lang, fmt)
                try:
                    get_writer(fmt)(document, theme, scratch / name)
                except GlyphError as exc:
                    # a character no font has: name every one in the data, located, not just the
                    # first a writer met (looked for only now: most builds have none)
                    located = _unprintable(result, theme, source)
                    if located is None:  # not from the data (a template, a catalog)
                        raise
                    raise located from exc
                outputs.append(Output(outdir / name, lang, fmt))
        for output in outputs:
            os.replace(scratch / output.path.name, output.path)
        return outputs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
