"""Stand-ins for the platforms this CI cannot run (issue 10, "Portable").

Windows is imitated where it differs in what a build touches: a Python without ``os.getuid``,
``os.geteuid`` (and the group ids), without ``fcntl``, ``pwd``, ``grp``, ``termios`` and
``resource``, and whose worker processes are spawned, not forked; put in place by a
``sitecustomize`` module on ``PYTHONPATH`` so that every process of a build has it, batch workers
included; folders whose names have spaces and Cyrillic letters (like
``C:\\Users\\Наталья\\Отчёты\\``); and a console in cp1252, which cannot show Cyrillic.
"""

from __future__ import annotations

import marshal
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, VERIDIA

from iapreport import cache

STAND_IN = '''\
"""Imitate Windows for iapreport's tests: no POSIX user ids, no POSIX-only modules."""
import os
import sys

# platformdirs chooses its code at import: on Windows its own, which asks for no user id; here
# its POSIX code, which looks up os.geteuid as it loads. Loaded first, it stands for the former.
import platformdirs  # noqa: F401

for name in ("getuid", "geteuid", "getgid", "getegid"):
    if hasattr(os, name):
        delattr(os, name)
for name in ("fcntl", "pwd", "grp", "termios", "resource"):
    sys.modules[name] = None  # `import fcntl` now raises ImportError

# worker processes start as on Windows (and macOS): a fresh interpreter, not a fork
import multiprocessing

multiprocessing.set_start_method("spawn")
'''

PROBE = ("import os, sys\n"
         "ids = [n for n in ('getuid', 'geteuid', 'getgid', 'getegid') if hasattr(os, n)]\n"
         "mods = []\n"
         "for n in ('fcntl', 'pwd', 'grp', 'termios', 'resource'):\n"
         "    try:\n"
         "        __import__(n)\n"
         "        mods.append(n)\n"
         "    except ImportError:\n"
         "        pass\n"
         "import multiprocessing\n"
         "print(ids, mods, multiprocessing.get_start_method())\n")

EDITIONS = [f"veridia-2021.{lang}.{fmt}" for lang in ("en", "ru") for fmt in ("docx", "pdf")]


def _windows_like(tmp_path: Path, *, preload_platformdirs: bool = True, **env: str | None) -> dict[str, str]:
    """The environment of a process that imitates Windows, with `env` set (None: removed)."""
    site = tmp_path / "stand-in"
    site.mkdir(exist_ok=True)
    text = STAND_IN if preload_platformdirs else STAND_IN.replace("import platformdirs  # noqa: F401\n", "")
    (site / "sitecustomize.py").write_text(text, encoding="utf-8")
    result = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    for name in ("PYTHONIOENCODING", "IAPREPORT_DEBUG"):
        result.pop(name, None)
    for name, value in env.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    probe = subprocess.run([sys.executable, "-c", PROBE], env=result, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "[] [] spawn", probe.stdout  # the stand-in is in place
    return result


def _home(base: Path) -> dict[str, str]:
    """Point every platform's user folders (platformdirs) at `base`."""
    return {"HOME": str(base), "USERPROFILE": str(base), "XDG_CACHE_HOME": str(base / ".cache"),
            "LOCALAPPDATA": str(base / "AppData" / "Local")}


def _iapreport(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "iapreport", *map(str, args)], env=env, capture_output=True)


