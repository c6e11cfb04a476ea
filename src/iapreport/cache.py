"""A per-user cache of what is slow to build and fixed by its inputs.

Three things are rebuilt identically by every process that needs them: the jinja template
compiled to Python code, each gettext catalog compiled (and checked) from its ``.po`` file, and
pyphen's hyphenation patterns parsed from their dictionary. Together they cost about a quarter of
a one-edition build, so they are kept between runs, the way Python keeps ``.pyc`` files.

Where: ``$IAPREPORT_CACHE_DIR``, else the platform's user cache folder (``platformdirs``):
``%LOCALAPPDATA%\\iapreport\\Cache`` on Windows, ``~/Library/Caches/iapreport`` on macOS,
``$XDG_CACHE_HOME/iapreport`` (usually ``~/.cache/iapreport``) elsewhere. Setting
``IAPREPORT_CACHE_DIR`` to ``off`` (or an empty string) turns the cache off; a location that
cannot be found (no home directory) turns it off too.

Rules that keep it harmless: an entry's name is a hash of everything it depends on (the input's
bytes or identity, the library that built it, the identity of our module that built or checked
it), so a stale entry is never read; entries are written to a temporary file and renamed, so
parallel builds never see half an entry; any failure to read or write (a read-only home, a
corrupt file) falls back to building in memory. The cache can make a build faster, never
different.

Privacy. Pickled entries and jinja's compiled templates run code when read, so they are kept only
in a directory known to be the user's own; ``plain`` entries (``marshal``: dicts, tuples, strings,
numbers) cannot run code. How a directory is known to be private depends on the platform:

- POSIX (Linux, macOS: ``os.getuid`` exists): the directory is created with mode 0700 and used
  only if it is owned by the user and neither group nor others may write to it. Otherwise it is
  not used at all.
- Without ``os.getuid`` (Windows) file modes say nothing, and ownership is not checked here;
  what is trusted instead is the platform's per-user cache root (``%LOCALAPPDATA%``, closed to
  other users by the system's access rules). A directory inside it (links resolved) holds
  everything, the default place included; any other ``IAPREPORT_CACHE_DIR`` holds only ``plain``
  entries (the user named it; at worst it could feed wrong data, never code), and the rest is
  built in memory.
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

#: what a cache directory may hold: nothing, `plain` (marshal) entries only, or anything
UNUSABLE, PLAIN, ANY = 0, 1, 2

_APP = "iapreport"


def _user_cache_dir(app: str | None) -> Path | None:
    """The platform's user cache folder (of `app`, or the root all apps share), or None when the
    platform gives none (no home directory, or platformdirs failing on an unusual system)."""
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir(app, appauthor=False))
    except Exception:
        return None


def _configured() -> tuple[bool, str | None]:
    """Whether ``IAPREPORT_CACHE_DIR`` names the place, and the place it names (None: off)."""
    configured = os.environ.get("IAPREPORT_CACHE_DIR")
    if configured is None:
        return False, None
    if configured.strip().lower() in ("", "off", "0", "none"):
        return True, None
    return True, configured


def directory() -> Path | None:
    """Return the cache directory (not necessarily existing), or None when the cache is off."""
    explicit, configured = _configured()
    if explicit:
        return Path(configured) if configured is not None else None
    return _user_cache_dir(_APP)


def key(*parts: object) -> str:
    """Return a stable hex digest of `parts` (bytes are hashed as they are, others by their repr)."""
    digest = hashlib.sha256(f"iapreport {__version__} cache {FORMAT}".encode())
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:40]


def _inside(path: Path, root: Path) -> bool:
    """Whether `path` is `root` or inside it, once links are resolved (case-blind where the file
    system is: ``os.path.normcase``)."""
    try:
        inner = os.path.normcase(os.path.realpath(path))
        outer = os.path.normcase(os.path.realpath(root))
        return os.path.commonpath([inner, outer]) == outer
    except (OSError, ValueError):  # different drives, or a path that cannot be resolved
        return False


def trust(root: Path) -> int:
    """Create `root` (for this user only) if needed; say what it may hold: `ANY`, `PLAIN` or
    `UNUSABLE` (the rules are in the module's docstring)."""
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = root.stat()
    except OSError:
        return UNUSABLE
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        private = status.st_uid == getuid() and not status.st_mode & 0o022
        return ANY if private else UNUSABLE
    users = _user_cache_dir(None)
    return ANY if users is not None and _inside(root, users) else PLAIN


def _usable(level: int) -> Path | None:
    """The cache directory if it may hold entries of `level`, else None."""
    root = directory()
    if root is None or trust(root) < level:
        return None
    return root


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
    root = _usable(PLAIN if plain else ANY)
    if root is None:
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
    """Return (creating it) a directory for a library's own cache files, or None if unavailable.

    Such files may be code (jinja's compiled templates): only a directory trusted with `ANY`
    entries gives one."""
    root = _usable(ANY)
    if root is None:
        return None
    path = root / kind / key(*parts)[:16]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path
