"""Markdown prose keeps what it means (issue 12): no construct is refused for its punctuation, each
prints what it holds (a link's title as its tooltip, an empty link's address, a fence's info
string, a list's numbers from 0 to nine digits), in the tree, the DOCX and the PDF; a real loss is
still refused."""

from __future__ import annotations

import re
import textwrap
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from iapreport import markdown
from iapreport.composer import ComposeError, compose
from iapreport.loader import load_text
from iapreport.markdown import ProseLost, parse
from iapreport.theme import load_theme
from iapreport.tree import ListBlock, Paragraph, Run, walk, walk_paragraphs
from iapreport.writers.docx import write_docx
from iapreport.writers.pdf import write_pdf

from test_load import MINIMAL

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# --------------------------------------------------------------------------------------------
# helpers


def _runs(blocks) -> list[Run]:
    return [run for p in walk_paragraphs(blocks) for run in p.runs]


def _text(blocks) -> str:
    return "\n".join(p.text for p in walk_paragraphs(blocks))


def _refused(text: str, blocks) -> ProseLost:
    """The no-loss check on `blocks` that lack something `text` holds: it must refuse them."""
    tokens = markdown._parser().parse(text)
    with pytest.raises(ProseLost) as info:
        markdown._check_nothing_lost(text, list(blocks), None, tokens)
    return info.value


def _without(blocks, drop):
    """`blocks` with every run for which `drop(run)` is true removed, and titles `drop`ped too."""
    out = []
    for block in blocks:
        if isinstance(block, Paragraph):
            runs = tuple(run for run in block.runs if not drop(run))
            out.append(block._replace(runs=runs))
        elif isinstance(block, ListBlock):
            out.append(block._replace(items=tuple(item._replace(blocks=tuple(_without(item.blocks, drop)))
                                                  for item in block.items)))
        else:
            out.append(block)
    return out


# --------------------------------------------------------------------------------------------
# 1. emphasis in any form; punctuation is no word


def test_underscore_emphasis_and_strong_are_emphasis_not_lost_words():
    text = "Some _emphasis_ and __real__ strength."
    (paragraph,) = parse(text)
    assert paragraph.text == "Some emphasis and real strength."
    assert any(run.italic and run.text == "emphasis" for run in paragraph.runs)
    assert any(run.bold and run.text == "real" for run in paragraph.runs)
    # a real loss is still refused: the emphasised word itself missing
    assert _refused(text, _without([paragraph], lambda run: run.text == "real")).words == ["real"]


@pytest.mark.parametrize("text, printed", [
    ("___\n\nafter the break", "after the break"),                      # a thematic break of underscores
    ("nested _a __b__ c_ and ***both***", "nested a b c and both"),     # nested emphasis
    (r"\_kept\_ and \*stars\* and \# hash", "_kept_ and *stars* and # hash"),  # backslash escapes
    ("`` code `tick` `` and __init__", "code `tick` and init"),        # code spans, strong underscores
])
def test_markdown_punctuation_is_not_counted_as_words(text, printed):
    blocks = parse(text)
    assert printed in _text(blocks).replace("\n", " ")


def test_a_real_loss_is_still_refused_naming_the_words():
    deep = "\n".join("  " * i + f"- level{i}" for i in range(60))
    with pytest.raises(ProseLost, match="would not be printed: level49, level50"):
        parse(deep)
    blocks = parse("_Keep_ every word, even snake_case ones.")
    lost = _refused("_Keep_ every word, even snake_case ones.", _without(blocks, lambda run: run.italic))
    assert lost.words == ["Keep"]


# --------------------------------------------------------------------------------------------
# 2. a link's title is its tooltip


def test_a_links_title_is_kept_as_its_tooltip():
    text = 'Under [the law](https://example.org/law "Law No. 5") and [закон](https://example.org/ru "Закон № 5").'
    runs = _runs(parse(text))
    law = next(run for run in runs if run.text == "the law")
    assert (law.link, law.title) == ("https://example.org/law", "Law No. 5")
    assert next(run for run in runs if run.text == "закон").title == "Закон № 5"
    assert all(run.title is None for run in runs if not run.link)
    # without the title, the title's words are a loss
    blocks = [p._replace(runs=tuple(r._replace(title=None) for r in p.runs)) for p in parse(text)]
    assert set(_refused(text, blocks).words) == {"Law", "No", "5", "Закон"}


def test_a_title_survives_emphasis_headings_and_merging():
    (heading,) = parse('# See [a _b_ c](https://example.org "T one")')
    linked = [run for run in heading.runs if run.link]
    assert "".join(run.text for run in linked) == "a b c"
    assert all(run.bold and run.title == "T one" for run in linked)
    # two links to one address with different titles stay two runs
    runs = _runs(parse('[x](https://example.org "one")[y](https://example.org "two")'))
    assert [(run.text, run.title) for run in runs] == [("x", "one"), ("y", "two")]