def _ok(run: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in run.stderr
    return run


def _files(root: Path) -> list[str]:
    """The files under `root`, as paths relative to it, with their hashed names shortened."""
    return sorted({re.sub(r"[0-9a-f]{16,}", "<hash>", p.relative_to(root).as_posix())
                   for p in root.rglob("*") if p.is_file()})


def test_a_whole_build_without_posix_calls_in_non_ascii_folders(tmp_path):
    """No user ids, no fcntl: the build of both editions in both formats succeeds into a folder with
    spaces and Cyrillic letters, with the cache in such a folder too, cold and warm alike."""
    user = tmp_path / "Users" / "Наталья Иванова"
    home = _home(user)
    # an explicit cache directory outside the platform's user cache folder: it cannot be known to
    # be private without user ids, so it holds only entries that cannot run code
    cache_dir = user / "Общий диск" / "Кэш отчётов"
    env = _windows_like(tmp_path, **home, IAPREPORT_CACHE_DIR=str(cache_dir))
    reference = user / "Отчёты" / "первый прогон"
    for out in (reference, user / "Отчёты" / "второй прогон"):
        run = _ok(_iapreport("build", VERIDIA, "--lang", "en,ru", "--format", "docx,pdf", "-o", out, env=env))
        assert sorted(p.name for p in out.iterdir()) == sorted(EDITIONS)
        assert sorted(run.stdout.decode("utf-8").splitlines()) == sorted(str(out / name) for name in EDITIONS)
        for name in EDITIONS:
            assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    assert _files(cache_dir) and all(name.endswith(".marshal") for name in _files(cache_dir)), _files(cache_dir)
    assert not (user / ".cache").exists()  # nothing went to the default place either

    # the default place: the platform's user cache folder, private by the system's rules, holds
    # everything; a batch in two worker processes (each with the stand-in) fills it
    env = _windows_like(tmp_path, **home, IAPREPORT_CACHE_DIR=None)
    data = user / "Мои данные"
    data.mkdir()
    shutil.copy(VERIDIA, data / VERIDIA.name)
    shutil.copy(VERIDIA, data / "копия отчёта.yaml")
    batch = user / "Отчёты" / "пакет"
    _ok(_iapreport("build", data, "--lang", "en,ru", "--format", "docx,pdf", "-j", "2", "-o", batch, env=env))
    default = user / ".cache" / "iapreport"
    kinds = {name.split("/")[0] for name in _files(default)}
    # compiled templates are code: only a folder the system keeps private may hold them
    assert {"catalogs", "templates", "hyphenation", "fonts"} <= kinds, _files(default)
    warm = user / "Отчёты" / "тёплый кэш"
    _ok(_iapreport("build", VERIDIA, "--lang", "en,ru", "--format", "docx,pdf", "-o", warm, env=env))
    for name in EDITIONS:
        assert (batch / name).read_bytes() == (reference / name).read_bytes(), name
        assert (warm / name).read_bytes() == (reference / name).read_bytes(), name
        copy = name.replace("veridia-2021", "копия отчёта")
        assert (batch / copy).read_bytes() == (reference / name).read_bytes(), copy


def test_without_a_user_cache_folder_the_cache_is_dropped_not_the_build(tmp_path):
    """platformdirs' POSIX code cannot load without user ids, and a platform may give no home:
    then there is no default cache, and the build goes on without one."""
    user = tmp_path / "Наталья"
    env = _windows_like(tmp_path, preload_platformdirs=False, **_home(user), IAPREPORT_CACHE_DIR=None)
    run = _ok(_iapreport("dump-tree", VERIDIA, "--lang", "ru", env=env))
    assert "Веридия" in run.stdout.decode("utf-8")
    assert not user.exists()


def test_data_theme_and_catalogs_in_folders_with_spaces_and_cyrillic_letters(tmp_path):
    folder = tmp_path / "Отчёты и данные"
    data = folder / "Данные отчёта" / "Веридия 2021.yaml"
    data.parent.mkdir(parents=True)
    shutil.copy(VERIDIA, data)
    theme = folder / "Оформление" / "моя тема.yaml"
    theme.parent.mkdir()
    text = (ROOT / "templates" / "theme.yaml").read_text(encoding="utf-8")
    assert 'accent: "1F3B6E"' in text
    theme.write_text(text.replace('accent: "1F3B6E"', 'accent: "8B1E3F"'), encoding="utf-8")
    locales = folder / "Мои каталоги"
    po = locales / "ru" / "LC_MESSAGES" / "iapreport.po"
    po.parent.mkdir(parents=True)
    text = (ROOT / "locales" / "ru" / "LC_MESSAGES" / "iapreport.po").read_text(encoding="utf-8")
    assert 'msgstr "Содержание"' in text
    po.write_text(text.replace('msgstr "Содержание"', 'msgstr "Оглавление"'), encoding="utf-8")
    env = _windows_like(tmp_path, **_home(tmp_path / "дом"))

    tree = _ok(_iapreport("dump-tree", data, "--lang", "ru", "--locales", locales, env=env)).stdout.decode("utf-8")
    assert "Оглавление" in tree and "Содержание" not in tree

    out = folder / "Готовые файлы"
    run = _ok(_iapreport("build", data, "--lang", "ru", "--format", "docx,pdf", "--theme", theme,
                         "--locales", locales, "-o", out, env=env))
    assert sorted(p.name for p in out.iterdir()) == ["Веридия 2021.ru.docx", "Веридия 2021.ru.pdf"]
    assert str(out / "Веридия 2021.ru.docx") in run.stdout.decode("utf-8")
    with zipfile.ZipFile(out / "Веридия 2021.ru.docx") as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
        document = docx.read("word/document.xml").decode("utf-8")
    assert "8B1E3F" in styles and "1F3B6E" not in styles
    assert "Оглавление" in document and "Содержание" not in document

    checked = _iapreport("validate", "--theme", theme, data, env=env)
    assert checked.returncode == 0 and checked.stdout.decode("utf-8").startswith(str(data))


def _cp1252(tmp_path: Path) -> dict[str, str]:
    return {**_windows_like(tmp_path, **_home(tmp_path / "дом")), "PYTHONIOENCODING": "cp1252"}


def _escaped(text: str) -> str:
    """`text` as a cp1252 console shows it after backslashreplace."""
    return text.encode("cp1252", "backslashreplace").decode("cp1252")


def _console(run: subprocess.CompletedProcess) -> tuple[str, str]:
    """What a cp1252 console receives (and can show: every byte decodes); no traceback."""
    stdout, stderr = run.stdout.decode("cp1252"), run.stderr.decode("cp1252")
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return stdout, stderr


def test_messages_reach_a_cp1252_console(tmp_path):
    folder = tmp_path / "Отчёты 2021"
    folder.mkdir()
    bad = folder / "плохой отчёт.yaml"
    text = VERIDIA.read_text(encoding="utf-8")
    assert "\nround: 4\n" in text
    bad.write_text(text.replace("\nround: 4\n", "\nround: четыре\n"), encoding="utf-8")
    env = _cp1252(tmp_path)

    run = _iapreport("validate", bad, VERIDIA, env=env)
    stdout, stderr = _console(run)
    assert run.returncode == 1
    assert f"{_escaped(str(bad))}:4:8: round: expected an integer" in stderr
    assert "\\u043f\\u043b\\u043e\\u0445\\u043e\\u0439" in stderr  # "плохой"
    assert f"{_escaped(str(bad))}: invalid (1 error)" in stderr and f"{VERIDIA}: valid" in stdout

    run = _iapreport("build", bad, "--lang", "ru", "--format", "docx", "-o", folder / "вывод", env=env)
    stdout, stderr = _console(run)
    assert run.returncode == 1 and not stdout
    assert f"{_escaped(str(bad))}:4:8: round:" in stderr and f"{_escaped(str(bad))}: not built" in stderr
    assert not (folder / "вывод").exists() or not any((folder / "вывод").iterdir())

    out = folder / "Готовые файлы"
    run = _iapreport("build", VERIDIA, "--lang", "ru", "--format", "docx", "-o", out, env=env)
    stdout, stderr = _console(run)
    assert run.returncode == 0, stderr
    assert stdout.splitlines() == [_escaped(str(out / "veridia-2021.ru.docx"))]
    assert "\\u0413\\u043e\\u0442\\u043e\\u0432\\u044b\\u0435" in stdout  # "Готовые"
    assert (out / "veridia-2021.ru.docx").is_file()

    run = _iapreport("dump-tree", VERIDIA, "--lang", "ru", env=env)
    stdout, stderr = _console(run)
    assert run.returncode == 0 and _escaped("Веридия") in stdout

    for usage in (["build", VERIDIA, "--format", "щ"], ["build", VERIDIA, "--язык", "ru"]):
        run = _iapreport(*usage, env=env)
        stdout, stderr = _console(run)
        assert run.returncode == 2 and ("\\u0449" in stderr or "\\u044f\\u0437" in stderr), stderr


# -- the cache's privacy rule, in this process ----------------------------------------------------


def _store_both() -> tuple[list[int], list[int]]:
    """Ask the cache twice for a pickled and a plain value; return how often each was built."""
    pickled, plain = [], []
    for _ in range(2):
        assert cache.cached("things", cache.key("pickled"), lambda: pickled.append(1) or {"a": 1}) == {"a": 1}
        assert cache.cached("plain", cache.key("plain"), lambda: plain.append(1) or {"b": 2}, plain=True) == {"b": 2}
    return pickled, plain


@pytest.mark.parametrize("case", ["foreign owner", "group-writable", "link to a shared folder"])
def test_on_posix_a_cache_directory_not_the_users_own_is_not_used(tmp_path, monkeypatch, case):
    target = tmp_path / "Общий кэш"
    target.mkdir(mode=0o700)
    target.chmod(0o700)
    root = target
    if case == "foreign owner":
        uid = os.getuid()
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    elif case == "group-writable":
        target.chmod(0o770)
    else:
        target.chmod(0o777)
        root = tmp_path / "мой кэш"
        root.symlink_to(target, target_is_directory=True)
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(root))
    assert cache.trust(root) == cache.UNUSABLE
    assert _store_both() == ([1, 1], [1, 1])
    assert cache.subdirectory("templates", "x") is None
    assert not list(target.iterdir())


