"""Property-based tests of hostile text (issue 12): whatever text the data's fields hold, a build
either refuses it with located problems and writes nothing, or writes every edition and prints
every word of it.

Hypothesis puts generated text (XML specials, Word-XML, HTML and jinja look-alikes, Markdown edge
cases, control characters, lone surrogates, emoji, right-to-left scripts, combining marks,
zero-width characters, soft hyphens, very long words and URLs) into a few prose fields (Markdown)
and plain fields (names, titles) of a minimal valid report, in English and Russian, writes the
data as JSON or YAML and builds DOCX and PDF of both languages. The output is read back with the
project's own checker (`iapreport.check`), which must find no word of the data missing.

The number of examples comes from ``IAPREPORT_HYPOTHESIS_EXAMPLES`` (default 30: about a minute
on two cores); raise it for a longer hunt.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

import yaml

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from iapreport import DataError
from iapreport.api import build
from iapreport.check import check

EXAMPLES = int(os.environ.get("IAPREPORT_HYPOTHESIS_EXAMPLES", "30"))

#: a minimal valid report (tests/test_load.py's MINIMAL), as data
MINIMAL = {
    "format": "iapreport/1",
    "country": "KZ",
    "round": 4,
    "meetings": [{
        "number": 19, "start": "2018-07-03", "end": "2018-07-05",
        "place": {"en": "Paris", "ru": "Париж"},
        "experts": [{"name": {"en": "Jane Doe", "ru": "Джейн Доу"},
                     "affiliation": {"en": "Ukraine", "ru": "Украина"}}],
    }],
    "chapters": [{
        "number": 1,
        "title": {"en": "Policy", "ru": "Политика"},
        "recommendations": [{
            "number": 1,
            "title": {"en": "Policy documents", "ru": "Программные документы"},
            "text": {"en": "1. Adopt a strategy.", "ru": "1. Принять стратегию."},
            "updates": [{
                "meeting": 19, "rating": "progress",
                "government_report": {"en": "1) Done.", "ru": "1) Сделано."},
                "assessment": {"en": "1.1. Good.", "ru": "1.1. Хорошо."},
            }],
        }],
    }],
}

# -- the hostile text --------------------------------------------------------------------------

#: fragments any text may hold
HOSTILE = [
    # XML specials, Word-XML and HTML look-alikes
    "<", ">", "&", "&amp;", "]]>", "<![CDATA[x]]>", "<w:t>", "</w:t>", '<w:r><w:t xml:space="preserve">',
    "<b>", "</b>", "<br/>", "<script>alert(1)</script>", "<!-- c -->", '"', "'",
    # jinja look-alikes
    "{{ x }}", "{% if %}", "{% endif %}", "{# c #}", "{{", "}}", "{%", "%}",
    # Markdown edge cases
    "*emph*", "_emph_", "**strong**", "__strong__", "***both***", "*", "_", "**", "snake_case_word",
    "[link](http://example.com \"a title\")", "[]()", "[empty]()", "[](http://e.com)",
    "<http://example.com/auto>", "<mail@example.com>", "`code`", "``co`de``", "`",
    "\n```python\nx = 1 < 2\n```\n", "\n~~~ info string\ncode\n~~~\n", "\n```\nunclosed",
    "\n0. zero\n1. one\n", "\n123456789. big\n", "\n- item\n- item\n", "\n* star\n",
    "\n> quoted\n> more\n", "\n# Heading\n", "\n###### h6\n", "\nSetext\n===\n", "\n---\n",
    "\\*", "\\", "\\_", "&copy;", "&#x41;", "&#0;", "&nbsp;", "&bogus;", "|a|b|\n|-|-|",
    "\n\n", "\n", "  \n", "\t", "1)", "1.", "-", "+",
    # zero-width, soft hyphen, non-breaking and odd spaces, line and paragraph separators
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u00a0", "\u202f", "\u3000",
    "\u2028", "\u2029", "\r", "\r\n", "\ufffd",
    # combining marks
    "e\u0301", "\u0301", "a\u0308\u0323", "\u0439", "\u0418\u0306",
    # words of real text
    "word", "Слово", "strategy", "öffentlich", "1", "2018",
]

#: fragments that may well be refused (control characters, lone surrogates, characters no font
#: has): drawn in only some examples, so that most examples reach the writers
POISON = [
    # control characters
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff",
    # lone surrogates (reach the data only as JSON escapes, see `_write`)
    "\ud800", "\udfff",
    # astral characters
    "\U0001f600", "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\U0001f1f0\U0001f1ff", "\U0001d54f",
    "\U00020000",
    # right-to-left
    "\u0645\u0631\u062d\u0628\u0627", "\u05e9\u05dc\u05d5\u05dd", "\u202e", "\u200f",
]

_LONG_WORD = st.integers(min_value=5000, max_value=10_000).map(lambda n: "x" * n)
_LONG_URL = st.integers(min_value=5000, max_value=10_000).map(lambda n: "http://example.com/" + "a" * n)

#: random text from the scripts the fonts print (Latin, Greek, Cyrillic, punctuation, symbols)
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x52F, categories=["L", "M", "N", "P", "S", "Zs"])
fragment = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet=_PRINTABLE, min_size=1, max_size=8),
)
#: ... and, in some examples, anything
poisoned_fragment = st.one_of(
    fragment,
    st.sampled_from(POISON),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=4),
)


def prose_of(fragments):
    """Markdown prose (a recommendation's text, an assessment)."""
    return st.one_of(
        st.lists(fragments, min_size=1, max_size=12).map(" ".join),
        st.lists(fragments, min_size=1, max_size=12).map("".join),
        # words and URLs longer than a line (from ~90 characters; here 5,000 to 10,000): the PDF
        # breaks them over lines without a hyphen, and `iapreport.check` reads them back whole
        st.tuples(st.lists(fragments, max_size=4).map(" ".join), st.one_of(_LONG_WORD, _LONG_URL),
                  st.lists(fragments, max_size=4).map(" ".join)).map(" ".join),
    )


def plain_of(fragments):
    """A name or title: within the loader's length limit (longer ones are refused, as
    tests/test_load_limits.py tests)."""
    return st.lists(fragments, min_size=1, max_size=6).map(" ".join).map(lambda s: s[:200])


#: where the text goes: (path into MINIMAL, prose or plain)
_REC = ("chapters", 0, "recommendations", 0)
FIELDS = {
    "text": (_REC + ("text",), prose_of),
    "assessment": (_REC + ("updates", 0, "assessment"), prose_of),
    "expert": (("meetings", 0, "experts", 0, "name"), plain_of),
    "country_name": (("country_name",), plain_of),
    "title": (_REC + ("title",), plain_of),
}


@st.composite
def reports(draw):
    data = copy.deepcopy(MINIMAL)
    # one example in four may hold what is likely refused; the others should reach the writers
    poisoned = draw(st.sampled_from([False, False, False, True]))
    fragments = poisoned_fragment if poisoned else fragment
    chosen = draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=3, unique=True))
    for name in chosen:
        path, kind = FIELDS[name]
        value = {lang: draw(kind(fragments)) for lang in ("en", "ru")}
        *parents, last = path
        node = data
        for key in parents:
            node = node[key]
        node[last] = value
    syntax = draw(st.sampled_from(["json-ascii", "json", "yaml"]))
    return data, syntax


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def _write(data, syntax: str, folder: Path) -> Path:
    """Write the data as a file: lone surrogates only as JSON escapes (they cannot be encoded)."""
    if syntax == "json-ascii" or _has_surrogate(json.dumps(data, ensure_ascii=False)):
        path = folder / "report.json"
        path.write_text(json.dumps(data, ensure_ascii=True, indent=1), encoding="ascii")
    elif syntax == "json":
        path = folder / "report.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        path = folder / "report.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _outputs(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix in (".docx", ".pdf")]


