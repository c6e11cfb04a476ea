"""The rules of the PDF writer's own line breaking (`_lines`) and pagination (`pdf.layout`).

Each test checks one typesetting rule where it is decided: on the lines `break_lines` returns, on
the pages `layout` returns (the Kazakhstan sample in English and Russian, and small hand-made
documents that put a block at every height of a page), and, for justification, on the word
positions poppler reads back from the written PDF. Breaking a rule fails a test here.

The sample's layouts are made once per module, with the paginator's input (the whole blocks)
and every paragraph it cut recorded, so that the parts of a paragraph split between pages are
known for certain: several paragraphs share a `where` (the data field they came from).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
from dataclasses import dataclass

import pytest

from iapreport.tree import (Cell, Document, Heading, Metadata, PageBreak, Row, Run, Section, Table, TableOfContents,
                            TocEntry)
from iapreport.writers import _lines
from iapreport.writers import pdf
from iapreport.writers._lines import (EPSILON, LADDER_LOOSE_SPACE, MAX_HYPHENATED_LINES, SPACE_SHRINK, Setting,
                                      break_lines, hyphenator, words_of)
from iapreport.writers.fonts import load_face
from iapreport.writers.pdf import MIN_LINES, MIN_ROWS, MM, _Table, _Text, layout, write_pdf

from test_pdf import para, prose

SIZE = 10.5  # the body size of the theme


# --------------------------------------------------------------------------------------------
# helpers


def metadata(lang: str = "en") -> Metadata:
    return Metadata(title="Layout", subject="Layout rules", author="iapreport", keywords=("layout",),
                    language="en-GB" if lang == "en" else "ru-RU", date=dt.date(2021, 10, 15))


def document(blocks, lang: str = "en") -> Document:
    return Document(metadata(lang), (Section(tuple(blocks), running_header="Header", page_numbers=True),))


def frame_height(theme) -> float:
    return (theme.page.height - theme.page.margin_top - theme.page.margin_bottom) * MM


@dataclass
class Laid:
    """A document's layout, with what the paginator was given and every cut it made."""

    document: Document
    story: list  # the set blocks, whole, as the paginator received them
    pages: list  # pdf._Page
    cuts: list  # (the _Text cut, lines kept on the page, (first part, rest))

    def texts(self):
        """Every whole _Text of the story, table cells included."""
        for block in self.story:
            if isinstance(block, _Text):
                yield block
            elif isinstance(block, _Table):
                for row in (*block.header, *block.body):
                    for cell in row.cells:
                        for _, text in cell.content:
                            yield text


def laid_out(doc: Document, theme) -> Laid:
    story: list = []
    cuts: list = []
    run, cut = pdf._Paginator.run, pdf._Text._cut

    def recording_run(self, blocks):
        story.extend(blocks)
        return run(self, blocks)

    def recording_cut(self, fits):
        parts = cut(self, fits)
        cuts.append((self, fits, parts))
        return parts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf._Paginator, "run", recording_run)
        patch.setattr(pdf._Text, "_cut", recording_cut)
        _, pages, _ = layout(doc, theme)
    return Laid(doc, story, pages, cuts)


def continued_pairs(laid: Laid) -> list[tuple[_Text, _Text]]:
    """(last block of a page, first block of the next) that are parts of one paragraph.

    The two share the paragraph's `where`, and the first is a part the paginator cut off: its
    lines stop before the paragraph's end, and the next page goes on with the following line.
    """
    cut_off = {id(parts[0]): (original, fits) for original, fits, parts in laid.cuts}
    pairs = []
    for page, following in zip(laid.pages, laid.pages[1:]):
        if not page.items or not following.items:
            continue
        last, top = page.items[-1][1], following.items[0][1]
        if isinstance(last, _Text) and isinstance(top, _Text) and last.where == top.where and id(last) in cut_off:
            original, fits = cut_off[id(last)]
            assert top.lines[0] is original.lines[fits], f"{last.where}: the next page does not go on with it"
            pairs.append((last, top))
    return pairs


def overrun_allowed(line, size: float) -> float:
    """How far past its measure a line may be set: a justified line's word spaces may shrink by
    SPACE_SHRINK to take one more word (it is then drawn justified, inside the measure)."""
    if not line.justify:
        return EPSILON + 1e-9
    spaces = sum(f.text.count(" ") * f.face.space for f in line.fragments) * size / 1000
    return SPACE_SHRINK * spaces + EPSILON + 1e-9