def test_without_user_ids_only_the_users_cache_folder_holds_code(tmp_path, monkeypatch):
    users = tmp_path / "Наталья" / "AppData Local"  # the platform's user cache root
    monkeypatch.setenv("XDG_CACHE_HOME", str(users))
    monkeypatch.setenv("LOCALAPPDATA", str(users))
    monkeypatch.delattr(os, "getuid")
    monkeypatch.delattr(os, "geteuid", raising=False)

    # an explicit folder elsewhere: plain entries only; pickles and compiled templates stay in memory
    shared = tmp_path / "Общий диск" / "кэш"
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(shared))
    assert cache.trust(shared) == cache.PLAIN
    assert _store_both() == ([1, 1], [1])
    assert _files(shared) == [f"plain/<hash>-m{marshal.version}.marshal"]
    assert cache.subdirectory("templates", "x") is None

    # a link inside the user's folder that leads elsewhere is judged by where it leads
    link = users / "ссылка"
    users.mkdir(parents=True, exist_ok=True)
    link.symlink_to(shared, target_is_directory=True)
    monkeypatch.setenv("IAPREPORT_CACHE_DIR", str(link))
    assert cache.trust(link) == cache.PLAIN

    # inside the user's cache folder, and the default place: everything
    for setting in (str(users / "мой кэш"), None):
        if setting is None:
            monkeypatch.delenv("IAPREPORT_CACHE_DIR")
        else:
            monkeypatch.setenv("IAPREPORT_CACHE_DIR", setting)
        root = cache.directory()
        assert root is not None and cache.trust(root) == cache.ANY
        assert _store_both() == ([1], [1])
        assert {"things", "plain"} <= {name.split("/")[0] for name in _files(root)}
        assert cache.subdirectory("templates", "x") is not None
    assert cache.directory() == users / "iapreport"


def test_the_default_place_is_the_platforms_user_cache_folder(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.delenv("IAPREPORT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "Наталья"))
    assert cache.directory() == Path(platformdirs.user_cache_dir("iapreport", appauthor=False))
    if sys.platform.startswith("linux"):
        assert cache.directory() == tmp_path / "Наталья" / ".cache" / "iapreport"

    def no_home(*args, **kwargs):
        raise RuntimeError("could not determine the home directory")

    monkeypatch.setattr(platformdirs, "user_cache_dir", no_home)
    assert cache.directory() is None
    assert cache.cached("things", cache.key("homeless"), lambda: 5) == 5
