"""Shared writer behaviour: atomic output, the writer registry."""

from __future__ import annotations

import os
import stat

import pytest

from iapreport.writers import atomic_output, get_writer


def test_atomic_output_moves_into_place_only_on_success(tmp_path):
    target = tmp_path / "sub" / "x.pdf"
    with atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        assert not target.exists() and tmp.parent == target.parent
    assert target.read_bytes() == b"half"
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # like any file the user creates, not mkstemp's 0600

    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_bytes(b"partial")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"half"  # the old file is untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.pdf"]  # no leftovers


def test_writer_registry():
    assert get_writer("docx").__name__ == "write_docx" and get_writer("pdf").__name__ == "write_pdf"
    with pytest.raises(ValueError, match="unknown format 'odt'"):
        get_writer("odt")


@pytest.mark.skipif(not hasattr(os, "umask") or os.name != "posix", reason="POSIX permission bits")
def test_an_output_gets_the_permissions_of_a_new_file_and_the_umask_is_never_changed(tmp_path, monkeypatch):
    """The system applies the umask to the temporary file: atomic_output never sets the umask,
    which would change it for every thread of a long-running process for a moment."""
    calls = []
    real_umask = os.umask
    old = real_umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", lambda mask: calls.append(mask) or real_umask(mask))
        with atomic_output(tmp_path / "report.pdf") as tmp:
            tmp.write_bytes(b"%PDF")
        assert calls == []
        assert (tmp_path / "report.pdf").stat().st_mode & 0o777 == 0o640
        assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]
    finally:
        real_umask(old)
