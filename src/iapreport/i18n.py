"""Editions' languages: gettext catalogs, the jinja2 environment and babel formatting.

A language exists when a catalog ``<lang>/LC_MESSAGES/iapreport.po`` exists in one of the
catalog directories (the shipped ``locales/`` first, then any given with ``locales_dirs``): adding
a language means adding a catalog, never code. A missing catalog is an error, never silent English.
Catalogs are compiled from the .po files on first use and kept compiled in the user cache.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import babel
import jinja2
import jinja2.sandbox
from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.dates import format_date, get_date_format
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import Translations

from . import cache
from .errors import IapreportError
from .resources import locales_dir, templates_dir

DOMAIN = "iapreport"
#: the language the msgids are written in: its catalog may leave a msgstr empty
SOURCE_LANGUAGE = "en"
#: msgctxt of optional entries (a translator may override a country's name from the locale data)
OPTIONAL_CONTEXTS = ("country", "typography", "translated from", "hyphenation")
#: languages a catalog may name in the form "translated from" needs (msgctxt "translated from")
SOURCE_LANGUAGES = ("en", "ru", "uk", "hy", "az", "ka", "kk", "ky", "mn", "tg", "uz", "fr", "de")


#: the English ordinal form of each CLDR ordinal category (msgctxt "ordinal <category>")
ORDINAL_FORMS = {"one": "%(num)sst", "two": "%(num)snd", "few": "%(num)srd", "other": "%(num)sth",
                 "many": "%(num)sth", "zero": "%(num)sth"}
#: the optional entry whose translation lists a language's short words (space-separated)
TIED_WORDS = "short words kept with the next word"
#: the optional entry (msgctxt "hyphenation") whose translation lists words with their only break
#: points ("Ka-zakh-stan"), space-separated
HYPHENATED_WORDS = "words hyphenated only where shown"


#: placeholders a message receives beyond those its English text shows: a report's own wording
#: for it (`labels:` in the data) may use them too. Keys are msgids.
EXTRA_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "Recommendation No. %(number)s": ("title",),
    "%(ordinal)s ACN Monitoring Meeting, %(month)s": ("dates", "place", "number"),
    "%(name)s, %(dates)s": ("month", "place", "ordinal", "number"),
    "%(ordinal)s Istanbul Anti-Corruption Action Plan monitoring meeting, %(dates)s, %(place)s.":
        ("month", "number"),
    "%(name)s, %(dates)s, %(place)s.": ("month", "ordinal", "number"),
    "%(ordinal)s meeting, %(month)s": ("dates", "number"),
    "%(ordinal)s, %(month)s": ("dates", "number"),
    "Overall assessment of Recommendation No. %(number)s: %(rating)s.": ("country",),
}


class LocaleError(IapreportError):
    """No usable catalog for a requested language, or a catalog that cannot be used."""


_PLACEHOLDER_RE = re.compile(r"%\((\w+)\)")


class StrictTranslations(Translations):
    """Translations that never fall back to the English msgid in another language's edition.

    An untranslated or fuzzy entry raises LocaleError naming the catalog and the msgid, instead
    of printing an English label in a Russian document.
    """

    catalog_path = ""
    #: the messages the catalog translates (msgid, or "context\x04msgid"), read from the .po
    #: file when it was compiled (`_compile_po`)
    translated: frozenset[str] = frozenset()

    def _require(self, key: str, message: str) -> None:
        if key not in self.translated:
            raise LocaleError(f"{self.catalog_path}: no translation for {message!r} "
                              "(the entry is missing, empty or fuzzy)")

    def gettext(self, message):
        self._require(message, message)
        return super().gettext(message)

    def ngettext(self, singular, plural, n):
        self._require(singular, singular)
        return super().ngettext(singular, plural, n)

    def pgettext(self, context, message):
        self._require(f"{context}\x04{message}", message)
        return super().pgettext(context, message)

    ugettext, ungettext, upgettext = gettext, ngettext, pgettext


class Relabelled:
    """A catalog with one report's own wording laid over it: what the templates' gettext calls.

    `labels` maps a msgid to its forms in this language (one, or one per plural form).
    """

    def __init__(self, base: Translations, labels: tuple[tuple[str, tuple[str, ...]], ...]):
        self.base, self.labels = base, labels
        self._by_id = dict(labels)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Relabelled) and other.base is self.base and other.labels == self.labels

    def __hash__(self) -> int:
        return hash((id(self.base), self.labels))

    def _form(self, forms: tuple[str, ...], n: int) -> str:
        if len(forms) == 1:
            return forms[0]
        index = self.base.plural(n)
        return forms[index if 0 <= index < len(forms) else -1]

    def gettext(self, message):
        forms = self._by_id.get(message)
        return forms[0] if forms else self.base.gettext(message)

    def ngettext(self, singular, plural, n):
        forms = self._by_id.get(singular)
        return self._form(forms, n) if forms else self.base.ngettext(singular, plural, n)

    def pgettext(self, context, message):
        return self.base.pgettext(context, message)

    def npgettext(self, context, singular, plural, n):
        return self.base.npgettext(context, singular, plural, n)

    ugettext, ungettext, upgettext = gettext, ngettext, pgettext


@functools.lru_cache(maxsize=1)
def label_messages() -> dict[str, tuple[bool, frozenset[str]]]:
    """Return the messages a report may reword (`labels:` in the data): msgid -> (whether it has
    a plural, the placeholders it receives). Read from the shipped catalog template."""
    from babel.messages.pofile import read_po

    with open(locales_dir() / f"{DOMAIN}.pot", "rb") as stream:
        template = read_po(stream, domain=DOMAIN)
    out: dict[str, tuple[bool, frozenset[str]]] = {}
    for message in template:
        if not message.id or message.context:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        names = {name for text in ids for name in _PLACEHOLDER_RE.findall(text)}
        if isinstance(message.id, tuple):
            names.add("num")
        names.update(EXTRA_PLACEHOLDERS.get(ids[0], ()))
        out[ids[0]] = (isinstance(message.id, tuple), frozenset(names))
    return out


def plural_count(lang: str) -> int:
    """Return how many plural forms `lang` has in gettext's terms (CLDR's data: en 2, ru 3)."""
    from babel.messages.plurals import get_plural

    try:
        return get_plural(lang.replace("-", "_")).num_plurals
    except (ValueError, UnknownLocaleError):
        return 2


def placeholder_problem(text: str, allowed: frozenset[str]) -> str | None:
    """Return what is wrong with the %(name)s placeholders of `text` given those `allowed`."""
    unknown = set(_PLACEHOLDER_RE.findall(text)) - allowed
    try:
        text % {name: "" for name in allowed | unknown}
    except (ValueError, TypeError) as exc:
        return f"malformed placeholder ({exc}); write %% for a percent sign"
    if unknown:
        return (f"unknown placeholder %({sorted(unknown)[0]})s; this message receives "
                + (", ".join(f"%({name})s" for name in sorted(allowed)) or "none"))
    return None


def catalog_dirs(extra: Sequence[str | Path] = ()) -> tuple[Path, ...]:
    """Return the directories searched for catalogs: extra ones first, then the shipped one."""
    return tuple(Path(p) for p in extra) + (locales_dir(),)


def catalog_path(lang: str, dirs: Sequence[Path]) -> Path | None:
    """Return the .po file for `lang` in the first directory that has one, else None."""
    for directory in dirs:
        candidate = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if candidate.is_file():
            return candidate
    return None


def available_languages(extra: Sequence[str | Path] = ()) -> tuple[str, ...]:
    """Return every language code that has a catalog."""
    found: list[str] = []
    for directory in catalog_dirs(extra):
        if directory.is_dir():
            for child in sorted(directory.iterdir()):
                if (child / "LC_MESSAGES" / f"{DOMAIN}.po").is_file() and child.name not in found:
                    found.append(child.name)
    return tuple(found)


def _check_placeholders(path: str, catalog) -> None:
    """Raise LocaleError for a msgstr whose %(name)s placeholders the code cannot fill."""
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names = {name for text in ids for name in _PLACEHOLDER_RE.findall(text)}
        names.update(EXTRA_PLACEHOLDERS.get(ids[0], ()))  # what the code passes besides (the meeting's number)
        if isinstance(message.id, tuple):
            names.add("num")
        for text in strings:
            if not text:
                continue
            unknown = set(_PLACEHOLDER_RE.findall(text)) - names
            try:
                text % {name: "" for name in names | unknown}
                problem = f"unknown placeholder %({sorted(unknown)[0]})s" if unknown else None
            except (ValueError, TypeError) as exc:
                problem = f"malformed placeholder ({exc})"
            if problem:
                raise LocaleError(f"{path}:{message.lineno}: {problem} in the translation of {ids[0]!r}")


def _compile(path: str) -> tuple[Translations, str | None]:
    """Return the checked, compiled catalog of the .po file `path`, and its locale.

    The file's bytes are read on every call and the catalog is kept in memory keyed by them, so a
    process that stays up (a web service, a notebook) uses an edited catalog at its next build.
    The compiled form (.mo bytes) is kept in the user cache, keyed by the same bytes (and this
    module's identity, which does the checking), so each catalog is parsed and checked once, not
    once per process.
    """
    try:
        with open(path, "rb") as stream:
            source = stream.read()
    except OSError as exc:
        raise LocaleError(f"{path}: cannot read the catalog: {exc}") from exc
    return _translations(path, source)


@functools.lru_cache(maxsize=32)
def _translations(path: str, source: bytes) -> tuple[Translations, str | None]:
    """Return the catalog compiled from `source`, the bytes of the .po file `path`, and its locale."""
    digest = cache.key("catalog", babel.__version__, cache.file_identity(__file__), source)
    # plain data (bytes and text): kept with marshal, which cannot run code, so also in a cache
    # folder whose privacy cannot be checked (see `cache`)
    mo, locale, translated, optional = cache.cached("catalogs", digest, lambda: _compile_po(path, source),
                                                    plain=True)
    language = (locale or Path(path).parent.parent.name).split("_")[0]
    cls = Translations if language == SOURCE_LANGUAGE else StrictTranslations
    try:
        translations = cls(io.BytesIO(mo), domain=DOMAIN)
    except (ValueError, SyntaxError, OSError) as exc:
        raise LocaleError(f"{path}: the catalog's header is not usable (Plural-Forms?): {exc}") from exc
    translations.catalog_path = path
    translations.translated = frozenset(translated)
    translations.optional_entries = dict(optional)
    return translations, locale


#: empties the catalogs kept in memory, as `functools` caches do
_compile.cache_clear = _translations.cache_clear  # type: ignore[attr-defined]


def _compile_po(path: str, source: bytes) -> tuple[bytes, str | None, list[str], dict[str, str]]:
    """Read, check and compile a .po file: return the .mo bytes, the catalog's locale, the keys of
    the messages it translates ("context\x04msgid" for one with a context) and its optional entries
    that it fills (a country's name, the short words, ...: key -> translation)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    try:
        catalog = read_po(io.BytesIO(source), domain=DOMAIN)
    except Exception as exc:  # babel raises assorted errors for a broken .po
        raise LocaleError(f"{path}: cannot read the catalog: {exc}") from exc
    _check_placeholders(path, catalog)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    translated: list[str] = []
    optional: dict[str, str] = {}
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or message.fuzzy or not all(strings):  # what write_mo leaves out, and the empty
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        key = f"{message.context}\x04{msgid}" if message.context else msgid
        translated.append(key)
        if message.context in OPTIONAL_CONTEXTS:
            optional[key] = strings[0]
    return buffer.getvalue(), str(catalog.locale) if catalog.locale else None, translated, optional


@dataclass(frozen=True)
class Locale:
    """One edition's language: translations plus babel's formatting for that locale."""

    lang: str
    babel: BabelLocale
    translations: Translations
    catalog: Path | None
    #: the catalog with a report's own wording laid over it (`relabelled`), else the catalog
    wording: "Translations | Relabelled | None" = None
    #: the language of the data's prose this edition prints (a pseudo-locale's is English)
    data_lang: str = ""
    #: the edition's BCP 47 tag when it is not babel's (a pseudo-locale's)
    tag_override: str = ""

    def relabelled(self, labels: tuple[tuple[str, tuple[str, ...]], ...]) -> "Locale":
        """Return this locale with a report's own wording for some messages (msgid -> forms)."""
        return dataclasses.replace(self, wording=Relabelled(self.translations, labels) if labels else None)

    # -- translation -------------------------------------------------------------------------

    @property
    def messages(self) -> "Translations | Relabelled":
        """Return what translates a message: the catalog, with the report's wording over it."""
        return self.wording if self.wording is not None else self.translations

    def gettext(self, message: str, **values: object) -> str:
        """Return the translation, formatted as the templates' gettext does: always, so ``%%``
        means a percent sign in every message (a rating label as well as a template's)."""
        return self.messages.ugettext(message) % values

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self.messages.ungettext(singular, plural, n)
        return text % {"num": self.number(n), **values}

    def pgettext(self, context: str, message: str, **values: object) -> str:
        text = self.translations.upgettext(context, message)
        return text % values if values else text

    # -- formatting --------------------------------------------------------------------------

    @property
    def prose_lang(self) -> str:
        """Return the language of the data's text this edition prints (its own, except for a
        pseudo-locale, which prints the English data)."""
        return self.data_lang or self.lang

    @property
    def tag(self) -> str:
        """Return the BCP 47 tag of the edition, e.g. ``en-GB`` or ``ru-RU``."""
        if self.tag_override:
            return self.tag_override
        territory = self.babel.territory or _default_territory(self.babel.language)
        return f"{self.babel.language}-{territory}" if territory else self.babel.language

    def number(self, n: int | float) -> str:
        return format_decimal(n, locale=self.babel)

    def ordinal(self, n: int) -> str:
        """Return ``19th`` / ``19-е``: the catalog gives one form per CLDR ordinal category."""
        category = self.babel.ordinal_form(n)
        return self.pgettext(f"ordinal {category}", ORDINAL_FORMS[category], num=n)

    def month(self, day: _dt.date) -> str:
        """Return month and year as a standalone phrase: ``July 2018`` / ``июль 2018 г.``."""
        from babel.dates import format_skeleton

        return format_skeleton("yMMMM", day, locale=self.babel)

    def short_month(self, day: _dt.date) -> str:
        """Return month and year abbreviated, for narrow columns: ``Jul 2018`` / ``июль 2018 г.``."""
        from babel.dates import format_skeleton

        return format_skeleton("yMMM", day, locale=self.babel)

    def date(self, day: _dt.date) -> str:
        return format_date(day, "long", locale=self.babel)

    def date_range(self, start: _dt.date, end: _dt.date) -> str:
        """Return ``3–5 July 2018`` / ``3–5 июля 2018 г.``, sharing month and year when they agree."""
        if start == end:
            return self.date(end)
        pattern = get_date_format("long", locale=self.babel).pattern
        if (start.year, start.month) == (end.year, end.month) and _single_day_field(pattern):
            return format_date(end, _replace_day(pattern, f"{start.day}–{end.day}"), locale=self.babel)
        return f"{self.date(start)} – {self.date(end)}"

    def join(self, items: Sequence[str]) -> str:
        """Return items joined the locale's way: ``a, b and c`` / ``a, b и c``."""
        return format_list(list(items), locale=self.babel) if items else ""

    def quote(self, text: str) -> str:
        """Return `text` in the edition's quotation marks (from the catalog: “…” or «…»)."""
        return self.gettext("“%(text)s”", text=text)

    def optional(self, context: str, message: str) -> str | None:
        """Return the catalog's translation of an optional entry, or None when it gives none."""
        return getattr(self.translations, "optional_entries", {}).get(f"{context}\x04{message}") or None

    def territory(self, code: str) -> str | None:
        """Return a country's name: the catalog's (msgctxt "country") if it gives one, else CLDR's."""
        return self.optional("country", code) or self.babel.territories.get(code)

    def quote_pairs(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """Return the (opening, closing) quotation marks of the first and second levels."""
        pairs = []
        for message in ("“%(text)s”", "‘%(text)s’"):
            opening, _, closing = self.gettext(message, text="\x00").partition("\x00")
            pairs.append((opening, closing))
        return pairs[0], pairs[1]

    def hyphenations(self) -> tuple[str, ...]:
        """Return the words the language breaks only where shown ("Ka-zakh-stan")."""
        return tuple((self.optional("hyphenation", HYPHENATED_WORDS) or "").split())

    def short_words(self) -> tuple[str, ...]:
        """Return the words the language keeps with the next one (msgctxt "typography")."""
        return tuple((self.optional("typography", TIED_WORDS) or "").split())

    def language_name(self, code: str, context: str | None = None) -> str:
        """Return a language's name in the edition's language: the catalog's form for `context`
        (e.g. "translated from": Russian «с английского») where it gives one, else CLDR's."""
        if context is not None:
            given = self.optional(context, code)
            if given:
                return given
        try:
            return BabelLocale.parse(code).get_display_name(self.babel) or code
        except (ValueError, UnknownLocaleError):
            return code


def _default_territory(language: str) -> str | None:
    """Return CLDR's likely territory of a language (ru → RU), for a catalog that names none."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language)
    return likely.split("_")[-1] if likely and "_" in likely else None


def _single_day_field(pattern: str) -> bool:
    return len(re.findall(r"(?<![d'])d(?!d)", _unquoted(pattern))) == 1


def _unquoted(pattern: str) -> str:
    return re.sub(r"'[^']*'", "", pattern)


def _replace_day(pattern: str, literal: str) -> str:
    parts = re.split(r"('[^']*')", pattern)
    for index, part in enumerate(parts):
        if not part.startswith("'") and re.search(r"(?<!d)d(?!d)", part):
            parts[index] = re.sub(r"(?<!d)d(?!d)", f"'{literal}'", part, count=1)
            break
    return "".join(parts)


#: built-in pseudo-locales (Android's and Windows' names): every message accented, bracketed and
#: about a third longer, to find untranslated text and text that cannot grow; their data is English
PSEUDO_LOCALES = {"en-XA": SOURCE_LANGUAGE, "qps-ploc": SOURCE_LANGUAGE}


def _language_of(code: str) -> str:
    return code.replace("-", "_").split("_")[0].lower()


def _get_locale(lang: str, dirs: tuple[Path, ...]) -> Locale:
    # not cached: the catalog is looked for and read again each time (its compiled form is kept
    # by its bytes), so a catalog added to a folder, or edited, is used at the next build
    path = catalog_path(lang, dirs)
    if path is None and lang in PSEUDO_LOCALES:
        return _pseudo_locale(lang, PSEUDO_LOCALES[lang])
    if path is None:
        known = ", ".join(available_languages([d for d in dirs[:-1]])) or "none"
        raise LocaleError(f"no catalog for language {lang!r} (looked in {', '.join(map(str, dirs))}; "
                          f"available: {known})")
    translations, catalog_locale = _compile(str(path))
    if catalog_locale and _language_of(catalog_locale) != _language_of(lang):
        raise LocaleError(f"{path}: the catalog says Language: {catalog_locale}, but it is in the folder of "
                          f"{lang!r}; move it to {_language_of(catalog_locale)}/ or correct its Language header")
    try:
        babel_locale = BabelLocale.parse(catalog_locale or lang)
    except (ValueError, UnknownLocaleError) as exc:
        raise LocaleError(f"the catalog {path} names a language babel does not know: {exc}") from exc
    return Locale(lang, babel_locale, translations, path)


_PSEUDO_LETTERS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķĺḿñóƥɋŕšţúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹḾÑÓƤɊŔŠŢÚṼŴẊÝŽ")
#: what a pseudo-locale leaves as it is: placeholders, Markdown link targets, web and mail addresses
_PSEUDO_KEEP = re.compile(r"%\(\w+\)[sd]|%%|\]\([^)]*\)|\b(?:www\.|https?://)\S+|\S+@\S+")
_PSEUDO_FILLER = ("ĺóŕ", "éḿ", "íƥ", "šúḿ", "đóĺ")


def pseudo(text: str) -> str:
    """Return `text` as a pseudo-locale prints it: letters accented, about 35 % longer (short
    filler words, so no word grows), in brackets; placeholders and addresses kept as they are.
    A Markdown list or heading keeps its marker outside the brackets."""
    if not text.strip():
        return text
    pieces, last = [], 0
    for match in _PSEUDO_KEEP.finditer(text):
        pieces.append(text[last:match.start()].translate(_PSEUDO_LETTERS))
        pieces.append(match.group())
        last = match.end()
    pieces.append(text[last:].translate(_PSEUDO_LETTERS))
    body = "".join(pieces)
    target = round(len(text) * 1.35)
    filler = []
    index = 0
    while len(body) + 2 + sum(len(w) + 1 for w in filler) < target:
        filler.append(_PSEUDO_FILLER[index % len(_PSEUDO_FILLER)])
        index += 1
    lead = re.match(r"\s*(?:[-*+]|\d+[.)]|#+)?\s*", body).group()
    return f"{lead}[{body[len(lead):]}{' ' + ' '.join(filler) if filler else ''}]"


@functools.lru_cache(maxsize=4)
def _pseudo_translations(pot_bytes: bytes) -> Translations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    template = read_po(io.BytesIO(pot_bytes), domain=DOMAIN)
    for message in template:
        if not message.id or message.context in OPTIONAL_CONTEXTS:
            continue
        if isinstance(message.id, tuple):
            message.string = (pseudo(message.id[0]), pseudo(message.id[1]))
        else:
            message.string = pseudo(message.id)
    buffer = io.BytesIO()
    write_mo(buffer, template, use_fuzzy=True)
    buffer.seek(0)
    translations = Translations(buffer, domain=DOMAIN)
    translations.catalog_path = f"<pseudo-locale from {DOMAIN}.pot>"
    translations.optional_entries = {}
    return translations


def _pseudo_locale(lang: str, base: str) -> Locale:
    """A built-in pseudo-locale: English formatting (dates, numbers), pseudo text for every
    message of the catalog template, and the English data."""
    pot = locales_dir() / f"{DOMAIN}.pot"
    try:
        source = pot.read_bytes()
    except OSError as exc:
        raise LocaleError(f"{pot}: cannot read the catalog template for the pseudo-locale {lang}: {exc}") from exc
    return Locale(lang, BabelLocale.parse(base), _pseudo_translations(source), None, data_lang=base,
                  tag_override=lang)


def get_locale(lang: str, extra_dirs: Sequence[str | Path] = ()) -> Locale:
    """Return the Locale for `lang`; raise LocaleError when no catalog exists for it."""
    return _get_locale(lang, catalog_dirs(extra_dirs))


# -- templates -------------------------------------------------------------------------------


def _md_escape(value: object) -> str:
    """Escape data placed into a Markdown template so it is never read as markup."""
    text = str(value)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!<>|&~])", r"\\\1", text)


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """jinja's bytecode cache, made harmless: an entry that cannot be read or written (a read-only
    or shared cache directory, a damaged file) means compiling the template, never a failed build."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.lru_cache(maxsize=16)
def _environment(template_dir: str, lang: str, translations: Translations) -> jinja2.Environment:
    """Return the sandboxed jinja2 environment of one language (templates compiled once).

    Keyed by the catalog's translations themselves (kept by the catalog's bytes), not its path: an
    edited catalog gets an environment of its own. Jinja reloads a template whose file changed.
    """
    options = dict(extensions=["jinja2.ext.i18n"], autoescape=False, trim_blocks=True, lstrip_blocks=True)
    # compiled templates are kept in the user cache; jinja checks each against its source, and the
    # directory's name covers what else shapes the compiled code (versions, these options)
    bytecode = cache.subdirectory("templates", jinja2.__version__, sorted(options.items()), "newstyle gettext",
                                  template_dir)
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=_TemplateCache(str(bytecode)) if bytecode else None,
        **options,
    )
    env.filters["md"] = _md_escape
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def template_module(locale: Locale, name: str = "publication.j2", template_dir: str | Path | None = None):
    """Return the template `name` as a module of macros, translated for `locale`."""
    env = _environment(str(template_dir or templates_dir()), locale.lang, locale.messages)
    return env.get_template(name).make_module({"locale": locale})
