"""The public Python API: load, compose and write, for scripts and for the CLI.

    from iapreport import build
    outputs = build("samples/kazakhstan-2018.yaml", langs=["en", "ru"], formats=["docx", "pdf"],
                    outdir="out")

Step by step: `load` (a path), `load_text` (YAML or JSON text) or `load_data` (Python values)
give a validated `model.Report`; `compose` gives one edition's document tree; `write` writes it
in one format to a path or a binary stream. `build` does all of it for every edition of one data
file; `batch.build_many` for many files, in parallel processes. See docs/api.md.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Protocol, Sequence

from . import model
from .composer import compose
from .loader import DataError, LoadResult, load_file
from .loader import load_data as _check_data
from .loader import load_text as _check_text
from .loader import report_languages
from .theme import Theme, load_theme
from .tree import Document
from .writers import FORMATS, GlyphError, WriterError, get_writer

__all__ = ["BinaryStream", "Output", "build", "build_document", "load_data", "load_text", "output_name", "write"]


class BinaryStream(Protocol):
    """What `write` writes to besides a path: anything with ``write(bytes)`` (an open binary file,
    `io.BytesIO`, a web framework's response, ``sys.stdout.buffer``)."""

    def write(self, data: bytes, /) -> object: ...


class Output(NamedTuple):
    """One file a build wrote."""

    path: Path
    lang: str
    format: str
    #: its number of pages: a PDF's; None for a DOCX, whose pages the word processor lays out
    pages: int | None = None
    #: the time it took: its edition's composing (shared between the edition's formats) and writing
    seconds: float = 0.0
    #: the fields printed in the fallback language (`build(fallback=...)`), one message each
    fallbacks: tuple[str, ...] = ()


def output_name(source: str | Path, lang: str, fmt: str) -> str:
    """Return ``<stem>.<lang>.<format>``, the name of an edition's file."""
    return f"{Path(source).stem}.{lang}.{fmt}"


def _report(result: LoadResult, strict: bool) -> model.Report:
    """Return the report of a validation, or raise DataError listing its errors (with `strict`,
    its warnings too)."""
    bad = result.problems if strict else result.errors
    if bad or result.report is None:
        raise DataError(bad or result.problems)
    return result.report


def load_text(text: str, name: str = "<string>", *, is_json: bool | None = None, strict: bool = False,
              base_dir: str | Path | None = None) -> model.Report:
    """Return the validated report in `text`, or raise DataError listing every problem, each
    located at ``name:line:column`` with its field.

    The text is YAML, or JSON when `is_json` is true (by default: when `name` ends in ``.json``;
    JSON read as YAML works too, only its syntax errors read less well). With `strict`, warnings
    (such as prose missing in one language) are errors too. Relative image paths (the cover's
    logos) start from `base_dir`, by default from the folder of `name` when it names a file, else
    from the current directory.
    """
    return _report(_check_text(text, name, is_json=is_json, base_dir=base_dir), strict)


def load_data(data: Any, name: str = "<data>", *, strict: bool = False,
              base_dir: str | Path | None = None) -> model.Report:
    """Return the validated report in `data`, Python values as `json.load` or `yaml.safe_load`
    give them, or raise DataError listing every problem.

    The rules and messages are a data file's, naming the same fields (``chapters[0].title.en``);
    lines and columns count in the JSON text the values make. With `strict`, warnings are errors
    too. Relative image paths start from `base_dir`, by default from the current directory (from
    the folder of `name` when it names a file).
    """
    return _report(_check_data(data, name, base_dir=base_dir), strict)


def build_document(report: model.Report, lang: str, *, locales_dirs: Sequence[str | Path] = (),
                   theme: Theme | None = None) -> Document:
    """Return the document tree of one edition: the same as `compose` (kept for older scripts)."""
    return compose(report, lang, locales_dirs=locales_dirs, theme=theme)


def _theme(theme: Theme | str | Path | None) -> Theme:
    return theme if isinstance(theme, Theme) else load_theme(theme)


def write(document: Document, fmt: str, target: str | Path | BinaryStream,
          theme: Theme | str | Path | None = None) -> Path | None:
    """Write a document tree in `fmt` (``docx`` or ``pdf``) to `target`; return the path written,
    or None for a stream.

    `target` is a path, written atomically (a temporary file beside it, renamed when complete: a
    failure leaves no file and an older one as it was), or a binary stream (anything with
    ``write(bytes)``: an open file, `io.BytesIO`, a web response), which gets the same bytes.
    `theme` is a Theme, the path of a theme file, or None for the shipped theme. Raises
    WriterError when the document cannot be written faithfully, ValueError for an unknown format.
    """
    writer = get_writer(fmt)
    theme = _theme(theme)
    if isinstance(target, (str, os.PathLike)):
        writer(document, theme, target)
        return Path(target)
    if not callable(getattr(target, "write", None)):
        raise TypeError(f"write() needs a path or a binary stream, not {type(target).__name__}")
    if isinstance(target, io.TextIOBase):
        raise TypeError("write() needs a binary stream (open(name, 'wb'), io.BytesIO, sys.stdout.buffer), "
                        "not a text stream")
    # the writers write files: write one in a folder of our own and copy its bytes
    with tempfile.TemporaryDirectory(prefix="iapreport-") as scratch:
        path = Path(scratch) / f"document.{fmt}"
        writer(document, theme, path)
        with open(path, "rb") as stream:
            shutil.copyfileobj(stream, target)
    return None


def _unprintable(result: LoadResult, theme: Theme, source: str | Path) -> DataError | None:
    """The located problems of every character in the data that no font of `theme` can print
    (`glyphs.check`), as one DataError, or None when the data has none."""
    from . import glyphs

    problems = glyphs.check(result.texts, theme, str(source))
    return DataError(problems) if problems else None


def build(source: str | Path, *, langs: Iterable[str] | None = None, formats: Iterable[str] = FORMATS,
          outdir: str | Path = ".", strict: bool = False,
          locales_dirs: Sequence[str | Path] = (),
          theme: Theme | str | Path | None = None, fallback: str | None = None) -> list[Output]:
    """Build every requested edition of one data file; return what was written.

    With `fallback` (a language code), a field the data lacks in an edition's language is printed
    in that language instead of failing the build: each such field is listed in the output's
    `fallbacks`, and the document notes it under the heading of its section.

    Outputs are named ``<stem>.<lang>.<format>`` in `outdir` (created if needed). `langs` defaults
    to the languages the data is written in. Raises `DataError` for invalid data (also for
    characters no font of the theme can print, each located), `ThemeError` for a theme that cannot
    be used, `LocaleError` for a language without catalog, `ComposeError` for text missing in a
    language, `WriterError` when a file cannot be written faithfully: all `IapreportError`. Every
    edition is composed before any file is written, and the files are moved into place only when
    all are written, so a failure leaves no partial set of outputs.
    """
    theme = _theme(theme)
    result = load_file(source)
    report = _report(result, strict)
    langs = list(dict.fromkeys(langs)) if langs is not None else list(report_languages(report))
    formats = list(dict.fromkeys(formats))
    if not langs or not formats:
        raise ValueError("nothing to build: no language or no format given")
    for fmt in formats:
        get_writer(fmt)  # unknown formats fail before any work
    documents = {}
    composing = {}
    for lang in langs:
        start = time.perf_counter()
        documents[lang] = compose(report, lang, locales_dirs=locales_dirs, theme=theme, fallback=fallback)
        composing[lang] = (time.perf_counter() - start) / len(formats)
    outdir = Path(outdir)
    # an output that cannot be written is found before any work
    _refuse_folders([outdir / output_name(source, lang, fmt) for lang in langs for fmt in formats])
    outdir.mkdir(parents=True, exist_ok=True)
    # all files are written to a scratch directory beside their target and moved into place only
    # when every one succeeded: a failing edition leaves no partial set of outputs behind
    # named before it is made, so that an interrupt (Ctrl-C, SIGTERM) at any moment finds it to remove
    scratch = outdir / f".iapreport-{secrets.token_hex(6)}"
    try:
        scratch.mkdir(mode=0o700)
        outputs = []
        for lang, document in documents.items():
            for fmt in formats:
                name = output_name(source, lang, fmt)
                start = time.perf_counter()
                try:
                    pages = get_writer(fmt)(document, theme, scratch / name)
                except GlyphError as exc:
                    # a character no font has: name every one in the data, located, not just the
                    # first a writer met (looked for only now: most builds have none)
                    located = _unprintable(result, theme, source)
                    if located is None:  # not from the data (a template, a catalog)
                        raise
                    raise located from exc
                seconds = composing[lang] + time.perf_counter() - start
                outputs.append(Output(outdir / name, lang, fmt, pages if isinstance(pages, int) else None, seconds,
                                      document.fallbacks))
        _move_all(scratch, [output.path for output in outputs])
        return outputs
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _refuse_folders(targets: list[Path]) -> None:
    for target in targets:
        if target.is_dir():
            raise WriterError(f"{target}: is a folder; the output cannot be written there "
                              "(no output of this data file was written)")


def _move_all(scratch: Path, targets: list[Path]) -> None:
    """Move every file of `scratch` named like a target onto it, all or none: a target that is
    a folder is refused before anything moves, and when a move fails the targets already moved
    get their earlier files back (kept in `scratch` until every move succeeded)."""
    _refuse_folders(targets)
    kept: list[tuple[Path, Path | None]] = []  # (target, its earlier file kept aside, if any)
    try:
        for index, target in enumerate(targets):
            earlier = None
            if os.path.lexists(target):
                earlier = scratch / f".earlier-{index}"
                os.replace(target, earlier)
            kept.append((target, earlier))
            os.replace(scratch / target.name, target)
    except BaseException:
        for target, earlier in reversed(kept):
            with contextlib.suppress(OSError):
                if earlier is not None:
                    os.replace(earlier, target)
                elif target.exists() and not target.is_dir():
                    os.unlink(target)
        raise
