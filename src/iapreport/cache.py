"""A per-user cache of what is slow to build and fixed by its inputs.

Three things are rebuilt identically by every process that needs them: the jinja template
compiled to Python code, each gettext catalog compiled (and checked) from its ``.po`` file, and
pyphen's hyphenation patterns parsed from their dictionary. Together they cost about a quarter of
a one-edition build, so they are kept between runs, the way Python keeps ``.pyc`` files.

Where: ``$IAPREPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/iapreport``, else ``~/.cache/iapreport``.
Setting ``IAPREPORT_CACHE_DIR`` to ``off`` (or an empty string) turns the cache off.

Rules that keep it harmless: an entry's name is a hash of everything it depends on (the input's
bytes or identity, the versions of iapreport and of the library that built it), so a stale entry
is never read; entries are written to a temporary file and renamed, so parallel builds never see
half an entry; any failure to read or write (a read-only home, a corrupt file) falls back to
building in memory. The cache can make a build faster, never different.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

from . import __version__

T = TypeVar("T")

#: bump when the layout of cached values changes
FORMAT = 1


def directory() -> Path | None:
    """Return the cache directory (not necessarily existing), or None when the cache is off."""
    configured = os.environ.get("IAPREPORT_CACHE_DIR")
    if configured is not None:
        if configured.strip().lower() in ("", "off", "0", "none"):
            return None
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iapreport"


def key(*parts: object) -> str:
    """Return a stable hex digest of `parts` (bytes are hashed as they are, others by their repr)."""
    digest = hashlib.sha256(f"iapreport {__version__} cache {FORMAT}".encode())
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:40]


def file_identity(path: str | os.PathLike[str]) -> tuple[str, int, int]:
    """What identifies a file's contents cheaply: its path, size and modification time."""
    stat = os.stat(path)
    return (os.fspath(path), stat.st_size, stat.st_mtime_ns)


def cached(kind: str, digest: str, build: Callable[[], T]) -> T:
    """Return the value cached as `kind`/`digest`, or `build()` it and store it (pickled)."""
    root = directory()
    if root is None:
        return build()
    path = root / kind / f"{digest}.pickle"
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except FileNotFoundError:
        pass
    except Exception:  # a corrupt or incompatible entry: rebuild and replace it
        pass
    value = build()
    store(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def store(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically; give up silently if the cache cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def subdirectory(kind: str, *parts: object) -> Path | None:
    """Return (creating it) a directory for a library's own cache files, or None if unavailable."""
    root = directory()
    if root is None:
        return None
    path = root / kind / key(*parts)[:16]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path
