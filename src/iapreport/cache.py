"""A per-user cache of what is slow to build and fixed by its inputs.

Three things are rebuilt identically by every process that needs them: the jinja template
compiled to Python code, each gettext catalog compiled (and checked) from its ``.po`` file, and
pyphen's hyphenation patterns parsed from their dictionary. Together they cost about a quarter of
a one-edition build, so they are kept between runs, the way Python keeps ``.pyc`` files.

Where: ``$IAPREPORT_CACHE_DIR``, else ``$XDG_CACHE_HOME/iapreport``, else ``~/.cache/iapreport``.
Setting ``IAPREPORT_CACHE_DIR`` to ``off`` (or an empty string) turns the cache off.

Rules that keep it harmless: an entry's name is a hash of everything it depends on (the input's
bytes or identity, the library that built it, the identity of our module that built or checked
it), so a stale entry is never read; entries are written to a temporary file and renamed, so
parallel builds never see half an entry; any failure to read or write (a read-only home, a
corrupt file) falls back to building in memory. The cache can make a build faster, never
different.

Entries are pickles (and jinja's marshalled code), which run code when read: the cache must be a
private directory. One that is not owned by the user, or that others may write to, is not used.
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

#: bump when the layout of cached values changes (callers key their entries by the identity of
#: the module that builds them, so changes to building or checking code need no bump)
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


def _private(root: Path) -> bool:
    """Create `root` (for this user only) if needed; say whether it is safe to read code from."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = root.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def file_identity(path: str | os.PathLike[str]) -> tuple[str, int, int]:
    """What identifies a file's contents cheaply: its path, size and modification time."""
    stat = os.stat(path)
    return (os.fspath(path), stat.st_size, stat.st_mtime_ns)


def cached(kind: str, digest: str, build: Callable[[], T], *, plain: bool = False) -> T:
    """Return the value cached as `kind`/`digest`, or `build()` it and store it.

    Values are pickled; with `plain`, the value must be plain data (dicts, tuples, strings,
    numbers, None) and is stored with `marshal`: three times faster to read than a pickle, and
    unable to run code (the key then includes the marshal format's version).
    """
    root = directory()
    if root is None or not _private(root):
        return build()
    if plain:
        import marshal

        path = root / kind / f"{digest}-m{marshal.version}.marshal"
        dumps, loads = marshal.dumps, marshal.loads
    else:
        path = root / kind / f"{digest}.pickle"
        dumps, loads = (lambda value: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)), pickle.loads
    try:
        with open(path, "rb") as stream:
            return loads(stream.read())
    except Exception:  # missing, corrupt or incompatible: build it and (re)place it
        pass
    value = build()
    store(path, dumps(value))
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
    if root is None or not _private(root):
        return None
    path = root / kind / key(*parts)[:16]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path
