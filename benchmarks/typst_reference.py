"""Time Typst on the same text as our PDF build, on this machine, now: the yardstick of issue 4.

The absolute target ("no slower than Typst, 0.29 s") was measured on another machine; this one's
speed varies twofold with its other tenants. So both are run here, alternately, on the same
document: our `iapreport build --format pdf` as a whole process, and Typst (the `typst` package
from PyPI, the Typst compiler as a Python extension) compiling a Typst source written from the
same document tree, with the same page, fonts, justification, hyphenation, outline and table.

Typst is timed two ways: a whole process (`python -c "import typst; typst.compile(...)"`, which
adds Python's start, ≈0.03 s, to Typst's own) and the `compile` call alone, inside that process
(what the `typst` binary would need at best). The ratio printed uses the call alone: the figure
least favourable to us.

    pip install typst   # not a dependency of iapreport: only this benchmark needs it
    python benchmarks/typst_reference.py [--repeat 15] [--lang en,ru] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kazakhstan-2018.yaml"


def _string(text: str) -> str:
    """A Typst string literal: inserted as plain text, nothing in it read as markup."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _runs(runs) -> str:
    parts = []
    for run in runs:
        if run.line_break:
            parts.append("#linebreak()")
            continue
        content = f"#{_string(run.text)}"
        if run.bold:
            content = f"#strong[{content}]"
        if run.italic:
            content = f"#emph[{content}]"
        if run.link:
            content = f"#link({_string(run.link)})[{content}]"
        parts.append(content)
    return "".join(parts)


def _blocks(blocks, theme, out: list[str]) -> None:
    from iapreport import tree

    for block in blocks:
        if isinstance(block, tree.Heading):
            style = theme.style(block.style)
            upper = block.text.upper() if style.upper else block.text
            out.append(f"#heading(level: {block.level}, outlined: {str(block.toc).lower()}, "
                       f"bookmarked: {str(block.outline).lower()})[#text(size: {style.size}pt)"
                       f"[#{_string(upper)}]]\n")
        elif isinstance(block, tree.Paragraph):
            style = theme.style(block.style)
            align = {"justify": "left"}.get(style.align, style.align)
            out.append(f"#block(spacing: {style.space_after}pt)[#set text(size: {style.size}pt); "
                       f"#set par(justify: {str(style.align == 'justify').lower()}); "
                       f"#align({align})[{_runs(block.runs)}]]\n")
        elif isinstance(block, tree.ListBlock):
            kind = "list" if block.marker == "bullet" else "enum"
            start = f"start: {block.start}, " if kind == "enum" else ""
            items = []
            for item in block.items:
                inner: list[str] = []
                _blocks(item.blocks, theme, inner)
                items.append("[" + "".join(inner) + "]")
            out.append(f"#{kind}({start}{', '.join(items)})\n")
        elif isinstance(block, tree.Table):
            columns = ", ".join(f"{w}pt" for w in block.widths)
            cells = []
            for index, row in enumerate(block.rows):
                row_cells = []
                for cell in row.cells:
                    paras = "".join(f"[{_runs(p.runs)}]" for p in cell.paragraphs) or "[]"
                    row_cells.append(f"table.cell(colspan: {cell.colspan})[#{{ {paras.replace('][', '] + parbreak() + [')} }}]")
                if index < block.header_rows:
                    cells.append("table.header(" + ", ".join(row_cells) + ")")
                else:
                    cells.extend(row_cells)
            out.append(f"#table(columns: ({columns},), {', '.join(cells)})\n")
        elif isinstance(block, tree.TableOfContents):
            out.append(f"#outline(title: [#{_string(block.title)}], depth: 2)\n")
        elif isinstance(block, tree.PageBreak):
            out.append("#pagebreak(weak: true)\n")


