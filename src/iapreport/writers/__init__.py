"""Writers: a document tree and the theme in, a file out. They never translate or format data.

`WRITERS` maps a format name to its writer function ``write(document, theme, path)``; writers
import only `tree` and `theme`. Every writer writes through `atomic_output`, so a failed build
leaves no half-written file behind.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import secrets
from pathlib import Path
from typing import Callable, Iterator

from ..errors import IapreportError


class WriterError(IapreportError):
    """The document cannot be written faithfully (e.g. a character no font can draw)."""


class GlyphError(WriterError):
    """A text holds a character that no font of its style's fallback chain can show."""


def build_moment(day: _dt.date) -> _dt.datetime:
    """The moment a file is dated (UTC): ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else
    midnight of `day` (the report's date). Both writers date their files through this."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.timezone.utc)
    try:
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise WriterError(f"SOURCE_DATE_EPOCH must be a count of seconds, not {epoch!r}") from None


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; move it into place only if the block succeeds.

    The temporary file is created with the permissions a new file gets (the process's umask
    applied by the system), not by reading the umask, which would change it for every thread of
    the process for a moment.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits taken: draw again
            continue
        os.close(fd)
        break
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def get_writer(fmt: str) -> Callable:
    """Return the writer function for a format name (``docx`` or ``pdf``)."""
    if fmt == "docx":
        from .docx import write_docx

        return write_docx
    if fmt == "pdf":
        from .pdf import write_pdf

        return write_pdf
    raise ValueError(f"unknown format {fmt!r} (known: docx, pdf)")


FORMATS = ("docx", "pdf")
