"""Time whole builds, as a user runs them: one process per edition, from YAML to file.

Prints, for the Kazakhstan sample and a synthetic report ten times its size, in each format and
language: wall seconds (best of --repeat), pages (PDF) and peak memory of the process.

    python benchmarks/build_times.py [--repeat 3] [--scale 10]
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


def run(source: Path, lang: str, fmt: str, outdir: Path) -> tuple[float, int]:
    """Return (seconds, peak RSS in MB) of one `iapreport build` process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "iapreport", "build", str(source), "--lang", lang,
                             "--format", fmt, "-o", str(outdir)], stdout=subprocess.DEVNULL)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--formats", default="docx,pdf")
    args = parser.parse_args()
    from iapreport.synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        synthetic = tmpdir / f"synthetic-x{args.scale}.yaml"
        synthetic.write_text(yaml.safe_dump(generate(29 * args.scale, seed=1), allow_unicode=True,
                                            sort_keys=False), encoding="utf-8")
        print(f"{'input':<26}{'format':<8}{'lang':<6}{'seconds':>9}{'pages':>7}{'peak MB':>9}")
        for source in (SAMPLE, synthetic):
            for fmt in args.formats.split(","):
                for lang in ("en", "ru"):
                    runs = [run(source, lang, fmt, tmpdir) for _ in range(args.repeat)]
                    seconds = min(r[0] for r in runs)
                    peak = max(r[1] for r in runs)
                    out = tmpdir / f"{source.stem}.{lang}.{fmt}"
                    print(f"{source.name:<26}{fmt:<8}{lang:<6}{seconds:>9.2f}{pages(out):>7}{peak:>9}")
        print(f"\nsample {SAMPLE.stat().st_size // 1024} KB of YAML; synthetic {synthetic.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
