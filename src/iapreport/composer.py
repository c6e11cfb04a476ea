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
from .typography import Ties
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

    @property
    def lang(self) -> str:
        return self.locale.lang

    # -- data access ---------------------------------------------------------------------------

    def text(self, value: model.Localized | None, path: str) -> str:
        """Return the edition's text of a field, recording (not hiding) a missing one."""
        if value is None:
            return ""
        found = value.get(self.lang)
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
            return list(markdown.parse(text, source=f"{path}.{self.lang}", style=style))
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
            text = self.text(value, source) if overridden else self.macro("publisher")
            blocks.append(Paragraph((Run(self.macro("network_short"), bold=True),), "cover-publisher"))
            blocks.extend(Paragraph((Run(line.strip()),), "cover-publisher", source)
                          for line in text.splitlines() if line.strip())
        blocks.append(Paragraph((Run(self.macro("programme")),), "cover-programme"))
        blocks.append(Paragraph((Run(self.macro("round_title", self.report.round)),), "cover-round"))
        blocks.append(Paragraph((Run(country),), "cover-country", "country_name"))
        blocks.append(Paragraph((Run(doc_type),), "cover-title"))
        original = self.report.original_language
        if original and original != self.lang:
            language = self.locale.language_name(original)
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
        blocks: list[Block] = []
        for mi, meeting in enumerate(report.meetings):
            path = f"meetings[{mi}]"
            place = self.text(meeting.place, f"{path}.place")
            dates = self.locale.date_range(meeting.start, meeting.end)
            lead = self.macro("meeting_summary", self.meeting_ordinal(meeting), dates, place)
            experts = self.locale.join([
                self.macro("expert", self.text(e.name, f"{path}.experts[{ei}].name"),
                           self.text(e.affiliation, f"{path}.experts[{ei}].affiliation"))
                for ei, e in enumerate(meeting.experts)
            ])
            blocks.append(Paragraph((Run(lead, bold=True),
                                     Run(" " + self.macro("experts_sentence", len(meeting.experts), experts))),
                                    "summary-text", path))
            blocks.extend(self.prose(meeting.sources, f"{path}.sources", "summary-text"))
            counts = Counter(update.rating for _, rec in report.recommendations()
                             for update in rec.updates if update.meeting == meeting.number)
            total = sum(counts.values())
            if total:
                parts = [self.locale.ngettext(r.count_singular, r.count_plural, counts[r.value])
                         for r in scale.ratings if counts[r.value]]
                sentence = self.macro("rating_counts", total, self.locale.number(total), self.locale.join(parts))
                blocks.append(Paragraph((Run(sentence),), "summary-text"))
        blocks.append(self.summary_table(scale))
        return blocks

    def summary_table(self, scale) -> Table:
        report = self.report
        meetings = report.meetings
        n = len(meetings)
        # the title column takes what the rating columns do not need ("Significant progress")
        first = max(0.35, 0.65 - 0.1 * (n - 1))
        widths = (first,) + tuple((1 - first) / n for _ in meetings)

        def header(text: str, span: int = 1) -> Cell:
            return Cell((Paragraph((Run(text),), "table-header"),) if text else (), "table-header", span)

        scale_text = " / ".join(self.locale.gettext(r.label) for r in scale.ratings)
        rows = [
            Row((header(self.macro("table_recommendation_header")), header(self.macro("table_assessment_header"), n))),
            Row((header(""),) + tuple(
                header(self.macro("table_meeting_header", self.meeting_ordinal(m), self.locale.month(m.end)))
                for m in meetings)),
            Row((header(""), header(scale_text, n))),
        ]
        for ci, chapter in enumerate(report.chapters):
            for ri, rec in enumerate(chapter.recommendations):
                title = self.text(rec.title, f"chapters[{ci}].recommendations[{ri}].title")
                label = self.macro("table_row_label", rec.number, title)
                cells = [Cell((Paragraph((Run(label),), "table-cell"),))]
                by_meeting = {u.meeting: u for u in rec.updates}
                for meeting in meetings:
                    update = by_meeting.get(meeting.number)
                    if update is None:
                        cells.append(Cell((Paragraph((Run("—"),), "rating"),), "rating"))
                    else:
                        rating_label = self.locale.gettext(scale.rating(update.rating).label)
                        style = f"rating-{update.rating}"
                        cells.append(Cell((Paragraph((Run(rating_label),), style),), style))
                rows.append(Row(tuple(cells)))
        return Table(tuple(rows), widths, header_rows=3)

    def sections_body(self, scale, country: str) -> list[Block]:
        report = self.report
        blocks: list[Block] = [Heading(self.macro("assessment_part_heading"), 1, "assessment", "heading-1")]
        chapter_word = (self.text(report.chapter_label, "chapter_label") if report.chapter_label
                        else self.macro("chapter_label"))
        order = {m.number: i for i, m in enumerate(report.meetings)}
        for ci, chapter in enumerate(report.chapters):
            cpath = f"chapters[{ci}]"
            title = self.text(chapter.title, f"{cpath}.title")
            blocks.append(Heading(self.macro("chapter_heading", chapter_word, chapter.number, title), 1,
                                  anchor("chapter", chapter.number), "heading-chapter"))
            for ri, rec in enumerate(chapter.recommendations):
                rpath = f"{cpath}.recommendations[{ri}]"
                blocks.append(Heading(self.macro("recommendation_heading", rec.number), 2,
                                      anchor("rec", rec.number), "heading-2"))
                blocks.extend(self.prose(rec.text, f"{rpath}.text", "recommendation"))
                for ui, update in sorted(enumerate(rec.updates), key=lambda pair: order[pair[1].meeting]):
                    upath = f"{rpath}.updates[{ui}]"
                    meeting = report.meeting(update.meeting)
                    blocks.append(Heading(
                        self.macro("meeting_heading", self.meeting_ordinal(meeting), self.locale.month(meeting.end)),
                        3, anchor("rec", f"{rec.number}_m{meeting.number}"), "heading-3", toc=False, outline=False))
                    blocks.append(Paragraph((Run(self.macro("government_report_label")),), "label"))
                    blocks.extend(self.prose(update.government_report, f"{upath}.government_report"))
                    blocks.append(Paragraph((Run(self.macro("assessment_label")),), "label"))
                    blocks.extend(self.prose(update.assessment, f"{upath}.assessment"))
                    if update.conclusion is not None:
                        blocks.extend(self.prose(update.conclusion, f"{upath}.conclusion", "conclusion"))
                    else:
                        rating = scale.rating(update.rating)
                        sentence = self.locale.gettext(rating.conclusion, country=country, number=rec.number)
                        blocks.append(Paragraph((Run(sentence),), "conclusion", f"{upath}.rating"))
        return blocks

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

        entries = tuple(TocEntry(h.toc_text or h.text, h.level, h.anchor or "")
                        for h in body if isinstance(h, Heading) and h.toc)
        toc = TableOfContents(self.macro("toc_title"), entries)
        front: list[Block] = [toc, PageBreak()]

        if self.missing:
            raise ComposeError(self.missing)

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
        ))
        return Ties(self.locale.short_words()).document(document)


def compose(report: model.Report, lang: str, *, locales_dirs: Sequence[str | Path] = (),
            template_dir: str | Path | None = None, theme: "Theme | None" = None) -> Document:
    """Return the document tree of `report`'s edition in `lang`.

    `theme` (default: the shipped one) gives the cover's logos their size, and its own logos when
    the data names none. Raises LocaleError when no catalog exists for `lang`, ComposeError when
    the data lacks text in that language (every missing field is listed).
    """
    if theme is None:
        from .theme import load_theme

        theme = load_theme()
    locale = get_locale(lang, locales_dirs)
    composer = _Composer(report, locale, template_module(locale, template_dir=template_dir), theme)
    return composer.document()
