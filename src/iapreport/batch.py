"""Build many reports at once, in parallel processes: what `iapreport build` runs for its files.

The unit of work is one data file with every edition asked of it (`api.build`): its editions are
composed before any file is written and moved into place together, so a report is built whole or
not at all. Files are handed to `jobs` worker processes (default: the number of cores); one that
fails does not stop the others, and its failure comes back as a `Result` with its located messages.
A build gives the same bytes alone or in a batch, with any number of workers, in any order.

Stopping (Ctrl-C): no new file is started, the workers stop where they are, and each removes its
scratch files (`api.build` writes into a scratch folder beside the outputs and renames at the end),
so no temporary file is left and no earlier output is damaged.
"""

from __future__ import annotations

import glob
import os
import time
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

__all__ = ["Result", "expand", "collisions", "build_many"]

#: the data files a folder holds (not its subfolders)
DATA_SUFFIXES = (".yaml", ".yml", ".json")


class Result(NamedTuple):
    """One output of a batch, or the failure of a whole data file."""

    source: str
    #: the edition's language and format; None when the whole file failed before its editions
    lang: str | None
    format: str | None
    #: the file written, None when it failed
    path: Path | None
    #: pages of a PDF (None for a DOCX, whose pages the word processor lays out)
    pages: int | None
    #: time spent on this output (its edition's composing shared between its formats, and its
    #: writing); for a failure, on the whole data file
    seconds: float
    status: str  # "ok" or "failed"
    #: what went wrong, one located message a line (problems as `file:line:column: field: ...`);
    #: for an output written with a fallback language, each field printed in it
    messages: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def expand(inputs: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Result]]:
    """Return the data files named by `inputs` (files, glob patterns, folders), each once in the
    order given, and a failed Result for each input that names none.

    Patterns are expanded here, so ``"reports/*.yaml"`` works on Windows too, whose shell leaves
    them as they are. A folder stands for its ``.yaml``, ``.yml`` and ``.json`` files, sorted.
    """
    files: dict[str, None] = {}
    missing: list[Result] = []
    for item in inputs:
        name = os.fspath(item)
        path = Path(name)
        if path.is_dir():
            found = sorted(str(p) for p in path.iterdir() if p.suffix.lower() in DATA_SUFFIXES and p.is_file())
            if not found:
                missing.append(_failed(name, 0.0, [f"{name}: the folder holds no .yaml, .yml or .json file"]))
        elif path.exists() or not glob.has_magic(name):
            found = [name]  # a file; or a name that does not exist, which its build reports
        else:
            found = sorted(glob.glob(name))
            if not found:
                missing.append(_failed(name, 0.0, [f"{name}: no file matches this pattern"]))
        for file in found:
            files.setdefault(file, None)
    return list(files), missing


def collisions(files: Iterable[str]) -> list[str]:
    """Messages for data files that would write the same outputs (``<stem>.<lang>.<format>``)."""
    stems: dict[str, str] = {}
    clashes = []
    for name in files:
        stem = Path(name).stem
        if stem in stems and stems[stem] != name:
            clashes.append(f"{stems[stem]} and {name} would write the same files ({stem}.<lang>.<format>); "
                           "build them into different directories")
        stems.setdefault(stem, name)
    return clashes


def _failed(source: str, seconds: float, messages: Sequence[str]) -> Result:
    return Result(source, None, None, None, None, seconds, "failed", tuple(messages))


class _Task(NamedTuple):
    """What a worker needs to build one data file (plain values: it crosses a process boundary)."""

    source: str
    langs: tuple[str, ...] | None
    formats: tuple[str, ...]
    outdir: str
    strict: bool
    locales_dirs: tuple[str, ...]
    theme: str | None
    fallback: str | None = None


