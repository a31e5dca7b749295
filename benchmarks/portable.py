"""The portable sandbox (Windows, macOS) against Linux's fork path, on Linux, in the same run.

    env -u PYTHONDONTWRITEBYTECODE python benchmarks/portable.py [--runs 7] [--count 80]

Two measures, each run ``--runs`` times per sandbox, alternating (so that the machine's
load falls on both alike); the table gives medians and the ratio portable / fork:

- a cold ``check`` of a failing answer (lesson 1's known mistake ``sign_slip``), from the
  command's start to its exit, as a learner waits for it (target: at most 1.5x);
- ``grade 1 CLASS --jobs 2`` of a realistic class from ``make_class.py`` (target: at least
  5 answers/s for the portable sandbox).

``CALCCOURSE_SANDBOX=portable`` selects the portable sandbox. Bytecode is compiled first,
as a normal install does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALCCOURSE = str(Path(sys.executable).parent / "calccourse")
SANDBOXES = {"fork": {}, "portable": {"CALCCOURSE_SANDBOX": "portable"}}


def timed(command: list[str], cwd: Path, extra: dict[str, str]) -> float:
    environment = {**os.environ, "MPLBACKEND": "Agg", "NO_COLOR": "1", **extra}
    environment.pop("CALCCOURSE_SANDBOX", None)
    environment.update(extra)
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--count", type=int, default=80)
    options = parser.parse_args()
    compileall.compile_dir(ROOT / "calccourse", quiet=1)
    work = Path(tempfile.mkdtemp(prefix="calccourse-bench-portable-"))
    home = {"CALCCOURSE_HOME": str(work / "home")}
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_class.py"), str(work / "class"), str(options.count)],
        check=True,
    )
    mistake = str(ROOT / "lessons" / "01-derivatives" / "mistakes" / "sign_slip.py")
    check = [CALCCOURSE, "check", "1", mistake, "--seed", "1", "--no-plot"]
    grade = [CALCCOURSE, "grade", "1", "class", "--seed", "1", "--jobs", "2", "--no-table"]
    checks: dict[str, list[float]] = {name: [] for name in SANDBOXES}
    grades: dict[str, list[float]] = {name: [] for name in SANDBOXES}
    for _ in range(options.runs):
        for name, extra in SANDBOXES.items():
            checks[name].append(timed(check, work, {**home, **extra}))
    for _ in range(max(1, options.runs // 2)):
        for name, extra in SANDBOXES.items():
            grades[name].append(timed(grade, work, {**home, **extra}))
    check_median = {name: statistics.median(times) for name, times in checks.items()}
    grade_median = {name: statistics.median(times) for name, times in grades.items()}
    count = len(list((work / "class").iterdir()))
    print(
        f"load average at the end: {os.getloadavg()[0]:.1f}; {options.runs} checks, {len(grades['fork'])} grades each"
    )
    print("| measure | fork | portable | portable / fork |")
    print("|---|---|---|---|")
    print(
        f"| cold `check` of a failing answer | {check_median['fork'] * 1000:.0f} ms "
        f"| {check_median['portable'] * 1000:.0f} ms | {check_median['portable'] / check_median['fork']:.2f} |"
    )
    print(
        f"| `grade --jobs 2`, {count} answers | {grade_median['fork']:.1f} s ({count / grade_median['fork']:.1f}/s) "
        f"| {grade_median['portable']:.1f} s ({count / grade_median['portable']:.1f}/s) "
        f"| {grade_median['portable'] / grade_median['fork']:.2f} |"
    )


if __name__ == "__main__":
    main()
