"""Typographic ties: where lines must not break."""

from __future__ import annotations

import random
import re

from iapreport.i18n import get_locale
from iapreport.typography import NBSP, Ties


def test_numbers_stay_with_their_label_and_digit_groups_stay_together():
    tie = Ties()
    assert tie("Recommendation No. 7 and Decree № 328, Art. 5") == \
        f"Recommendation No.{NBSP}7{NBSP}and Decree №{NBSP}328, Art.{NBSP}5"
    assert tie("1 077 служащих, 12 500 000 тенге") == f"1{NBSP}077{NBSP}служащих, 12{NBSP}500{NBSP}000{NBSP}тенге"
    assert tie("in 2018 100 measures; 3.5 000") == f"in 2018 100{NBSP}measures; 3.5 000"


def test_numbers_stay_with_the_word_they_count_and_dashes_never_open_a_line():
    tie = Ties()
    assert tie("on 31 December 2018, 19 нарушений в 2022 году") == \
        f"on 31{NBSP}December 2018, 19{NBSP}нарушений в 2022{NBSP}году"
    assert tie("the policy – and the plan — were adopted") == f"the policy{NBSP}– and the plan{NBSP}— were adopted"
    assert tie("2015–2017 and 1.5 million, v2 draft") == f"2015–2017{NBSP}and 1.5 million, v2 draft"


def test_short_words_come_from_the_catalog():
    ru = Ties(get_locale("ru").short_words())
    assert ru("борьбе с коррупцией и в городе") == f"борьбе с{NBSP}коррупцией и{NBSP}в{NBSP}городе"
    assert ru("Вадим и сын-а кто") == f"Вадим и{NBSP}сын-а кто"
    assert get_locale("en").short_words() == ()


class _PlainTies:
    """The tie rules stated plainly, with look-behinds (as they were first written): the oracle
    for `Ties`, whose patterns are rearranged for speed."""

    def __init__(self, short_words):
        words = sorted(short_words, key=len, reverse=True)
        self.short = re.compile(r"(?<![\w\-])(" + "|".join(map(re.escape, words)) + r") (?=\S)")

    def __call__(self, text: str) -> str:
        text = re.sub(r"(?<!\w)(No\.|Nos\.|№|Art\.|pp?\.|§) (?=\d)", r"\1" + NBSP, text)
        text = re.sub(r"(?<![\d.,])(\d{1,3}) (?=\d{3}(?!\d))", r"\1" + NBSP, text)
        text = re.sub(r"(?<![\w.,])(\d+) (?=[^\W\d_]{3})", r"\1" + NBSP, text)
        text = re.sub(r"(?<=\S) (?=[\u2013\u2014] )", NBSP, text)
        return self.short.sub(r"\1" + NBSP, text)


def test_fast_tie_rules_agree_with_their_plain_statement_on_random_text():
    words = get_locale("ru").short_words() + ("No.", "И")
    fast, plain = Ties(words), _PlainTies(words)
    rnd = random.Random(7)
    pieces = list("0123456789 .,_-–—№§Noясвиап()«»\xa0\tAb٣") + [" и ", " в ", "или ", " с ", "No. ", "Art. ",
                                                         "1 000", "12 345", "2018 год", " – ", "сын-а "]
    for _ in range(50_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 16)))
        assert fast(text) == plain(text), repr(text)


def test_the_russian_cover_never_ends_a_line_with_a_preposition(kz_docs):
    programme = kz_docs["ru"].sections[0].blocks
    texts = [b.text for b in programme if hasattr(b, "runs") and b.style == "cover-programme"]
    assert texts == [f"Четвертый раунд мониторинга Стамбульского плана действий по борьбе с{NBSP}коррупцией"]
