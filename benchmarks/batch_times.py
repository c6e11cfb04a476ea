"""Time a batch: 20 synthetic reports x en,ru x docx,pdf, built with `-j 2` and with `-j 1`.

Prints, for each run, the wall time, the PDF pages written per second and the peak memory of the
whole process tree (the command and its worker processes, their resident sizes summed, sampled
every 0.1 s from /proc: Linux only), then the ratio of the two times. The target of issue 10: on a
two-core machine, `-j 2` takes at most 0.6 of `-j 1`.

    python benchmarks/batch_times.py [--reports 20] [--recommendations 29] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from iapreport.synthetic import generate  # noqa: E402


def _tree_rss(root: int) -> int:
    """Resident bytes of `root` and every process below it (Linux /proc: each task's `children`)."""
    total = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
                size = re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.M)
            total += int(size.group(1)) * 1024 if size else 0
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                    todo.extend(int(child) for child in children.read().split())
        except OSError:  # the process ended meanwhile
            continue
    return total


def run(data: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """Build the batch; return seconds, PDF pages and the tree's peak resident bytes."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "iapreport", "build", str(data), "--lang", "en,ru",
                                "--format", "docx,pdf", "-o", str(out), "-j", str(jobs)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(process.pid))
            stop.wait(0.1)  # sparingly: the sampler must not take a core from the batch

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"the batch failed:\n{stderr}")
    pages = sum(int(row.split()[-3]) for row in stderr.splitlines() if row.rstrip().endswith(" ok")
                and " pdf " in row and row.split()[-3].isdigit())
    return seconds, pages, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--recommendations", type=int, default=29, help="per report (the 2018 sample has 29)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        for seed in range(1, args.reports + 1):
            (data / f"report-{seed:02d}.json").write_text(
                json.dumps(generate(recommendations=args.recommendations, seed=seed), ensure_ascii=False),
                encoding="utf-8")
        subprocess.run([sys.executable, "-m", "iapreport", "build", str(data / "report-01.json"), "-o",
                        str(Path(tmp) / "warm")], check=True, capture_output=True)  # caches and byte code
        print(f"{args.reports} reports x en,ru x docx,pdf ({args.recommendations} recommendations each), "
              f"{os.cpu_count()} cores")
        print(f"{'jobs':>4}  {'seconds':>8}  {'PDF pages':>9}  {'pages/s':>7}  {'peak MB':>7}")
        times: dict[int, list[float]] = {1: [], 2: []}
        for round_ in range(args.rounds):
            for jobs in (2, 1) if round_ % 2 else (1, 2):
                seconds, pages, peak = run(data, Path(tmp) / f"out-{jobs}-{round_}", jobs)
                times[jobs].append(seconds)
                print(f"{jobs:>4}  {seconds:8.2f}  {pages:9d}  {pages / seconds:7.1f}  {peak / 2**20:7.0f}")
        ratio = min(times[2]) / min(times[1])
        print(f"-j 2 takes {ratio:.2f} of -j 1 (target: at most 0.60)")


if __name__ == "__main__":
    main()
