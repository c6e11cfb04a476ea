"""Line breaking and pagination rules of the PDF writer, one rule per test, on small inputs."""

from __future__ import annotations

import pytest

from iapreport.theme import load_theme
from iapreport.tree import Run
from iapreport.writers import _lines
from iapreport.writers import pdf
from iapreport.writers._lines import Line, Setting, break_lines, hyphenator, words_of
from iapreport.writers.fonts import load_face

SIZE = 10.0


@pytest.fixture(scope="module")
def face():
    return load_face(load_theme().fonts["serif"].regular)


@pytest.fixture(scope="module")
def en():
    return hyphenator("en_US", 2, 3)


def words(face, *texts: str):
    return words_of([(t, face, None) for t in texts], SIZE)


def width(face, text: str) -> float:
    return face.measure(text) * SIZE / 1000


def points(text: str, hyphenate=None) -> list[tuple[int, bool]]:
    face = load_face(load_theme().fonts["serif"].regular)
    [word] = words(face, text)
    return _lines._hyphenation_points(word, hyphenate)


@pytest.mark.parametrize("token", ["https://akk.diakom.gov.kz/ru/content/obshchestven", "www.oecd.org/corruption",
                                   "anti-corruption.contact@oecd.org", "kyzmet.gov.kz", "docs/annex/report"])
def test_addresses_are_never_hyphenated(token, en):
    """An address breaks only after its own / . - ? & with no hyphen added, never inside "://",
    and keeps three characters or more on either side."""
    found = points(token, en)
    assert found and not any(hyphen for _, hyphen in found)
    for position, _ in found:
        assert token[position - 1] in "/.-?&", (token, position)
        assert 3 <= position <= len(token) - 3
        assert not token[:position].endswith(":/")


@pytest.mark.parametrize("token", ["and/or", "e.g.", "(www.x.org).", "http://a"])
def test_short_tokens_and_end_punctuation_keep_addresses_whole_there(token, en):
    text = token
    for position, _ in points(token, en):
        assert text[position:].strip(".,;:)") and len(text) - position >= 3


def test_an_address_that_does_not_fit_breaks_at_its_own_points(face, en):
    url = "https://akk.diakom.gov.kz/ru/content"
    text = "The reports are published on the website of the council " + url + " every year."
    for align in ("justify", "left"):
        for measure in range(int(width(face, url)) + 5, 400, 9):
            lines = break_lines(words(face, text), Setting(SIZE, measure, align=align, hyphenate=en))
            joined = lines[0].text
            for line, after in zip(lines, lines[1:]):
                if line.hyphenated:
                    assert "/" not in line.text.split()[-1]
                    joined = joined[:-1] + after.text
                elif line.text.split()[-1] + after.text.split()[0] in url:  # the address broke here
                    assert line.text[-1] in "/.-?&", (measure, line.text)
                    joined += after.text
                else:
                    joined += " " + after.text
            assert joined == text, measure


@pytest.mark.parametrize("token", ["2015–2017", "COVID-19", "120-VI", "1-2"])
def test_number_ranges_and_codes_do_not_break_at_their_dash(token, en):
    assert points(token, en) == []


def test_compounds_break_at_their_own_hyphen_first(en):
    found = points("Anti-Corruption", en)
    assert found[0] == (5, False)  # "Anti-|Corruption" before any dictionary point
    assert (8, True) in found  # "Anti-Cor-|ruption" is still there if the compound's hyphen leaves a hole


def test_short_words_are_not_hyphenated(en):
    for word in ("under", "apply.", "after", "audit"):
        assert points(word, en) == [], word
    assert points("implementation", en)


def test_the_last_word_moves_whole_unless_the_line_would_gape(face, en):
    tail = "implementation."
    # many short words: moving the last word whole spreads little space over many gaps
    many = " ".join(["ab"] * 30)
    measure = width(face, many + " implemen-") + 0.5
    lines = break_lines(words(face, many + " " + tail), Setting(SIZE, measure, align="justify", hyphenate=en))
    assert [line.text.split()[-1] for line in lines] == ["ab", tail]
    # three words: moving it whole would leave gaps several spaces wide, so it is hyphenated
    few = "ab ab ab"
    measure = width(face, few + " implemen-") + 0.5
    lines = break_lines(words(face, few + " " + tail), Setting(SIZE, measure, align="justify", hyphenate=en))
    assert lines[0].hyphenated and lines[0].text.endswith("-")


def test_justified_spaces_never_shrink_as_in_word_and_libreoffice(face):
    """A word that fits only with narrower spaces goes to the next line: Word and LibreOffice never
    shrink spaces, and the DOCX must break its lines where the PDF does."""
    line = " ".join(["word"] * 20)
    text = line + " and then the paragraph goes on"
    natural = width(face, line)
    spaces = 19 * width(face, " ")
    lines = break_lines(words(face, text), Setting(SIZE, natural - 0.05 * spaces, align="justify"))
    assert lines[0].text != line and lines[0].width <= lines[0].available
    assert break_lines(words(face, text), Setting(SIZE, natural + 0.01, align="justify"))[0].text.startswith(line)


