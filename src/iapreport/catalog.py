"""The translators' side of i18n: extract every msgid, merge it into catalogs, check them.

Msgids live in three places: the jinja2 templates (``_()`` and ``{% trans %}``), the rating
scales (``templates/scales.yaml``) and the ordinal forms (`i18n.Locale.ordinal`). `extract()`
collects all of them into one template catalog (the .pot), so a translator gets every string
the publication can print. `write_template`, `update`, `init` and `status` are what the
``iapreport i18n`` commands run: thin layers over babel's own catalog functions, as ``pybabel``
is. A catalog needs no compile step: an edited .po is used at the next build.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple, Sequence

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .i18n import DOMAIN, HYPHENATED_WORDS, OPTIONAL_CONTEXTS, ORDINAL_FORMS, SOURCE_LANGUAGES, TIED_WORDS
from .resources import locales_dir, templates_dir
from .scales import scales

#: the Istanbul Action Plan countries: a catalog may give their names (else the locale data's)
IAP_COUNTRIES = ("AM", "AZ", "GE", "KZ", "KG", "MN", "TJ", "UA", "UZ")


def extract(template_dir: Path | None = None) -> Catalog:
    """Return a catalog template holding every msgid of the publication."""
    template_dir = template_dir or templates_dir()
    catalog = Catalog(domain=DOMAIN, project="iapreport", charset="utf-8")
    method_map = [("**.j2", "jinja2")]
    options = {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(template_dir), method_map, options_map=options, keywords={"_": None, "gettext": None,
                                                                         "ngettext": (1, 2),
                                                                         "pgettext": ((1, "c"), 2)}):
        catalog.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments, context=context)
    for scale_name, scale in scales().items():
        for rating in scale.ratings:
            where = [(f"templates/scales.yaml:{scale_name}", 0)]
            catalog.add(rating.label, None, where, auto_comments=[
                "rating label: the summary table, its legend, the counting sentence and the conclusions print it"])
            if rating.short:
                catalog.add(rating.short, None, where, context="short rating",
                            auto_comments=[f"abbreviation of the rating {rating.label!r} in a summary table whose "
                                           "columns are narrow (a legend spells it out); keep it to a few letters"])
    for category, form in ORDINAL_FORMS.items():
        catalog.add(form, None, [("src/iapreport/i18n.py", 0)], context=f"ordinal {category}",
                    auto_comments=[f"ordinal number of a monitoring meeting, for the CLDR ordinal category '{category}'"])
    catalog.add(TIED_WORDS, None, [("src/iapreport/typography.py", 0)], context="typography",
                auto_comments=["optional: the language's short words (prepositions, conjunctions) that a line must "
                               "not end with, separated by spaces; leave empty for none"])
    for code in IAP_COUNTRIES:
        catalog.add(code, None, [("src/iapreport/i18n.py", 0)], context="country",
                    auto_comments=["optional: the country's name, when the locale data's is not the one to print"])
    for code in SOURCE_LANGUAGES:
        catalog.add(code, None, [("src/iapreport/i18n.py", 0)], context="translated from",
                    auto_comments=["optional: the language's name as the cover's translation note needs it "
                                   "(Russian: «английского»); CLDR's name otherwise"])
    catalog.add(HYPHENATED_WORDS, None, [("src/iapreport/typography.py", 0)], context="hyphenation",
                auto_comments=["optional: words broken only where shown, each written with hyphens at its break "
                               "points (Ka-zakh-stan), separated by spaces; the dictionary's points otherwise"])
    catalog.add("‘%(text)s’", None, [("src/iapreport/typography.py", 0)],
                auto_comments=["the language's quotation marks inside quotation marks, put for the data's straight "
                               "quotes (English ‘…’, Russian „…“)"])
    catalog.add("“%(text)s”", None, [("src/iapreport/i18n.py", 0)],
                auto_comments=["quotation marks of the language around generated text"])
    return catalog


def pot_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return buffer.getvalue().decode("utf-8")


def read_catalog(path: Path) -> Catalog:
    with open(path, "rb") as stream:
        return read_po(stream, domain=DOMAIN)


def untranslated(path: Path, template: Catalog | None = None) -> list[str]:
    """Return the msgids of `template` that the catalog at `path` lacks, leaves empty or fuzzy."""
    template = template or extract()
    catalog = read_catalog(path)
    out = []
    for message in template:
        if not message.id or message.context in OPTIONAL_CONTEXTS:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found else None
        if isinstance(strings, tuple):
            empty = not all(strings)
        else:
            empty = not strings
        if found is None or empty or found.fuzzy:
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def shipped_catalog(lang: str) -> Path:
    return locales_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class CatalogError(Exception):
    """A catalog cannot be made or read where asked (exists already, unknown language, unreadable)."""


def write_catalog(catalog: Catalog, path: Path) -> None:
    """Write a catalog the way the shipped ones are written, atomically (a temporary file beside
    it, then a rename): an interrupted write never leaves half a catalog."""
    from .writers import atomic_output

    buffer = io.BytesIO()
    # a fuzzy entry keeps its earlier English (#| msgid), so the translator sees what changed
    write_po(buffer, catalog, width=100, sort_output=False, include_lineno=False, ignore_obsolete=False,
             include_previous=True)
    with atomic_output(path) as temporary:  # the outputs' own way: a temporary file, then a rename
        Path(temporary).write_bytes(buffer.getvalue())


def template_path(locales: Path) -> Path:
    return locales / f"{DOMAIN}.pot"


def catalogs(locales: Path, langs: Sequence[str] | None = None) -> list[tuple[str, Path]]:
    """Return (language, .po path) of every catalog in the folder `locales`, or of those `langs`
    names (a language without a catalog there is a CatalogError)."""
    found = {child.name: child / "LC_MESSAGES" / f"{DOMAIN}.po" for child in sorted(locales.iterdir())
             if (child / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()} if locales.is_dir() else {}
    if langs is None:
        return list(found.items())
    missing = [lang for lang in langs if lang not in found]
    if missing:
        raise CatalogError(f"{locales}: no catalog for {', '.join(missing)} "
                           f"(catalogs there: {', '.join(found) or 'none'}; start one with `iapreport i18n init LANG`)")
    return [(lang, found[lang]) for lang in langs]


def write_template(locales: Path) -> Path:
    """Write the catalog template (``iapreport.pot``) of every message into `locales`."""
    path = template_path(locales)
    write_catalog(extract(), path)
    return path


def ensure_template(locales: Path) -> None:
    """Write the folder's catalog template if it has none (what `update` and `init` start from)."""
    if not template_path(locales).is_file():
        write_template(locales)


