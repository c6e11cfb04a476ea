"""The Python API for scripts (issue 10): the README's example as printed, names that are what they
say, loading from a path, text or values, writing to a path or a binary stream, one exception
hierarchy, and a process that sees edits to its theme and catalogs."""

from __future__ import annotations

import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from pathlib import Path

import pytest
import yaml

import iapreport
from iapreport import (ComposeError, DataError, IapreportError, LocaleError, ThemeError, WriterError, build,
                       compose, load, load_data, load_text, load_theme, write)
from iapreport.tree import dump

from conftest import KZ, ROOT, SAMPLES, VERIDIA
from test_load import MINIMAL


def _code_block(path: Path, after: str) -> str:
    """Return the first ```python block of `path` after the line `after`."""
    text = path.read_text(encoding="utf-8")
    found = re.search(re.escape(after) + r"\n.*?```python\n(.*?)```", text, re.S)
    assert found, f"no python block after {after!r} in {path.name}"
    return found.group(1)


# --------------------------------------------------------------------------------------------
# the documented examples, as printed


def test_the_readme_example_runs_as_printed(tmp_path):
    """The README's block, saved as a script in a folder holding a copy of samples/ (so its relative
    paths work and the repository stays clean), run as a user runs it, with worker processes
    started by spawn as on Windows and macOS (they import the script again)."""
    repository_out = sorted(os.listdir(ROOT / "out")) if (ROOT / "out").is_dir() else None
    shutil.copytree(SAMPLES, tmp_path / "samples")
    (tmp_path / "example.py").write_text(_code_block(ROOT / "README.md", "## Python API"), encoding="utf-8")
    runner = ("import multiprocessing, runpy; multiprocessing.set_start_method('spawn'); "
              "runpy.run_path('example.py', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", runner], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "astrelia-2021.en.docx", "kazakhstan-2018.en.docx", "kazakhstan-2018.en.pdf", "kazakhstan-2018.ru.pdf",
        "veridia-2021.en.docx", "veridia-2021.ru.pdf"]
    lines = done.stdout.splitlines()
    size = int(re.fullmatch(r"DOCX: (\d+) bytes", lines[0]).group(1))
    assert size > 10_000
    assert re.fullmatch(r"en pdf out[/\\]kazakhstan-2018\.en\.pdf \d+ pages", lines[1])
    assert lines[3:] == ["samples/astrelia-2021.yaml en docx ok", "samples/kazakhstan-2018.yaml en docx ok",
                         "samples/veridia-2021.yaml en docx ok"]
    assert (out / "veridia-2021.ru.pdf").read_bytes().startswith(b"%PDF-")
    assert (sorted(os.listdir(ROOT / "out")) if (ROOT / "out").is_dir() else None) == repository_out