def ladder_exceptions(lines, size: float, align: str) -> list[str]:
    """The lines that extend a run of hyphenated lines past MAX_HYPHENATED_LINES without leave.

    Leave is given (`break_lines`) to a line holding only a part of a word wider than the whole
    line, and to a justified line whose spaces, without its hyphenated last part, would be more
    than LADDER_LOOSE_SPACE times normal.
    """
    scale = size / 1000
    wrong, run = [], 0
    for line in lines:
        run = run + 1 if line.hyphenated else 0
        if run <= MAX_HYPHENATED_LINES:
            continue
        gaps = sum(f.text.count(" ") for f in line.fragments)
        if gaps == 0:
            continue  # a word longer than the line: hyphenated whatever the count
        # the hyphenated part and the space before it, and the line's spaces without them
        head = space = 0.0
        for fragment in reversed(line.fragments):
            cut = fragment.text.rfind(" ")
            if cut < 0:
                head += fragment.face.measure(fragment.text) * scale
                continue
            head += fragment.face.measure(fragment.text[cut + 1:]) * scale
            space = fragment.face.space * scale
            break
        spacing = sum(f.text.count(" ") * f.face.space for f in line.fragments) * scale - space
        slack = line.available - (line.width - head - space)
        loose = gaps > 1 and slack > (LADDER_LOOSE_SPACE - 1) * spacing
        if not (align == "justify" and loose):
            wrong.append(f"{run} hyphenated lines in a row, ending {line.text!r}")
    return wrong


def hyphen_ladders(lines) -> list[int]:
    """Lengths of the runs of consecutive lines ending with an added hyphen."""
    runs, current = [], 0
    for line in lines:
        if line.hyphenated:
            current += 1
        else:
            if current:
                runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return runs


# --------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module", params=["en", "ru"])
def kz(request, kz_docs, theme) -> Laid:
    """The Kazakhstan sample laid out, in English and in Russian."""
    return laid_out(kz_docs[request.param], theme)


def spans(runs, faces):
    """The runs as the writer hands them to `words_of`: (text, face, link), or BREAK."""
    return [_lines.BREAK if run.line_break else (run.text, faces[run.bold], run.link) for run in runs]


@pytest.fixture(scope="module")
def faces(theme):
    serif = theme.fonts["serif"]
    return {False: load_face(serif.regular), True: load_face(serif.bold)}


@pytest.fixture(scope="module")
def hyphenate(theme):
    rules = theme.hyphenation
    return {lang: hyphenator(rules.dictionary(tag), rules.min_left, rules.min_right)
            for lang, tag in (("en", "en-GB"), ("ru", "ru-RU"))}


@pytest.fixture(scope="module")
def set_lines(faces):
    """Break runs into lines as the PDF writer does: regular or bold PT Serif, body size."""

    def set_lines(runs, width: float, *, hyphenate=None, align: str = "left", size: float = SIZE):
        words = words_of(spans(runs, faces), size)
        lines = break_lines(words, Setting(size, width, 0.0, align, hyphenate))
        for line in lines:
            assert line.width <= line.available + overrun_allowed(line, size), \
                f"{line.text!r} is wider than the measure {width}"
        return lines

    return set_lines


# --------------------------------------------------------------------------------------------
# 1. widows and orphans


def test_paragraphs_split_between_pages_keep_two_lines_on_each_side(kz):
    pairs = continued_pairs(kz)
    assert pairs, "the sample should split some paragraphs between pages"
    # every cut the paginator made is such a pair: no part of a paragraph went anywhere else
    assert len(pairs) == len(kz.cuts)
    for first, rest in pairs:
        assert len(first.lines) >= MIN_LINES, f"{first.where}: an orphan ({len(first.lines)} line) at a page foot"
        assert len(rest.lines) >= MIN_LINES, f"{rest.where}: a widow ({len(rest.lines)} line) atop a page"
        # a paragraph's first part keeps its space before, the rest its space after
        assert first.space_after == 0 and rest.space_before == 0 and rest.bullet is None


def test_paragraphs_split_on_a_whole_word_where_one_is_within_reach(kz):
    """A page ends on a hyphenated line only if every cut the widow rules allow ends on one."""
    for first, rest in continued_pairs(kz):
        if first.lines[-1].hyphenated:
            assert all(line.hyphenated for line in first.lines[MIN_LINES - 1:]), \
                f"{first.where}: {first.lines[-1].text!r} ends a page, a whole word was within reach"