def typst_source(document, theme) -> str:
    """Return a Typst source of `document`: the same text and, as far as Typst allows, layout."""
    page, serif = theme.page, theme.fonts["serif"]
    base = theme.style("body")
    lang = document.metadata.language.split("-")[0]
    out = [
        f'#set document(title: {_string(document.metadata.title)}, author: {_string(document.metadata.author)})\n',
        f"#set page(paper: \"a4\", margin: (top: {page.margin_top}mm, bottom: {page.margin_bottom}mm, "
        f"left: {page.margin_left}mm, right: {page.margin_right}mm), numbering: \"1\")\n",
        f'#set text(font: {_string(serif.family)}, size: {base.size}pt, lang: "{lang}", hyphenate: true)\n',
        f"#set par(justify: true, leading: {base.size * (base.leading - 1):.2f}pt)\n",
        f'#show heading: set text(font: {_string(theme.fonts["sans"].family)})\n',
    ]
    for section in document.sections:
        if section.running_header:
            out.append(f"#set page(header: align(right, text(size: 8pt)[#{_string(section.running_header)}]))\n")
        _blocks(section.blocks, theme, out)
        out.append("#pagebreak(weak: true)\n")
    return "".join(out)


TIMED_TYPST = r"""
import sys, time
import typst
start = time.perf_counter()
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=sys.argv[3:], ignore_system_fonts=True)
print(time.perf_counter() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--lang", default="en,ru")
    parser.add_argument("--keep", type=Path, help="keep the Typst sources and PDFs here")
    args = parser.parse_args()
    try:
        import typst  # noqa: F401
    except ImportError:
        raise SystemExit("this benchmark needs the typst package: pip install typst")
    from iapreport.composer import compose
    from iapreport.loader import load
    from iapreport.theme import load_theme

    report, theme = load(SAMPLE), load_theme()
    fonts = sorted({str(Path(f.regular).parent) for f in theme.fonts.values()})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    langs = args.lang.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.keep or Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        jobs = {}
        for lang in langs:
            source = outdir / f"{SAMPLE.stem}.{lang}.typ"
            source.write_text(typst_source(compose(report, lang), theme), encoding="utf-8")
            jobs["ours", lang] = [sys.executable, "-m", "iapreport", "build", str(SAMPLE), "--lang", lang,
                                  "--format", "pdf", "-o", str(outdir)]
            jobs["typst", lang] = [sys.executable, "-c", TIMED_TYPST, str(source),
                                   str(outdir / f"{SAMPLE.stem}.{lang}.typst.pdf"), *fonts]
        for command in jobs.values():  # warm-up: bytecode, user cache, file cache
            subprocess.run(command, env=env, check=True, capture_output=True)
        wall: dict = {key: [] for key in jobs}
        call: dict = {lang: [] for lang in langs}
        order = list(jobs)
        rng = random.Random(1)
        for _ in range(args.repeat):  # all four in a shuffled order each round: same machine, same moment
            rng.shuffle(order)
            for key in order:
                start = time.perf_counter()
                out = subprocess.run(jobs[key], env=env, check=True, capture_output=True, text=True).stdout
                wall[key].append(time.perf_counter() - start)
                if key[0] == "typst":
                    call[key[1]].append(float(out))
        print(f"seconds, best (median) of {args.repeat} rounds")
        print(f"{'lang':<6}{'iapreport':>16}{'typst process':>16}{'typst call':>16}{'ratio':>8}{'paired':>8}")
        for lang in langs:
            ours, proc, inner = wall["ours", lang], wall["typst", lang], call[lang]
            cells = "".join(f"{min(v):>9.3f} ({statistics.median(v):.3f})" for v in (ours, proc, inner))
            paired = statistics.median(a / b for a, b in zip(ours, inner))
            print(f"{lang:<6}{cells}{min(ours) / min(inner):>8.2f}{paired:>8.2f}")
        print("ratio: our best whole process over Typst's best compile call (Python start excluded);\n"
              "paired: the median over rounds of the same ratio within a round (robust to a machine whose\n"
              "speed drifts with its other tenants). Below 1: faster than Typst.")


if __name__ == "__main__":
    main()
