"""Is the time `python test.py` expects at its start the time it then takes? One run, estimate against the clock.

Runs ``python test.py`` with the given options into a scratch folder, reads the expected time it prints for each
model and the whole run, and times each model on the clock from the line that starts it ("training …") to the
one after its outputs are written ("…: test accuracy"), and the run from the estimate's last line to its end.

    python -m benchmarks.run_estimate [-- TEST.PY OPTIONS]     e.g. -- --models ann,cnn --limit 12000
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import cpu_name, save
from digit_recognizer import options
from digit_recognizer.catalog import DISPLAY_NAMES
from digit_recognizer.outputs.paths import REPO_ROOT, RESULTS_DIR

WHOLE = "whole run"
EXPECTED = re.compile(r"^  (.+?)\s{2,}(\d+(?:\.\d+)?) (min|s)$")


def seconds(amount: str, unit: str) -> float:
    return float(amount) * (60 if unit == "min" else 1)


def timed_lines(command: list[str]) -> list[tuple[float, str]]:
    """Every line the command prints (progress bars' carriage returns end lines too), with when it came."""
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = [(time.perf_counter(), line.rstrip("\n")) for line in process.stdout]
    if process.wait():
        tail = "\n".join(line for _, line in lines[-20:])
        raise RuntimeError(f"test.py failed:\n{tail}")
    return lines


def compare(lines: list[tuple[float, str]], end: float) -> dict[str, dict[str, float]]:
    """Per model and for the whole run: the seconds expected and the seconds taken."""
    titles = {title: name for name, title in DISPLAY_NAMES.items()}
    expected, started, finished, estimated_at, timing_from = {}, {}, {}, None, None
    for when, line in lines:
        if line.startswith("precision: "):
            timing_from = when
        elif match := EXPECTED.match(line):
            label = match.group(1).strip()
            expected[titles.get(label, label)] = seconds(match.group(2), match.group(3))
            estimated_at = when
        elif match := re.match(r"^training (.+?) \(", line):
            started[titles[match.group(1)]] = when
        elif match := re.match(r"^(.+?): test accuracy", line):
            finished[titles[match.group(1)]] = when
    if estimated_at is None:
        raise RuntimeError("test.py printed no expected time")
    rows = {name: {"expected_s": expected[name], "took_s": finished[name] - started[name]} for name in started}
    rows[WHOLE] = {"expected_s": expected[WHOLE], "took_s": end - estimated_at,
                   "timing_s": estimated_at - (timing_from or estimated_at)}
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out-dir", type=Path, default=RESULTS_DIR, help="where results are written")
    p.add_argument("run", nargs=argparse.REMAINDER, help="options for test.py, after --")
    args = p.parse_args()
    given = [option for option in args.run if option != "--"]
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, str(REPO_ROOT / "test.py"), *given, "--output-dir", scratch]
        start = time.perf_counter()
        lines = timed_lines(command)
        end = time.perf_counter()
    rows = compare(lines, end)
    results = {"cpu": cpu_name(), "options": given, "wall_s": end - start, "rows": rows}
    table = (f"`python test.py {' '.join(given)}` on {cpu_name()}: {end - start:.0f} s wall, of which "
             f"{rows[WHOLE]['timing_s']:.0f} s timing steps for the estimate. A model took from its 'training' line "
             "to its test accuracy; the whole run, from the estimate to the end.\n\n"
             "| | expected | took | error |\n|---|---:|---:|---:|\n"
             + "\n".join(f"| {DISPLAY_NAMES.get(name, name)} | {row['expected_s']:.0f} s | {row['took_s']:.0f} s | "
                         f"{100 * (row['expected_s'] / row['took_s'] - 1):+.0f}% |" for name, row in rows.items())
             + "\n")
    save(args.out_dir, "run_estimate", results, table)


if __name__ == "__main__":
    raise SystemExit(options.command(main))