def test_text_split_steps_back_past_a_ladder_of_hyphenated_lines():
    lines = [_lines.Line([], 0.0, 0, 0.0, 100.0, False, hyphenated=n in (3, 4)) for n in range(8)]
    text = _Text(lines, SIZE, 13.0, (0, 0, 0), 0.0, "left", 0.0, 6.0, False, True, "p")
    first, rest = text.split(5 * 13.0)
    assert not first.lines[-1].hyphenated
    assert len(first.lines) == 3
    # when every cut the widow rules allow ends on a hyphen, the page still ends there
    lines = [_lines.Line([], 0.0, 0, 0.0, 100.0, False, hyphenated=n in (1, 2)) for n in range(6)]
    text = _Text(lines, SIZE, 13.0, (0, 0, 0), 0.0, "left", 0.0, 6.0, False, True, "p")
    first, rest = text.split(3 * 13.0)
    assert len(first.lines) == 3 and len(rest.lines) == 3


@pytest.mark.parametrize("count", range(1, 9))
def test_text_split_leaves_no_widow_or_orphan(count):
    line = _lines.Line([], 0.0, 0, 0.0, 100.0, False)
    text = _Text([line] * count, SIZE, 13.0, (0, 0, 0), 0.0, "left", 0.0, 6.0, False, True, "p")
    for room_lines in range(0, count + 1):
        parts = text.split(room_lines * 13.0)
        possible = min(room_lines, count - MIN_LINES) >= MIN_LINES
        if not possible:
            assert parts is None, (count, room_lines)
            continue
        first, rest = parts
        assert len(first.lines) + len(rest.lines) == count
        assert MIN_LINES <= len(first.lines) <= room_lines and len(rest.lines) >= MIN_LINES, (count, room_lines)
        assert len(first.lines) == min(room_lines, count - MIN_LINES)  # as much as may stay


def test_a_paragraph_at_every_height_of_a_page_keeps_two_lines_on_each_side(theme):
    rng = random.Random(11)
    texts = [prose(rng, "en", 4) for _ in range(3)]
    split = 0
    for filler in range(24, 37):  # the paragraphs start from mid-page to its foot
        blocks = [para(f"Line {n}.", f"filler.{n}") for n in range(filler)]
        blocks += [para(text, f"para.{n}") for n, text in enumerate(texts)]
        laid = laid_out(document(blocks), theme)
        pairs = continued_pairs(laid)
        assert len(pairs) == len(laid.cuts)
        for first, rest in pairs:
            assert len(first.lines) >= MIN_LINES and len(rest.lines) >= MIN_LINES, (filler, first.where)
        split += len(pairs)
    assert split >= 3, "the paragraphs should have been split at some heights"


def test_blocks_stay_inside_the_frame(kz, theme):
    frame = frame_height(theme)
    for number, page in enumerate(kz.pages, 1):
        assert page.items, f"page {number} is empty"
        for y, block in page.items:
            assert y >= 0 and y + block.height <= frame + 0.01, f"page {number}: a block runs past the frame"


# --------------------------------------------------------------------------------------------
# 2. hyphen ladders


def test_no_more_than_three_hyphenated_lines_in_a_row_unless_the_line_would_gape(kz):
    longest = 0
    for text in kz.texts():
        assert not ladder_exceptions(text.lines, text.size, text.align), text.where
        longest = max([longest, *hyphen_ladders(text.lines)])
    assert longest >= MAX_HYPHENATED_LINES, "the sample's text should reach the limit somewhere"


RUSSIAN = " ".join(["антикоррупционной государственной правоохранительных ответственности законодательства "
                    "декларирования"] * 6)


