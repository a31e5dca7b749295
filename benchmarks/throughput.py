"""Grade throughput on a realistic class, against another calccourse measured in the same run.

    python benchmarks/throughput.py [--baseline /path/to/other/venv/bin/calccourse]
                                    [--count 200] [--runs 3] [--jobs 2] [--lessons 1 4]

A class mixes what instructors see: correct answers in several styles, answers that draw
and save a plot at import, SymPy answers, known mistakes, untouched templates, answers
that crash at import or in a call, and syntax errors (no time-outs: they measure the
time limit, not the grader). Every command runs ``--runs`` times, the two commands in
turn; the table gives the
median wall time, answers per second, the peak memory (PSS) of the whole process tree (from
/proc, sampled every 50 ms) and the ratio to the baseline. Bytecode of both installs is
compiled first, as a normal install does.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALCCOURSE = str(Path(sys.executable).parent / "calccourse")
ENV = {**os.environ, "MPLBACKEND": "Agg", "NO_COLOR": "1", "CALCCOURSE_HOME": tempfile.mkdtemp()}
ENV.pop("PYTHONDONTWRITEBYTECODE", None)

PLOT = (
    "import matplotlib.pyplot as plt\nimport numpy as np\n"
    "_x = np.linspace(-2, 3, 200)\nplt.plot(_x, 3 * _x**2 - 4 * _x)\nplt.savefig('mine.png')\n"
)
LESSON_1 = {
    "rules": "def derivative(x):\n    return 3 * x**2 - 4 * x\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n",
    "numpy": "import numpy as np\n\ndef derivative(x):\n    return np.polyval(np.polyder([1, -2, 0, 1]), x)\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x - dx)) / (2 * dx)\n",
    "sympy": "import sympy as sp\n\nx_ = sp.symbols('x')\n_d = sp.lambdify(x_, sp.diff(x_**3 - 2*x_**2 + 1, x_))\n\n"
    "def derivative(x):\n    return _d(x)\n\ndef rate_of_change(f, x, dx):\n    return (f(x) - f(x - dx)) / dx\n",
    "plots": PLOT + "def derivative(x):\n    return 3 * x**2 - 4 * x\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n",
    "constant": "def derivative(x):\n    return 3 * x**2 - 4 * x + 1\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n",
    "twice": "def derivative(x):\n    return 3 * x**2 - 4 * x\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx / dx\n",
    "crash-at-import": "import numpy as np\nraise RuntimeError('oops')\n",
    "crash-in-a-call": "def derivative(x):\n    return 1 / 0\n\ndef rate_of_change(f, x, dx):\n    return [][1]\n",
    "syntax": "def derivative(x)\n    return 3 * x**2\n",
    "template": "def derivative(x):\n    raise NotImplementedError\n\n"
    "def rate_of_change(f, x, dx):\n    raise NotImplementedError\n",
}
SIGMA_MATRIX = (
    "import sympy as sp\n\nx, y, p, q, r, s, t, u = sp.symbols('x y p q r s t u')\n"
    "sigma = lambda z: 1 / (1 + sp.exp(-z))\n"
    "f = sp.Matrix([sigma(p*x + q*y), sigma(r*x + s*y), sigma(t*x + u*y)])\n"
)
LESSON_4 = {
    "sympy-matrix": SIGMA_MATRIX + "jacobian = f.jacobian([x, y])\n",
    "sympy-plot": PLOT + SIGMA_MATRIX + "jacobian = f.jacobian([x, y])\n",
    "lambdify": SIGMA_MATRIX + "jacobian = sp.lambdify((x, y, p, q, r, s, t, u), f.jacobian([x, y]))\n",
    "function": "import math\n\ndef jacobian(x, y, p, q, r, s, t, u):\n"
    "    rows = []\n    for a, b in ((p, q), (r, s), (t, u)):\n"
    "        z = 1 / (1 + math.exp(-(a * x + b * y)))\n"
    "        rows.append([a * z * (1 - z), b * z * (1 - z)])\n    return rows\n",
    "transpose": SIGMA_MATRIX + "jacobian = f.jacobian([x, y]).T\n",
    "no-inner": SIGMA_MATRIX + "jacobian = sp.Matrix([[sigma(p*x+q*y)*(1-sigma(p*x+q*y))] * 2,"
    " [sigma(r*x+s*y)*(1-sigma(r*x+s*y))] * 2, [sigma(t*x+u*y)*(1-sigma(t*x+u*y))] * 2])\n",
    "crash-at-import": "import sympy as sp\nraise ValueError('not yet')\n",
    "template": "def jacobian(x, y, p, q, r, s, t, u):\n    raise NotImplementedError\n",
}
CLASSES = {1: LESSON_1, 4: LESSON_4}


def make_class(folder: Path, styles: dict[str, str], count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    names = list(styles)
    for i in range(count):
        style = names[i % len(names)]
        (folder / f"student{i:04d}_{style}.py").write_text(styles[style])


def tree_memory(pid: int) -> int:
    """Resident memory of ``pid`` and every descendant, in bytes."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                total += next(
                    (int(line.split()[1]) * 1024 for line in handle if line.startswith("VmRSS:")), 0
                )
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return total


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started