def test_the_last_word_never_squeezes_its_line(face):
    """A paragraph's last line keeps natural spaces, so its end shows: the last word moves down."""
    text = " ".join(["word"] * 20)
    natural = width(face, text)
    lines = break_lines(words(face, text), Setting(SIZE, natural - 0.05 * 19 * width(face, " "), align="justify"))
    assert len(lines) == 2 and lines[-1].text == "word" and not lines[-1].justify


def _text(lines: int, leading: float = 10.0, **kwargs) -> pdf._Text:
    made = [Line([], 0.0, 0, 0.0, 100.0, False, hyphenated=False) for _ in range(lines)]
    defaults = dict(size=8.0, leading=leading, colour=(0, 0, 0), left=0.0, align="left", space_before=0.0,
                    space_after=0.0, keep_with_next=False, splittable=True, where="test")
    defaults.update(kwargs)
    return pdf._Text(made, **defaults)


def test_a_keep_with_next_chain_counts_the_gap_above_it_once():
    """Room 30 pt under a 60 pt block: the heading (10 pt after a 10 pt gap) and two lines of the
    next paragraph (12 pt) need 32 pt only if the gap is counted twice."""
    first = _text(6)
    heading = _text(1, space_before=10.0, keep_with_next=True, splittable=False, anchor="h")
    paragraph = _text(5, leading=6.0)
    pages = pdf._Paginator(100.0).run([first, heading, paragraph])
    assert [block for _, block in pages[0].items][:2] == [first, heading]


def test_a_word_hyphenated_across_a_page_turn_moves_with_its_line():
    block = _text(8)
    block.lines[4].hyphenated = True
    first, rest = block.split(50.0)  # room for five lines; the fifth ends in a hyphen
    assert len(first.lines) == 4 and len(rest.lines) == 4
    block.lines[4].hyphenated = False
    first, rest = block.split(50.0)
    assert len(first.lines) == 5


def test_widows_and_orphans(face):
    block = _text(5)
    assert block.split(15.0) is None  # one line would be left alone at the foot
    first, rest = block.split(40.0)  # four lines fit, but one would be alone at the top
    assert (len(first.lines), len(rest.lines)) == (3, 2)
    assert _text(3).split(25.0) is None  # three lines cannot split two and two


def test_long_compounds_keep_a_paragraph_justified(kz_docs):
    setter = pdf._Setter(kz_docs["ru"], load_theme())
    style = load_theme().style("body")
    compound = setter.text((Run("Работа ведется в рамках программы информационно-просветительских мероприятий."),),
                           style, "test", width=300)
    address = setter.text((Run("Подробности на сайте https://akk.diakom.gov.kz/ru/content/obshchestven."),),
                          style, "test", width=300)
    split = setter.text((Run("Подробности на сайте "), Run("https://example.org/", italic=True),
                         Run("reports/annual/2020/x.html.")), style, "test", width=300)
    assert compound.align == "justify"
    # an address breaks after its own / . - ? & (issue 15): the paragraph stays justified
    assert address.align == "justify"
    assert split.align == "justify"  # an address in two runs (a change of emphasis) is still one token
    rigid = setter.text((Run("Код " + "x7" * 20 + " в реестре."),), style, "test", width=300)
    assert rigid.align == "left"  # a long token with no break point at all is set ragged


def test_a_long_lead_in_goes_over_whole_with_what_follows():
    """Room for 3 of a 5-line lead-in: it goes over whole with the list, as Word and LibreOffice
    move a paragraph kept with the next one (they never split it), so the DOCX paginates alike."""
    filler = _text(7)
    lead = _text(5, keep_with_next=True)
    following = _text(5)
    pages = pdf._Paginator(100.0).run([filler, lead, following])
    assert [len(block.lines) for _, block in pages[0].items] == [7]
    assert [len(block.lines) for _, block in pages[1].items] == [5, 5]


def test_a_table_starts_where_its_header_and_two_rows_fit_and_splits_between_rows():
    def table(rows: int) -> pdf._Table:
        row = lambda: pdf._Row([], 10.0, "row")  # noqa: E731
        return pdf._Table([row()], [row() for _ in range(rows)], 0.0, 0.0)

    # 60 points of text leave 40: the header and three rows start under it, the rest follows
    pages = pdf._Paginator(100.0).run([_text(6), table(6)])
    assert [[len(item.body) for _, item in page.items if isinstance(item, pdf._Table)] for page in pages] == [[3], [3]]
    pages = pdf._Paginator(100.0).run([_text(6), table(12)])
    assert [len(item.body) for _, item in pages[0].items[1:]] == [3]
    # 80 points of text leave 20: not room for the header and two rows, so the table starts below
    pages = pdf._Paginator(100.0).run([_text(8), table(6)])
    assert [item for _, item in pages[0].items if isinstance(item, pdf._Table)] == []