@pytest.mark.parametrize("width", [110, 120, 130, 170, 190, 230, 250])
def test_the_hyphen_limit_stops_a_ladder_that_would_be_longer(width, set_lines, hyphenate, monkeypatch):
    """Long Russian words in a narrow measure, each shorter than a line, set ragged (no loose
    line to excuse a fourth hyphen): hyphenated at will, more than three lines in a row would end
    with a hyphen; the limit cuts every such ladder at exactly three."""
    runs = (Run(RUSSIAN),)
    limited = hyphen_ladders(set_lines(runs, width, hyphenate=hyphenate["ru"]))
    assert max(limited) == MAX_HYPHENATED_LINES  # reached...
    assert all(run <= MAX_HYPHENATED_LINES for run in limited)  # ...never passed
    monkeypatch.setattr(_lines, "MAX_HYPHENATED_LINES", 1000)
    unlimited = hyphen_ladders(set_lines(runs, width, hyphenate=hyphenate["ru"]))
    assert max(unlimited) > MAX_HYPHENATED_LINES, "without the limit the ladder should be longer"


def test_a_fourth_hyphen_in_a_row_only_where_the_line_would_gape(set_lines, hyphenate, monkeypatch):
    """Justified, a fourth hyphenated line is let through only to avoid a line of holes (or for a
    word longer than the line); without the limit there would be many more."""
    runs = (Run(RUSSIAN),)
    excused = 0
    for width in range(60, 300, 5):  # below 110 pt the longest words do not fit a line
        lines = set_lines(runs, width, hyphenate=hyphenate["ru"], align="justify")
        assert not ladder_exceptions(lines, SIZE, "justify"), width
        excused += sum(run - MAX_HYPHENATED_LINES for run in hyphen_ladders(lines) if run > MAX_HYPHENATED_LINES)
    with monkeypatch.context() as patch:
        patch.setattr(_lines, "MAX_HYPHENATED_LINES", 1000)
        unlimited = [set_lines(runs, width, hyphenate=hyphenate["ru"], align="justify") for width in range(60, 300, 5)]
    assert sum(bool(ladder_exceptions(lines, SIZE, "justify")) for lines in unlimited) > 10
    assert excused, "some line should have been excused"


# --------------------------------------------------------------------------------------------
# 3. justification, read back from the PDF


