"""One answer, one verdict: whatever command grades it, beside whichever classmates.

A mixed corpus (answers that import nothing, NumPy only, SymPy, matplotlib; notebooks that
plot, with their .py twins; right and wrong answers; one that does not load) is graded by
``check``, by ``grade`` with the answer alone, by ``grade`` of the whole class in two
orders and with one and two jobs, by the two parts of ``grade --shard``, and by ``watch``.
Every answer gets the same status and score from each, and a notebook the same as its twin,
in the fork sandbox and in the portable one.
CI runs this file twice: in the project's venv (no IPython) and in one with IPython.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from calccourse.course import Course
from calccourse.discovery import discover
from calccourse.limits import Limits
from calccourse.watch import Settings, Watch
from tests.notebook_corpus import by_definition, code, markdown, notebook_bytes

CATALOG = discover(use_entry_points=False)
LESSON1 = CATALOG.find("1")
SEED = 20261207
SOLUTION = (LESSON1.folder / "solution.py").read_text()
SIGN_SLIP = (LESSON1.folder / "mistakes" / "sign_slip.py").read_text()
RATE = "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n"
PLOTS = (
    "import matplotlib.pyplot as plt\n"
    "import numpy as np\n"
    "xs = np.linspace(-2, 3, 50)\n"
    "fig, ax = plt.subplots()\n"
    "ax.plot(xs, derivative(xs), label='rule')\n"
    "ax.legend()\n"
    "plt.plot(xs, xs**2)\n"
)
SYMPY = (
    "import sympy as sp\n"
    "x = sp.symbols('x')\n"
    "derivative = sp.lambdify(x, sp.diff(x**3 - 2*x**2 + 1, x))\n" + RATE
)
PURE = "def derivative(x):\n    return 3 * x * x - 4 * x\n\n" + RATE
NUMPY = "import numpy as np\n\ndef derivative(x):\n    return np.polyval([3, -4, 0], x)\n\n" + RATE
WRONG_PLOTS = SIGN_SLIP + "\n" + PLOTS

# name -> the .py source; notebooks are made from the sources marked with a twin below.
ANSWERS = {
    "solution": SOLUTION,
    "pure": PURE,
    "numpy": NUMPY,
    "sympy": SYMPY,
    "plots": SOLUTION + "\n" + PLOTS,
    "wrong_plots": WRONG_PLOTS,
    "list_of_one": "def derivative(x):\n    return [3 * x**2 - 4 * x]\n\n" + RATE,
    "broken": "def derivative(x)\n    return x\n",
}
TWINS = ("plots", "wrong_plots", "sympy")


def notebook_of(source: str) -> bytes:
    """A notebook a learner might save: Markdown, a magic, the code split in cells."""
    return notebook_bytes([markdown("# My answer"), code("%matplotlib inline"), *by_definition(source)])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for name, source in ANSWERS.items():
        (folder / f"{name}.py").write_text(source)
        if name in TWINS:
            (folder / f"{name}_nb.ipynb").write_bytes(notebook_of(source))
    return folder


def verdict(report: dict | object) -> tuple[str, float]:
    if isinstance(report, dict):
        return report["status"], report["score"]
    return report.status, report.score  # type: ignore[attr-defined]


def by_check(run, corpus: Path) -> dict[str, tuple[str, float]]:
    found = {}
    for path in sorted(corpus.iterdir()):
        result = run("check", "1", str(path), "--seed", str(SEED), "--format", "json", "--no-progress")
        found[path.stem] = verdict(json.loads(result.stdout))
    return found


def by_grade(run, *paths: Path, options: tuple[str, ...] = ()) -> dict[str, tuple[str, float]]:
    result = run("grade", "1", *map(str, paths), "--seed", str(SEED), "--json", "g.json", *options)
    assert result.exit_code == 0, result.output
    rows = json.loads(Path("g.json").read_text())["results"]
    return {row["student"]: verdict(row["report"]) for row in rows if row["report"] is not None}


def spy(show, seen: list):
    """``Watch.show`` that also keeps each report it shows."""

    def showing(graded) -> None:
        seen.append(graded.report)
        show(graded)

    return showing


def by_watch(corpus: Path, tmp_path: Path) -> dict[str, tuple[str, float]]:
    """Each answer saved in turn over one watched file, one warm sandbox for them all."""
    import io

    from rich.console import Console

    found: dict[str, tuple[str, float]] = {}
    for suffix in (".py", ".ipynb"):
        watched = tmp_path / f"watched{suffix}"
        names = sorted(p for p in corpus.iterdir() if p.suffix == suffix)
        settings = Settings(Limits(seed=SEED), record=False)
        screen = Console(file=io.StringIO(), width=100, color_system=None)
        session = Watch(Course(), LESSON1, watched, settings, screen)
        seen: list = []
        session.show = spy(session.show, seen)  # type: ignore[method-assign]

        def saves(names: list[Path] = names, watched: Path = watched):
            for path in names:
                shutil.copyfile(path, watched)
                yield True

        try:
            session.start()
            shutil.copyfile(names[0], watched)
            session.run(saves(names[1:]))
        finally:
            session.close()
        assert len(seen) == len(names), screen.file.getvalue()  # type: ignore[attr-defined]
        found.update({path.stem: verdict(report) for path, report in zip(names, seen)})
    return found


@pytest.fixture(params=["fork", "portable"])
def sandbox_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Linux's fork path, and the portable one that Windows and macOS use."""
    if request.param == "portable":
        monkeypatch.setenv("CALCCOURSE_SANDBOX", "portable")
    else:
        monkeypatch.delenv("CALCCOURSE_SANDBOX", raising=False)
    return request.param


