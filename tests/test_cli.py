"""The command line: exit codes, located messages, no tracebacks, outputs named per edition."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import KZ, VERIDIA
from test_load import MINIMAL


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "iapreport", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def test_validate_samples_exit_0():
    result = run("validate", KZ, VERIDIA)
    assert result.returncode == 0, result.stderr
    assert "kazakhstan-2018.yaml: valid" in result.stdout


def test_validate_reports_every_problem_located(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("rating: progress", "ratng: progress").replace("round: 4", "round: x"),
                   encoding="utf-8")
    result = run("validate", bad)
    assert result.returncode == 1
    assert f"{bad}:3:8: round: expected an integer" in result.stderr
    assert f"{bad}:21:13: chapters[0].recommendations[0].updates[0].ratng: unknown field 'ratng' " \
           "(hint: did you mean 'rating'?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_strict_turns_missing_languages_into_errors(tmp_path):
    path = tmp_path / "partial.yaml"
    path.write_text(MINIMAL.replace('ru: "1.1. Хорошо."', 'de: "1.1. Gut."'), encoding="utf-8")
    assert run("validate", path).returncode == 0
    strict = run("validate", "--strict", path)
    assert strict.returncode == 1 and "no 'ru' text" in strict.stderr


@pytest.mark.parametrize("content", [b"\x00\x01\xff", b"- [", b"{}", b"format: [", b"\xef\xbb\xbf" + b"a: b"])
def test_garbage_never_gives_a_traceback(tmp_path, content):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(content)
    result = run("validate", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert str(path) in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run().returncode == 2
    assert run("validate").returncode == 2
    assert run("build", KZ, "--format", "odt", "-o", tmp_path).returncode == 2


def test_schema_command_prints_json_schema():
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["properties"]["format"]["const"] == "iapreport/1"
    assert "meetings" in schema["required"]


def test_build_invalid_data_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("round: 4", "round: x"), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", bad, "--lang", "en", "--format", "docx", "-o", out)
    assert result.returncode == 1 and "round" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_build_missing_catalog_is_an_error(tmp_path):
    result = run("build", KZ, "--lang", "xx", "--format", "docx", "-o", tmp_path)
    assert result.returncode == 1 and "no catalog for language 'xx'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_build_language_missing_in_data_names_the_fields(tmp_path):
    path = tmp_path / "en-only.yaml"
    path.write_text(MINIMAL.replace('ru: "1.1. Хорошо."', 'de: "1.1. Gut."'), encoding="utf-8")
    result = run("build", path, "--lang", "ru", "--format", "docx", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert "chapters[0].recommendations[0].updates[0].assessment: no 'ru' text" in result.stderr
    assert not (tmp_path / "out").exists()


def test_dump_tree(tmp_path):
    result = run("dump-tree", VERIDIA, "--lang", "ru")
    assert result.returncode == 0
    assert "heading 2 [heading-2] #rec_2_1: Рекомендация №\xa02.1" in result.stdout  # never split


def test_build_from_another_directory_uses_shipped_templates(tmp_path):
    """Templates, theme and catalogs come from the installed package, not the working directory."""
    result = run("build", VERIDIA, "--lang", "ru", "--format", "docx", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "veridia-2021.ru.docx").stat().st_size > 10_000
    from iapreport.resources import locales_dir, templates_dir

    assert (templates_dir() / "publication.j2").is_file()
    assert (locales_dir() / "ru" / "LC_MESSAGES" / "iapreport.po").is_file()


def test_a_failing_edition_leaves_no_partial_set_of_files(tmp_path):
    """A PDF that cannot be laid out (a theme whose running header is taller than the top margin)
    fails the build after its DOCX was written: the DOCX is not left behind either."""
    import yaml

    from iapreport.resources import templates_dir

    raw = yaml.safe_load((templates_dir() / "theme.yaml").read_text(encoding="utf-8"))
    raw["styles"]["header"]["size"] = 90
    theme = tmp_path / "tall header.yaml"
    theme.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", VERIDIA, "--lang", "en", "--format", "docx,pdf", "-o", out, "--theme", theme)
    assert result.returncode == 1, result.stdout
    assert "running header" in result.stderr and "Traceback" not in result.stderr
    assert list(out.iterdir()) == []


def test_empty_or_repeated_lists_and_colliding_outputs(tmp_path):
    assert run("build", VERIDIA, "--lang", ",", "-o", tmp_path).returncode == 2
    assert run("build", VERIDIA, "--format", ",", "-o", tmp_path).returncode == 2
    result = run("build", VERIDIA, "--lang", "en,en", "--format", "docx,docx", "-o", tmp_path / "once")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "once").iterdir()] == ["veridia-2021.en.docx"]
    other = tmp_path / "copy" / VERIDIA.name
    other.parent.mkdir()
    other.write_bytes(VERIDIA.read_bytes())
    result = run("build", VERIDIA, other, "-o", tmp_path / "clash")
    assert result.returncode == 2 and "would write the same files" in result.stderr
    assert not (tmp_path / "clash").exists()


def test_messages_name_the_file_once(tmp_path):
    path = tmp_path / "en-only.yaml"
    path.write_text(MINIMAL.replace('ru: "1.1. Хорошо."', 'de: "1.1. Gut."'), encoding="utf-8")
    result = run("build", path, "--lang", "ru", "-o", tmp_path / "out")
    assert f"{path}: {path}" not in result.stderr and f"{path}: chapters" in result.stderr


def test_a_broken_theme_is_a_message_not_an_internal_error(tmp_path):
    theme = tmp_path / "theme.yaml"
    theme.write_text("page: [", encoding="utf-8")
    result = run("build", VERIDIA, "--theme", theme, "-o", tmp_path / "out")
    assert result.returncode == 1
    # located, as a data file's syntax error is
    assert f"{theme}:2:1: " in result.stderr and "YAML syntax error" in result.stderr
    assert "internal error" not in result.stderr


def test_validate_reports_warnings_and_version(tmp_path):
    path = tmp_path / "partial.yaml"
    path.write_text(MINIMAL.replace(', ru: "1.1. Хорошо."', "").replace(', ru: "1) Сделано."', ""),
                    encoding="utf-8")
    result = run("validate", path)
    assert result.returncode == 0 and f"{path}: valid (2 warnings)" in result.stdout
    assert run("--version").stdout.startswith("iapreport ")


def test_build_with_an_extra_catalog_directory(tmp_path):
    catalogs = tmp_path / "catalogs" / "uk" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    from iapreport.catalog import shipped_catalog

    po = shipped_catalog("ru").read_text(encoding="utf-8").replace("Language: ru_RU", "Language: uk_UA")
    (catalogs / "iapreport.po").write_text(po, encoding="utf-8")
    data = tmp_path / "uk.yaml"
    data.write_text(MINIMAL.replace("ru:", "uk:"), encoding="utf-8")
    result = run("build", data, "--lang", "uk", "--format", "docx", "--locales", tmp_path / "catalogs",
                 "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "uk.uk.docx").exists()
    assert run("build", data, "--lang", "uk", "-o", tmp_path / "out2").returncode == 1  # not shipped


def test_internal_errors_are_one_line_unless_debugging(tmp_path):
    """A bug (here: an unreadable output directory path) is reported plainly, with a way to see more."""
    code = ("import sys; from iapreport import cli, api\n"
            "def boom(*a, **k): raise ZeroDivisionError('bug')\n"
            "api.build = boom\n"
            "sys.exit(cli.main(sys.argv[1:]))")
    args = [sys.executable, "-c", code, "build", str(VERIDIA), "-o", str(tmp_path)]
    result = subprocess.run(args, capture_output=True, text=True)
    assert result.returncode == 1 and "internal error: ZeroDivisionError: bug" in result.stderr
    assert "Traceback" not in result.stderr
    debug = subprocess.run(args, capture_output=True, text=True, env={**os.environ, "IAPREPORT_DEBUG": "1"})
    assert "Traceback" in debug.stderr


def test_dump_tree_errors_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: [", encoding="utf-8")
    assert run("dump-tree", bad, "--lang", "en").returncode == 1
    assert run("dump-tree", VERIDIA, "--lang", "xx").returncode == 1


def test_a_reader_that_stops_reading_is_not_an_internal_error(tmp_path):
    """`iapreport build ... | head -0`: the outputs are written, the exit is 1, no traceback."""
    process = subprocess.Popen([sys.executable, "-m", "iapreport", "build", str(VERIDIA), "--lang", "en",
                                "--format", "docx", "-o", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # nobody will read the paths it prints
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait() == 1
    assert "internal error" not in stderr and "Traceback" not in stderr, stderr
    assert (tmp_path / "veridia-2021.en.docx").is_file()


def test_the_command_exits_with_mains_code_and_flushes_its_output(tmp_path):
    """The command exits with main's status, and what it printed arrives."""
    result = run("build", VERIDIA, "--lang", "en,ru", "--format", "docx", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(tmp_path / "veridia-2021.en.docx"), str(tmp_path / "veridia-2021.ru.docx")]
    assert run("build", tmp_path / "missing.yaml", "-o", tmp_path).returncode == 1


@pytest.mark.skipif(os.name != "posix", reason="a closed descriptor and /dev/full are POSIX")
@pytest.mark.parametrize("command", [["build", str(VERIDIA), "--lang", "en", "--format", "docx"],
                                     ["validate", str(VERIDIA)], ["schema"]])
def test_standard_output_closed_or_full_is_no_internal_error(tmp_path, command):
    """With standard output closed (`>&-`) the work is done and the status is 0; on a full disk
    (`> /dev/full`) the work is done, the status is 1 and the message says why: never a traceback
    or "internal error"."""
    args = [sys.executable, "-m", "iapreport", *command] + (["-o", str(tmp_path)] if command[0] == "build" else [])
    closed = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: os.close(1))
    assert closed.returncode == 0 and "Traceback" not in closed.stderr and "internal error" not in closed.stderr
    if command[0] == "build":
        assert (tmp_path / "veridia-2021.en.docx").is_file()
        (tmp_path / "veridia-2021.en.docx").unlink()
    if not os.path.exists("/dev/full"):
        return
    with open("/dev/full", "w") as full:
        result = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1, result.stderr
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if command[0] == "build":
        assert (tmp_path / "veridia-2021.en.docx").is_file()