@pytest.fixture(scope="module")
def kz_words(kz, theme, tmp_path_factory):
    """Per page of the written sample: the words poppler finds, as (xMin, xMax, yMax, text), y from the top."""
    path = tmp_path_factory.mktemp("layout") / f"kz-{kz.document.metadata.language}.pdf"
    write_pdf(kz.document, theme, path)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append([(float(x0), float(x1), float(y1), word) for x0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    assert len(pages) == len(kz.pages), "the PDF's pages are not the layout's"
    return pages


def test_justified_lines_end_at_the_right_margin_and_last_lines_do_not(kz, kz_words, theme):
    page = theme.page
    left, right = page.margin_left * MM, (page.width - page.margin_right) * MM
    continued = {id(parts[0]) for _, _, parts in kz.cuts}  # their last line is not the paragraph's
    full = last = 0
    for number, (laid, words) in enumerate(zip(kz.pages, kz_words), 1):
        for y, block in laid.items:
            if not isinstance(block, _Text) or block.align != "justify":
                continue
            for index, line in enumerate(block.lines):
                baseline = page.margin_top * MM + y + block.size + index * block.leading  # from the top
                text_left = left + block.left + line.offset
                found = [w for w in words if 0 < w[2] - baseline < 0.5 * block.size and w[0] >= text_left - 0.5]
                assert found, f"page {number}: no words found for {line.text!r}"
                end = max(w[1] for w in found)
                where = f"page {number}, {block.where}: {' '.join(w[3] for w in found)!r}"
                if index < len(block.lines) - 1 or id(block) in continued:
                    if len(found) < 2:
                        continue  # a single word has no space to widen
                    assert abs(end - right) <= 0.5, f"{where} ends at {end:.2f}, the margin is at {right:.2f}"
                    full += 1
                elif text_left + line.width < right - 1:
                    assert abs(end - (text_left + line.width)) <= 0.5 and end < right - 0.5, \
                        f"{where}: the last line of a paragraph is stretched to {end:.2f}"
                    last += 1
    assert full > 100 and last > 20


# --------------------------------------------------------------------------------------------
# 4. what lines break at


def test_a_hard_line_break_starts_a_new_line(set_lines):
    runs = (Run("First part of the paragraph"), Run("", line_break=True), Run("  second"),
            Run("", line_break=True), Run("", line_break=True), Run("third part, after an empty line"))
    assert [line.text for line in set_lines(runs, 400)] == [
        "First part of the paragraph", "second", "", "third part, after an empty line"]
    for width in range(60, 200, 7):  # wrapped or not, "second" always starts a line
        texts = [line.text for line in set_lines(runs, width)]
        assert "second" in texts and texts.index("second") > 0, (width, texts)
        assert not any("part" in t and "second" in t for t in texts)


def test_a_word_longer_than_the_line_is_broken_at_the_margin_without_a_hyphen(set_lines, hyphenate, faces):
    token = "".join(f"{n:03d}x" for n in range(60))  # nothing a dictionary hyphenates
    runs = (Run("see "), Run(token), Run(" and the end."))
    for hyphenator_ in (None, hyphenate["en"]):
        for width in (90, 120, 175):
            lines = set_lines(runs, width, hyphenate=hyphenator_)
            assert len(lines) > 3
            assert "".join(line.text for line in lines).replace(" ", "") == ("see" + token + "andtheend.")
            assert not any(line.hyphenated or line.text.endswith("-") for line in lines)
            # broken at the margin: a line inside the token is full (its next character would not fit)
            for line, following in zip(lines[1:-1], lines[2:]):
                if following.text[0] in token and line.text[-1] in token:
                    next_char = faces[False].measure(following.text[0]) * SIZE / 1000
                    assert line.width + next_char > width - EPSILON, (width, line.text)


def test_a_web_address_gets_no_added_hyphen(set_lines, hyphenate):
    url = "https://www.oecd.org/corruption/acn/istanbulactionplan/recommendations-monitoring.htm"
    runs = (Run("For the full text of the report see "), Run(url, link=url), Run(" and more text afterwards."))
    for width in range(150, 470, 10):
        lines = set_lines(runs, width, hyphenate=hyphenate["en"])
        drawn = "".join(f.text for line in lines for f in line.fragments if f.link)
        assert drawn == url, f"width {width}: the address is drawn as {drawn!r}"
        assert not any(line.hyphenated and line.fragments[-1].link for line in lines), width


def test_a_change_of_face_inside_a_word_adds_no_space(set_lines, faces):
    runs = (Run("We stress the "), Run("bold", bold=True), Run(", and also "), Run("two", bold=True),
            Run("-fold"), Run(" measures of the "), Run("agency", bold=True), Run("’s work."))
    words = words_of(spans(runs, faces), SIZE)
    texts = ["".join(p.text for p in word.pieces) for word in words]
    assert texts == ["We", "stress", "the", "bold,", "and", "also", "two-fold", "measures", "of", "the", "agency’s",
                     "work."]
    comma = next(word for word in words if word.pieces[0].text == "bold")
    assert [(p.text, p.face) for p in comma.pieces] == [("bold", faces[True]), (",", faces[False])]
    joined = "We stress the bold, and also two-fold measures of the agency’s work."
    for width in range(50, 330, 3):
        lines = set_lines(runs, width)
        # the lines are the words of the text: no space inside "bold," and "agency’s"
        assert " ".join(line.text for line in lines).replace("- ", "-") == joined, width
        assert not any(line.text.startswith((",", "’")) for line in lines), width
        for line in lines:
            for fragment in line.fragments:
                if fragment.text.startswith(("bold", "agency")):
                    assert fragment.face is faces[True], width


def test_no_break_spaces_never_become_line_breaks(set_lines, hyphenate, faces):
    """A tie holds, unless the tied words together are wider than a line: then they break at a
    tie (never inside a word)."""
    text = ("Согласно Указу №\u00a0328 и\u00a0в\u00a0рамках плана на\u00a02018 год выделено 1\u00a0077 млн тенге "
            "для\u00a0реализации мер по\u00a0противодействию коррупции в\u00a0государственных органах")
    ties = [token for token in text.split(" ") if "\u00a0" in token]
    assert len(ties) == 7
    for hyphenator_ in (None, hyphenate["ru"]):
        for width in range(70, 300, 5):
            lines = set_lines((Run(text),), width, hyphenate=hyphenator_, align="justify")
            texts = [line.text for line in lines]
            fits = {tie: faces[False].measure(tie) * SIZE / 1000 <= width for tie in ties}
            for line in texts:
                assert not line.startswith("\u00a0"), (width, line)
                if line.endswith("\u00a0"):
                    chain = next(tie for tie in ties if tie.startswith(line.split(" ")[-1]))
                    assert not fits[chain], (width, line)
            # each tie that fits a line stands on one line up to two letters after its last
            # no-break space (the last word may go on hyphenated, never the tie break)
            for tie in ties:
                if fits[tie]:
                    head = tie[:tie.rindex("\u00a0") + 3]
                    assert any(head in line for line in texts), (width, tie, texts)


def test_a_compound_breaks_after_its_hyphen_without_another(set_lines, hyphenate):
    runs = (Run("Our anti-corruption measures and the long-term plans"),)
    broke = 0
    for hyphenator_ in (None, hyphenate["en"]):
        for width in range(60, 280, 2):
            lines = set_lines(runs, width, hyphenate=hyphenator_)
            texts = [line.text for line in lines]
            assert not any("--" in t for t in texts), (width, texts)
            for line, following in zip(texts, texts[1:]):
                if line.endswith("anti-"):
                    assert following.startswith("cor"), (width, texts)
                    broke += 1
                if line.endswith("long-"):
                    assert following.startswith("term"), (width, texts)
                    broke += 1
            if hyphenator_ is None:  # nothing may add a hyphen: every line end is a space or a compound's own
                assert all(t.endswith(("anti-", "long-")) or not t.endswith("-") for t in texts)
                assert " ".join(texts).replace("- ", "-") == runs[0].text
    assert broke >= 4, "some widths should break the compounds after their hyphens"


def test_a_break_after_a_compounds_own_hyphen_is_not_an_added_hyphen(set_lines, hyphenate):
    """So it does not count towards MAX_HYPHENATED_LINES."""
    for hyphenator_ in (None, hyphenate["en"]):
        lines = set_lines((Run("Our anti-corruption measures"),), 56, hyphenate=hyphenator_)
        assert [line.text for line in lines][:2] == ["Our anti-", "corruption"]
        assert not lines[0].hyphenated


def test_no_line_is_wider_than_its_measure(kz):
    """No line passes its measure: spaces never shrink (as in Word and LibreOffice)."""
    count = shrunk = 0
    for text in kz.texts():
        for line in text.lines:
            assert line.width <= line.available + overrun_allowed(line, text.size), f"{text.where}: {line.text!r}"
            count += 1
            shrunk += line.width > line.available + EPSILON
    assert count > 1000 and not shrunk


# --------------------------------------------------------------------------------------------
# 5. keep with next


def test_no_heading_or_parent_toc_entry_ends_a_page(kz):
    toc = next(b for b in kz.document.blocks() if isinstance(b, TableOfContents))
    parents = {entry.anchor for entry, following in zip(toc.entries, toc.entries[1:]) if following.level > entry.level}
    assert parents
    seen_parents = 0
    for number, page in enumerate(kz.pages, 1):
        last = page.items[-1][1]
        if isinstance(last, _Text):
            assert last.anchor is None, f"the heading #{last.anchor} is the last line of page {number}"
            assert last.toc_anchor not in parents, \
                f"the TOC entry for #{last.toc_anchor} is the last line of page {number}, its sub-entries follow"
        for _, block in page.items:
            seen_parents += isinstance(block, _Text) and block.toc_anchor in parents
    assert seen_parents == len(parents)


def test_a_toc_entry_with_sub_entries_never_ends_a_page(theme):
    """A level-1 entry at every height of the page: it always goes over with its first sub-entry."""
    for shift in range(0, 6):
        entries = [TocEntry(f"Entry {n}", 2, f"pre-{n}") for n in range(shift)]
        for chapter in range(20):
            entries.append(TocEntry(f"Chapter {chapter}", 1, f"chapter-{chapter}"))
            entries += [TocEntry(f"Recommendation {chapter}.{n}", 2, f"rec-{chapter}-{n}") for n in range(4)]
        headings = [Heading(e.text, e.level, e.anchor, "heading-2" if e.level == 2 else "heading-1")
                    for e in entries]
        laid = laid_out(document([TableOfContents("Contents", tuple(entries)), PageBreak(), *headings]), theme)
        toc_pages = [page for page in laid.pages if any(b.toc_anchor for _, b in page.items)]
        assert len(toc_pages) >= 2
        for page in toc_pages:
            last = page.items[-1][1]
            assert not last.toc_anchor.startswith("chapter-"), (shift, last.toc_anchor)


@pytest.mark.parametrize("sentences", [2, 8])
def test_a_heading_at_every_height_of_a_page_goes_with_the_next_paragraph(sentences, theme):
    """A short paragraph (no split possible) or a long one: the heading never ends a page."""
    text = prose(random.Random(sentences), "en", sentences)
    moved = split = 0
    for filler in range(28, 37):  # the heading stands from the lower third of the page to its foot
        blocks = [para(f"Line {n}.", f"filler.{n}") for n in range(filler)]
        blocks += [Heading("Kept with what follows", 2, "kept", "heading-2"), para(text, "after")]
        laid = laid_out(document(blocks), theme)
        for number, page in enumerate(laid.pages, 1):
            for index, (_, block) in enumerate(page.items):
                if isinstance(block, _Text) and block.anchor == "kept":
                    assert index < len(page.items) - 1, f"{filler} lines: the heading ends page {number}"
                    assert page.items[index + 1][1].where == "after"
                    moved += index == 0 and number > 1
        split += bool(laid.cuts)
    assert moved, "at some height the heading should have gone to the next page"
    if sentences > 4:
        assert split, "at some height the long paragraph should have been split below the heading"


# --------------------------------------------------------------------------------------------
# 6. tables


def table_parts(laid: Laid) -> list[tuple[_Table, list[tuple[int, float, _Table]]]]:
    """Each table of the story with its parts as placed: (page index, y, part)."""
    tables = [block for block in laid.story if isinstance(block, _Table)]
    parts = {id(table.header): [] for table in tables}
    for number, page in enumerate(laid.pages):
        for y, block in page.items:
            if isinstance(block, _Table):
                parts[id(block.header)].append((number, y, block))
    return [(table, parts[id(table.header)]) for table in tables]


def check_table(table: _Table, parts, frame: float) -> None:
    assert parts, "a table was never placed"
    body = [row for _, _, part in parts for row in part.body]
    # rows are never split, lost or repeated: the parts hold the table's own rows, in order
    assert len(body) == len(table.body) and all(a is b for a, b in zip(body, table.body))
    pages = [number for number, _, _ in parts]
    assert pages == list(range(pages[0], pages[0] + len(parts))), "the parts are not on consecutive pages"
    for index, (number, y, part) in enumerate(parts):
        # the header rows head every part; a continued part opens its page
        assert len(part.header) == len(table.header) and all(a is b for a, b in zip(part.header, table.header))
        if index:
            assert y == 0, f"page {number + 1}: the rest of the table does not start the page"
        assert y + part.height <= frame + 0.01, f"page {number + 1}: the table runs past the frame"
        if len(parts) > 1:
            assert len(part.body) >= MIN_ROWS, \
                f"page {number + 1}: {len(part.body)} body row of a {len(table.body)}-row table"


def test_the_summary_table_is_placed_and_split_between_rows(kz, theme):
    """Where it stands, split between rows with its header repeated (tests/test_page_defects.py
    checks that it starts under the summary text)."""
    tables = table_parts(kz)
    assert tables
    for table, parts in tables:
        check_table(table, parts, frame_height(theme))


def small_table(rows: int, header_rows: int = 2) -> Table:
    header = (Row((Cell((para("Recommendation", "h.1", "table-header"),), "table-header"),
                   Cell((para("Rating", "h.2", "table-header"),), "table-header"))),
              Row((Cell((para("", "h.3", "table-header"),), "table-header"),
                   Cell((para("2019", "h.4", "table-header"),), "table-header"))))[:header_rows]
    body = tuple(Row((Cell((para(f"Recommendation {n}", f"rows[{n}]", "table-cell"),)),
                      Cell((para("progress", f"rows[{n}].rating", "rating-progress"),), "rating-progress")))
                 for n in range(rows))
    return Table(header + body, (0.7, 0.3), header_rows=header_rows)


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 5, 9, 40, 41, 75])
def test_a_table_at_every_height_of_a_page_splits_between_rows(rows, theme):
    """A table starts where it stands when its header and two rows fit there, and splits between
    rows, its header repeated, never leaving one row alone on a page."""
    frame = frame_height(theme)
    split = 0
    for filler in range(18, 37):  # the table starts from mid-page to its foot
        blocks = [para(f"Line {n}.", f"filler.{n}") for n in range(filler)] + [small_table(rows), para("After.", "a")]
        laid = laid_out(document(blocks), theme)
        for table, parts in table_parts(laid):
            check_table(table, parts, frame)
            split += len(parts) > 1
    if rows >= 40:  # taller than a page
        assert split, "the table should have been split at some heights"
