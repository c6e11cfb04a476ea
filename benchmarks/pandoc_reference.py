"""Time pandoc on the same text as our DOCX build, on this machine, now: the yardstick of issue 11.

Both run here, alternately, on the same document: our `iapreport build --format docx` as a whole
process from YAML, and pandoc (from the `pypandoc-binary` wheel: `pip install ".[bench]"`) as a
whole process converting a Markdown source written from the same document tree (headings,
paragraphs with bold, italic and links, nested lists, the summary table as a grid table, page
breaks) to DOCX with a table of contents (`--toc`). Pandoc neither paginates nor embeds fonts;
our DOCX does both (TOC page numbers from our layout, the theme's faces embedded), so the ratio is
the one least favourable to us.

Then the same for a synthetic report ten times the sample's text (`--scale`), to show cost
growing with the text: ours at that size against ours on the sample (target ≤ 6×), with the
process's peak memory (target < 150 MB).

    pip install ".[bench]"
    python benchmarks/pandoc_reference.py [--repeat 9] [--lang en,ru] [--scale 10] [--keep DIR]
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

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kazakhstan-2018.yaml"


def _escape(text: str) -> str:
    """Markdown-escape plain text, so pandoc prints it as written."""
    out = []
    for char in text:
        if char in "\\`*_{}[]<>()#+-.!|~^$@\"'":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _runs(runs) -> str:
    parts = []
    for run in runs:
        if run.line_break:
            parts.append("\\\n")
            continue
        content = _escape(run.text)
        if run.bold and content.strip():
            content = f"**{content}**"
        if run.italic and content.strip():
            content = f"*{content}*"
        if run.link:
            content = f"[{content}](<{run.link}>)"
        parts.append(content)
    return "".join(parts).replace("\n", " ")


def _blocks(blocks, out: list[str], indent: str = "") -> None:
    from iapreport import tree

    for block in blocks:
        if isinstance(block, tree.Heading):
            out.append(f"{'#' * block.level} {_escape(block.text)}" + ("" if block.toc else " {.unnumbered .unlisted}"))
        elif isinstance(block, tree.Paragraph):
            out.append(indent + _runs(block.runs))
        elif isinstance(block, tree.ListBlock):
            number = block.start
            for item in block.items:
                marker = "-" if block.marker == "bullet" else f"{number}."
                number += 1
                inner: list[str] = []
                _blocks(item.blocks, inner, " " * (len(marker) + 1))
                text = "\n\n".join(inner).lstrip() if inner else ""
                out.append(indent + marker + " " + text)
        elif isinstance(block, tree.Table):
            out.append(_table(block))
        elif isinstance(block, tree.PageBreak):
            out.append('```{=openxml}\n<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n```')


def _table(table) -> str:
    """A pandoc pipe table: one line per row, header rows merged into the first."""
    columns = len(table.widths)
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            cells.append(" ".join(_runs(p.runs) for p in cell.paragraphs).replace("|", "\\|"))
            cells.extend([""] * (cell.colspan - 1))
        rows.append("| " + " | ".join(cells + [""] * (columns - len(cells))) + " |")
    rule = "|" + "|".join("-" * max(3, round(w * 40)) for w in table.widths) + "|"
    header = rows[:1] or ["| " + " | ".join([""] * columns) + " |"]
    return "\n".join(header + [rule] + rows[1:])


def markdown_source(document) -> str:
    """Return a pandoc Markdown source of `document`'s text (everything but the TOC, which pandoc makes)."""
    md = document.metadata
    out = [f"---\ntitle: {yaml.safe_dump(md.title, allow_unicode=True).strip().removesuffix('...').strip()}\n"
           f"lang: {md.language}\n---"]
    for section in document.sections:
        _blocks(section.blocks, out)
    return "\n\n".join(out) + "\n"


def _peak_mb(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        code, peak = os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024
    else:  # pragma: no cover - Windows: no peak memory
        code, peak = proc.wait(), 0
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{proc.stderr.read().decode(errors='replace')}")
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--lang", default="en,ru")
    parser.add_argument("--scale", type=int, default=10, help="the synthetic report's size, in samples (0: none)")
    parser.add_argument("--keep", type=Path, help="keep the Markdown sources and outputs here")
    args = parser.parse_args()
    try:
        import pypandoc
        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        raise SystemExit('this benchmark needs pandoc: pip install ".[bench]" (pypandoc-binary)')
    from iapreport.composer import compose
    from iapreport.loader import load
    from iapreport.synthetic import generate

    report = load(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    langs = args.lang.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.keep or Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        env["IAPREPORT_CACHE_DIR"] = str(Path(tmp) / "cache")
        jobs = {}
        for lang in langs:
            source = outdir / f"{SAMPLE.stem}.{lang}.md"
            source.write_text(markdown_source(compose(report, lang)), encoding="utf-8")
            jobs["ours", lang] = [sys.executable, "-m", "iapreport", "build", str(SAMPLE), "--lang", lang,
                                  "--format", "docx", "-o", str(outdir)]
            jobs["pandoc", lang] = [pandoc, str(source), "--from", "markdown", "--toc", "--toc-depth", "2",
                                    "-o", str(outdir / f"{SAMPLE.stem}.{lang}.pandoc.docx")]
        for command in jobs.values():  # warm-up: bytecode, user cache, file cache
            _peak_mb(command, env)
        wall: dict = {key: [] for key in jobs}
        order = list(jobs)
        rng = random.Random(1)
        for _ in range(args.repeat):  # all in a shuffled order each round: same machine, same moment
            rng.shuffle(order)
            for key in order:
                wall[key].append(_peak_mb(jobs[key], env)[0])
        print(f"DOCX, one edition of {SAMPLE.name}: seconds, best (median) of {args.repeat} rounds")
        print(f"{'lang':<6}{'iapreport':>16}{'pandoc':>16}{'ratio':>8}{'paired':>8}")
        for lang in langs:
            ours, theirs = wall["ours", lang], wall["pandoc", lang]
            cells = "".join(f"{min(v):>9.3f} ({statistics.median(v):.3f})" for v in (ours, theirs))
            paired = statistics.median(a / b for a, b in zip(ours, theirs))
            print(f"{lang:<6}{cells}{min(ours) / min(theirs):>8.2f}{paired:>8.2f}")
        print("ratio: our best whole process over pandoc's best; paired: the median over rounds of the\n"
              "same ratio within a round (robust to a machine whose speed drifts). Below 1: faster than pandoc.")
        if not args.scale:
            return
        big = Path(tmp) / f"synthetic-x{args.scale}.yaml"
        big.write_text(yaml.safe_dump(generate(29 * args.scale, seed=1), allow_unicode=True, sort_keys=False),
                       encoding="utf-8")
        print(f"\n{args.scale}x the text ({big.stat().st_size // 1024} KB of YAML against "
              f"{SAMPLE.stat().st_size // 1024} KB), DOCX, best of 3:")
        for lang in langs:
            command = [sys.executable, "-m", "iapreport", "build", str(big), "--lang", lang, "--format", "docx",
                       "-o", str(outdir)]
            runs = [_peak_mb(command, env) for _ in range(3)]
            seconds, peak = min(r[0] for r in runs), max(r[1] for r in runs)
            print(f"  {lang}: {seconds:.2f} s, {seconds / min(wall['ours', lang]):.1f}x the sample's time "
                  f"(target <= 6x), peak {peak} MB (target < 150 MB)")


if __name__ == "__main__":
    main()
