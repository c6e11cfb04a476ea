"""Time whole builds, as a user runs them: one process per edition, from YAML to file.

Prints, for the Kazakhstan sample and a synthetic report ten times its size, in each format and
language: wall seconds (best of --repeat), pages (PDF) and peak memory of the process. Then the
same one-edition PDF build with the user cache off (what a first build ever pays), and where the
time of one edition goes, stage by stage, inside one process.

    python benchmarks/build_times.py [--repeat 5] [--scale 10] [--formats docx,pdf]

Processes run as after `pip install`: Python may write bytecode (PYTHONDONTWRITEBYTECODE is
removed from their environment; one warm-up build writes it and fills the user cache).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "kazakhstan-2018.yaml"

STAGES = r"""
import sys, time
start = time.perf_counter()
marks = []
def mark(name):
    marks.append((name, time.perf_counter()))
from iapreport.loader import load
from iapreport.composer import compose
from iapreport.theme import load_theme
from iapreport.writers import get_writer
writer = get_writer(sys.argv[3])
mark("imports")
report = load(sys.argv[1]); mark("load")
theme = load_theme(); mark("theme")
document = compose(report, sys.argv[2]); mark("compose")
writer(document, theme, sys.argv[4]); mark("write")
previous = start
for name, at in marks:
    print(f"{name}={at - previous:.3f}")
    previous = at
"""


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def run(source: Path, lang: str, fmt: str, outdir: Path, env: dict[str, str]) -> tuple[float, int]:
    """Return (seconds, peak RSS in MB) of one `iapreport build` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "iapreport", "build", str(source), "--lang", lang,
                             "--format", fmt, "-o", str(outdir)], stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {source} {lang} {fmt}")
    return seconds, usage.ru_maxrss // 1024


def pages(path: Path) -> str:
    if path.suffix != ".pdf":
        return "-"
    from pypdf import PdfReader

    return str(len(PdfReader(path).pages))


def stages(source: Path, lang: str, fmt: str, outdir: Path, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", STAGES, str(source), lang, fmt, str(outdir / f"stages.{fmt}")],
                         env=env, check=True, capture_output=True, text=True).stdout
    return {name: float(value) for name, value in (line.split("=") for line in out.split())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--formats", default="docx,pdf")
    args = parser.parse_args()
    from iapreport.synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        env = environment(IAPREPORT_CACHE_DIR=str(tmpdir / "cache"))
        synthetic = tmpdir / f"synthetic-x{args.scale}.yaml"
        synthetic.write_text(yaml.safe_dump(generate(29 * args.scale, seed=1), allow_unicode=True,
                                            sort_keys=False), encoding="utf-8")
        for fmt in args.formats.split(","):  # warm-up: bytecode and user cache, as after a first use
            run(SAMPLE, "ru", fmt, tmpdir, env)
        print(f"{'input':<26}{'format':<8}{'lang':<6}{'seconds':>9}{'pages':>7}{'peak MB':>9}")
        best: dict[tuple[str, str, str], float] = {}
        for source in (SAMPLE, synthetic):
            for fmt in args.formats.split(","):
                for lang in ("en", "ru"):
                    runs = [run(source, lang, fmt, tmpdir, env) for _ in range(args.repeat)]
                    seconds = best[source.name, fmt, lang] = min(r[0] for r in runs)
                    peak = max(r[1] for r in runs)
                    out = tmpdir / f"{source.stem}.{lang}.{fmt}"
                    print(f"{source.name:<26}{fmt:<8}{lang:<6}{seconds:>9.2f}{pages(out):>7}{peak:>9}")
        print(f"\nsample {SAMPLE.stat().st_size // 1024} KB of YAML; synthetic {synthetic.stat().st_size // 1024} KB")
        for fmt in args.formats.split(","):
            ratios = [best[synthetic.name, fmt, lang] / best[SAMPLE.name, fmt, lang] for lang in ("en", "ru")]
            print(f"{fmt}: {args.scale}x the text takes {ratios[0]:.1f}x (en) / {ratios[1]:.1f}x (ru) the time")

        cold = environment(IAPREPORT_CACHE_DIR="off")
        for fmt in args.formats.split(","):
            seconds = min(run(SAMPLE, "en", fmt, tmpdir, cold)[0] for _ in range(args.repeat))
            print(f"{fmt}: {SAMPLE.name} en with the user cache off: {seconds:.2f} s")

        print("\nwhere one edition's time goes (seconds, best of --repeat, in one process):")
        for fmt in args.formats.split(","):
            for lang in ("en", "ru"):
                samples = [stages(SAMPLE, lang, fmt, tmpdir, env) for _ in range(args.repeat)]
                parts = {name: min(s[name] for s in samples) for name in samples[0]}
                shown = "  ".join(f"{name} {value:.3f}" for name, value in parts.items())
                print(f"  {fmt} {lang}: {shown}  (sum {sum(parts.values()):.3f})")


if __name__ == "__main__":
    main()
