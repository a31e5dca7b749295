"""Time calccourse against plain-Python baselines measured in the same run; print medians and ratios.

    python benchmarks/bench.py [startup] [lessons] [check] [grade] [learner] [--runs N]
                               [--baseline PATH/TO/OLD/calccourse]

Each command runs N times (default 7, grade 3) with no output to a terminal; the
table shows the median wall time of each and its ratio to its baseline. ``learner``
times what a learner waits for, to the line on stdout: the first line of ``lesson N``,
the whole lesson, and the verdict of ``check`` on a failing answer (a known mistake),
against ``--baseline`` (another install, e.g. 0.1.0's) when given.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CALCCOURSE = str(BIN / "calccourse")
PYTHON = sys.executable
ENV = {**os.environ, "MPLBACKEND": "Agg", "NO_COLOR": "1"}


def median_seconds(command: list[str] | str, runs: int, cwd: Path) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            command,
            cwd=cwd,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            shell=isinstance(command, str),
            check=False,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def row(name: str, measured: float, baseline_name: str, baseline: float) -> str:
    return f"| {name} | {measured * 1000:.0f} ms | {baseline_name} | {baseline * 1000:.0f} ms | {measured / baseline:.2f} |"


def header() -> None:
    print("| command | median | baseline | baseline median | ratio |")
    print("|---|---:|---|---:|---:|")


def lessons() -> list[Path]:
    return sorted(p for p in (ROOT / "lessons").iterdir() if (p / "__init__.py").exists())


def bench_startup(runs: int, scratch: Path) -> None:
    baseline = median_seconds([PYTHON, "-c", "import typer"], runs, scratch)
    for args in (["--help"], ["list"]):
        print(
            row(
                f"calccourse {' '.join(args)}",
                median_seconds([CALCCOURSE, *args], runs, scratch),
                "python -c 'import typer'",
                baseline,
            )
        )


def bench_lessons(runs: int, scratch: Path) -> None:
    for folder in lessons():
        number = int(folder.name.split("-")[0])
        baseline = median_seconds([PYTHON, str(folder / "demo.py")], runs, scratch)
        measured = median_seconds([CALCCOURSE, "lesson", str(number), "--out", "plots"], runs, scratch)
        print(row(f"calccourse lesson {number}", measured, f"python {folder.name}/demo.py", baseline))


def bench_check(runs: int, scratch: Path) -> None:
    for folder in lessons():
        number = int(folder.name.split("-")[0])
        solution = scratch / f"solution{number}.py"
        shutil.copy(folder / "solution.py", solution)
        baseline = median_seconds([PYTHON, str(solution)], runs, scratch)
        for plot in ("--no-plot", "--plot"):
            measured = median_seconds([CALCCOURSE, "check", str(number), str(solution), plot], runs, scratch)
            print(
                row(
                    f"calccourse check {number} solution.py {plot}",
                    measured,
                    f"python solution.py ({number})",
                    baseline,
                )
            )


def bench_grade(runs: int, scratch: Path) -> None:
    answers = scratch / "class"
    subprocess.run([PYTHON, str(ROOT / "benchmarks" / "make_class.py"), str(answers), "200"], check=True)
    count = len(list(answers.glob("*.py")))
    loop = f'for f in {answers}/*.py; do "{CALCCOURSE}" check 1 "$f" --no-plot --seed 1 >/dev/null; done'
    baseline = median_seconds(["bash", "-c", loop], 1, scratch)
    measured = median_seconds(
        [CALCCOURSE, "grade", "1", str(answers), "--jobs", "2", "--seed", "1"], runs, scratch
    )
    print(
        row(
            f"calccourse grade 1 ({count} answers, --jobs 2)",
            measured,
            "shell loop of calccourse check (1 run)",
            baseline,
        )
    )
    print(
        f"\ngrade: {count / measured:.1f} answers/s; loop: {count / baseline:.2f} answers/s; "
        f"speed-up {baseline / measured:.1f}x"
    )


def seconds_to_line(command: list[str], pattern: str, cwd: Path) -> tuple[float, float]:
    """Seconds until a stdout line containing ``pattern``, and until the process ends."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    seen = float("nan")
    for line in process.stdout:
        if pattern.encode() in line and seen != seen:
            seen = time.perf_counter() - started
    process.wait()
    return seen, time.perf_counter() - started


def medians_to_line(command: list[str], pattern: str, runs: int, cwd: Path) -> tuple[float, float]:
    found = [seconds_to_line(command, pattern, cwd) for _ in range(runs)]
    return statistics.median(t for t, _ in found), statistics.median(t for _, t in found)


def bench_learner(runs: int, scratch: Path, baseline: str | None = None) -> None:
    for folder in lessons():
        number = int(folder.name.split("-")[0])
        mistake = sorted((folder / "mistakes").glob("*.py"))[0]
        answer = scratch / f"mistake{number}.py"
        shutil.copy(mistake, answer)
        first_line = (folder / "explanation.md").read_text(encoding="utf-8").split("\n\n")[1].split()[0]
        tools = [("calccourse", CALCCOURSE)] + ([("baseline", baseline)] if baseline else [])
        timed = {}
        for name, tool in tools:
            lesson = [tool, "lesson", str(number), "--out", "plots"]
            timed[name] = (
                *medians_to_line(lesson, first_line, runs, scratch),
                medians_to_line([tool, "check", str(number), str(answer)], "✗", runs, scratch)[0],
            )
        mine = timed["calccourse"]
        for index, what in enumerate(("lesson: first line", "lesson: all", f"check {mistake.stem}: verdict")):
            if baseline:
                print(row(f"{what} ({number})", mine[index], "the baseline", timed["baseline"][index]))
            else:
                print(f"| {what} ({number}) | {mine[index] * 1000:.0f} ms | | | |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("parts", nargs="*", default=["startup", "lessons", "check", "grade"])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", help="another install's calccourse, for `learner`")
    args = parser.parse_args()
    # A regular install compiles the package's bytecode (pip does); an editable one under
    # PYTHONDONTWRITEBYTECODE would recompile every source at every start: compile it once.
    subprocess.run(
        [PYTHON, "-m", "compileall", "-q", str(ROOT / "calccourse"), str(ROOT / "lessons")], check=True
    )
    with tempfile.TemporaryDirectory(prefix="calccourse-bench-") as folder:
        scratch = Path(folder)
        os.environ["CALCCOURSE_HOME"] = str(scratch / "home")
        ENV["CALCCOURSE_HOME"] = str(scratch / "home")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs per command\n")
        header()
        for part in args.parts:
            runs = args.runs if part != "grade" else max(1, min(args.runs, 3))
            if part == "learner":
                bench_learner(runs, scratch, args.baseline)
                continue
            {"startup": bench_startup, "lessons": bench_lessons, "check": bench_check, "grade": bench_grade}[
                part
            ](runs, scratch)


if __name__ == "__main__":
    main()
