"""Hostile and broken input (issue 12): every limit of the loader is reached at once and reported
as a located problem, never a traceback, an internal error or a hang."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from iapreport import loader
from iapreport.loader import json_schema, load_data, load_file, load_text

from test_load import MINIMAL

ROOT = Path(__file__).resolve().parent.parent

#: generous: each limit is reached in a fraction of a second, but the machine may be busy
DEADLINE = 20


@contextlib.contextmanager
def deadline(seconds: float = DEADLINE):
    """Fail (rather than hang) when the block runs longer than `seconds`: SIGALRM interrupts the
    work where it exists; elsewhere the block simply runs."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def errors_of(text: str, name: str = "report.yaml"):
    with deadline():
        result = load_text(text, name)
    return result.errors


def only_error(text: str, name: str = "report.yaml"):
    errors = errors_of(text, name)
    assert len(errors) == 1, [str(p) for p in errors]
    return errors[0]


def as_json(text: str = MINIMAL) -> str:
    return json.dumps(yaml.safe_load(text), default=str, indent=1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- 1. dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("old,new,path", ids=["1899", "2100", "9999", "0001"], argvalues=[
    ("start: 2018-07-03", "start: 1899-12-31", "meetings[0].start"),
    ("end: 2018-07-05", "end: 2100-01-01", "meetings[0].end"),
    ("round: 4", "round: 4\ndate: 9999-12-31", "date"),
    ("round: 4", "round: 4\ndate: '0001-01-01'", "date"),
])
def test_dates_outside_1900_to_2099_are_located_errors(old, new, path):
    text = MINIMAL.replace(old, new)
    problem = only_error(text)
    assert problem.path == path and "1900–2099" in problem.message
    assert problem.line == line_of(text, new.split("\n")[-1])
    problem = only_error(as_json(text), "report.json")
    assert problem.path == path and "1900–2099" in problem.message


def test_dates_at_the_ends_of_the_range_are_valid():
    text = (MINIMAL.replace("start: 2018-07-03", "start: 1900-01-01").replace("end: 2018-07-05", "end: 2099-12-31"))
    assert errors_of(text) == []
    assert json_schema()["properties"]["date"]["pattern"].startswith("^(19|20)")


# -- 2. names and titles (they reach the DOCX's core properties) ------------------------------


@pytest.mark.parametrize("old,new,path", ids=["title", "country_name", "chapter_label", "chapter_title", "place",
                                              "expert_name"], argvalues=[
    ("round: 4", "round: 4\ntitle: {en: " + "T" * 256 + "}", "title.en"),
    ("round: 4", "round: 4\ncountry_name: " + "N" * 300, "country_name"),
    ("round: 4", "round: 4\nchapter_label: {en: " + "L" * 256 + "}", "chapter_label.en"),
    ("title: {en: Policy, ru: Политика}", "title: {en: Policy, ru: " + "П" * 256 + "}", "chapters[0].title.ru"),
    ("place: {en: Paris, ru: Париж}", "place: " + "P" * 256, "meetings[0].place"),
    ("- name: Jane Doe", "- name: " + "J" * 256, "meetings[0].experts[0].name"),
])
def test_names_and_titles_longer_than_255_characters_are_located_errors(old, new, path):
    text = MINIMAL.replace(old, new)
    problem = only_error(text)
    assert problem.path == path and "at most 255" in problem.message
    assert len(str(problem)) < 400


def test_names_of_255_characters_are_valid_and_counted_on_one_line():
    text = MINIMAL.replace("round: 4", "round: 4\ntitle: {en: " + "T" * 255 + "}\ncountry_name: " + "N" * 255)
    assert errors_of(text) == []
    folded = "title:\n  en: |\n" + "".join(f"    {'w' * 99}\n" for _ in range(3))  # 3 × 99 + 2 spaces
    problem = only_error(MINIMAL.replace("round: 4", "round: 4\n" + folded))
    assert problem.path == "title.en" and "299 characters" in problem.message
    # prose is not a name
    assert errors_of(MINIMAL.replace('text: {en: "1. Adopt a strategy."', 'text: {en: "' + "word " * 2000 + '"')) == []


# -- 3. numbers too long for Python ------------------------------------------------------------


HUGE = "9" * 5000


def _replace_nth(text: str, old: str, new: str, nth: int) -> str:
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old):]