def test_the_worked_example_of_the_api_docs_runs_as_printed(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # it reads samples/ and writes nothing
    code = _code_block(ROOT / "docs" / "api.md", "## A worked example: a web service's handler")
    exec(compile(code, "docs/api.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out
    assert "<data>:" in printed and "chapters[0].recommendations[0].updates[0].rating: unknown rating" in printed


# --------------------------------------------------------------------------------------------
# the names


def test_every_public_name_resolves_to_what_it_says_with_a_docstring():
    import iapreport.api
    import iapreport.batch
    import iapreport.composer
    import iapreport.errors
    import iapreport.loader  # the modules are imported: they must not hide the functions

    assert callable(iapreport.load) and iapreport.load is sys.modules["iapreport.loader"].load
    assert inspect.isfunction(iapreport.compose) and iapreport.compose is sys.modules["iapreport.composer"].compose
    from iapreport import compose as imported

    assert imported is iapreport.compose
    for name in iapreport.__all__:
        value = getattr(iapreport, name)
        assert inspect.isfunction(value) or inspect.isclass(value), name
        assert (value.__doc__ or "").strip(), f"{name} has no docstring"
        assert value.__name__ == name, name
    assert set(iapreport.__all__) <= set(dir(iapreport))
    with pytest.raises(AttributeError):
        iapreport.no_such_name  # noqa: B018


def test_the_public_functions_are_typed_and_the_package_says_so():
    for name in iapreport.__all__:
        value = getattr(iapreport, name)
        if inspect.isfunction(value):
            signature = inspect.signature(value)
            assert signature.return_annotation is not inspect.Signature.empty, name
            for parameter in signature.parameters.values():
                assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name})"
    assert (ROOT / "src" / "iapreport" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["iapreport"]


def test_reading_data_through_the_package_imports_no_writer_library():
    code = ("import sys, iapreport; iapreport.load, iapreport.DataError, iapreport.IapreportError, "
            "iapreport.Problem; import iapreport.errors; "
            "print(sorted(m for m in ('reportlab', 'docx', 'jinja2', 'babel', 'iapreport.writers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------
# loading from a path, text or Python values


def test_a_report_loads_the_same_from_a_path_text_and_values():
    from_path = load(VERIDIA)
    text = VERIDIA.read_text(encoding="utf-8")
    assert load_text(text, str(VERIDIA)) == from_path
    values = yaml.safe_load(text)  # dates as datetime.date
    assert load_data(values) == from_path
    as_json = json.dumps(values, ensure_ascii=False, default=str)
    assert load_text(as_json, "upload.json") == from_path
    assert load_text(as_json, is_json=True) == from_path
    assert load_data(json.loads(as_json)) == from_path


def test_values_that_are_wrong_are_located_at_their_fields():
    values = yaml.safe_load(MINIMAL)
    values["chapters"][0]["recommendations"][0]["updates"][0]["rating"] = "excellent"
    values["meetings"][0]["place"] = {"en": "Paris", "ru": 19}
    with pytest.raises(DataError) as caught:
        load_data(values)
    paths = {p.path: p for p in caught.value.problems}
    assert set(paths) == {"chapters[0].recommendations[0].updates[0].rating", "meetings[0].place.ru"}
    assert all(p.file == "<data>" and p.line > 1 for p in caught.value.problems)
    assert "excellent" in str(paths["chapters[0].recommendations[0].updates[0].rating"])


def test_values_json_cannot_hold_are_problems_at_their_fields():
    values = yaml.safe_load(MINIMAL)
    values["meetings"][0]["experts"][0]["name"] = {"Jane", "Doe"}
    values["chapters"][0]["number"] = float("nan")
    values["chapters"][0]["title"][1] = "one"
    with pytest.raises(DataError) as caught:
        load_data(values, "request")
    assert [(p.file, p.path) for p in caught.value.problems] == [
        ("request", "meetings[0].experts[0].name"), ("request", "chapters[0].number"), ("request", "chapters[0].title")]
    assert "found a set" in caught.value.problems[0].message


def test_text_with_problems_raises_them_all_located_and_strict_makes_warnings_errors():
    broken = MINIMAL.replace("rating: progress", "rating: sgnificant_progress").replace("round: 4", "round: four")
    with pytest.raises(DataError) as caught:
        load_text(broken, "mine.yaml")
    assert [(p.file, p.line, p.path) for p in caught.value.problems] == [
        ("mine.yaml", 3, "round"), ("mine.yaml", 21, "chapters[0].recommendations[0].updates[0].rating")]
    lacking = MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}', 'assessment: {en: "1.1. Good."}')
    assert load_text(lacking) is not None  # prose missing in one language: a warning
    with pytest.raises(DataError) as caught:
        load_text(lacking, strict=True)
    assert [p.severity for p in caught.value.problems] == ["warning"]


# --------------------------------------------------------------------------------------------
# writing to a path or a binary stream


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], bytes]:
    """The bytes of every edition of Veridia as `build` writes them to files."""
    outdir = tmp_path_factory.mktemp("built")
    outputs = build(VERIDIA, langs=["en", "ru"], formats=["docx", "pdf"], outdir=outdir)
    assert [(o.lang, o.format, o.pages is None) for o in outputs] == [
        ("en", "docx", True), ("en", "pdf", False), ("ru", "docx", True), ("ru", "pdf", False)]
    assert all(o.pages > 1 for o in outputs if o.format == "pdf")
    return {(o.lang, o.format): o.path.read_bytes() for o in outputs}


@pytest.fixture(scope="module")
def veridia_docs(veridia_report):
    return {lang: compose(veridia_report, lang) for lang in ("en", "ru")}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_writing_to_a_binary_stream_gives_the_bytes_of_a_build(built, veridia_docs, fmt, tmp_path):
    stream = io.BytesIO()
    assert write(veridia_docs["ru"], fmt, stream) is None
    assert stream.getvalue() == built[("ru", fmt)]
    assert write(veridia_docs["ru"], fmt, tmp_path / "sub" / f"x.{fmt}") == tmp_path / "sub" / f"x.{fmt}"
    assert (tmp_path / "sub" / f"x.{fmt}").read_bytes() == built[("ru", fmt)]
    with open(tmp_path / f"y.{fmt}", "wb") as opened:
        write(veridia_docs["ru"], fmt, opened, theme=ROOT / "templates" / "theme.yaml")
    assert (tmp_path / f"y.{fmt}").read_bytes() == built[("ru", fmt)]


