"""The translators' side of i18n: extract every msgid, merge it into catalogs, check them.

Msgids live in three places: the jinja2 templates (``_()`` and ``{% trans %}``), the rating
scales (``templates/scales.yaml``) and the ordinal forms (`i18n.Locale.ordinal`). `extract()`
collects all of them into one template catalog (the .pot), so a translator gets every string
the publication can print.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .i18n import DOMAIN, OPTIONAL_CONTEXTS, ORDINAL_FORMS, TIED_WORDS
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
                                                                         "ngettext": (1, 2)}):
        catalog.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments, context=context)
    for scale_name, scale in scales().items():
        for rating in scale.ratings:
            where = [(f"templates/scales.yaml:{scale_name}", 0)]
            catalog.add(rating.label, None, where, auto_comments=["rating label (summary table)"])
            if rating.short:
                catalog.add(rating.short, None, where, context="short rating",
                            auto_comments=[f"abbreviation of the rating {rating.label!r} in a summary table whose "
                                           "columns are narrow (a legend spells it out); keep it to a few letters"])
            catalog.add((rating.count_singular, rating.count_plural), None, where,
                        auto_comments=["count of recommendations with this rating; %(num)s is the count"])
            catalog.add(rating.conclusion, None, where,
                        auto_comments=["generated conclusion; %(country)s country, %(number)s recommendation"])
    for category, form in ORDINAL_FORMS.items():
        catalog.add(form, None, [("src/iapreport/i18n.py", 0)], context=f"ordinal {category}",
                    auto_comments=[f"ordinal number of a monitoring meeting, for the CLDR ordinal category '{category}'"])
    catalog.add(TIED_WORDS, None, [("src/iapreport/typography.py", 0)], context="typography",
                auto_comments=["optional: the language's short words (prepositions, conjunctions) that a line must "
                               "not end with, separated by spaces; leave empty for none"])
    for code in IAP_COUNTRIES:
        catalog.add(code, None, [("src/iapreport/i18n.py", 0)], context="country",
                    auto_comments=["optional: the country's name, when the locale data's is not the one to print"])
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