@pytest.mark.parametrize("old,new,json_old,json_new,nth,path", ids=["round", "meeting", "update", "chapter", "label"],
                         argvalues=[
    ("round: 4", f"round: {HUGE}", '"round": 4,', f'"round": {HUGE},', 1, "round"),
    ("- number: 19", f"- number: {HUGE}", '"number": 19,', f'"number": {HUGE},', 1, "meetings[0].number"),
    ("- meeting: 19", f"- meeting: {HUGE}", '"meeting": 19,', f'"meeting": {HUGE},', 1,
     "chapters[0].recommendations[0].updates[0].meeting"),
    ("  - number: 1\n    title", f"  - number: {HUGE}\n    title", '"number": 1,', f'"number": {HUGE},', 1,
     "chapters[0].number"),
    ("      - number: 1\n", f"      - number: {HUGE}.1\n", '"number": 1,', f'"number": "{HUGE}.1",', 2,
     "chapters[0].recommendations[0].number"),
])
def test_an_integer_of_5000_digits_is_a_located_error_in_yaml_and_json(old, new, json_old, json_new, nth, path):
    text = MINIMAL.replace(old, new, 1)
    data = _replace_nth(as_json(), json_old, json_new, nth)
    for source, name in ((text, "report.yaml"), (data, "report.json")):
        # (an invalid meeting number also leaves its updates naming no defined meeting)
        problems = {p.path: p for p in errors_of(source, name)}
        problem = problems[path]
        assert problem.line == line_of(source, HUGE) and "number too long" in problem.message
        assert all(len(str(p)) < 300 for p in problems.values())


def test_a_huge_json_integer_anywhere_is_never_converted():
    data = as_json().replace('"country": "KZ"', f'"country": {HUGE}').replace('"round": 4', '"round": 4.' + HUGE)
    problems = errors_of(data, "report.json")
    assert {p.path for p in problems} == {"country", "round"}, [str(p) for p in problems]
    assert all(len(str(p)) < 300 for p in problems)


def test_load_data_refuses_a_huge_python_integer():
    raw = yaml.safe_load(MINIMAL)
    raw["round"] = 10 ** 5000
    raw[10 ** 5000] = "a key"
    with deadline():
        result = load_data(raw)
    assert {p.path for p in result.problems} == {"round", ""}
    assert any("number too long" in p.message for p in result.problems)
    assert all(len(str(p)) < 300 for p in result.problems)


def test_numbers_of_20_digits_are_still_numbers():
    problem = only_error(MINIMAL.replace("round: 4", "round: " + "9" * 21))
    assert problem.path == "round" and "number too long" in problem.message
    assert errors_of(MINIMAL.replace("round: 4", "round: " + "9" * 20)) == []


# -- 4. alias and merge-key bombs ---------------------------------------------------------------


def _merge_bomb(levels: int = 9, width: int = 10) -> str:
    """Anchors a0..aN, each merging the one before `width` times: a9 stands for 10⁹ values."""
    defs = ["  a0: &a0 {k0: v, k1: w}"]
    for i in range(1, levels + 1):
        defs.append(f"  a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * width)}], k{i + 1}: x}}")
    text = MINIMAL.replace("format: iapreport/1\n", "format: iapreport/1\ndefs:\n" + "\n".join(defs) + "\n")
    return text.replace("- name: Jane Doe", f"- <<: *a{levels}\n        name: Jane Doe")