def test_writing_to_a_text_stream_or_in_an_unknown_format_is_refused(veridia_docs):
    with pytest.raises(TypeError, match="binary stream"):
        write(veridia_docs["en"], "docx", io.StringIO())
    with pytest.raises(TypeError, match="path or a binary stream"):
        write(veridia_docs["en"], "docx", 42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown format"):
        write(veridia_docs["en"], "odt", io.BytesIO())


def test_a_failed_write_to_a_stream_writes_nothing_and_leaves_no_scratch_file(veridia_docs, tmp_path, monkeypatch):
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    for fmt in ("docx", "pdf"):
        stream = io.BytesIO()
        with pytest.raises(WriterError, match="SOURCE_DATE_EPOCH"):
            write(veridia_docs["en"], fmt, stream)
        assert stream.getvalue() == b""
    assert list(scratch.iterdir()) == []


def test_compose_and_write_on_threads_at_once_give_the_bytes_of_each_alone(built, veridia_report):
    """Both languages and both formats, each composed and written on its own thread, all at once."""
    jobs = sorted(built)
    barrier = threading.Barrier(len(jobs))
    results: dict[tuple[str, str], bytes] = {}
    errors: list[BaseException] = []

    def run(lang: str, fmt: str) -> None:
        try:
            barrier.wait()
            stream = io.BytesIO()
            write(compose(veridia_report, lang), fmt, stream)
            results[(lang, fmt)] = stream.getvalue()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert results == built


# --------------------------------------------------------------------------------------------
# one exception hierarchy


def test_every_error_is_an_iapreport_error_wherever_it_is_imported_from():
    from iapreport import errors
    from iapreport.composer import ComposeError as compose_error
    from iapreport.i18n import LocaleError as locale_error
    from iapreport.loader import DataError as data_error
    from iapreport.theme import ThemeError as theme_error
    from iapreport.writers import GlyphError
    from iapreport.writers import WriterError as writer_error

    assert issubclass(IapreportError, Exception) and errors.IapreportError is IapreportError
    for cls, defined in ((DataError, data_error), (ThemeError, theme_error), (LocaleError, locale_error),
                         (ComposeError, compose_error), (WriterError, writer_error)):
        assert cls is defined is getattr(errors, cls.__name__)
        assert issubclass(cls, IapreportError), cls
    assert issubclass(GlyphError, WriterError)
    assert set(errors.__all__) == {"IapreportError", "DataError", "ThemeError", "LocaleError", "ComposeError",
                                   "WriterError"}


def test_catching_iapreport_error_around_build_catches_each_kind(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("rating: progress", "rating: excellent"), encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL, encoding="utf-8")
    missing_text = tmp_path / "uk.yaml"
    missing_text.write_text(MINIMAL.replace('ru: "1.1. Хорошо."', 'uk: "1.1. Добре."'), encoding="utf-8")
    caught = []
    for source, options in ((bad, {}), (good, {"langs": ["xx"]}), (good, {"theme": tmp_path / "no-theme.yaml"}),
                            (missing_text, {"langs": ["ru"]})):
        try:
            build(source, outdir=tmp_path / "out", formats=["docx"], **options)
        except IapreportError as exc:
            caught.append(type(exc))
    assert caught == [DataError, LocaleError, ThemeError, ComposeError]
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_data_error_carries_the_located_problems(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("rating: progress", "rating: excellent"), encoding="utf-8")
    with pytest.raises(IapreportError) as caught:
        build(bad, outdir=tmp_path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.path) == (str(bad), 21, "chapters[0].recommendations[0].updates[0].rating")
    assert str(caught.value) == str(problem)


# --------------------------------------------------------------------------------------------
# a long-running process sees edits to its theme and catalogs


def _touch_later(path: Path) -> None:
    """Move the modification time on, as a later save would (a clock may be coarse)."""
    status = path.stat()
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 2_000_000_000))