def test_a_title_of_a_link_that_is_not_clickable_is_printed_after_its_target():
    (paragraph,) = parse('[files](ftp://example.org/pub "Public files") and <ftp://example.org/x>')
    assert paragraph.text == 'files (ftp://example.org/pub "Public files") and ftp://example.org/x'
    assert all(run.link is None for run in paragraph.runs)


def test_an_images_title_is_printed():
    (paragraph,) = parse('![The chart](https://example.org/c.png "Rates in 2020") here')
    assert paragraph.text == 'The chart (https://example.org/c.png "Rates in 2020") here'


# --------------------------------------------------------------------------------------------
# 3. a link without text shows its address


@pytest.mark.parametrize("text, printed, shown, link", [
    ("See [](https://example.org) now.", "See https://example.org now.", "https://example.org",
     "https://example.org"),
    ("[ ](https://example.org/a)", " https://example.org/a", "https://example.org/a", "https://example.org/a"),
    ("[](https://ru.wikipedia.org/wiki/Коррупция)", "https://ru.wikipedia.org/wiki/Коррупция",
     "https://ru.wikipedia.org/wiki/Коррупция",
     "https://ru.wikipedia.org/wiki/%D0%9A%D0%BE%D1%80%D1%80%D1%83%D0%BF%D1%86%D0%B8%D1%8F"),
    # not clickable: the address once, not "(address)" after no text
    ("[](ftp://example.org/a%20b)", "ftp://example.org/a%20b", "ftp://example.org/a%20b", None),
])
def test_a_link_without_text_shows_its_address(text, printed, shown, link):
    runs = _runs(parse(text))
    assert "".join(run.text for run in runs) == printed
    assert any(run.link == link and shown in run.text for run in runs)
    if link:  # a link's target alone is not printed text: dropping the text it shows is a loss
        assert _refused(text, _without(parse(text), lambda run: run.link is not None)).words


# --------------------------------------------------------------------------------------------
# 4. a fence's info string is printed


@pytest.mark.parametrize("text, info, code", [
    ('```python\nprint("hi")\n```', "python", 'print("hi")'),
    ("~~~ js extra words\nlet x;\n~~~", "js extra words", "let x;"),
])
def test_a_fences_info_string_is_printed_as_its_first_line(text, info, code):
    (block,) = parse(text)
    assert block.style == "code"
    assert block.text == f"{info}\n{code}"
    assert block.runs[0] == Run(info, italic=True)
    # strict still: without the info string its words are lost
    lost = _refused(text, _without([block], lambda run: run.text == info))
    assert set(lost.words) == set(re.findall(r"\w+", info))
    # a fence without one prints its code alone
    (plain,) = parse(text.replace(text.split("\n", 1)[0], text[:3], 1))
    assert plain.text == code and not any(run.italic for run in plain.runs)


# --------------------------------------------------------------------------------------------
# 5. lists from 0 to nine digits


@pytest.mark.parametrize("text, marker, start", [
    ("0. zero\n1. one", "decimal-dot", 0),
    ("0) zero\n1) one", "decimal-paren", 0),
    ("987654321. big\n2. next", "decimal-dot", 987654321),
    ("5. five\n2. six\n9. seven", "decimal-dot", 5),
])
def test_an_ordered_list_starts_at_its_first_number(text, marker, start):
    (block,) = parse(text)
    assert (block.marker, block.start, len(block.items)) == (marker, start, len(text.splitlines()))
    # the numbers printed are the list's: losing an item is still refused
    lost = _refused(text, [block._replace(items=block.items[:1])])
    assert lost.words


def test_an_empty_list_item_keeps_its_number():
    (block,) = parse("1.\n2. two")
    assert [len(item.blocks) for item in block.items] == [1, 1]
    assert block.items[0].blocks[0].text == ""


# --------------------------------------------------------------------------------------------
# constructs that already printed what they hold, now with the new word rule


@pytest.mark.parametrize("text, printed", [
    ("<https://example.org/a_b> _and_ <user@example.org>", "https://example.org/a_b and user@example.org"),
    ("line one  \n_line two_\\\nline three", "line one\nline two\nline three"),
    ("Caf&eacute; &amp; &#169; `&eacute;`", "Café & © &eacute;"),
    ("> quoted _text_", "quoted text"),
    ("## A _heading_ in prose", "A heading in prose"),
    ("[1]: https://example.org/x_y\n\nSee _it_ [here][1].", "[1]: https://example.org/x_y\nSee it [here][1]."),
])
def test_other_constructs_print_what_they_hold(text, printed):
    assert _text(parse(text)) == printed


# --------------------------------------------------------------------------------------------
# the written files

PROSE = textwrap.dedent('''\
    Emphasis _underlined_ and __doubled__, see [the law](https://example.org/law "Law No. 5"),
    [закон](https://example.org/ru "Закон № 5") and [](https://example.org/bare).

    ```python
    print("fenced")
    ```

    Zero:

    0. zero item
    1. one item

    Big:

    987654321. big item
    2. next big item

    Empty:

    1.
    2. after empty
    ''')


