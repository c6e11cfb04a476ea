"""Model + templates + locale → document tree: the one owner of the publication's outline.

The order of the parts follows the published progress updates: cover and about blocks, table of
contents, methodology, the summary with its table of ratings, then a section per recommendation
with every update since the monitoring report. Every word added to the data comes from
``templates/publication.j2`` or the rating scales, translated through the edition's catalog;
prose fields are parsed as Markdown here (once). Nothing is written to disk.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import markdown, model
from .errors import IapreportError
from .typography import Quotes, Ties
from .i18n import Locale, get_locale, template_module
from .scales import scales
from .tree import (Block, Cell, Document, Heading, Image, ImageRow, Metadata, PageBreak, Paragraph, Row, Run,
                   Section, Table, TableOfContents, TocEntry)

if TYPE_CHECKING:
    from .theme import Theme


class ComposeError(IapreportError):
    """The data cannot make this edition (e.g. prose missing in its language)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def anchor(kind: str, number: str) -> str:
    """Return a bookmark name valid in Word and PDF: ``rec_1_1`` for recommendation 1.1."""
    return f"{kind}_{re.sub(r'[^A-Za-z0-9]', '_', number)}"


@dataclass
class _Composer:
    report: model.Report
    locale: Locale
    t: object  # the template module of macros
    theme: "Theme"  # for the cover's logos: their size, and the theme's own when the data names none
    missing: list[str] = field(default_factory=list)
    #: the language whose text stands in for a field the edition's language lacks (None: none does)
    fallback: str | None = None
    #: (field path, where: the anchor of the section it is printed in, or "cover") of each stand-in
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    #: the anchor of the section being composed, for `fallbacks`
    where: str = "cover"
    #: every prose field composed (to check the report's `straight_quotes` names real ones)
    prose_paths: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.quotes = Quotes(*self.locale.quote_pairs())

    @property
    def lang(self) -> str:
        """The language of the data's text this edition prints."""
        return self.locale.prose_lang

    # -- data access ---------------------------------------------------------------------------

    def text(self, value: model.Localized | None, path: str) -> str:
        """Return the edition's text of a field, recording (not hiding) a missing one."""
        if value is None:
            return ""
        found = value.get(self.lang)
        if found is None and self.fallback is not None:
            found = value.get(self.fallback)
            if found is not None:
                self.fallbacks.append((path, self.where))
                return found
        if found is None:
            self.missing.append(f"{self.report.source}: {path}: no {self.lang!r} text "
                                f"(given in {', '.join(value.languages)})")
            return ""
        return found

    def prose(self, value: model.Localized | None, path: str, style: str = "body") -> list[Block]:
        text = self.text(value, path)
        if not text:
            return []
        try:
            blocks = list(markdown.parse(text, source=f"{path}.{self.lang}", style=style))
            self.prose_paths.add(path)
            if path in self.report.straight_quotes:
                return blocks
            return self.quotes.blocks(blocks)
        except markdown.ProseLost as exc:
            self.missing.append(f"{self.report.source}: {exc}")
            return []

    def macro(self, name: str, *args, **kwargs) -> str:
        return str(getattr(self.t, name)(*args, **kwargs)).strip()

    def markdown_macro(self, name: str, style: str, source: str, *args) -> list[Block]:
        return list(markdown.parse(self.macro(name, *args), source=source, style=style))

    # -- pieces --------------------------------------------------------------------------------

    def country_name(self) -> str:
        if self.report.country_name is not None:
            return self.text(self.report.country_name, "country_name")
        name = self.locale.territory(self.report.country)
        if name is None:
            self.missing.append(f"{self.report.source}: country: no name for {self.report.country!r} "
                                f"in {self.lang!r}; give country_name")
            return self.report.country
        return name

    def document_type(self) -> str:
        if self.report.title is not None:
            return self.text(self.report.title, "title")
        return self.macro("document_type")

    def boilerplate(self, name: str, style: str, *args) -> list[Block] | None:
        """Return a boilerplate block's blocks, the report's override, or None when dropped."""
        overridden, value = self.report.boilerplate_override(name)
        if overridden:
            if value is None:
                return None
            return self.prose(value, f"boilerplate.{name}", style)
        return self.markdown_macro(name, style, f"template:{name}", *args)

    def meeting_ordinal(self, meeting: model.Meeting) -> str:
        return self.locale.ordinal(meeting.number)

    # -- parts ---------------------------------------------------------------------------------

    def logos(self) -> list[Block]:
        """Return the cover's row of logos (the data's, else the theme's), or nothing when neither
        names any. A row wider than the text shrinks as a whole to fit it."""
        cover = self.theme.cover
        if self.report.logos is not None:
            logos, source = self.report.logos, "logos"
        else:
            logos, source = cover.logos, "theme:cover.logos"
        if not logos:
            return []
        row = ImageRow(tuple(Image(logo.path, logo.width_px, logo.height_px) for logo in logos),
                       cover.logo_height, cover.logo_gap, cover.logo_align, cover.logo_space_after, source)
        room = self.theme.page.text_width
        if row.width > room:
            scale = room / row.width  # rounded down to a hundredth of a millimetre: never wider than the text
            row = row._replace(height=math.floor(row.height * scale * 100) / 100,
                               gap=math.floor(row.gap * scale * 100) / 100)
        return [row]

    def cover(self, country: str, doc_type: str) -> list[Block]:
        blocks: list[Block] = self.logos()
        overridden, value = self.report.boilerplate_override("publisher")
        if not overridden or value is not None:
            # the address block is kept line by line, never reflowed as Markdown
            source = "boilerplate.publisher" if overridden else "template:publisher"
            text = self.text(value, source) if overridden else self.macro("publisher", dict(self.report.contact))
            blocks.append(Paragraph((Run(self.macro("network_short"), bold=True),), "cover-publisher"))
            blocks.extend(Paragraph((Run(line.strip()),), "cover-publisher", source)
                          for line in text.splitlines() if line.strip())
        # the programme and the round, in the order and case the language puts them
        lines = [line.strip() for line in self.macro("cover_programme_round", self.report.round).split("\n")
                 if line.strip()]
        blocks.extend(Paragraph((Run(line),), "cover-programme" if index == 0 else "cover-round")
                      for index, line in enumerate(lines))
        assessed = self.report.assessed_round
        if assessed is not None and assessed != self.report.round:
            blocks.append(Paragraph((Run(self.macro("assessed_round", assessed)),), "cover-round", "assessed_round"))
        blocks.append(Paragraph((Run(country),), "cover-country", "country_name"))
        blocks.append(Paragraph((Run(doc_type),), "cover-title"))
        original = self.report.original_language
        if original and original != self.lang:
            language = self.locale.language_name(original, "translated from")
            blocks.append(Paragraph((Run(self.macro("translation_note", language)),), "cover-note"))
        description = self.boilerplate("description", "cover-description", country)
        if description:
            blocks.extend(description)
        return blocks

    def about(self) -> list[Block]:
        blocks: list[Block] = []
        for name in ("about_oecd", "about_acn", "about_iap"):
            body = self.boilerplate(name, "about-body")
            if body is None:
                continue
            blocks.append(Paragraph((Run(self.macro(f"{name}_heading")),), "about-heading"))
            blocks.extend(body)
        return blocks

    def summary(self, scale, country: str) -> list[Block]:
        report = self.report
        self.where = "summary"
        blocks: list[Block] = []
        for mi, meeting in enumerate(report.meetings):
            path = f"meetings[{mi}]"
            place = self.text(meeting.place, f"{path}.place")
            dates = self.locale.date_range(meeting.start, meeting.end)
            month = self.locale.month(meeting.end)
            if meeting.name is not None:
                lead = self.macro("named_meeting_summary", self.text(meeting.name, f"{path}.name"), dates, place,
                                  month, self.meeting_ordinal(meeting), meeting.number)
            else:
                lead = self.macro("meeting_summary", self.meeting_ordinal(meeting), dates, place, month,
                                  meeting.number)
            experts = self.locale.join([
                self.macro("expert", self.text(e.name, f"{path}.experts[{ei}].name"),
                           self.text(e.affiliation, f"{path}.experts[{ei}].affiliation"))
                for ei, e in enumerate(meeting.experts)
            ])
            facts = " ".join(self.meeting_facts(meeting, path))
            blocks.append(Paragraph((Run(lead, bold=True),
                                     Run(" " + self.macro("experts_sentence", len(meeting.experts), experts)
                                         + (" " + facts if facts else ""))),
                                    "summary-text", path))
            blocks.extend(self.prose(meeting.sources, f"{path}.sources", "summary-text"))
            counts = Counter(update.rating for _, rec in report.recommendations()
                             for update in rec.updates if update.meeting == meeting.number)
            total = sum(counts.values())
            if total:
                parts = [self.macro("rating_count", self.locale.gettext(r.label), self.locale.number(counts[r.value]))
                         for r in scale.ratings if counts[r.value]]
                sentence = self.macro("rating_counts", total, self.locale.number(total), self.locale.join(parts))
                blocks.append(Paragraph((Run(sentence),), "summary-text"))
        blocks.append(self.summary_table(scale))
        return blocks

    def meeting_facts(self, meeting: model.Meeting, path: str) -> list[str]:
        """Return the sentences on a meeting's facts the data gives (report, review, adoption)."""
        out: list[str] = []
        date = self.locale.date
        report = self.macro("government_report_label")
        if meeting.report_due is not None:
            out.append(self.macro("report_due", report, date(meeting.report_due)))
        if meeting.report_submitted is not None or meeting.report_submitted_by is not None:
            out.append(self.macro("report_submitted", report,
                                  date(meeting.report_submitted) if meeting.report_submitted else "",
                                  self.text(meeting.report_submitted_by, f"{path}.report_submitted_by")))
        if meeting.reviewed_by is not None:
            out.append(self.macro("reviewed_by", report, self.text(meeting.reviewed_by, f"{path}.reviewed_by")))
        if meeting.adopted_by is not None or meeting.adopted_on is not None:
            out.append(self.macro("adopted", self.text(meeting.adopted_by, f"{path}.adopted_by"),
                                  date(meeting.adopted_on) if meeting.adopted_on else ""))
        return out

    def summary_table(self, scale) -> Table:
        """Return the summary table, in the first form whose words all fit their columns (see
        `tablefit`): full labels, else abbreviated ratings with a legend, else those with soft
        hyphens in any word still too wide."""
        from . import tablefit

        report = self.report
        meetings = report.meetings
        n = len(meetings)
        used = {u.rating for _, rec in report.recommendations() for u in rec.updates}
        listed = [r for r in scale.ratings if not r.optional or r.value in used]
        titles = []
        for ci, chapter in enumerate(report.chapters):
            prefix = f"chapters[{ci}]." if chapter.title is not None else ""
            for ri, rec in enumerate(chapter.recommendations):
                title = self.text(rec.title, f"{prefix}recommendations[{ri}].title")
                titles.append((rec, self.macro("table_row_label", rec.number, title, max(1, len(rec.numbers)))))
        first_header = self.macro("table_recommendation_header")

        def form(short: bool) -> tuple[list[str], dict[str, str], str]:
            macro = "table_meeting_header_short" if short else "table_meeting_header"
            month = self.locale.short_month if short else self.locale.month
            headers = [self.macro(macro, self.meeting_ordinal(m), month(m.end),
                                  self.locale.date_range(m.start, m.end), m.number) for m in meetings]
            if short:
                labels = {r.value: self.locale.pgettext("short rating", r.short or r.label) for r in scale.ratings}
                legend = " / ".join(self.macro("table_legend_entry", labels[r.value], self.locale.gettext(r.label))
                                    for r in listed)
            else:
                labels = {r.value: self.locale.gettext(r.label) for r in scale.ratings}
                legend = " / ".join(labels[r.value] for r in listed)
            return headers, labels, legend

        measure = tablefit.Measure(self.theme)
        total = self.theme.page.text_width * tablefit.POINTS_PER_MM
        first_texts = [("table-header", first_header)] + [("table-cell", label) for _, label in titles]
        first = None
        for short, compact in ((False, False), (True, False), (True, True)):
            headers, labels, legend = form(short)
            if compact:  # the date's no-break spaces ("2014 г.") may break too, rather than a word
                headers = [re.sub("[\u00a0\u202f]", " ", h) for h in headers]
            header_style = "table-header-compact" if compact else "table-header"
            rating_style = (lambda value: "rating-compact") if compact else (lambda value: f"rating-{value}")
            meeting_texts = ([(header_style, h) for h in headers] + [(rating_style("none"), "—")]
                             + [(rating_style(value), labels[value]) for value in used])
            first = tablefit.fit_first(measure, total, n, first_texts, meeting_texts)
            if first is not None:
                break
        soften = None
        if first is None:  # even abbreviated, some word is wider than its column: hyphenate it
            first = max(tablefit.MIN_FIRST, min(tablefit.first_share(n),
                                                (measure.widest("table-cell", [t for _, t in first_texts])
                                                 + 2 * measure.padding + tablefit.SLACK) / total))
            soften = self.softener(measure, total, first, n)
        widths = tablefit.columns(first, n)

        def cell(text: str, style: str, span: int = 1, column: int = 0, text_style: str | None = None) -> Cell:
            """A cell in `style` (its background), its text in `text_style` (default the same)."""
            text_style = text_style or style
            if soften is not None and text:
                text = soften(text, text_style, column, span)
            return Cell((Paragraph((Run(text),), text_style),) if text else (), style, span)

        rows = [
            Row((cell(first_header, "table-header"), cell(self.macro("table_assessment_header"), "table-header", n, 1))),
            Row((cell("", "table-header"),) + tuple(cell(h, "table-header", 1, i + 1, header_style)
                                                    for i, h in enumerate(headers))),
            Row((cell("", "table-header"), cell(legend, "table-header", n, 1))),
        ]
        for rec, label in titles:
            cells = [cell(label, "table-cell")]
            by_meeting = {u.meeting: u for u in rec.updates}
            for mi, meeting in enumerate(meetings):
                update = by_meeting.get(meeting.number)
                if update is None:
                    cells.append(cell("—", "rating", 1, mi + 1, rating_style("none") if compact else None))
                else:
                    style = f"rating-{update.rating}"
                    cells.append(cell(labels[update.rating], style, 1, mi + 1, rating_style(update.rating)))
            rows.append(Row(tuple(cells)))
        return Table(tuple(rows), widths, header_rows=3)

    def softener(self, measure, total: float, first: float, n: int):
        """Return a function putting soft hyphens into the words of a cell too wide for it."""
        from . import tablefit
        from .writers._lines import hyphenator

        rules = self.theme.hyphenation
        points_of = hyphenator(rules.dictionary(self.locale.tag), rules.min_left, rules.min_right)
        widths = tablefit.columns(first, n)

        def soften(text: str, style: str, column: int, span: int) -> str:
            width = sum(widths[column:column + span]) * total - 2 * measure.padding - tablefit.SLACK
            return tablefit.hyphenate_to_fit(text, width, lambda word: measure.word(style, word),
                                             (lambda word: list(points_of(word))) if points_of else None)

        return soften

    def sections_body(self, scale, country: str) -> list[Block]:
        report = self.report
        blocks: list[Block] = [Heading(self.macro("assessment_part_heading"), 1, "assessment", "heading-1")]
        chapter_word = (self.text(report.chapter_label, "chapter_label") if report.chapter_label
                        else self.macro("chapter_label"))
        order = {m.number: i for i, m in enumerate(report.meetings)}
        for ci, chapter in enumerate(report.chapters):
            cpath = f"chapters[{ci}]." if chapter.title is not None else ""
            if chapter.title is not None:
                self.where = anchor("chapter", chapter.number)
                title = self.text(chapter.title, f"{cpath}title")
                blocks.append(Heading(self.macro("chapter_heading", chapter_word, chapter.number, title), 1,
                                      anchor("chapter", chapter.number), "heading-chapter"))
            for ri, rec in enumerate(chapter.recommendations):
                rpath = f"{cpath}recommendations[{ri}]"
                self.where = anchor("rec", rec.number)
                rec_title = self.text(rec.title, f"{rpath}.title")
                blocks.append(Heading(self.macro("recommendation_heading", rec.number, rec_title,
                                                 max(1, len(rec.numbers))), 2,
                                      anchor("rec", rec.number), "heading-2"))
                blocks.extend(self.prose(rec.text, f"{rpath}.text", "recommendation"))
                for ui, update in sorted(enumerate(rec.updates), key=lambda pair: order[pair[1].meeting]):
                    upath = f"{rpath}.updates[{ui}]"
                    meeting = report.meeting(update.meeting)
                    blocks.append(Heading(self.meeting_heading(meeting), 3,
                                          anchor("rec", f"{rec.number}_m{meeting.number}"), "heading-3",
                                          toc=report.contents_meetings, outline=report.contents_meetings))
                    blocks.append(Paragraph((Run(self.macro("government_report_label")),), "label"))
                    blocks.extend(self.prose(update.government_report, f"{upath}.government_report"))
                    blocks.append(Paragraph((Run(self.macro("assessment_label")),), "label"))
                    blocks.extend(self.prose(update.assessment, f"{upath}.assessment"))
                    if update.conclusion is not None:
                        blocks.extend(self.prose(update.conclusion, f"{upath}.conclusion", "conclusion"))
                    else:
                        label = self.locale.gettext(scale.rating(update.rating).label)
                        sentence = self.macro("conclusion", rec.number, label, max(1, len(rec.numbers)), country)
                        blocks.append(Paragraph((Run(sentence),), "conclusion", f"{upath}.rating"))
        return blocks

    def mark_fallbacks(self, cover: list[Block], body: list[Block]) -> tuple[list[Block], list[Block]]:
        """Put a note under the heading of each section that prints text in the fallback language
        (under the title on the cover), in the edition's language, for readers and the secretariat."""
        places = {where for _, where in self.fallbacks}
        note = Paragraph((Run(self.macro("fallback_note", self.locale.language_name(self.fallback))),),
                         "fallback-note")
        marked_body: list[Block] = []
        for block in body:
            marked_body.append(block)
            if isinstance(block, Heading) and block.anchor in places:
                marked_body.append(note)
        marked_cover: list[Block] = []
        for block in cover:
            marked_cover.append(block)
            if "cover" in places and isinstance(block, Paragraph) and block.style == "cover-title":
                marked_cover.append(note)
        return marked_cover, marked_body

    def meeting_heading(self, meeting: model.Meeting) -> str:
        """Return a meeting's heading: "19th ACN Monitoring Meeting, July 2018", or the meeting's
        own name with its full dates when the data gives one."""
        index = self.report.meetings.index(meeting)
        dates = self.locale.date_range(meeting.start, meeting.end)
        month = self.locale.month(meeting.end)
        place = self.text(meeting.place, f"meetings[{index}].place")
        if meeting.name is not None:
            name = self.text(meeting.name, f"meetings[{index}].name")
            return self.macro("named_meeting_heading", name, dates, month, place, self.meeting_ordinal(meeting),
                              meeting.number)
        return self.macro("meeting_heading", self.meeting_ordinal(meeting), month, dates, place, meeting.number)

    # -- the whole -----------------------------------------------------------------------------

    def document(self) -> Document:
        report = self.report
        scale = scales()[report.rating_scale]
        country = self.country_name()
        doc_type = self.document_type()

        cover = self.cover(country, doc_type)
        about = self.about()
        if about:
            cover.append(PageBreak())
            cover.extend(about)

        body: list[Block] = []
        methodology = self.boilerplate("methodology", "body")
        if methodology is not None:
            body.append(Heading(self.macro("methodology_heading"), 1, "methodology", "heading-1"))
            body.extend(methodology)
            body.append(PageBreak())
        body.append(Heading(self.macro("summary_heading"), 1, "summary", "heading-1"))
        body.extend(self.summary(scale, country))
        body.append(PageBreak())
        body.extend(self.sections_body(scale, country))

        if self.fallbacks:
            cover, body = self.mark_fallbacks(cover, body)
        entries = tuple(TocEntry(h.toc_text or h.text, h.level, h.anchor or "")
                        for h in body if isinstance(h, Heading) and h.toc)
        toc = TableOfContents(self.macro("toc_title"), entries)
        front: list[Block] = [toc, PageBreak()]

        for path in self.report.straight_quotes:
            if path not in self.prose_paths:
                self.missing.append(f"{self.report.source}: straight_quotes: {path!r} names no Markdown field of "
                                    f"the report (write a field's path as messages give it, without the language)")
        if self.missing:
            raise ComposeError(list(dict.fromkeys(self.missing)))  # a field used twice is listed once

        programme = self.macro("programme")
        round_title = self.macro("round_title", report.round)
        meetings = ", ".join(str(m.number) for m in report.meetings)
        metadata = Metadata(
            title=self.macro("metadata_title", country, doc_type),
            subject=self.macro("metadata_subject", programme, round_title, len(report.meetings), meetings),
            author=self.macro("metadata_author"),
            keywords=(programme, country, doc_type, self.macro("keyword_anticorruption"),
                      self.macro("keyword_monitoring")),
            language=self.locale.tag,
            date=report.publication_date,
            description=round_title,
        )
        header = self.macro("running_header", country, doc_type)
        document = Document(metadata, (
            Section(tuple(cover)),
            Section(tuple(front + body), running_header=header, page_numbers=True),
        ), fallbacks=tuple(f"{report.source}: {path}: no {self.lang!r} text; the {self.fallback!r} text is printed"
                           for path, _ in self.fallbacks))
        return Ties(self.locale.short_words(), self.locale.hyphenations()).document(document)


