"""Typographic ties: where lines must not break."""

from __future__ import annotations

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


def test_the_russian_cover_never_ends_a_line_with_a_preposition(kz_docs):
    programme = kz_docs["ru"].sections[0].blocks
    texts = [b.text for b in programme if hasattr(b, "runs") and b.style == "cover-programme"]
    assert texts == [f"Стамбульский план действий по борьбе с{NBSP}коррупцией"]