def peak_memory(command: list[str], cwd: Path) -> int:
    """The peak PSS of a run, sampled every 50 ms (a run of its own: sampling costs CPU)."""
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_memory(process.pid))
        time.sleep(0.05)
    return peak


def compile_install(calccourse: str) -> None:
    """Compile the bytecode of the Python environment a calccourse command runs in."""
    python = Path(calccourse).with_name("python")
    code = "import calccourse, numpy, scipy, sympy, matplotlib, rich, typer, os; print(os.path.dirname(calccourse.__file__))"
    package = subprocess.run([str(python), "-c", code], capture_output=True, text=True, env=ENV, check=True)
    for path in {Path(package.stdout.strip()).parent, ROOT / "lessons"}:
        compileall.compile_dir(str(path), quiet=1, workers=2)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    compileall.compile_dir(site.stdout.strip(), quiet=1, workers=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="another calccourse command to compare with")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--lessons", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    commands = {"baseline": args.baseline} if args.baseline else {}
    commands["this calccourse"] = CALCCOURSE
    for command in commands.values():
        compile_install(command)
    scratch = Path(tempfile.mkdtemp(prefix="calccourse-throughput-"))
    print(f"{args.count} answers per class, --jobs {args.jobs}, median of {args.runs} runs\n")
    print("| lesson | calccourse | median (min–max) | answers/s | peak memory | ratio to baseline |")
    print("|---|---|---:|---:|---:|---:|")
    try:
        for lesson in args.lessons:
            folder = scratch / f"lesson{lesson}"
            make_class(folder, CLASSES[lesson], args.count)
            lines = {
                name: [command, "grade", str(lesson), str(folder), "--jobs", str(args.jobs), "--seed", "7"]
                for name, command in commands.items()
            }
            times: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(args.runs):  # interleaved: what slows the machine meanwhile slows both
                for name, line in lines.items():
                    times[name].append(timed(line, scratch))
            medians = {name: statistics.median(runs) for name, runs in times.items()}
            for name, line in lines.items():
                memory = peak_memory(line, scratch) / 2**20
                ratio = medians["baseline"] / medians[name] if "baseline" in medians else 1.0
                shown = f"{ratio:.2f}× faster" if name != "baseline" and "baseline" in medians else "—"
                spread = f"{min(times[name]):.2f}–{max(times[name]):.2f} s"
                print(
                    f"| {lesson} | {name} | {medians[name]:.2f} s ({spread}) | {args.count / medians[name]:.0f} |"
                    f" {memory:.0f} MiB | {shown} |",
                    flush=True,
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