def test_merge_key_bomb_is_refused_at_once_naming_the_alias():
    text = _merge_bomb()
    problems = errors_of(text)
    assert len(problems) == 1, [str(p) for p in problems]
    (problem,) = problems
    assert "expands to more than 500,000 values" in problem.message and "*a" in problem.message
    assert "IAPREPORT_MAX_VALUES" in problem.hint
    assert problem.line < line_of(text, "meetings:") and problem.path.startswith("defs.a")
    name = problem.message.split("alias *")[1].split(",")[0]
    assert f"&{name}" in problem.message and problem.column > 1


def test_list_alias_bomb_is_located_at_the_alias():
    defs = ["  - &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        defs.append(f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    text = MINIMAL.replace("format: iapreport/1\n", "format: iapreport/1\nlol:\n" + "\n".join(defs) + "\n")
    problem = only_error(text)
    assert "expands to more than 500,000 values at the alias *l4" in problem.message and "&l4" in problem.message
    assert (problem.line, problem.path) == (line_of(text, "&l5"), "lol[5][3]")


def test_a_long_text_repeated_by_aliases_is_refused():
    """A 0.5 MB file whose 200 KB text is repeated 300 times: 60 MB to build, refused at once."""
    long = "word " * 40_000
    recs = "".join(f"      - {{number: {n}, title: {{en: t{n}}}, text: {{en: *long}}}}\n" for n in range(2, 301))
    text = (MINIMAL.replace('text: {en: "1. Adopt a strategy.", ru: "1. Принять стратегию."}',
                            f'text: {{en: &long "{long}"}}')
            .replace(", ru: Политика}", "}").replace(", ru: Программные документы}", "}")
            .replace(', ru: "1) Сделано."}', "}").replace(', ru: "1.1. Хорошо."}', "}"))
    text = text.rstrip("\n") + "\n" + recs
    assert len(text.encode()) < 600_000
    problem = only_error(text)
    assert "aliases repeat more than 1,000,000 characters" in problem.message
    assert "*long" in problem.message and "&long" in problem.message
    # the anchor's own text and five repetitions (exactly 1,000,000 characters) are allowed
    assert problem.line == line_of(text, "number: 7,") and problem.path == "chapters[0].recommendations[6].text.en"
    assert "IAPREPORT_MAX_ALIAS_CHARACTERS" in problem.hint
    # a few repetitions are fine
    assert errors_of(text.split("      - {number: 7,")[0]) == []


def test_an_alias_inside_its_own_value_is_refused():
    text = MINIMAL.replace("- name: Jane Doe", "- &me\n        <<: *me\n        name: Jane Doe")
    problem = only_error(text)
    assert "*me" in problem.message and "contain itself" in problem.message
    assert (problem.line, problem.path) == (line_of(text, "<<: *me"), "meetings[0].experts[0]")
    problem = only_error(MINIMAL.replace("round: 4", "round: 4\nloop: &a [1, *a]"))
    assert problem.path == "loop[1]" and "contain itself" in problem.message


def test_aliases_nesting_beyond_the_depth_limit_are_refused():
    defs = ["  - &d0 [x]"] + [f"  - &d{i} [*d{i - 1}]" for i in range(1, 80)]
    text = MINIMAL.replace("format: iapreport/1\n", "format: iapreport/1\ndeep:\n" + "\n".join(defs) + "\n")
    problem = only_error(text)
    assert "more than 64 levels deep" in problem.message and "*d" in problem.message
    assert "IAPREPORT_MAX_DEPTH" in problem.hint


@pytest.mark.parametrize("name", ["deep.yaml", "deep.json"])
def test_deep_nesting_is_located_where_it_crosses_the_limit(name):
    problem = only_error("[" * 200_000 + "]" * 200_000, name)
    # the depth limit, where it is crossed; or libyaml's own (PyYAML 6.0.4's bundled libyaml scans
    # flow brackets ahead and stops at 1,000 levels first): located either way, in well under a second
    assert ((problem.line, problem.column) == (1, 65) and "more than 64 levels deep" in problem.message) or (
        (problem.line, problem.column) == (1, 1001) and "maximum nesting depth" in problem.message), problem
    problem = only_error("a:\n" + "".join(" " * i + "- \n" for i in range(1, 100)), name.replace("json", "yaml"))
    assert problem.line == 65 and "more than 64 levels deep" in problem.message


# -- 6. every limit is configurable, bounded and documented ----------------------------------


def test_every_limit_is_documented_with_its_default_and_variable():
    doc = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    limits_section = doc.split("## Limits", 1)[1]
    for name in loader.LIMITS:
        value = getattr(loader, name)
        assert f"`IAPREPORT_{name}`" in limits_section, name
        assert f"{value:,}" in limits_section or f"{value // (1024 * 1024)} MB" in limits_section, name
    assert "1900–2099" in limits_section


@pytest.mark.parametrize("variable,value,change,words", [
    ("IAPREPORT_MAX_VALUES", "40", None, "more than 40 values"),
    ("IAPREPORT_MAX_DEPTH", "3", None, "more than 3 levels deep"),
    ("IAPREPORT_MAX_TEXT_LENGTH", "12", None, "more than the 12 a text may have"),
    ("IAPREPORT_MAX_NAME_LENGTH", "5", None, "at most 5"),
    ("IAPREPORT_MAX_NUMBER_LENGTH", "1", None, "number too long"),
    ("IAPREPORT_MAX_ALIAS_CHARACTERS", "10", ("place: {en: Paris, ru: Париж}", "place: &p Paris-on-the-Seine"),
     "aliases repeat more than 10 characters"),
])
def test_each_limit_is_set_by_its_variable(monkeypatch, variable, value, change, words):
    text = MINIMAL
    if change:
        text = text.replace(*change) + "extra: [*p]\n"
    monkeypatch.setenv(variable, value)
    errors = errors_of(text)
    assert errors and any(words in p.message for p in errors), [str(p) for p in errors]
    assert all(p.line > 1 or p.column > 1 for p in errors if words in p.message)


def test_a_bad_limit_setting_is_a_warning_and_the_default_applies(monkeypatch):
    monkeypatch.setenv("IAPREPORT_MAX_DEPTH", "lots")
    with deadline():
        result = load_text(MINIMAL, "r.yaml")
    (warning,) = result.warnings
    assert "IAPREPORT_MAX_DEPTH" in warning.message and "64" in warning.message
    assert result.report is not None


def test_values_in_messages_are_cut():
    problem = only_error(MINIMAL.replace("country: KZ", "country: " + "K" * 100_000))
    assert problem.path == "country" and "100,000 characters" in problem.message
    assert len(str(problem)) < 300
    problem = only_error(MINIMAL.replace("round: 4", "round: 4\n? " + "k" * 5000 + "\n: 1"))
    assert "unknown field" in problem.message and len(str(problem)) < 600


# -- 5. files that are not regular files, or lie about their size ------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    fifo = tmp_path / "report.yaml"
    os.mkfifo(fifo)
    results = []
    reader = threading.Thread(target=lambda: results.append(load_file(fifo)), daemon=True)
    reader.start()
    reader.join(DEADLINE)
    if reader.is_alive():  # release the blocked reader before failing
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_file waits on a named pipe")
    (problem,) = results[0].problems
    assert (problem.line, problem.column) == (1, 1) and problem.file == str(fifo)
    assert "named pipe" in problem.message and "not a regular file" in problem.message


def test_a_folder_is_refused(tmp_path):
    (problem,) = load_file(tmp_path).problems
    assert "cannot read" in problem.message and "folder" in problem.message


@pytest.mark.skipif(not os.path.exists("/dev/zero") or sys.platform == "win32", reason="no /dev/zero")
def test_dev_zero_is_refused_without_reading_it():
    """In a child whose memory is capped: reading /dev/zero to its end would exhaust it."""
    code = ("import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
            "from iapreport.loader import load_file\n"
            "print(*load_file('/dev/zero').problems, sep='\\n')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("/dev/zero:1:1: ") and "a device, not a regular file" in result.stdout


def test_a_file_is_read_no_further_than_the_limit_whatever_size_it_declares(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "MAX_FILE_SIZE", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "#" * 2000 + "\n", encoding="utf-8")
    real_stat, real_fstat = os.stat, os.fstat

    def small(result):
        fields = list(result)
        fields[6] = 10  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", lambda *a, **k: small(real_stat(*a, **k)))
    monkeypatch.setattr(os, "fstat", lambda *a, **k: small(real_fstat(*a, **k)))
    reads = []
    real_fdopen = os.fdopen

    def counting_fdopen(*args, **kwargs):
        stream = real_fdopen(*args, **kwargs)
        read = stream.read
        stream_read = lambda size=-1: reads.append(size) or read(size)  # noqa: E731
        return _Wrapped(stream, stream_read)

    monkeypatch.setattr(os, "fdopen", counting_fdopen)
    (problem,) = load_file(path).problems
    assert "larger than 1,000 bytes" in problem.message and "IAPREPORT_MAX_FILE_SIZE" in problem.hint
    assert reads == [1001]


class _Wrapped:
    def __init__(self, stream, read):
        self._stream, self.read = stream, read

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stream.close()

    def __getattr__(self, name):
        return getattr(self._stream, name)


def test_the_file_size_limit_is_set_by_its_variable(tmp_path, monkeypatch):
    path = tmp_path / "report.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setenv("IAPREPORT_MAX_FILE_SIZE", "100")
    (problem,) = load_file(path).problems
    assert "larger than 100 bytes" in problem.message
    assert "larger than 100 bytes" in load_text(MINIMAL, "r.yaml").problems[0].message


# -- the command line --------------------------------------------------------------------------


def test_validate_prints_located_messages_for_hostile_files(tmp_path):
    files = {
        "bomb.yaml": _merge_bomb(),
        "huge.json": as_json().replace('"round": 4', f'"round": {HUGE}'),
        "old.yaml": MINIMAL.replace("start: 2018-07-03", "start: 1066-10-14"),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = [sys.executable, "-m", "iapreport", "validate", *(str(tmp_path / name) for name in files)]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.yaml")
        args.append(str(tmp_path / "pipe.yaml"))
    result = subprocess.run(args, capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out and "internal error" not in out
    assert f"{tmp_path / 'huge.json'}:4:11: round: number too long" in out
    assert f"{tmp_path / 'old.yaml'}:6:12: meetings[0].start: 1066-10-14 is outside the years 1900–2099" in out
    assert f"{tmp_path / 'bomb.yaml'}:" in out and "expands to more than 500,000 values at the alias *a" in out
    if hasattr(os, "mkfifo"):
        assert f"{tmp_path / 'pipe.yaml'}:1:1: cannot read the file: it is a named pipe (FIFO)" in out


def test_more_meetings_than_the_summary_table_can_hold_is_a_validation_error(tmp_path):
    """Twenty meetings validated and then failed to build (a column narrower than a letter): now
    `validate` says so, at the first meeting too many; sixteen build in both formats."""
    import json

    from iapreport import build
    from iapreport.synthetic import generate

    too_many = tmp_path / "twenty.json"
    too_many.write_text(json.dumps(generate(recommendations=5, seed=3, meetings=17), default=str), encoding="utf-8")
    (problem,) = [p for p in load_file(too_many).problems if p.severity == "error"]
    assert problem.path == "meetings[16]" and "at most 16" in problem.message and problem.line >= 1
    enough = tmp_path / "sixteen.json"
    enough.write_text(json.dumps(generate(recommendations=5, seed=3, meetings=16), default=str), encoding="utf-8")
    assert len(build(enough, langs=["en", "ru"], outdir=tmp_path / "out")) == 4
