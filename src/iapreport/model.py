"""The report as typed, immutable data: what `load` produces and `compose` consumes.

Nothing here knows about files, YAML, templates or output formats. Every human-readable value is a
`Localized`: the text of one field in every language the data gives it in.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

FORMAT = "iapreport/1"


class Localized(NamedTuple):
    """One human-readable field in several languages.

    `universal` is set when the data gave a plain string (allowed for names and codes): it then
    serves every edition. Otherwise `texts` maps a language code (``en``, ``ru``) to its text.
    """

    texts: tuple[tuple[str, str], ...] = ()
    universal: str | None = None

    @classmethod
    def of(cls, value: str | dict[str, str]) -> "Localized":
        """Return a Localized from a plain string or a ``{lang: text}`` mapping."""
        if isinstance(value, str):
            return cls(universal=value)
        return cls(texts=tuple(value.items()))

    def get(self, lang: str) -> str | None:
        """Return the text for `lang`, the universal text, or None when the data lacks it."""
        if self.universal is not None:
            return self.universal
        for code, text in self.texts:
            if code == lang:
                return text
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        """Return the language codes this field is given in (empty for a universal text)."""
        return tuple(code for code, _ in self.texts)


class Expert(NamedTuple):
    """A member of the assessment team of one monitoring meeting."""

    name: Localized
    affiliation: Localized


class Meeting(NamedTuple):
    """A monitoring (plenary) meeting at which the progress update was assessed."""

    number: int
    start: _dt.date
    end: _dt.date
    place: Localized
    experts: tuple[Expert, ...]
    sources: Localized | None = None
    #: the meeting's own name ("15th ACN Istanbul Action Plan Monitoring Meeting"), for headings
    name: Localized | None = None
    #: when the government's report was due and submitted, and who submitted it
    report_due: _dt.date | None = None
    report_submitted: _dt.date | None = None
    report_submitted_by: Localized | None = None
    #: who reviewed the report; the plenary that adopted the update, and when
    reviewed_by: Localized | None = None
    adopted_by: Localized | None = None
    adopted_on: _dt.date | None = None


class Update(NamedTuple):
    """What one meeting found about one recommendation."""

    meeting: int
    rating: str
    government_report: Localized
    assessment: Localized
    conclusion: Localized | None = None


class Recommendation(NamedTuple):
    """One recommendation of the monitoring report and every update on it since.

    `number` is the label as printed: ``"7"``, a dotted label such as ``"1.1"``, or for a section
    covering several recommendations at once (`numbers`), their range such as ``"1.1–1.2"``.
    """

    number: str
    title: Localized
    text: Localized
    updates: tuple[Update, ...] = ()
    #: every recommendation number the section covers (one, or several for a grouped section)
    numbers: tuple[str, ...] = ()

    @property
    def grouped(self) -> bool:
        """Whether the section covers several recommendations at once."""
        return len(self.numbers) > 1


class Logo(NamedTuple):
    """An image for the cover (PNG or JPEG), checked when the data was loaded.

    `path` is absolute; the size in pixels gives writers the aspect ratio without reopening it.
    """

    path: str
    width_px: int
    height_px: int


class Chapter(NamedTuple):
    """A chapter (or pillar) of the report, grouping recommendations in file order.

    A report without chapters has one chapter whose `title` is None: it prints no heading.
    """

    number: str
    title: Localized | None
    recommendations: tuple[Recommendation, ...]


class Label(NamedTuple):
    """A report's own wording for one catalog message (`msgid`, its English text).

    `texts` maps a language to its forms: one string, or one per plural form of that language
    for a message with a plural.
    """

    msgid: str
    texts: tuple[tuple[str, tuple[str, ...]], ...]
    plural: bool = False

    def get(self, lang: str) -> tuple[str, ...] | None:
        for code, forms in self.texts:
            if code == lang:
                return forms
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.texts)


@dataclass(frozen=True)
class Report:
    """A whole progress update, validated: what one data file describes."""

    country: str
    round: int
    meetings: tuple[Meeting, ...]
    chapters: tuple[Chapter, ...]
    original_language: str | None = None
    country_name: Localized | None = None
    title: Localized | None = None
    chapter_label: Localized | None = None
    rating_scale: str = "progress"
    date: _dt.date | None = None
    #: boilerplate block name -> replacement Markdown, or None where the report drops the block
    boilerplate: tuple[tuple[str, Localized | None], ...] = ()
    #: the cover's logos; None when the data names none (the theme's are used), () for none at all
    logos: tuple[Logo, ...] | None = None
    #: the table of contents lists every meeting's heading under each recommendation
    contents_meetings: bool = False
    #: the round whose recommendations the update assesses, when not this round's
    assessed_round: int | None = None
    #: the publisher block's contact lines: (phone | fax | email | website, text)
    contact: tuple[tuple[str, str], ...] = ()
    #: the report's own wording for catalog messages
    labels: tuple[Label, ...] = ()
    #: Markdown fields (paths as messages give them) whose straight quotes stay straight
    straight_quotes: tuple[str, ...] = ()
    #: where the data came from (for messages), not part of the publication
    source: str = field(default="<memory>", compare=False)

    def recommendations(self) -> Iterator[tuple[Chapter, Recommendation]]:
        """Yield every recommendation with its chapter, in publication order."""
        for chapter in self.chapters:
            for recommendation in chapter.recommendations:
                yield chapter, recommendation

    def meeting(self, number: int) -> Meeting:
        """Return the meeting with that number (validated data always has it)."""
        for meeting in self.meetings:
            if meeting.number == number:
                return meeting
        raise KeyError(number)

    @property
    def publication_date(self) -> _dt.date:
        """Return the date the publication carries: the data's, else the last meeting's end."""
        if self.date is not None:
            return self.date
        return max(meeting.end for meeting in self.meetings)

    @property
    def has_chapters(self) -> bool:
        """Whether the report is divided into chapters (else it is a flat list of sections)."""
        return any(chapter.title is not None for chapter in self.chapters)

    def boilerplate_override(self, name: str) -> tuple[bool, Localized | None]:
        """Return (overridden, text) for a boilerplate block; text None means dropped."""
        for key, value in self.boilerplate:
            if key == name:
                return True, value
        return False, None
