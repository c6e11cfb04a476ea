"""The ``iapreport`` command: a thin layer over the API.

Exit status: 0 success, 1 invalid data or a failed build, 2 a usage error. Expected failures are
reported as located messages on stderr, never as tracebacks.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _split(value: str) -> list[str]:
    """Return the comma-separated items, each once, in order; none at all is a usage error."""
    items = list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if not items:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list, got {value!r}")
    return items


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iapreport", description=(
        "Build the Istanbul Anti-Corruption Action Plan progress update (DOCX, PDF) from report data."))
    from . import __version__

    parser.add_argument("--version", action="version", version=f"iapreport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check data files and report every problem")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--strict", action="store_true", help="treat warnings (missing translations) as errors")
    p.add_argument("--theme", default=None, metavar="FILE",
                   help="check against this theme's fonts and logos instead of the shipped theme's")

    p = sub.add_parser("build", help="build the publication from data files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--lang", type=_split, default=None,
                   help="comma-separated editions, e.g. en,ru (default: the languages of the data)")
    p.add_argument("--format", type=_split, default=["docx", "pdf"], help="docx, pdf or docx,pdf (default both)")
    p.add_argument("-o", "--output", default=".", metavar="OUTDIR", help="output directory (default: .)")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--locales", action="append", default=[], metavar="DIR",
                   help="extra catalog directory (<lang>/LC_MESSAGES/iapreport.po), searched first")
    p.add_argument("--theme", default=None, metavar="FILE", help="a theme file instead of the shipped one")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="build N files at once in parallel processes (default: the number of cores)")
    p.add_argument("--fallback", default=None, metavar="LANG",
                   help="print this language's text where the data lacks an edition's language (each use "
                        "is listed, and noted in the document under its section's heading)")

    p = sub.add_parser("schema", help="print the JSON Schema of the data format")

    p = sub.add_parser("check", help="read finished DOCX or PDF files back and compare them with their data")
    p.add_argument("outputs", nargs="+", metavar="OUTPUT")
    p.add_argument("--data", required=True, metavar="FILE", help="the data file the outputs were built from")
    p.add_argument("--lang", default=None, help="the edition's language (default: the one the file states)")
    p.add_argument("--locales", action="append", default=[], metavar="DIR")
    p.add_argument("--theme", default=None, metavar="FILE")

    p = sub.add_parser("i18n", help="translators' commands: extract, update, init, status")
    i18n = p.add_subparsers(dest="i18n_command", required=True, metavar="ACTION")
    folder = dict(default=None, metavar="DIR",
                  help="the catalogs' folder (<lang>/LC_MESSAGES/iapreport.po; default: the shipped locales)")
    q = i18n.add_parser("extract", help="write iapreport.pot: every message of the templates, scales and code")
    q.add_argument("--locales", **folder)
    q = i18n.add_parser("update", help="merge iapreport.pot into the catalogs (new: untranslated, changed: fuzzy, "
                                       "removed: obsolete)")
    q.add_argument("--lang", type=_split, default=None, help="only these catalogs (comma-separated)")
    q.add_argument("--locales", **folder)
    q = i18n.add_parser("init", help="start the catalog of a new language, with its plural rule")
    q.add_argument("lang", metavar="LANG")
    q.add_argument("--locales", **folder)
    q = i18n.add_parser("status", help="what each edition still lacks: catalog messages and data text; "
                                       "status 1 if anything")
    q.add_argument("--lang", type=_split, default=None, help="only these languages (comma-separated)")
    q.add_argument("--data", nargs="+", default=[], metavar="FILE", help="data files whose text to check too")
    q.add_argument("--locales", **folder)

    p = sub.add_parser("dump-tree", help="print the document tree of one edition (text)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--lang", required=True)
    p.add_argument("--locales", action="append", default=[], metavar="DIR")
    p.add_argument("--fallback", default=None, metavar="LANG", help="as for build")
    return parser


def _print_problems(problems, strict: bool) -> int:
    errors = 0
    for problem in problems:
        if problem.severity == "warning" and strict:
            problem = dataclasses.replace(problem, severity="error")
        print(problem, file=sys.stderr)
        errors += problem.severity == "error"
    return errors


def cmd_validate(args) -> int:
    from . import glyphs
    from .loader import load_file
    from .theme import ThemeError, load_theme
    from .writers import WriterError

    try:
        theme = load_theme(args.theme)
    except ThemeError as exc:
        print(f"iapreport: {exc}", file=sys.stderr)
        return EXIT_INVALID
    failed = False
    for name in args.files:
        result = load_file(name)
        try:  # characters no font of the theme can print, located like every other problem
            printable = glyphs.check(result.texts, theme, name)
        except WriterError as exc:  # a font file of the theme that cannot be read
            print(f"iapreport: {exc}", file=sys.stderr)
            return EXIT_INVALID
        problems = sorted(result.problems + printable, key=lambda p: (p.line, p.column, p.severity))
        errors = _print_problems(problems, args.strict)
        if errors:
            failed = True
            print(f"{name}: invalid ({errors} error{'s' if errors != 1 else ''})", file=sys.stderr)
        else:
            warnings = len(result.warnings)
            print(f"{name}: valid" + (f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""))
    return EXIT_INVALID if failed else EXIT_OK


def cmd_build(args) -> int:
    from .batch import build_many, collisions, expand
    from .writers import FORMATS

    unknown = [f for f in args.format if f not in FORMATS]
    if unknown:
        print(f"iapreport: unknown format {', '.join(unknown)} (known: {', '.join(FORMATS)})", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("iapreport: -j needs a number of processes, 1 or more", file=sys.stderr)
        return EXIT_USAGE
    files, missing = expand(args.files)
    for clash in collisions(files):
        print(f"iapreport: {clash}", file=sys.stderr)
        return EXIT_USAGE
    batch = len(files) + len(missing) > 1 or len(args.files) > 1
    report = _Report(len(files) + len(missing), batch)
    try:
        with report:
            results = build_many(args.files, langs=args.lang, formats=args.format, outdir=args.output,
                                 jobs=args.jobs, strict=args.strict, locales_dirs=args.locales, theme=args.theme,
                                 progress=report.finished, fallback=args.fallback)
    except KeyboardInterrupt as exc:
        print("iapreport: interrupted; files not finished were not written, earlier outputs are as they were",
              file=sys.stderr)
        return 128 + getattr(exc, "signum", 2)
    if batch:
        report.table(results)
    code = EXIT_INVALID if any(not r.ok for r in results) else EXIT_OK
    if report.stdout_error is not None:
        _stdout_lost(report.stdout_error)
        return code or EXIT_INVALID  # the files were written, but a script reading the paths missed them
    return code


class _Report:
    """What `build` tells its user as files finish: output paths on stdout (for scripts), failures
    with their located messages on stderr, and for a batch a progress bar on a terminal (plain
    lines elsewhere) and a closing table."""

    def __init__(self, total: int, batch: bool):
        self.total = total
        self.batch = batch
        self.count = 0
        self.bar = None
        #: why standard output took no more paths (a full disk, a reader gone), if it did not
        self.stdout_error: OSError | None = None

    def say(self, path) -> None:
        """Print an output's path on standard output. If it cannot take it, the build goes on (the
        files are what matters) and the reason is told once, on standard error, at the end."""
        if self.stdout_error is not None:
            return
        try:
            print(path, flush=True)
        except OSError as exc:
            self.stdout_error = exc

    def __enter__(self):
        if self.batch and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("build", total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def finished(self, results) -> None:
        failed = [r for r in results if not r.ok]
        for result in results:
            if result.ok:
                self.say(result.path)
        for message in dict.fromkeys(m for r in results if r.ok for m in r.messages):
            print(f"warning: {message}", file=sys.stderr)
        for result in failed:
            for message in result.messages:
                print(message, file=sys.stderr)
            print(f"{result.source}: not built", file=sys.stderr)
        self.count += 1
        if self.bar is not None:
            self.bar.update(self.task, completed=min(self.count, self.total))
        elif self.batch:
            source = results[0].source if results else "?"
            status = "failed" if failed else f"built ({len(results)} files)"
            print(f"[{min(self.count, self.total)}/{self.total}] {source}: {status}", file=sys.stderr, flush=True)

    def table(self, results) -> None:
        rows = [(r.source, r.lang or "-", r.format or "-", str(r.pages) if r.pages is not None else "-",
                 f"{r.seconds:.2f}", r.status) for r in results]
        header = ("file", "language", "format", "pages", "seconds", "status")
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.table import Table

            table = Table(*header)
            for row in rows:
                table.add_row(*row)
            Console(stderr=True).print(table)
            return
        widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
        for row in (header, *rows):
            print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip(), file=sys.stderr)


def cmd_schema(args) -> int:
    import json

    from .loader import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_dump_tree(args) -> int:
    from .composer import ComposeError, compose
    from .i18n import LocaleError
    from .loader import DataError, load
    from .tree import dump

    try:
        document = compose(load(args.file), args.lang, locales_dirs=args.locales, fallback=args.fallback)
    except DataError as exc:
        _print_problems(exc.problems, False)
        return EXIT_INVALID
    except ComposeError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except LocaleError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    sys.stdout.write(dump(document))
    return EXIT_OK


def cmd_check(args) -> int:
    """Each output's findings, one per line on standard output, then a line per output; status 1
    if anything is found (a script stops before publishing), 2 if an output cannot be read."""
    from .check import CheckError, check
    from .errors import IapreportError
    from .loader import DataError

    status = EXIT_OK
    for output in args.outputs:
        try:
            findings = check(output, args.data, lang=args.lang, locales_dirs=args.locales, theme=args.theme)
        except DataError as exc:
            _print_problems(exc.problems, False)
            return EXIT_USAGE
        except CheckError as exc:
            print(f"iapreport: {exc}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        except IapreportError as exc:
            print(f"{args.data}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        for finding in findings:
            print(f"{output}: {finding}")
        if findings:
            print(f"{output}: {len(findings)} finding{'s' if len(findings) != 1 else ''}", file=sys.stderr)
            status = max(status, EXIT_INVALID)
        else:
            print(f"{output}: prints what {args.data} says", file=sys.stderr)
    return status


def cmd_i18n(args) -> int:
    """The translators' commands, over `catalog`'s functions (babel's)."""
    from . import catalog
    from .resources import locales_dir

    locales = Path(args.locales) if args.locales else locales_dir()
    try:
        if args.i18n_command == "extract":
            path = catalog.write_template(locales)
            print(f"{path}: {sum(1 for m in catalog.read_catalog(path) if m.id)} messages")
            return EXIT_OK
        if args.i18n_command == "update":
            catalog.ensure_template(locales)
            merged = catalog.update(locales, args.lang)
            if not merged:
                print(f"iapreport: {locales}: no catalog to update (start one with `iapreport i18n init LANG`)",
                      file=sys.stderr)
                return EXIT_INVALID
            for item in merged:
                print(f"{item.path}: {item.added} new, {item.fuzzy} fuzzy, {item.obsolete} obsolete")
            return EXIT_OK
        if args.i18n_command == "init":
            catalog.ensure_template(locales)
            path = catalog.init(locales, args.lang)
            folder = f" --locales {args.locales}" if args.locales else ""
            print(f"{path}: started; translate its messages, then `iapreport i18n status --lang {args.lang}{folder}`")
            return EXIT_OK
        return _i18n_status(args, locales)
    except (catalog.CatalogError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        print(f"iapreport: {exc}", file=sys.stderr)
        return EXIT_INVALID


def _i18n_status(args, locales: Path) -> int:
    """Per language: the catalog's counts and untranslated messages, then each data file's
    fields lacking that language. Status 1 when an edition would lack anything."""
    from . import catalog
    from .composer import ComposeError, compose
    from .errors import IapreportError
    from .i18n import PSEUDO_LOCALES, LocaleError, get_locale
    from .loader import load_file

    template = catalog.folder_template(locales)
    found = dict(catalog.catalogs(locales)) if args.lang is None else dict(
        catalog.catalogs(locales, [lang for lang in args.lang if lang not in PSEUDO_LOCALES]))
    incomplete = False
    reports = []
    for name in args.data:
        result = load_file(name)
        if result.report is None:
            _print_problems(result.errors, False)
            print(f"{name}: invalid; fix it before its text can be checked", file=sys.stderr)
            incomplete = True
        else:
            reports.append((name, result.report))
    for lang, path in found.items():
        state = catalog.status(lang, path, template)
        print(f"{lang}: {state.translated} translated, {len(state.fuzzy)} fuzzy, {len(state.untranslated)} "
              f"untranslated, {state.obsolete} obsolete ({path})")
        for message in state.untranslated:
            print(f"  untranslated: {message}")
        for message in state.fuzzy:
            print(f"  fuzzy: {message}")
        incomplete |= not state.complete
        try:  # what a build would refuse: a placeholder it cannot fill, a catalog in another's folder
            get_locale(lang, [locales])
        except LocaleError as exc:
            incomplete = True
            print(f"  unusable: {exc}")
            continue
        for name, report in reports:
            try:
                compose(report, lang, locales_dirs=[locales])
            except ComposeError as exc:
                incomplete = True
                print(f"  {name}: {len(exc.messages)} field{'s' if len(exc.messages) != 1 else ''} "
                      f"without {lang!r} text")
                for message in exc.messages:
                    print(f"    {message}")
            except IapreportError as exc:
                incomplete = True
                print(f"  {name}: {exc}")
            else:
                print(f"  {name}: complete")
    if incomplete:
        print("iapreport: an edition lacks text (listed above)", file=sys.stderr)
    return EXIT_INVALID if incomplete else EXIT_OK


COMMANDS = {"i18n": cmd_i18n, "validate": cmd_validate, "build": cmd_build, "schema": cmd_schema, "dump-tree": cmd_dump_tree,
            "check": cmd_check}


def _tolerant_streams() -> None:
    """Let messages reach a console that cannot show every character (a Windows console in
    cp1252 and a Cyrillic file name): what it cannot encode is written as escapes, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


#: errors of a stream that takes nothing more: a full disk or quota, a closed descriptor, a device error
_FULL_OR_GONE = {errno.ENOSPC, errno.EDQUOT if hasattr(errno, "EDQUOT") else errno.ENOSPC, errno.EBADF, errno.EIO}


def _stdout_lost(exc: OSError) -> None:
    if isinstance(exc, BrokenPipeError):
        return  # whoever read our output stopped reading (`| head`): they know
    _silence_stdout()
    reason = exc.strerror or type(exc).__name__
    print(f"iapreport: standard output could not take the list of files written ({reason}); "
          "the files themselves were written", file=sys.stderr)


def _silence_stdout() -> None:
    """Send what is left for standard output to the null device, so that Python's own flush at
    exit does not fail on it again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _standard_streams() -> None:
    """A command started with standard output or error closed (`>&-`) gets None from Python:
    give it the null device, so that what it prints goes nowhere instead of failing."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _standard_streams()
    _tolerant_streams()
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt as exc:
        return 128 + getattr(exc, "signum", 2)
    except BrokenPipeError:  # whoever read our output stopped reading (`| head`): not our error
        return EXIT_INVALID
    except Exception as exc:
        if isinstance(exc, OSError) and exc.errno in _FULL_OR_GONE:
            # standard output on a full disk (`> /dev/full`) or closed under us: not a bug of ours
            _silence_stdout()
            print(f"iapreport: cannot write the output ({exc.strerror or type(exc).__name__})", file=sys.stderr)
            return EXIT_INVALID
        # a bug, not bad input: say so plainly, traceback on request
        if os.environ.get("IAPREPORT_DEBUG"):
            raise
        print(f"iapreport: internal error: {type(exc).__name__}: {exc}\n"
              "iapreport: please report this with the input file; set IAPREPORT_DEBUG=1 for details",
              file=sys.stderr)
        return EXIT_INVALID


def run() -> NoReturn:
    """The `iapreport` command: `main`, then exit with its status.

    A reader that stopped reading (`iapreport build ... | head -0`) is not our error: the exit
    status says the output was not all delivered, and Python is kept from reporting the broken
    pipe again when it closes standard output at exit (the recipe of Python's `signal` docs).
    """
    from .batch import stop_cleanly_on_termination

    _standard_streams()
    stop_cleanly_on_termination()  # SIGTERM and SIGHUP unwind like Ctrl-C: no scratch folder left
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a reader that went away, a full disk, or a closed stream
        code = code or EXIT_INVALID
        _silence_stdout()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