def _assert_located(error: DataError) -> None:
    assert error.problems, "a DataError without problems"
    for problem in error.problems:
        assert problem.line >= 1 or problem.path, f"problem not located: {problem}"


def _property(data, syntax: str) -> None:
    with tempfile.TemporaryDirectory(prefix="iapreport-hyp-") as scratch:
        folder = Path(scratch)
        source = _write(data, syntax, folder)
        outdir = folder / "out"
        try:
            outputs = build(source, langs=["en", "ru"], formats=["docx", "pdf"], outdir=outdir)
        except DataError as exc:
            event("refused: " + exc.problems[0].message[:40] if exc.problems else "refused")
            _assert_located(exc)
            assert not outdir.exists() or not _outputs(outdir), "a refused build left output files"
            return
        assert sorted((o.lang, o.format) for o in outputs) == [
            ("en", "docx"), ("en", "pdf"), ("ru", "docx"), ("ru", "pdf")]
        event("built")
        for output in outputs:
            findings = check(output.path, source)
            missing = [f for f in findings if f.kind == "missing"]
            assert not missing, f"{output.path.name}: {missing}"


# the same examples on every run (CI stays reproducible: a red run is a change of ours, not a new
# draw); IAPREPORT_HYPOTHESIS_RANDOM=1 draws new ones, to look for more
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("IAPREPORT_HYPOTHESIS_RANDOM"),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(reports())
# code spans and links glued to their neighbours print the words glued (a`code`b prints "acodeb"):
# markdown's check of lost words took them for lost, and the build failed with a ComposeError
@example(({**MINIMAL, "chapters": [{**MINIMAL["chapters"][0], "recommendations": [{
    **MINIMAL["chapters"][0]["recommendations"][0], "text": {"en": "a`code`b", "ru": "[empty]()word`x"}}]}]},
    "json"))
# a link's title is its tooltip: check read neither the DOCX's w:tooltip nor the PDF's annotation
@example(({**MINIMAL, "chapters": [{**MINIMAL["chapters"][0], "recommendations": [{
    **MINIMAL["chapters"][0]["recommendations"][0], "text": {"en": '[link](http://example.com "a title")',
                                                             "ru": '[ссылка](http://example.com "заголовок")'}}]}]},
    "json-ascii"))
# ... and a title's words are not glued to the text that follows the link
@example(({**MINIMAL, "chapters": [{**MINIMAL["chapters"][0], "recommendations": [{
    **MINIMAL["chapters"][0]["recommendations"][0], "text": {"en": '[link](http://example.com "a title")\u1ea1\u0308',
                                                             "ru": "<"}}]}]},
    "json-ascii"))
def test_hostile_text_is_refused_located_or_printed_whole(case):
    # any exception but build's DataError (a traceback, a WriterError, a ComposeError) fails
    _property(*case)
