"""Line breaking and pagination rules of the PDF writer, one rule per test, on small inputs."""

from __future__ import annotations

import pytest

from iapreport.theme import load_theme
from iapreport.tree import Run
from iapreport.writers import _lines
from iapreport.writers import pdf
from iapreport.writers._lines import Line, Setting, break_lines, hyphenator, load_face, words_of

SIZE = 10.0


@pytest.fixture(scope="module")
def face():
    return load_face(load_theme().fonts["serif"].regular)


@pytest.fixture(scope="module")
def en():
    return hyphenator("en_US", 2, 3)


def words(face, *texts: str):
    runs = [Run(t) for t in texts]
    return words_of(runs, lambda run: face, lambda run, f: run.text, SIZE)


def width(face, text: str) -> float:
    return face.measure(text) * SIZE / 1000


def points(text: str, hyphenate=None) -> list[tuple[int, bool]]:
    face = load_face(load_theme().fonts["serif"].regular)
    [word] = words(face, text)
    return _lines._hyphenation_points(word, hyphenate)


@pytest.mark.parametrize("token", ["https://akk.diakom.gov.kz/ru/content/obshchestven", "www.oecd.org/corruption",
                                   "anti-corruption.contact@oecd.org", "kyzmet.gov.kz", "docs/annex/report"])
def test_addresses_are_never_hyphenated(token, en):
    assert points(token, en) == []


def test_an_address_that_does_not_fit_moves_to_the_next_line_whole(face, en):
    url = "https://akk.diakom.gov.kz/ru/content"
    text = "The reports are published on the website of the council " + url + " every year."
    for measure in range(int(width(face, url)) + 5, 400, 9):
        lines = break_lines(words(face, text), Setting(SIZE, measure, align="justify", hyphenate=en))
        assert all(url in line.text or "://" not in line.text for line in lines), measure
        assert not any(line.hyphenated and "akk" in line.text for line in lines)


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


def test_justified_spaces_shrink_a_little_to_take_one_more_word(face):
    text = " ".join(["word"] * 20)
    natural = width(face, text)
    spaces = 19 * width(face, " ")
    squeezed = break_lines(words(face, text), Setting(SIZE, natural - 0.05 * spaces, align="justify"))
    assert len(squeezed) == 1 and squeezed[0].justify  # set tighter, even as the last line
    too_tight = break_lines(words(face, text), Setting(SIZE, natural - 0.2 * spaces, align="justify"))
    assert len(too_tight) == 2
    ragged = break_lines(words(face, text), Setting(SIZE, natural - 0.05 * spaces, align="left"))
    assert len(ragged) == 2  # only justified lines shrink: a ragged line never passes its margin


def test_a_shrunk_line_is_drawn_inside_its_measure(face, tmp_path):
    """The drawn word spacing is negative exactly when the line was set tighter than natural."""
    text = " ".join(["word"] * 20)
    natural = width(face, text)
    [line] = break_lines(words(face, text), Setting(SIZE, natural - 0.05 * 19 * width(face, " "), align="justify"))
    spacing = (line.available - line.width) / line.spaces
    assert spacing < 0
    assert line.width + spacing * line.spaces == pytest.approx(line.available)


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
    assert compound.align == "justify"
    assert address.align == "left"
