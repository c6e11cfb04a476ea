"""Batches: many files, globs and folders in parallel processes; failures that stop nothing; the
same bytes alone or in a batch; Ctrl-C that leaves nothing half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from iapreport.batch import Result, build_many, expand
from iapreport.synthetic import generate

from conftest import VERIDIA
from test_load import MINIMAL


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "iapreport", *map(str, args)], capture_output=True, text=True,
                          **kwargs)


def synthetic(folder: Path, count: int, recommendations: int = 6) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(1, count + 1):
        path = folder / f"отчёт {seed:02d}.json"
        path.write_text(json.dumps(generate(recommendations=recommendations, seed=seed), ensure_ascii=False),
                        encoding="utf-8")
        paths.append(path)
    return paths


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_inputs_are_files_globs_and_folders_each_once(tmp_path):
    data = synthetic(tmp_path / "data", 3)
    (tmp_path / "data" / "notes.txt").write_text("not a report", encoding="utf-8")
    files, missing = expand([str(data[1]), str(tmp_path / "data"), str(tmp_path / "data" / "*.json"),
                             str(tmp_path / "none*.yaml"), str(tmp_path / "empty")])
    # a name that is no file, folder or pattern stays: its build says it cannot be read
    assert files == [str(data[1]), str(data[0]), str(data[2]), str(tmp_path / "empty")]
    assert [m.source for m in missing] == [str(tmp_path / "none*.yaml")]
    assert "no file matches" in missing[0].messages[0]


def test_a_failing_report_stops_nothing_and_is_reported_located(tmp_path):
    data = synthetic(tmp_path / "data", 2)
    bad = tmp_path / "data" / "bad.yaml"
    bad.write_text(MINIMAL.replace("round: 4", "round: x"), encoding="utf-8")
    out = tmp_path / "вывод с пробелом"
    result = cli("build", tmp_path / "data", "--lang", "en", "--format", "pdf", "-o", out, "-j", "2")
    assert result.returncode == 1
    assert f"{bad}:3:8: round: expected an integer" in result.stderr
    assert f"{bad}: not built" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.en.pdf" for p in data)
    assert sorted(result.stdout.split("\n")[:-1]) == sorted(str(out / f"{p.stem}.en.pdf") for p in data)
    # plain progress lines and a closing table when not on a terminal
    assert "[3/3]" in result.stderr
    table = result.stderr[result.stderr.index("file "):].splitlines()
    assert table[0].split() == ["file", "language", "format", "pages", "seconds", "status"]
    rows = [line.split() for line in table[1:]]
    assert sorted(row[-1] for row in rows) == ["failed", "ok", "ok"]
    ok_rows = [row for row in rows if row[-1] == "ok"]
    assert all(row[-5:-3] == ["en", "pdf"] and int(row[-3]) >= 3 and float(row[-2]) > 0 for row in ok_rows)


def test_same_bytes_alone_in_a_batch_with_one_or_two_workers_in_either_order(tmp_path):
    data = synthetic(tmp_path / "data", 3)
    alone = tmp_path / "alone"
    for path in data:
        assert cli("build", path, "--lang", "en,ru", "-o", alone).returncode == 0
    one = tmp_path / "one"
    two = tmp_path / "two"
    reverse = tmp_path / "reverse"
    assert cli("build", *data, "--lang", "en,ru", "-o", one, "-j", "1").returncode == 0
    assert cli("build", tmp_path / "data", "--lang", "en,ru", "-o", two, "-j", "2").returncode == 0
    assert cli("build", *reversed(data), VERIDIA, "--lang", "en,ru", "-o", reverse, "-j", "4").returncode == 0
    expected = files_of(alone)
    assert len(expected) == 12
    assert files_of(one) == expected and files_of(two) == expected
    assert {k: v for k, v in files_of(reverse).items() if not k.startswith("veridia")} == expected


def test_build_many_returns_a_result_per_output_and_per_failure(tmp_path):
    data = synthetic(tmp_path / "data", 2)
    seen: list[list[Result]] = []
    results = build_many([tmp_path / "data", tmp_path / "missing.yaml"], langs=["en"], formats=["docx", "pdf"],
                         outdir=tmp_path / "out", jobs=2, progress=seen.append)
    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    assert len(ok) == 4 and all(r.path.is_file() for r in ok)
    assert {r.pages is not None for r in ok if r.format == "pdf"} == {True}
    assert [r.source for r in failed] == [str(tmp_path / "missing.yaml")]
    assert "cannot read the file" in failed[0].messages[0]
    assert len(seen) == 3  # one call per data file, as each finishes
    assert {p.stem for p in data} == {Path(r.path).name.split(".")[0] for r in ok}


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to a process group")
def test_ctrl_c_leaves_no_temporary_file_and_no_damaged_output(tmp_path):
    data = synthetic(tmp_path / "data", 8, recommendations=30)
    out = tmp_path / "out"
    first = cli("build", tmp_path / "data", "--lang", "en,ru", "-o", out, "-j", "2")
    assert first.returncode == 0, first.stderr
    before = files_of(out)
    # the same build again, interrupted while it writes (as Ctrl-C does: the whole process group)
    process = subprocess.Popen([sys.executable, "-m", "iapreport", "build", str(tmp_path / "data"), "--lang", "en,ru",
                                "-o", str(out), "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True,
                               # a test run started in the background of a shell ignores SIGINT, and
                               # so would the build it starts: a terminal's Ctrl-C reaches a build
                               # with the default disposition
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    first_line = process.stdout.readline()  # the first file is written: the others are on their way
    running = process.poll() is None
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert first_line and running, (first_line, stderr)
    assert process.returncode == 130, stderr
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") or p.name.endswith(".part")]
    assert leftovers == []
    assert files_of(out) == before  # every output complete: what was there, or the same bytes again
    assert len(before) == 4 * len(data)


def test_two_files_that_would_write_the_same_outputs_are_refused_before_anything_is_built(tmp_path):
    first = synthetic(tmp_path / "a", 1)[0]
    second = synthetic(tmp_path / "b", 1)[0]
    with pytest.raises(ValueError, match="would write the same files"):
        build_many([first, second], outdir=tmp_path / "out")
    assert not (tmp_path / "out").exists()
    result = cli("build", first, second, "-o", tmp_path / "out")
    assert result.returncode == 2 and "would write the same files" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("signame,code", [("SIGTERM", 143), ("SIGHUP", 129)])
def test_termination_signals_leave_no_scratch_folder(tmp_path, signame, code):
    """SIGTERM (a service manager, `kill`) and SIGHUP (a closed terminal) in the middle of
    writing: unwound like Ctrl-C, no scratch folder or temporary file left, nothing written."""
    source = synthetic(tmp_path / "data", 1, recommendations=60)[0]
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "iapreport", "build", str(source), "--lang", "en,ru",
                                "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=lambda: [signal.signal(getattr(signal, s), signal.SIG_DFL)
                                                   for s in ("SIGTERM", "SIGHUP")])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(p.name.startswith(".iapreport-") for p in out.iterdir()):
        time.sleep(0.01)  # the editions are composed: their files are being written
    running = process.poll() is None
    process.send_signal(getattr(signal, signame))
    _, stderr = process.communicate(timeout=60)
    assert running, stderr
    assert process.returncode == code, stderr
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    assert list(out.iterdir()) == []
