"""The user cache: faster, never different."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from iapreport import cache


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_value_is_built_once_and_then_read(cache_dir):
    built = []

    def build():
        built.append(1)
        return {"patterns": [1, 2, 3]}

    digest = cache.key("test", b"input bytes", 1)
    assert cache.cached("things", digest, build) == {"patterns": [1, 2, 3]}
    assert cache.cached("things", digest, build) == {"patterns": [1, 2, 3]}
    assert len(built) == 1
    assert list((cache_dir / "things").iterdir()) == [cache_dir / "things" / f"{digest}.pickle"]


def test_plain_values_are_kept_with_marshal_and_a_corrupt_one_is_rebuilt(cache_dir):
    import marshal

    built = []
    table = {"ab": None, "abc": (1, (0, 1, 2)), "б": (0, (3,))}
    digest = cache.key("plain")
    for _ in range(2):
        assert cache.cached("things", digest, lambda: built.append(1) or table, plain=True) == table
    assert len(built) == 1
    [entry] = (cache_dir / "things").iterdir()
    assert entry.name == f"{digest}-m{marshal.version}.marshal"
    assert marshal.loads(entry.read_bytes()) == table
    entry.write_bytes(b"\x00garbage")
    assert cache.cached("things", digest, lambda: {"rebuilt": None}, plain=True) == {"rebuilt": None}


def test_hyphenation_from_the_cache_is_the_same_as_built(cache_dir):
    from iapreport.writers import _lines

    words = ["anticorruption", "recommendation", "implementation", "accountability"]
    _lines.hyphenator.cache_clear()
    built = [_lines.hyphenator("en_US", 2, 3)(w) for w in words]  # builds, stores
    _lines.hyphenator.cache_clear()
    read = [_lines.hyphenator("en_US", 2, 3)(w) for w in words]  # reads the stored table
    _lines.hyphenator.cache_clear()
    assert built == read and all(built)
    assert list((cache_dir / "hyphenation").glob("*.marshal"))


def test_keys_differ_with_every_input():
    assert cache.key("a", b"x") != cache.key("a", b"y")
    assert cache.key("a", b"x") != cache.key("b", b"x")
    assert cache.key("a", 1, 2) != cache.key("a", 12)
    assert cache.key("a", b"x") == cache.key("a", b"x")


@pytest.mark.parametrize("value", ["off", "", "0"])
def test_the_cache_can_be_turned_off(monkeypatch, tmp_path, value):
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", value)
    monkeypatch.chdir(tmp_path)
    built = []
    for _ in range(2):
        cache.cached("things", cache.key("off"), lambda: built.append(1) or 5)
    assert len(built) == 2
    assert cache.directory() is None and cache.subdirectory("templates") is None
    assert not list(tmp_path.iterdir())


def test_a_corrupt_entry_is_rebuilt_and_replaced(cache_dir):
    digest = cache.key("corrupt")
    cache.cached("things", digest, lambda: [1])
    entry = cache_dir / "things" / f"{digest}.pickle"
    entry.write_bytes(b"not a pickle")
    assert cache.cached("things", digest, lambda: [2]) == [2]
    assert cache.cached("things", digest, lambda: [3]) == [2]


def test_an_unwritable_cache_still_builds(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(blocker / "cache"))
    assert cache.cached("things", cache.key("x"), lambda: "value") == "value"
    assert cache.subdirectory("templates", "x") is None


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("IAPREPORT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "iapreport"


COMPOSE = ("import sys; from iapreport.loader import load; from iapreport.composer import compose; "
           "from iapreport.tree import dump; "
           "print(dump(compose(load(sys.argv[1]), 'ru', locales_dirs=[sys.argv[2]])))")


def _compose_in_process(cache_dir, sample, locales) -> str:
    env = {**os.environ, "IAPREPORT_CACHE_DIR": str(cache_dir)}
    return subprocess.run([sys.executable, "-c", COMPOSE, str(sample), str(locales)], env=env, check=True,
                          capture_output=True, text=True).stdout


def test_a_changed_catalog_is_compiled_again(cache_dir, tmp_path):
    """Editing a .po file changes the next build, though the old compiled catalog is cached."""
    from conftest import KZ

    from iapreport.resources import locales_dir

    locales = tmp_path / "locales"
    shutil.copytree(locales_dir() / "ru", locales / "ru", ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    po = locales / "ru" / "LC_MESSAGES" / "iapreport.po"
    first = _compose_in_process(cache_dir, KZ, locales)
    assert "Содержание" in first
    assert any((cache_dir / "catalogs").iterdir()) and any((cache_dir / "templates").iterdir())
    assert _compose_in_process(cache_dir, KZ, locales) == first  # read from the cache: the same tree
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Содержание"' in text
    po.write_text(text.replace('msgstr "Содержание"', 'msgstr "Оглавление"'), encoding="utf-8")
    second = _compose_in_process(cache_dir, KZ, locales)
    assert "Оглавление" in second and "Содержание" not in second


def test_a_bad_catalog_fails_every_time(cache_dir, tmp_path):
    from iapreport.i18n import LocaleError, _compile

    po = tmp_path / "ru" / "LC_MESSAGES" / "iapreport.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "Hello %(name)s"\nmsgstr "Привет %(nom)s"\n',
                  encoding="utf-8")
    for _ in range(2):
        _compile.cache_clear()
        with pytest.raises(LocaleError, match="unknown placeholder"):
            _compile(str(po))
    assert not (cache_dir / "catalogs").exists() or not any((cache_dir / "catalogs").iterdir())


def test_a_damaged_or_unwritable_template_cache_only_costs_time(tmp_path, monkeypatch):
    import jinja2
    from jinja2.bccache import bc_magic

    from iapreport.i18n import _TemplateCache

    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "Hello {{ name }}"}),
                             bytecode_cache=_TemplateCache(str(tmp_path)))
    assert env.get_template("t").render(name="x") == "Hello x"
    [entry] = list(tmp_path.iterdir())
    entry.write_bytes(entry.read_bytes()[:len(bc_magic)] + b"damaged")  # jinja's header, then garbage
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "Hello {{ name }}"}),
                             bytecode_cache=_TemplateCache(str(tmp_path)))
    assert env.get_template("t").render(name="y") == "Hello y"

    def refuse(*args, **kwargs):
        raise PermissionError("read-only cache")

    monkeypatch.setattr("tempfile.NamedTemporaryFile", refuse)
    env = jinja2.Environment(loader=jinja2.DictLoader({"u": "Bye {{ name }}"}),
                             bytecode_cache=_TemplateCache(str(tmp_path)))
    assert env.get_template("u").render(name="z") == "Bye z"


def test_a_directory_others_may_write_to_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(shared))
    built = []
    for _ in range(2):
        assert cache.cached("things", cache.key("shared"), lambda: built.append(1) or 7) == 7
    assert len(built) == 2 and not list(shared.iterdir())
    assert cache.subdirectory("templates", "x") is None
    fresh = tmp_path / "fresh" / "cache"
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(fresh))
    cache.cached("things", cache.key("fresh"), lambda: 1)
    assert fresh.stat().st_mode & 0o777 == 0o700


def test_builds_with_and_without_the_cache_are_byte_identical(tmp_path):
    """The cache makes a build faster, never different: cold cache, warm cache and no cache."""
    from conftest import VERIDIA

    outputs = {}
    for name, setting in (("cold", str(tmp_path / "cache")), ("warm", str(tmp_path / "cache")), ("off", "off")):
        env = {**os.environ, "IAPREPORT_CACHE_DIR": setting}
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "iapreport", "build", str(VERIDIA), "--lang", "ru",
                        "--format", "docx,pdf", "-o", str(out)], env=env, check=True, capture_output=True)
        outputs[name] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert any((tmp_path / "cache").iterdir())
    assert outputs["cold"] == outputs["warm"] == outputs["off"]
    assert set(outputs["off"]) == {"veridia-2021.ru.docx", "veridia-2021.ru.pdf"}
