"""`calccourse lesson N` against the plain script doing the same demo work, in the same run.

    env -u PYTHONDONTWRITEBYTECODE python benchmarks/lesson_time.py [LESSON ...] [--runs 5]

For each lesson (default 1 to 7), two commands run ``--runs`` times each, interleaved (one
of each in turn, so that the machine's load falls on both alike), with stdout and stderr
to a pipe that is read and thrown away, ``NO_COLOR=1``, ``MPLBACKEND=Agg``, ``COLUMNS=80``
and a fresh ``CALCCOURSE_HOME``:

- ``calccourse lesson N --no-pager``: the explanation, the demo's code, the demo (its
  computations, printed results and plots saved as PNG in ``calccourse-plots/``), the
  exercise;
- ``python lessons/NN-*/demo.py``: the same demo as a plain script. Its ``__main__`` part
  calls ``run_standalone``, which runs the same ``run(ctx)`` with a plain console and saves
  the same plots, through the same ``DemoContext.save`` (PNG, dpi 110, tight bounding box),
  in ``calccourse-plots/``; the benchmark checks that both commands saved the same files.

Each command starts in its own empty folder. The table gives the medians of the wall time
and their ratio (target of the issue "lessons that teach": at most 1.5x for every lesson),
and the ratio of the medians of processor time (user + system, from ``getrusage``), which
other processes' load on the machine disturbs much less than the wall time. Bytecode of the
package, the lessons and site-packages is compiled first, as a normal install does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALCCOURSE = str(Path(sys.executable).parent / "calccourse")
TARGET = 1.5


def lesson_folder(number: int) -> Path:
    return next((ROOT / "lessons").glob(f"{number:02d}-*"))


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CALCCOURSE_SANDBOX")}
    return {**env, "NO_COLOR": "1", "MPLBACKEND": "Agg", "CALCCOURSE_HOME": str(home), "COLUMNS": "80"}


def processor_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds from the start of ``command`` in a fresh ``cwd`` to its end, and the
    processor seconds (user + system) it used; a failure stops the run."""
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir(parents=True)
    used = processor_seconds()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')}")
    return seconds, processor_seconds() - used


def plots(cwd: Path) -> list[str]:
    return sorted(path.name for path in (cwd / "calccourse-plots").glob("*"))


def compile_bytecode() -> None:
    for path in (ROOT / "calccourse", ROOT / "lessons", Path(sysconfig.get_paths()["purelib"])):
        compileall.compile_dir(str(path), quiet=1, workers=2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("lessons", nargs="*", type=int, default=list(range(1, 8)))
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="calccourse-bench-lesson-"))
    rows = []
    for number in options.lessons:
        folder = lesson_folder(number)
        sides = {
            "lesson": [CALCCOURSE, "lesson", str(number), "--no-pager"],
            "script": [sys.executable, str(folder / "demo.py")],
        }
        times: dict[str, list[float]] = {side: [] for side in sides}
        processor: dict[str, list[float]] = {side: [] for side in sides}
        for run in range(options.runs + 1):  # the first run of each is a warm-up, not counted
            order = list(sides) if run % 2 else list(reversed(sides))
            for side in order:
                home = work / "home" / f"{number}-{side}-{run}"
                seconds, used = timed(sides[side], work / side, environment(home))
                if run:
                    times[side].append(seconds)
                    processor[side].append(used)
            if plots(work / "lesson") != plots(work / "script") or not plots(work / "lesson"):
                sys.exit(
                    f"lesson {number}: the plots differ: {plots(work / 'lesson')} / {plots(work / 'script')}"
                )
        lesson, script = (statistics.median(times[side]) for side in sides)
        cpu = statistics.median(processor["lesson"]) / statistics.median(processor["script"])
        rows.append((number, folder.name, lesson, script, cpu))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {options.runs} runs each, interleaved;")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}\n")
    print(
        f"| lesson | `calccourse lesson N` | `python demo.py` | ratio | target ≤ {TARGET} | processor-time ratio |"
    )
    print("|---|---:|---:|---:|---|---:|")
    for number, name, lesson, script, cpu in rows:
        ratio = lesson / script
        met = "met" if ratio <= TARGET else "not met"
        print(
            f"| {number} ({name[3:]}) | {lesson * 1000:.0f} ms | {script * 1000:.0f} ms | {ratio:.2f} | {met} "
            f"| {cpu:.2f} |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
