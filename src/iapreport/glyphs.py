"""Characters the theme's fonts cannot show, found in the data before any file is written.

The writers set each character in the first face of its family's fallback chain that has it
(`writers.fonts`); a character that no face of a chain has would stop the build half-way.
`check` finds every such character in a data file at once, each located at its field, line and
column, so `iapreport validate` reports them all and `build` refuses before writing anything.

A field may be printed in any style (a title is on the cover, in the TOC, in a heading, in the
summary table), so a character must be printable by every chain the theme's styles use, in every
weight and slant. Capitals need no check: a style set in capitals keeps a letter whose capital no
face has (`FaceChain.upper`).
"""

from __future__ import annotations

from typing import Iterable

from .loader import Problem, TextField
from .theme import Theme
from .writers.fonts import FaceChain, chain_for, describe, refusal

__all__ = ["check", "chains"]


def chains(theme: Theme) -> list[FaceChain]:
    """Every chain a style of `theme` sets text in: each font the styles use, in each weight and slant."""
    fonts = sorted({style.font for style in theme.styles.values()})
    return [chain_for(theme, font, bold, italic) for font in fonts for bold in (False, True) for italic in (False, True)]


def _missing(text: str, every: list[FaceChain]) -> dict[str, list[FaceChain]]:
    """Character -> the chains that cannot show it, in order of appearance in `text`."""
    found: dict[str, list[FaceChain]] = {}
    for chain in every:
        for char in chain.missing(text):
            found.setdefault(char, []).append(chain)
    return found


def check(fields: Iterable[TextField], theme: Theme, file: str) -> list[Problem]:
    """Return a Problem for each character of each text field that the theme cannot print."""
    fields = list(fields)
    every = chains(theme)
    # every distinct character once per chain first: most files have none amiss
    distinct = "".join(sorted(set("".join(field.text for field in fields))))
    suspects = {char for chain in every for char in chain.missing(distinct)}
    if not suspects:
        return []
    problems = []
    for text_field in fields:
        text = text_field.text
        if suspects.isdisjoint(text):
            continue
        for char, lacking in _missing(text, every).items():
            line, column = text_field.position(char)
            reason = refusal(char)
            if reason:
                message = f"{describe(char)} is {reason}"
                hint = "write it in a left-to-right script" if "right-to-left" in reason else None
            else:
                faces = " > ".join(face.name for face in lacking[0].faces)
                message = f"no font of the theme can print {describe(char)} (tried {faces})"
                hint = "replace the character, or add a font that has it to the theme's fallback fonts"
            problems.append(Problem(file, line, column, text_field.path, message, hint))
    return problems