def test_an_edited_theme_is_read_again_in_the_same_process(tmp_path):
    path = tmp_path / "my theme.yaml"
    shutil.copy(ROOT / "templates" / "theme.yaml", path)
    first = load_theme(path)
    assert load_theme(path) is first  # unchanged: not parsed again
    assert (first.colours["link"], first.style("body").size) == ("1F3B6E", 10.5)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('link: "1F3B6E"', 'link: "C00000"').replace("    size: 10.5\n", "    size: 12\n", 1),
                    encoding="utf-8")
    _touch_later(path)
    second = load_theme(path)
    assert (second.colours["link"], second.style("body").size) == ("C00000", 12)
    path.write_text(text.replace('link: "1F3B6E"', 'link: "00A000"'), encoding="utf-8")  # same size, maybe same time
    assert load_theme(path).colours["link"] == "00A000"


def test_a_changed_logo_of_a_theme_is_read_again(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), "red").save(logo)
    path = tmp_path / "theme.yaml"
    path.write_text((ROOT / "templates" / "theme.yaml").read_text(encoding="utf-8")
                    .replace("  logos: []", "  logos: [logo.png]"), encoding="utf-8")
    assert [(l.width_px, l.height_px) for l in load_theme(path).cover.logos] == [(40, 20)]
    Image.new("RGB", (30, 30), "blue").save(logo)
    _touch_later(logo)
    assert [(l.width_px, l.height_px) for l in load_theme(path).cover.logos] == [(30, 30)]
    logo.unlink()
    with pytest.raises(ThemeError, match="logos"):
        load_theme(path)


def test_an_added_or_edited_catalog_is_used_in_the_same_process(tmp_path):
    report = load_text(MINIMAL)
    locales = tmp_path / "my catalogs"
    locales.mkdir()
    assert "Содержание" in dump(compose(report, "ru", locales_dirs=[locales]))  # the shipped catalog
    po = locales / "ru" / "LC_MESSAGES" / "iapreport.po"
    po.parent.mkdir(parents=True)
    shipped = (ROOT / "locales" / "ru" / "LC_MESSAGES" / "iapreport.po").read_text(encoding="utf-8")
    assert 'msgstr "Содержание"' in shipped
    po.write_text(shipped.replace('msgstr "Содержание"', 'msgstr "Оглавление"'), encoding="utf-8")
    tree = dump(compose(report, "ru", locales_dirs=[locales]))  # a catalog added to the folder
    assert "Оглавление" in tree and "Содержание" not in tree
    po.write_text(shipped.replace('msgstr "Содержание"', 'msgstr "Состав доклада"'), encoding="utf-8")
    _touch_later(po)
    tree = dump(compose(report, "ru", locales_dirs=[locales]))  # the same catalog, edited
    assert "Состав доклада" in tree and "Оглавление" not in tree


# --------------------------------------------------------------------------------------------
# all or nothing (issue 12)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _earlier_build(out: Path, monkeypatch) -> dict[str, bytes]:
    """Build the DOCX editions dated otherwise, so that a new build's files differ from them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    build(VERIDIA, langs=["en", "ru"], formats=["docx"], outdir=out)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    return _outputs(out)


def test_an_output_path_that_is_a_folder_leaves_every_earlier_edition_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    before = _earlier_build(out, monkeypatch)
    (out / "veridia-2021.ru.pdf").mkdir()  # the last output of the next build
    with pytest.raises(WriterError, match=r"veridia-2021\.ru\.pdf: is a folder"):
        build(VERIDIA, langs=["en", "ru"], formats=["docx", "pdf"], outdir=out, theme=None)
    assert _outputs(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*before, "veridia-2021.ru.pdf"])


def test_a_move_that_fails_puts_back_the_outputs_already_moved(tmp_path, monkeypatch):
    """The last step (moving the finished files into place) fails half-way, as a full disk or a
    file locked by Word does: the outputs already moved get their earlier files back."""
    import iapreport.api as api

    out = tmp_path / "out"
    before = _earlier_build(out, monkeypatch)
    real_replace = os.replace
    moved: list[str] = []

    def replace(source, target):
        if Path(target).parent == out:
            moved.append(Path(target).name)
            if len(moved) == 3:
                raise PermissionError(13, "locked by another program", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(api.os, "replace", replace)
    with pytest.raises(PermissionError):
        build(VERIDIA, langs=["en", "ru"], formats=["docx", "pdf"], outdir=out, theme=None)
    monkeypatch.undo()
    assert len(moved) >= 3
    assert _outputs(out) == before  # the en DOCX back as it was, no new PDF left
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