def test_every_command_and_every_classmate_give_an_answer_the_same_verdict(
    run, corpus, tmp_path, sandbox_kind
):
    checked = by_check(run, corpus)
    expected = {
        "solution": ("pass", 3),
        "pure": ("pass", 3),
        "numpy": ("pass", 3),
        "sympy": ("pass", 3),
        "sympy_nb": ("pass", 3),
        "plots": ("pass", 3),
        "plots_nb": ("pass", 3),  # a notebook that plots: not "could not be run", with or without IPython
        "wrong_plots": ("fail", 2),
        "wrong_plots_nb": ("fail", 2),
        "list_of_one": ("fail", 2),  # a list holding a number is not a number
        "broken": ("error", 0),
    }
    assert checked == expected
    for path in sorted(corpus.iterdir()):
        alone = by_grade(run, path)
        assert alone == {path.stem: checked[path.stem]}, f"grade of {path.name} alone"
    assert by_grade(run, corpus) == checked
    assert by_grade(run, corpus, options=("--jobs", "1")) == checked
    backwards = tmp_path / "backwards"
    backwards.mkdir()
    for number, path in enumerate(sorted(corpus.iterdir(), reverse=True)):  # another order of grading
        shutil.copyfile(path, backwards / f"{number:02d}-{path.name}")
    reordered = {name.split("-", 1)[1]: found for name, found in by_grade(run, backwards).items()}
    assert reordered == checked
    parts = {
        **by_grade(run, corpus, options=("--shard", "1/2")),
        **by_grade(run, corpus, options=("--shard", "2/2")),
    }
    assert parts == checked
    assert by_watch(corpus, tmp_path) == checked


MODULES = "import sys\nprint('MODULES', len(sys.modules), sorted(sys.modules))\n"


def printed_modules(report: dict) -> str:
    return next(line for line in report["output"].splitlines() if line.startswith("MODULES"))


def test_what_an_answer_finds_imported_is_the_same_alone_and_beside_classmates_importing_others(
    run, tmp_path, sandbox_kind
):
    """A class's pools start together (one process imports NumPy for all of them): each
    answer still finds exactly the modules it finds when it is checked alone."""
    folder = tmp_path / "class"
    folder.mkdir()
    headers = {
        "plain": "",
        "numpy": "import numpy\n",
        "sympy": "import sympy\n",
        "plots": "import matplotlib.pyplot\n",
    }
    for name, header in headers.items():
        (folder / f"{name}.py").write_text(header + MODULES + PURE)
    alone = {}
    for name in headers:
        result = run("check", "1", str(folder / f"{name}.py"), "--seed", str(SEED), "--format", "json")
        alone[name] = printed_modules(json.loads(result.stdout))
    assert "'sympy'" in alone["sympy"] and "'sympy'" not in alone["plots"]
    assert alone["plain"] == alone["numpy"]  # NumPy is every answer's: the checkers pass its functions
    result = run("grade", "1", str(folder), "--seed", str(SEED), "--json", "g.json")
    assert result.exit_code == 0, result.output
    together = {
        row["student"]: printed_modules(row["report"])
        for row in json.loads(Path("g.json").read_text())["results"]
    }
    assert together == alone


def test_which_ipython_this_run_grades_with():
    """The same expectations hold in both CI venvs; this says which one ran (and fails if the
    variable naming the expected one disagrees with what is installed)."""
    import os

    wanted = os.environ.get("CALCCOURSE_EXPECT_IPYTHON")
    if wanted is None:
        pytest.skip("CALCCOURSE_EXPECT_IPYTHON is set by .ci/run only")
    assert (importlib.util.find_spec("IPython") is not None) == (wanted == "1")
