"""Shared fixtures: the samples, loaded and composed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
KZ = SAMPLES / "kazakhstan-2018.yaml"
VERIDIA = SAMPLES / "veridia-2021.yaml"
ASTRELIA = SAMPLES / "astrelia-2021.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config):
    """Keep the tests' user cache (compiled catalogs and templates, hyphenation) out of the home
    directory: one fresh cache per run, shared with the subprocesses tests start."""
    import os
    import tempfile

    if "IAPREPORT_CACHE_DIR" not in os.environ:
        os.environ["IAPREPORT_CACHE_DIR"] = tempfile.mkdtemp(prefix="iapreport-test-cache-")
    _configure_readers(config)  # the end-of-session readers (issue 12, below)


def pytest_addoption(parser):
    parser.addoption("--accept", action="store_true", help="rewrite golden files from the current output")


@pytest.fixture(scope="session")
def accept(request) -> bool:
    return request.config.getoption("--accept")


@pytest.fixture(scope="session")
def kz_report():
    from iapreport.loader import load

    return load(KZ)


@pytest.fixture(scope="session")
def veridia_report():
    from iapreport.loader import load

    return load(VERIDIA)


@pytest.fixture(scope="session")
def kz_docs(kz_report):
    from iapreport.composer import compose

    return {lang: compose(kz_report, lang) for lang in ("en", "ru")}


@pytest.fixture(scope="session")
def theme():
    from iapreport.theme import load_theme

    return load_theme()


# -- real readers (issue 12) -------------------------------------------------------------------
# At the end of the session every .docx and .pdf file the tests wrote under the session's pytest
# temporary directory is read by a real reader, once per distinct content: each PDF must pass
# `qpdf --check` and have every font embedded (`pdffonts`, the emb column), and each DOCX must be
# opened by LibreOffice (all of them in one `soffice --convert-to txt` run, with the Word 2007
# import filter forced: without it LibreOffice opens a file that is not a DOCX as plain text). A
# failure fails the run (exit status 1) and is listed, with the reader's message, in the summary.
#
# Set IAPREPORT_SKIP_READERS=1 to skip the readers (e.g. on a machine without LibreOffice or
# poppler); nothing else skips them, and a missing reader is itself a failure.
#
# Only files whose names end exactly in .docx or .pdf are read, never a dot file or anything in a
# dot folder (the writers' .part files and .iapreport-* scratch folders). A test that writes such
# files unreadable on purpose marks itself @pytest.mark.unreadable_outputs("why"): its tmp_path is
# not read (UNREADABLE_OUTPUTS below marks such tests by node id).

READER_SUFFIXES = (".docx", ".pdf")
_EXCLUDED_KEY = pytest.StashKey[list]()
_READER_FAILURES_KEY = pytest.StashKey[list]()


def _configure_readers(config):
    config.addinivalue_line("markers", "unreadable_outputs(reason): the .docx/.pdf files this test writes in its "
                                       "tmp_path are unreadable on purpose; the end-of-session readers skip them")
    config.stash[_EXCLUDED_KEY] = []


# Tests that write placeholder bytes under a .pdf name on purpose, to test the file handling
# rather than the PDF: marked here, as if with @pytest.mark.unreadable_outputs, by their node ids.
UNREADABLE_OUTPUTS = {
    "tests/test_writers.py::test_atomic_output_moves_into_place_only_on_success":
        "atomic_output moves a temporary file holding b'half' into place as sub/x.pdf",
    "tests/test_writers.py::test_an_output_gets_the_permissions_of_a_new_file_and_the_umask_is_never_changed":
        "atomic_output writes b'%PDF' as report.pdf to test its permission bits",
    "tests/test_pdf_file.py::test_a_writer_error_while_drawing_leaves_no_part_file_and_no_output":
        "an 'older output' placeholder x.pdf must survive a failed write untouched",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        reason = UNREADABLE_OUTPUTS.get(item.nodeid.split("[")[0])
        if reason is not None:
            item.add_marker(pytest.mark.unreadable_outputs(reason))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    if item.get_closest_marker("unreadable_outputs") is None:
        return
    if "tmp_path" not in item.funcargs:
        pytest.fail("@pytest.mark.unreadable_outputs excludes the test's tmp_path: the test must use tmp_path")
    item.config.stash.setdefault(_EXCLUDED_KEY, []).append(Path(item.funcargs["tmp_path"]))


def reader_inputs(root: Path, excluded=()) -> list[list[Path]]:
    """The .docx and .pdf files under `root` (no dot file, nothing in a dot folder or under an
    `excluded` folder), grouped by content: one list of paths per distinct file."""
    import hashlib
    import os

    excluded = [Path(p).resolve() for p in excluded]
    groups: dict[tuple[str, str], list[Path]] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (here / d).resolve() not in excluded)
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or not name.endswith(READER_SUFFIXES) or not path.is_file() or path.is_symlink():
                continue
            digest = hashlib.sha256()
            with path.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            groups.setdefault((path.suffix, digest.hexdigest()), []).append(path)
    return list(groups.values())


def _office() -> str | None:
    import shutil

    return shutil.which("libreoffice") or shutil.which("soffice")


def _said(text: str, path: Path | None = None) -> str:
    """A reader's output on one line: its distinct lines, the file's path shortened to its name."""
    lines = []
    for line in text.splitlines():
        line = line.replace(str(path), path.name).strip() if path else line.strip()
        if line and line not in lines and "failed to launch javaldx" not in line:
            lines.append(line)
    return " | ".join(lines)


def check_pdf(path: Path) -> str | None:
    """None if `qpdf --check` passes and `pdffonts` lists every font embedded, else what is wrong."""
    import subprocess

    problems = []
    try:
        qpdf = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, timeout=300)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"reader did not run: {exc}"
    if qpdf.returncode != 0:
        problems.append(f"qpdf --check (status {qpdf.returncode}): {_said(qpdf.stderr + qpdf.stdout, path)}")
    if fonts.returncode != 0:
        problems.append(f"pdffonts (status {fonts.returncode}): {_said(fonts.stderr, path)}")
    else:
        # the columns are where the dashes under the heading are: a name may hold a space
        lines = fonts.stdout.splitlines()
        if len(lines) < 2 or not lines[1].startswith("-"):
            problems.append(f"pdffonts printed no table: {fonts.stdout.strip()!r}")
        else:
            import re

            heading = lines[0].split()
            spans = [m.span() for m in re.finditer(r"-+", lines[1])]
            column = heading.index("emb")
            name_end = spans[0][1]
            start, end = spans[column]
            bare = [f"{row[:name_end].strip()} ({row[spans[1][0]:spans[1][1]].strip()})"
                    for row in lines[2:] if row.strip() and row[start:end].strip() != "yes"]
            if bare:
                problems.append("pdffonts: fonts not embedded: " + ", ".join(bare))
    return "; ".join(problems) or None


def check_docx(paths: list[Path], workdir: Path) -> dict[Path, str]:
    """Open every DOCX in `paths` with LibreOffice, in one run (converted to text in `workdir`, from
    a fresh profile there): {path: why} for each one LibreOffice could not open.

    LibreOffice writes nothing for a file it cannot open, and carries on with the next. Text is
    the cheapest thing to convert to: the file is read by the same import filter as for PDF, but
    neither laid out into pages nor exported (38 distinct DOCX of the suite: 18 s instead of 37 s).
    Layout under LibreOffice is tested on its own (test_docx, test_docx_pagination)."""
    import shutil
    import subprocess

    if not paths:
        return {}
    office = _office()
    if office is None:
        return {p: "LibreOffice (Debian's libreoffice-writer-nogui) is not installed; .ci/run installs it"
                for p in paths}
    inputs, outputs = workdir / "in", workdir / "out"
    inputs.mkdir(parents=True)
    outputs.mkdir()
    staged = {}
    for number, path in enumerate(paths):  # distinct names: two tests' x.docx would convert to one x.txt
        copy = inputs / f"{number}.docx"
        shutil.copyfile(path, copy)
        staged[path] = copy
    command = [office, "--headless", f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
               "--infilter=MS Word 2007 XML", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(outputs),
               *map(str, staged.values())]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120 + 60 * len(paths),
                                stdin=subprocess.DEVNULL)
        said = _said(result.stderr) or f"status {result.returncode}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        said = f"LibreOffice did not finish: {exc}"
    failures = {}
    for path, copy in staged.items():
        if not (outputs / f"{copy.stem}.txt").is_file():
            failures[path] = f"LibreOffice could not open it (nothing came out; it said: {said})"
    return failures


def check_readers(groups: list[list[Path]], workdir: Path) -> list[tuple[list[Path], str]]:
    """Read each group's first file (groups as `reader_inputs` gives them): the PDFs with qpdf and
    pdffonts (in parallel), the DOCX with one LibreOffice run alongside. [(group, why)] for each
    group that failed."""
    from concurrent.futures import ThreadPoolExecutor
    import os

    pdfs = [g for g in groups if g[0].suffix == ".pdf"]
    docx = [g for g in groups if g[0].suffix == ".docx"]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        office = pool.submit(check_docx, [g[0] for g in docx], workdir)
        verdicts = list(pool.map(lambda g: check_pdf(g[0]), pdfs))
        unopened = office.result()
    failures = [(g, why) for g, why in zip(pdfs, verdicts) if why]
    failures += [(g, unopened[g[0]]) for g in docx if g[0] in unopened]
    return failures


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """Read the session's outputs (see above) before pytest's own hook may remove its folder."""
    import os
    import shutil
    import tempfile
    import time

    config = session.config
    if (os.environ.get("IAPREPORT_SKIP_READERS") == "1" or hasattr(config, "workerinput")
            or config.option.collectonly
            or exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR,
                              pytest.ExitCode.USAGE_ERROR)):
        return
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or getattr(factory, "_basetemp", None) is None:
        return  # no test asked for a temporary folder: nothing was written there
    started = time.monotonic()
    groups = reader_inputs(factory.getbasetemp(), config.stash.get(_EXCLUDED_KEY, []))
    workdir = Path(tempfile.mkdtemp(prefix="iapreport-readers-"))
    try:
        failures = check_readers(groups, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    config.stash[_READER_FAILURES_KEY] = [failures, groups, time.monotonic() - started]
    if failures:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _READER_FAILURES_KEY not in config.stash:
        return
    failures, groups, seconds = config.stash[_READER_FAILURES_KEY]
    files = sum(map(len, groups))
    counts = {s: sum(1 for g in groups if g[0].suffix == s) for s in READER_SUFFIXES}
    summary = (f"readers: {counts['.pdf']} distinct PDF and {counts['.docx']} distinct DOCX of {files} files "
               f"read in {seconds:.1f}s")
    if not failures:
        terminalreporter.write_line(summary)
        return
    terminalreporter.section("outputs a real reader refused (issue 12; IAPREPORT_SKIP_READERS=1 skips)", red=True)
    for group, why in failures:
        terminalreporter.write_line(f"{group[0]}: {why}", red=True)
        for other in group[1:]:
            terminalreporter.write_line(f"    (same bytes: {other})")
    terminalreporter.write_line(f"{summary}: {len(failures)} FAILED", red=True, bold=True)