def folder_template(locales: Path) -> Catalog:
    """The folder's template if it has one (what translators were given), else a fresh extract."""
    path = template_path(locales)
    return read_catalog(path) if path.is_file() else extract()


class Merged(NamedTuple):
    lang: str
    path: Path
    added: int
    fuzzy: int
    obsolete: int


def update(locales: Path, langs: Sequence[str] | None = None) -> list[Merged]:
    """Merge the template into each catalog, as ``pybabel update`` does: new messages untranslated,
    changed ones fuzzy (their earlier translation kept for the translator to check), removed ones
    obsolete (kept at the end, commented out)."""
    template = folder_template(locales)
    out = []
    for lang, path in catalogs(locales, langs):
        catalog = _read(path)
        before = {key for key in _keys(catalog)}
        catalog.update(template, update_header_comment=False)
        added = sum(1 for m in catalog if m.id and (m.id, m.context) not in before and not m.fuzzy)
        fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
        write_catalog(catalog, path)
        out.append(Merged(lang, path, added, fuzzy, len(catalog.obsolete)))
    return out


def init(locales: Path, lang: str) -> Path:
    """Start the catalog of a new language from the template, with its plural rule (CLDR's)."""
    from babel import Locale, UnknownLocaleError

    path = locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if path.exists():
        raise CatalogError(f"{path}: the catalog exists already; `iapreport i18n update --lang {lang} "
                           f"--locales {locales}` merges new messages into it")
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise CatalogError(f"{lang!r} is not a language babel knows ({exc}); use a code such as uk or kk") from None
    if locale.language != lang.replace("-", "_").split("_")[0]:
        # babel reads some three-letter codes ("ukr") as another ("uk"): the folder and the catalog's
        # Language would then disagree, which every build refuses
        raise CatalogError(f"{lang!r} is read as {locale.language!r}: start the catalog as "
                           f"`iapreport i18n init {locale.language}`")
    catalog = Catalog(locale=locale, domain=DOMAIN, project="iapreport", charset="utf-8")
    catalog.update(folder_template(locales))
    write_catalog(catalog, path)
    return path


class Status(NamedTuple):
    lang: str
    path: Path
    translated: int
    fuzzy: list[str]
    untranslated: list[str]
    obsolete: int

    @property
    def complete(self) -> bool:
        return not self.fuzzy and not self.untranslated


def status(lang: str, path: Path, template: Catalog | None = None) -> Status:
    """Count a catalog's messages against the template: translated, fuzzy, untranslated (listed),
    obsolete. Optional entries (a country's name, the short words) count only when translated;
    the source language's catalog may leave a message empty (it prints the message itself)."""
    from .i18n import SOURCE_LANGUAGE

    template = template or extract()
    catalog = _read(path)
    source = lang.split("_")[0].split("-")[0] == SOURCE_LANGUAGE
    translated, fuzzy, untranslated = 0, [], []
    for message in template:
        if not message.id:
            continue
        name = message.id if isinstance(message.id, str) else message.id[0]
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found is not None else None
        done = all(strings) if isinstance(strings, tuple) else bool(strings)
        if found is not None and found.fuzzy:
            fuzzy.append(name)
        elif done or (source and found is not None):
            translated += 1
        elif message.context not in OPTIONAL_CONTEXTS:
            untranslated.append(name)
    return Status(lang, path, translated, fuzzy, untranslated, len(catalog.obsolete))


def _read(path: Path) -> Catalog:
    try:
        return read_catalog(path)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from None
    except Exception as exc:  # babel raises assorted errors for a broken .po
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from None


def _keys(catalog: Catalog):
    for message in catalog:
        if message.id:
            yield (message.id, message.context)