def test_digit_groups_keep_their_space_in_a_justified_line(tmp_path):
    """Justification widens word spaces and ties between words, never the space inside "1 077"."""
    from test_pdf import make_document, word_boxes

    from iapreport.tree import Document, Paragraph, Section

    text = ("In 2017 the agency received 1\u00a0077 complaints and answered every one of them within "
            "the time the law allows, which the experts noted with approval in their report.")
    metadata = make_document("en").metadata
    document = Document(metadata, (Section((Paragraph((Run(text),), "body", "t"),)),))
    pdf.write_pdf(document, load_theme(), tmp_path / "x.pdf")
    words = word_boxes(tmp_path / "x.pdf")
    index = next(i for i, (_, _, w) in enumerate(words) if w == "1" and words[i + 1][2] == "077")
    group_gap = words[index + 1][0] - words[index][1]
    first_line = words[:6]  # "In 2017 the agency received 1": stretched word spaces
    word_gaps = [b[0] - a[1] for a, b in zip(first_line, first_line[1:])]
    assert group_gap == pytest.approx(width(load_face(load_theme().fonts["serif"].regular), " ") * 10.5 / SIZE,
                                      abs=0.3)
    assert min(word_gaps) > group_gap + 0.5  # the line is justified: its word spaces are wider


def test_a_chain_of_tied_words_longer_than_a_line_breaks_at_a_tie(face):
    chain = "\u00a0".join(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"])
    lines = break_lines(words(face, chain), Setting(SIZE, width(face, "alpha beta gamma delta") + 2))
    assert len(lines) > 1
    # broken at ties, never inside a word; the tie at the break goes like a space
    assert "\u00a0".join(line.text for line in lines) == chain
    assert not any(line.text.endswith("\u00a0") or line.text.startswith("\u00a0") for line in lines)


def test_a_first_line_indent_never_cuts_a_word_that_fits_the_next_line(face):
    text = "a ABCDEFGHIJ0123456789 b"
    token = width(face, "ABCDEFGHIJ0123456789")
    lines = break_lines(words(face, text), Setting(SIZE, token + 8, first_indent=30.0))
    assert lines[0].text == "a"
    assert any("ABCDEFGHIJ0123456789" in line.text.split() for line in lines), [line.text for line in lines]


def test_a_glyph_wider_than_the_measure_is_no_room(face):
    with pytest.raises(_lines.NoRoom):
        break_lines(words(face, "WWW"), Setting(SIZE, 3.0))
    with pytest.raises(_lines.NoRoom):
        break_lines(words(face, "a"), Setting(SIZE, -5.0))


def test_wide_list_numbers_never_overlap_their_text(tmp_path):
    import re

    from test_pdf import make_document, word_boxes

    from iapreport.tree import Document, ListBlock, ListItem, Paragraph, Section

    items = tuple(ListItem((Paragraph((Run(f"Item text {n}"),), "body", f"i{n}"),)) for n in range(3))
    document = Document(make_document("en").metadata,
                        (Section((ListBlock(items, "decimal-dot", start=99998),)),))
    pdf.write_pdf(document, load_theme(), tmp_path / "x.pdf")
    words = word_boxes(tmp_path / "x.pdf")
    numbers = [x1 for x0, x1, w in words if re.fullmatch(r"\d+\.", w)]
    texts = [x0 for x0, x1, w in words if w == "Item"]
    assert len(numbers) == len(texts) == 3
    assert max(numbers) < min(texts)
    # an ordinary list keeps the theme's indent
    setter = pdf._Setter(document, load_theme())
    out: list = []
    setter.list(ListBlock(items, "decimal-dot"), out, 0)
    assert out[0].left == load_theme().lists.indent + load_theme().style("body").left_indent


@pytest.mark.parametrize("dictionary", ["en_US", "ru_RU", "uk_UA", "de_DE"])
def test_our_liang_hyphenation_gives_pyphens_points(dictionary, kz_docs):
    """`Patterns` reimplements pyphen's positions for speed: on the sample's words and on random
    strings of their letters, the points are pyphen's own, with the same left/right limits."""
    import random

    import pyphen

    from iapreport.tree import walk_paragraphs

    reference = pyphen.Pyphen(lang=dictionary, left=2, right=3)
    patterns = _lines.Patterns(reference.hd.patterns)
    words = {match.group() for document in kz_docs.values() for paragraph in walk_paragraphs(list(document.blocks()))
             for run in paragraph.runs for match in _lines._HYPHENATABLE.finditer(run.text)}
    rng = random.Random(dictionary)
    letters = sorted(set("".join(words)))
    words |= {"".join(rng.choice(letters) for _ in range(rng.randint(1, 24))) for _ in range(2000)}
    words |= {"İstanbul", "STRASSE", "ǅemal", "a", ""}
    for word in sorted(words):
        assert patterns.positions(word, 2, 3) == reference.positions(word), word
    assert patterns.positions("anticorruption", 4, 4) == pyphen.Pyphen(lang=dictionary, left=4, right=4).positions(
        "anticorruption")
