"""Synthetic reports for benchmarks and stress tests: realistic shape, any size, reproducible.

`generate(recommendations=290, seed=1)` returns the data (a dict in the iapreport/1 format) of a
report with that many recommendations, bilingual prose of the sample's proportions (numbered
parts, `1)` items, bullets, links, emphasis, `N.1.` assessment paragraphs). The same seed gives
the same report.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

_EN = ("the agency adopted implementation plan civil service integrity measures public procurement "
       "declarations assets conflict interest judiciary prosecution training monitoring group "
       "legislation draft law amendments council strategy corruption risks analysis report "
       "government experts progress recommendation authorities information statistics courts "
       "investigation sanctions transparency access practice regional ministries society").split()
_RU = ("агентство утвердило план реализации государственной службы меры добросовестности закупок "
       "декларации активов конфликта интересов судебной прокуратуры обучение мониторинговая группа "
       "законодательство проект закона поправки совет стратегия коррупционных рисков анализ доклад "
       "правительство эксперты прогресс рекомендация органы информация статистика суды "
       "расследование санкции прозрачность доступ практика региональные министерства общество").split()

_RATINGS = ("progress", "significant_progress", "lack_of_progress")


def _sentence(rng: random.Random, words: tuple[str, ...] | list[str], n: int) -> str:
    chosen = [rng.choice(words) for _ in range(n)]
    if rng.random() < 0.15:
        k = rng.randrange(len(chosen))
        chosen[k] = f"**{chosen[k]}**"
    if rng.random() < 0.1:
        k = rng.randrange(len(chosen))
        chosen[k] = f"*{chosen[k]}*"
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words, sentences: int) -> str:
    return " ".join(_sentence(rng, words, rng.randint(8, 22)) for _ in range(sentences))


def _prose(rng: random.Random, kind: str, parts: int, number: int) -> dict[str, str]:
    out = {}
    state = rng.getstate()
    for lang, words in (("en", _EN), ("ru", _RU)):
        rng.setstate(state)  # the same shape in both languages
        blocks: list[str] = []
        if kind == "text":
            blocks = [f"{i}. {_paragraph(rng, words, rng.randint(1, 3))}" for i in range(1, parts + 1)]
            out[lang] = "\n".join(blocks) + "\n"
            continue
        if kind == "report":
            for i in range(1, parts + 1):
                item = [f"{i}) {_paragraph(rng, words, rng.randint(1, 3))}"]
                for _ in range(rng.randint(0, 2)):
                    item.append("   " + _paragraph(rng, words, rng.randint(1, 4)))
                if rng.random() < 0.5:
                    item.append("\n".join(f"   - {_sentence(rng, words, rng.randint(5, 12))}"
                                          for _ in range(rng.randint(2, 5))))
                if rng.random() < 0.3:
                    item.append(f"   See <https://example.org/report/{number}/{i}>.")
                blocks.append("\n\n".join(item))
        else:
            blocks = [f"{number}.{i}. {_paragraph(rng, words, rng.randint(2, 5))}" for i in range(1, parts + 1)]
        out[lang] = "\n\n".join(blocks) + "\n"
    return out


def generate(recommendations: int = 290, seed: int = 1, meetings: int = 1) -> dict[str, Any]:
    """Return the data of a synthetic report with that many recommendations."""
    rng = random.Random(seed)
    meeting_list = []
    start = dt.date(2018, 7, 3)
    for m in range(meetings):
        day = start + dt.timedelta(days=182 * m)
        meeting_list.append({
            "number": 19 + m, "start": day.isoformat(), "end": (day + dt.timedelta(days=2)).isoformat(),
            "place": {"en": "Paris", "ru": "Париж"},
            "experts": [{"name": {"en": f"Expert {i}", "ru": f"Эксперт {i}"},
                         "affiliation": {"en": "OECD", "ru": "ОЭСР"}} for i in range(1, 4)],
            "sources": _prose(rng, "assessment", 1, 0),
        })
    chapters = []
    per_chapter = max(1, recommendations // 4)
    number = 0
    for c in range(1, 5):
        recs = []
        count = per_chapter if c < 4 else recommendations - per_chapter * 3
        for _ in range(count):
            number += 1
            parts = rng.randint(1, 5)
            recs.append({
                "number": number,
                "title": {"en": f"Topic {number}", "ru": f"Тема {number}"},
                "text": _prose(rng, "text", parts, number),
                "updates": [{
                    "meeting": m["number"], "rating": rng.choice(_RATINGS),
                    "government_report": _prose(rng, "report", parts, number),
                    "assessment": _prose(rng, "assessment", parts, number),
                } for m in meeting_list],
            })
        chapters.append({"number": c, "title": {"en": f"Chapter theme {c}", "ru": f"Тема главы {c}"},
                         "recommendations": recs})
    return {"format": "iapreport/1", "country": "KZ", "round": 4, "original_language": "ru",
            "meetings": meeting_list, "chapters": chapters}