def compose(report: model.Report, lang: str, *, locales_dirs: Sequence[str | Path] = (),
            template_dir: str | Path | None = None, theme: "Theme | None" = None,
            fallback: str | None = None) -> Document:
    """Return the document tree of `report`'s edition in `lang`.

    `theme` (default: the shipped one) gives the cover's logos their size, and its own logos when
    the data names none. Raises LocaleError when no catalog exists for `lang`, ComposeError when
    the data lacks text in that language (every missing field is listed), unless `fallback` names
    a language whose text then stands in: each such field is listed in the document's `fallbacks`
    and a note under its section's heading says so, in the edition's language.
    """
    if theme is None:
        from .theme import load_theme

        theme = load_theme()
    locale = get_locale(lang, locales_dirs)
    if fallback == locale.prose_lang:
        fallback = None
    labels, missing = [], []
    for label in report.labels:
        forms = label.get(locale.prose_lang)
        if forms is None and fallback is not None:
            forms = label.get(fallback)
        if forms is None:
            missing.append(f"{report.source}: labels.{label.msgid}: no {locale.lang!r} text "
                           f"(given in {', '.join(label.languages)})")
        else:
            labels.append((label.msgid, forms))
    if labels:
        locale = locale.relabelled(tuple(labels))
    composer = _Composer(report, locale, template_module(locale, template_dir=template_dir), theme, missing,
                         fallback)
    return composer.document()
