"""Shared fixtures: the samples, loaded and composed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
KZ = SAMPLES / "kazakhstan-2018.yaml"
VERIDIA = SAMPLES / "veridia-2021.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parent / "data"


def pytest_configure(config):
    """Keep the tests' user cache (compiled catalogs and templates, hyphenation) out of the home
    directory: one fresh cache per run, shared with the subprocesses tests start."""
    import os
    import tempfile

    if "IAPREPORT_CACHE_DIR" not in os.environ:
        os.environ["IAPREPORT_CACHE_DIR"] = tempfile.mkdtemp(prefix="iapreport-test-cache-")


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
