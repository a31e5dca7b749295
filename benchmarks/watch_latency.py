"""How long a learner waits for a verdict: from the save to the verdict line on stdout.

    python benchmarks/watch_latency.py [LESSON ...] [--saves N] [--plot]

For each lesson, `calccourse watch N answer.py` runs with its stdout piped; a known mistake
(the first file of lessons/NN-*/mistakes/) is saved N times (default 10), alternating two
versions so that the content changes, and each save is timed from the write to the
verdict line. The baseline, measured in the same run, is the loop of 0.1: a cold
`calccourse check N answer.py --no-plot` after each save (the same N times). Bytecode is
compiled first (this machine sets PYTHONDONTWRITEBYTECODE, which would leave every
start uncompiled). Prints medians and ratios; with --plot, watch runs with --plot and
a column says how long the plot took after its verdict.
"""

from __future__ import annotations

import argparse
import compileall
import os
import queue
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALCCOURSE = str(Path(sys.executable).parent / "calccourse")
VERDICTS = ("Not yet.", "All tests passed.", "Fix the error above", "The lesson's checker failed")
WAIT = 60.0  # seconds: the longest a verdict may take before the run is called broken


def lesson_folder(number: int) -> Path:
    return next((ROOT / "lessons").glob(f"{number:02d}-*"))


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "NO_COLOR": "1", "MPLBACKEND": "Agg", "CALCCOURSE_HOME": str(home), "COLUMNS": "100"}


class Lines:
    """A child's stdout, each line stamped with the moment it arrived."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.put((time.perf_counter(), line))

    def until(self, *starts: str) -> float:
        """The arrival time of the next line that starts with one of ``starts``."""
        deadline = time.monotonic() + WAIT
        while True:
            stamp, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            if line.startswith(starts):
                return stamp


def watch_times(
    number: int, saves: int, scratch: Path, env: dict[str, str], plot: bool
) -> tuple[float, list[float], list[float]]:
    """Seconds from start to the first verdict, from each save to its verdict, and (with
    ``plot``) from each verdict to its plot saved."""
    mistake = lesson_folder(number) / "mistakes"
    first = sorted(mistake.glob("*.py"))[0].read_bytes()
    versions = [first, first + b"\n# saved again\n"]
    answer = scratch / "answer.py"
    answer.write_bytes(versions[0])
    started = time.perf_counter()
    process = subprocess.Popen(
        [CALCCOURSE, "watch", str(number), "answer.py", *(["--plot"] if plot else [])],
        cwd=scratch,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = Lines(process)
    try:
        startup = lines.until(*VERDICTS) - started
        lines.until("saved plot" if plot else "checked at")
        times, drawn = [], []
        for index in range(saves):
            written = time.perf_counter()
            answer.write_bytes(versions[(index + 1) % 2])
            verdict = lines.until(*VERDICTS)
            times.append(verdict - written)
            if plot:
                drawn.append(lines.until("saved plot") - verdict)
            else:
                lines.until("checked at")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    return startup, times, drawn


def check_times(number: int, saves: int, scratch: Path, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(saves):
        started = time.perf_counter()
        subprocess.run(
            [CALCCOURSE, "check", str(number), "answer.py", "--no-plot"],
            cwd=scratch,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", type=int, default=list(range(1, 8)))
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--plot", action="store_true", help="watch with --plot, and time the plots")
    args = parser.parse_args()
    for folder in (ROOT / "calccourse", ROOT / "lessons"):
        compileall.compile_dir(folder, quiet=1)
    plot_column = " verdict → plot saved (median) |" if args.plot else ""
    print(
        "| lesson | watch: save → verdict (median, max) | start → first verdict | cold `check` (median) "
        f"| ratio |{plot_column}"
    )
    print("|---:|---:|---:|---:|---:|" + ("---:|" if args.plot else ""))
    with tempfile.TemporaryDirectory() as temporary:
        for number in args.lessons:
            scratch = Path(temporary) / f"lesson{number}"
            scratch.mkdir()
            env = environment(scratch / "home")
            startup, watched, drawn = watch_times(number, args.saves, scratch, env, args.plot)
            cold = statistics.median(check_times(number, args.saves, scratch, env))
            median = statistics.median(watched)
            plotted = f" {statistics.median(drawn) * 1000:.0f} ms |" if drawn else ""
            print(
                f"| {number} | {median * 1000:.0f} ms, {max(watched) * 1000:.0f} ms | {startup:.2f} s "
                f"| {cold * 1000:.0f} ms | {median / cold:.2f} |{plotted}",
                flush=True,
            )


if __name__ == "__main__":
    main()