def _report(prose: str):
    block = "assessment:\n              en: |\n" + textwrap.indent(prose, " " * 16) + '\n              ru: "1.1. Хорошо."'
    text = MINIMAL.replace('assessment: {en: "1.1. Good.", ru: "1.1. Хорошо."}', block)
    assert text != MINIMAL
    return load_text(text, "r.yaml").report


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("fidelity")
    document = compose(_report(PROSE), "en")
    theme = load_theme()
    write_docx(document, theme, out / "r.docx")
    write_pdf(document, theme, out / "r.pdf")
    return document, out / "r.docx", out / "r.pdf"


def test_the_tree_of_a_built_report_holds_every_construct(built):
    document, _, _ = built
    runs = [run for p in document.paragraphs() for run in p.runs]
    assert any(run.italic and run.text == "underlined" for run in runs)
    assert any(run.bold and run.text == "doubled" for run in runs)
    assert any(run.title == "Law No. 5" and run.link == "https://example.org/law" for run in runs)
    assert any(run.text == "https://example.org/bare" and run.link for run in runs)
    assert any(p.style == "code" and p.text.startswith("python\n") for p in document.paragraphs())
    starts = [b.start for b in walk(document.blocks()) if isinstance(b, ListBlock) and b.marker != "bullet"]
    assert {0, 987654321} <= set(starts)


def test_a_lost_word_in_a_report_is_still_an_error_naming_only_the_field_and_its_lost_words():
    prose = "_Emphasis_ first.\n\n" + "\n".join("  " * i + f"- level{i}" for i in range(60))
    with pytest.raises(ComposeError, match=r"assessment\.en: these words would not be printed: level49, level50"):
        compose(_report(prose), "en")


def _docx_paragraphs(path):
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        numbering = etree.fromstring(z.read("word/numbering.xml"))
    return root, rels, numbering


def test_docx_link_title_is_the_hyperlinks_tooltip(built):
    _, path, _ = built
    root, rels, _ = _docx_paragraphs(path)
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    tips = {targets[link.get(f"{{{R}}}id")]: link.get(f"{{{W}}}tooltip")
            for link in root.iter(f"{{{W}}}hyperlink") if link.get(f"{{{R}}}id")}
    assert tips["https://example.org/law"] == "Law No. 5"
    assert tips["https://example.org/ru"] == "Закон № 5"
    assert tips["https://example.org/bare"] is None
    texts = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in root.iter(f"{{{W}}}p")]
    assert any("https://example.org/bare" in t for t in texts)
    assert 'pythonprint("fenced")' in texts  # the info string, a line break, the code


def test_docx_prints_the_numbers_word_cannot_count(built):
    _, path, _ = built
    root, _, numbering = _docx_paragraphs(path)
    overrides = [int(e.get(f"{{{W}}}val")) for e in numbering.iter(f"{{{W}}}startOverride")]
    assert 0 in overrides  # Word counts from 0 itself
    assert max(overrides) <= 32767  # 987654321 would show as 26801
    paragraphs = {"".join(t.text or "" for t in p.iter(f"{{{W}}}t")): p for p in root.iter(f"{{{W}}}p")}
    big = paragraphs["987654321.big item"]
    nxt = paragraphs["987654322.next big item"]
    for p in (big, nxt):
        assert p.find(f"{{{W}}}pPr/{{{W}}}numPr") is None  # the number is text, not Word's
        assert p.find(f".//{{{W}}}tab") is not None  # a tab to the hanging indent
        ind = p.find(f"{{{W}}}pPr/{{{W}}}ind")
        assert int(ind.get(f"{{{W}}}hanging")) > 21.25 * 20  # wider than the theme's step for 10 digits
    # an empty item keeps its number: two numbered paragraphs in the "Empty:" list
    body = list(root.iter(f"{{{W}}}p"))
    lead = next(i for i, p in enumerate(body) if "".join(t.text or "" for t in p.iter(f"{{{W}}}t")) == "Empty:")
    numbered = [p.find(f"{{{W}}}pPr/{{{W}}}numPr") is not None for p in body[lead + 1:lead + 3]]
    assert numbered == [True, True]


def test_pdf_prints_titles_as_tooltips_and_every_number(built):
    _, _, path = built
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("underlined", "doubled", "https://example.org/bare", "python", 'print("fenced")',
                     "0.", "987654321.", "987654322."):
        assert expected in text, expected
    assert re.search(r"^1\.\s*$", text, re.M), "the empty item's number"
    contents = {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None and "/URI" in action:
                contents[action["/URI"]] = annotation.get("/Contents")
    assert contents["https://example.org/law"] == "Law No. 5"
    assert contents["https://example.org/ru"] == "Закон № 5"  # UTF-16, read back as written
    assert contents["https://example.org/bare"] is None