def _build_one(task: _Task) -> list[Result]:
    """Build every edition of one data file; return its results (a failure is a Result too)."""
    import dataclasses

    from .api import build
    from .errors import IapreportError
    from .loader import DataError

    start = time.perf_counter()
    try:
        outputs = build(task.source, langs=task.langs, formats=task.formats, outdir=task.outdir,
                        strict=task.strict, locales_dirs=task.locales_dirs, theme=task.theme,
                        fallback=task.fallback)
    except DataError as exc:
        problems = exc.problems
        if task.strict:  # warnings stopped the build: they are errors
            problems = [dataclasses.replace(p, severity="error") for p in problems]
        return [_failed(task.source, time.perf_counter() - start, [str(p) for p in problems])]
    except IapreportError as exc:
        text = str(exc)
        # a compose error names the file already; the others are prefixed with it
        message = text if text.startswith(task.source) else f"{task.source}: {text}"
        return [_failed(task.source, time.perf_counter() - start, message.splitlines())]
    except OSError as exc:
        return [_failed(task.source, time.perf_counter() - start, [f"{task.source}: {exc}"])]
    return [Result(task.source, output.lang, output.format, output.path, output.pages, output.seconds, "ok",
                   output.fallbacks) for output in outputs]


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM, SIGHUP): unwound like Ctrl-C, so every scratch
    folder and temporary file is removed and earlier outputs stay as they were."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, frame) -> None:
    raise Terminated(signum)


def stop_cleanly_on_termination() -> None:
    """Turn SIGTERM and SIGHUP (where the system has them) into `Terminated` in this process's
    main thread, which unwinds as Ctrl-C does, unless the signal is ignored (`nohup`)."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                signal.signal(signum, _terminate)
        except (ValueError, OSError):  # not the main thread, or a system that refuses
            pass


def default_jobs() -> int:
    """The number of worker processes when none is asked for: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Windows or macOS
        return max(1, os.cpu_count() or 1)


def build_many(sources: Iterable[str | os.PathLike[str]], *, langs: Iterable[str] | None = None,
               formats: Iterable[str] = ("docx", "pdf"), outdir: str | os.PathLike[str] = ".",
               jobs: int | None = None, strict: bool = False, locales_dirs: Sequence[str | os.PathLike[str]] = (),
               theme: str | os.PathLike[str] | None = None,
               progress: Callable[[list[Result]], None] | None = None,
               fallback: str | None = None) -> list[Result]:
    """Build every data file of `sources` (files, glob patterns, folders) in `jobs` processes.

    Return one Result per output written and one per data file (or input naming none) that failed,
    inputs naming none first, then in the order of the files. `progress`, if given, is called with
    the results of each file (or input naming none) as it finishes. Raises KeyboardInterrupt after
    stopping the workers cleanly when interrupted; ValueError, before building anything, when two
    files would write the same outputs.
    """
    files, results = expand(sources)
    clashes = collisions(files)
    if clashes:
        raise ValueError("; ".join(clashes))
    tasks = [_Task(file, tuple(langs) if langs is not None else None, tuple(formats), os.fspath(outdir), strict,
                   tuple(os.fspath(d) for d in locales_dirs), os.fspath(theme) if theme is not None else None,
                   fallback)
             for file in files]
    if progress is not None:
        for result in results:  # inputs that name no file
            progress([result])
    jobs = default_jobs() if jobs is None else max(1, int(jobs))
    done: dict[str, list[Result]] = {}
    if jobs == 1 or len(tasks) <= 1:
        for task in tasks:
            done[task.source] = _build_one(task)
            if progress is not None:
                progress(done[task.source])
    else:
        _run_in_processes(tasks, min(jobs, len(tasks)), done, progress)
    return results + [result for task in tasks for result in done[task.source]]


def _run_in_processes(tasks: list[_Task], jobs: int, done: dict[str, list[Result]],
                      progress: Callable[[list[Result]], None] | None) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # workers stop cleanly on a termination signal too (forked workers inherit the handlers; a
    # spawned one, as on Windows, installs them)
    executor = ProcessPoolExecutor(max_workers=jobs, initializer=stop_cleanly_on_termination)
    try:
        pending = {executor.submit(_build_one, task): task for task in tasks}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                try:
                    done[task.source] = future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory)
                    done[task.source] = [_failed(task.source, 0.0, [
                        f"{task.source}: the worker process building it stopped unexpectedly"])]
                if progress is not None:
                    progress(done[task.source])
    except BaseException:
        # Ctrl-C (the workers, in the same process group, are interrupted too and clean up) or an
        # error of ours: start nothing new and wait for the workers to end
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
