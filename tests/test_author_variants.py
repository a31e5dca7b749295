"""The lesson author's safety net: a real lesson broken in each of the review's 37 ways
(docs/reviews: a lesson 8 made with `dev new`, one part broken at a time).

Each case checks the exit code of every command that reaches the broken part, that the
message names the file, the part and the line (the line marked ``# HERE``), and that the
other lessons still work. A demo, checker or judge that hangs ends within its limit: the
throwaway lessons set short ones (``TimeLimits(demo=2, checker=2, judge=1)``).
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calccourse.cli import app
from calccourse.course import Course
from calccourse.scaffold import new_lesson
from tests.conftest import make_lesson

LIMITS = "limits=TimeLimits(demo=2, checker=2, judge=1, answer=30),"
HANG_BOUND = 20.0  # seconds a command that meets a hang may take in all (limits plus the run)
SLUG = "softmax"
PLAIN_CHECKER = """\
from calccourse.author import KnownMistake, Test, WrongAnswer, call, function_test

MISTAKES = [KnownMistake("this is x squared: double means 2·x, not x·x.", lambda x: x * x)]


def judge(values):
    {judge}
    if abs(values[0] - 3.0) > 1e-9:
        raise WrongAnswer(f"double(1.5) returned {{values[0]}}, expected 3")
    return "double(1.5) is 3"


def tests(rng):
    {tests}
    inputs = [(round(float(x), 3),) for x in rng.uniform(-3, 3, 6)]
    return [
        function_test("double(x) is 2x", "double", inputs, lambda x: 2 * x, mistakes=MISTAKES, what="2x"),
        Test("double(1.5)", [{call}], judge),
    ]
"""


def checker(
    judge: str = "pass", tests: str = "pass", call: str = 'call("double", 1.5)', top: str = ""
) -> str:
    return top + PLAIN_CHECKER.format(judge=judge, tests=tests, call=call)


@dataclass(frozen=True)
class Run:
    """One command, the exit code it must give, and what its output must say ({path} is
    the lesson's folder, {line} the number of the line marked # HERE in ``file``)."""

    args: tuple[str, ...]
    code: int
    says: tuple[str, ...] = ()
    file: str = ""
    own: bool = False  # a catalog of the throwaway lessons only (for `dev check` and `run-all` of all)


@dataclass(frozen=True)
class Variant:
    files: dict[str, str | None] = field(default_factory=dict)
    runs: tuple[Run, ...] = ()
    change: Callable[[Path], None] | None = None
    hangs: bool = False


CHECK = ("check", "8", "ANSWER", "--no-plot", "--no-progress")
DEV = ("dev", "check", "8", "--no-demos")
LESSON = ("lesson", "8", "--no-pager", "--out", "plots")


def broken_checker(source: str, *says: str, line: bool = True, part: str = "checker.py") -> Variant:
    """A checker broken so that nothing can be graded: 4 from `check` and `dev check` alike."""
    where = (f"{{path}}/{part}",) + (("line {line}",) if line else ())
    return Variant(
        {"checker.py": source},
        tuple(Run(args, 4, (*says, *where), "checker.py" if line else "") for args in (CHECK, DEV)),
    )


def proof_fails(files: dict[str, str | None], *says: str, file: str = "") -> Variant:
    """A part whose proof fails (the lesson runs; what it proves is wrong): `dev check` 1."""
    return Variant(files, (Run(DEV, 1, says, file),))


def load_broken(files: dict[str, str | None], *says: str, file: str = "") -> Variant:
    """A lesson that does not load: 4 from every command naming it."""
    return Variant(files, tuple(Run(args, 4, says, file) for args in (LESSON, CHECK, DEV)))


def set_init(**changes: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        init = folder / "__init__.py"
        text = init.read_text()
        for old, new in changes.items():
            text = text.replace(old, new)
        init.write_text(text)

    return change


HANGING_LOOP = "k = 0\n    while k >= 0:  # HERE\n        k += 1"
VARIANTS: dict[str, Variant] = {
    "01 checker syntax error": broken_checker(checker(tests="if rng  # HERE"), "SyntaxError"),
    "02 judge raises": broken_checker(
        checker(judge="1 / 0  # HERE"), "ZeroDivisionError", "{path}/checker.py, line {line}"
    ),
    "02b judge calls sys.exit(0)": broken_checker(
        checker(judge="raise SystemExit(0)  # HERE"), "BaseExceptionRaised: SystemExit(0)"
    ),
    "02c judge raises KeyboardInterrupt": broken_checker(
        checker(judge="raise KeyboardInterrupt  # HERE"), "KeyboardInterrupt()"
    ),
    "02d tests(rng) calls sys.exit(1)": broken_checker(
        checker(tests="raise SystemExit(1)  # HERE"), "tests(rng) raised BaseExceptionRaised: SystemExit(1)"
    ),
    "03 judge returns True": broken_checker(
        checker().replace("def judge(values):", "def judge(values):  # HERE\n    return True"),
        "returned bool",
        "{path}/checker.py, line {line}",
    ),
    "04 no exercise.md": load_broken({"exercise.md": None}, "missing exercise.md", "{path}"),
    "05 no hints.md": load_broken({"hints.md": None}, "missing hints.md", "{path}"),
    "06 one hint": proof_fails({"hints.md": "Only one.\n"}, "hints: 1 step(s)", "{path}/hints.md"),
    "07 a bundled lesson's number": Variant(
        runs=(
            Run(("list",), 4, ("broken lesson {path}", "lesson number 3 is already lesson 3 (gradient)'s")),
            Run(("check", "3", "ANSWER", "--no-plot"), 4, ("lesson 3's number is broken", "{path}")),
            Run(("dev", "check", "3"), 4, ("lesson 3's number is broken",)),
            Run(("exercise", SLUG), 0, ("double(x)",)),
            Run(("exercise", "gradient"), 0),
        ),
        change=set_init(**{"number=8": "number=3"}),
    ),
    "07b a pack's number taken twice": Variant(
        runs=(
            Run(("dev", "check", "--no-demos"), 4, ("plugin loads: lesson number 41 is already",), own=True),
            Run(("dev", "check", "41", "--no-demos"), 4, ("lesson 41's number is broken",), own=True),
        ),
        change=set_init(**{"number=8": "number=41"}),
    ),
    "08 bad slug": Variant(
        runs=tuple(
            Run(args, 4, ("slug must be lower-case", "{path}")) for args in (LESSON, CHECK, DEV, ("list",))
        ),
        change=set_init(**{'slug="softmax"': 'slug="Softmax_CE"'}),
    ),
    "09 __init__ import error": Variant(
        runs=(
            *(
                Run(args, 4, ("ImportError", "__init__.py, line {line}"), "__init__.py")
                for args in (LESSON, CHECK, DEV)
            ),
            Run((*LESSON, "--verbose"), 4, ("Traceback",)),
            Run(("hint", "8"), 4, ("(`calccourse list --verbose` shows the traceback)",)),
        ),
        change=set_init(**{"import Lesson, TimeLimits": "import Lessons, TimeLimits  # HERE"}),
    ),
    "10 heavy __init__": Variant(
        runs=(Run(DEV, 1, ("__init__.py is light: it imports numpy",)),),
        change=set_init(**{"from calccourse.author": "import numpy\nfrom calccourse.author"}),
    ),
    "11 demo raises": Variant(
        {"demo.py": "def run(ctx):\n    raise RuntimeError('ratio is inf')  # HERE\n"},
        (
            Run(
                LESSON,
                4,
                ("demo is broken", "RuntimeError: ratio is inf", "demo.py, line {line}", "must define"),
                "demo.py",
            ),
            Run(("dev", "check", "8"), 4, ("demo runs: RuntimeError", "demo.py, line {line}"), "demo.py"),
        ),
    ),
    "12 demo syntax error": Variant(
        {"demo.py": "def run(ctx)  # HERE\n    pass\n"},
        (
            Run(LESSON, 4, ("SyntaxError", "demo.py, line {line}"), "demo.py"),
            Run(("dev", "check", "8"), 4, ("demo runs: SyntaxError", "demo.py, line {line}"), "demo.py"),
        ),
    ),
    "13 demo hangs": Variant(
        {"demo.py": f"def run(ctx):\n    ctx.record('x', 1, 'x')\n    {HANGING_LOOP}\n"},
        (
            Run(
                LESSON,
                4,
                ("did not finish within 2 s", "{path}/demo.py, line {line}", "must define"),
                "demo.py",
            ),
            Run(
                ("dev", "check", "8"),
                4,
                ("demo runs: did not finish within 2 s", "demo.py, line {line}"),
                "demo.py",
            ),
            Run(("run-all",), 4, ("✓ lesson 41", "did not finish within 2 s"), own=True),
        ),
        hangs=True,
    ),
    "14 solution fails": proof_fails(
        {"solution.py": "def double(x):\n    return 3 * x\n"}, "solution passes", "{path}/solution.py"
    ),
    "15 solution syntax error": proof_fails(
        {"solution.py": "def double(x)  # HERE\n    return 2 * x\n"},
        "solution passes: could not be run",
        "SyntaxError",
        "line {line}",
        file="solution.py",
    ),
    "16 a mistake that passes": proof_fails(
        {"mistakes/really_right.py": "# expect: squared\ndef double(x):\n    return 2 * x\n"},
        "mistake really_right: status pass, expected fail",
        "{path}/mistakes/really_right.py",
    ),
    "17 a mistake only the bonus catches": Variant(
        {
            "checker.py": checker().replace(
                '        Test("double(1.5)"',
                '        Test("triple(1.5)", [call("triple", 1.5)], lambda v: "ok", bonus=True),\n'
                '        Test("double(1.5)"',
            ),
            "mistakes/bonus_only.py": "# expect: triple\ndef double(x):\n    return 2 * x\n",
        },
        (Run(DEV, 1, ("mistake bonus_only: status pass, expected fail (only a bonus test failed",)),),
        change=set_init(**{'answer=("double(x)",),': 'answer=("double(x)",), optional=("triple(x)",),'}),
    ),
    "18 a mistake without # expect": proof_fails(
        {"mistakes/squares.py": "def double(x):\n    return x * x\n"},
        "its first line must be '# expect:",
        "{path}/mistakes/squares.py",
    ),
    "19 a mistake with the wrong expect": proof_fails(
        {"mistakes/squares.py": "# expect: cubed\ndef double(x):\n    return x * x\n"},
        "the feedback lacks 'cubed'",
    ),
    "20 no mistakes": proof_fails({"mistakes/squares.py": None}, "no known mistakes in mistakes/*.py"),
    "21 tests returns []": broken_checker(
        "def tests(rng):\n    return []\n", "tests(rng) returned an empty list", line=False
    ),
    "22 checker imports something absent": broken_checker(
        checker(top="import no_such_module_for_calccourse  # HERE\n"), "ModuleNotFoundError"
    ),
    "23 tests(rng) raises": broken_checker(
        checker(tests="raise RuntimeError('expected 4 cases, made 3')  # HERE"),
        "tests(rng) raised RuntimeError",
    ),
    "24 tests misnamed": broken_checker(
        checker().replace("def tests(", "def make_tests("), "it defines no function tests(rng)", line=False
    ),
    "25 a checker that is not reproducible": proof_fails(
        {
            "checker.py": checker(
                tests="import random; rng = __import__('numpy').random.default_rng(random.randrange(10**9))"
            )
        },
        "checker is reproducible: tests(rng) made other calls for the same seed",
    ),
    "26 a probe without probes.py": broken_checker(
        checker(call='probe("unchanged", 1.5, reads="double")').replace(
            "call, function", "call, probe, function"
        ),
        "there is no probes.py",
        line=False,
        part="probes.py",
    ),
    "27 a set passed to the answer": broken_checker(
        checker(call='call("double", {1.5})'), "cannot pass a set to an answer", line=False
    ),
    "28 a plot that raises": proof_fails(
        {
            "checker.py": checker().replace(
                'Test("double(1.5)", [call("double", 1.5)], judge)',
                'Test("double(1.5)", [call("double", 1.5)], judge, plot=lambda values, axes: titel)  # HERE',
            )
        },
        "plot of 'double(1.5)': NameError",
        "checker.py, line {line}",
        file="checker.py",
    ),
    "29 the template solves": proof_fails(
        {"template.py": "def double(x):\n    return 2 * x\n"}, "template reads as not started"
    ),
    "30 the template lacks a name": proof_fails(
        {"template.py": "def halve(x):\n    raise NotImplementedError\n"}, "template.py does not define"
    ),
    "31 judge hangs": Variant(
        {"checker.py": checker(judge=HANGING_LOOP)},
        (
            Run(CHECK, 4, ("did not finish within 1 s", "{path}/checker.py, line {line}"), "checker.py"),
            Run(DEV, 4, ("did not finish within 1 s", "checker.py, line {line}"), "checker.py"),
            Run(
                ("dev", "check", "--no-demos"), 4, ("✓ lesson 41 (good) solution passes", "passed,"), own=True
            ),
        ),
        hangs=True,
    ),
    "31b a plot hangs": Variant(
        {
            "checker.py": checker(
                top="def hang(values, axes):\n    while True:  # HERE\n        pass\n\n\n"
            ).replace(
                'Test("double(1.5)", [call("double", 1.5)], judge)',
                'Test("double(1.5)", [call("double", 1.5)], judge, plot=hang)',
            )
        },
        (
            Run(("check", "8", "ANSWER", "--plot", "--no-progress"), 0, ("saved plot",)),
            Run(
                DEV,
                1,
                ("plot of 'double(1.5)'", "did not finish within 1 s", "checker.py, line {line}"),
                "checker.py",
            ),
        ),
        hangs=True,
    ),
    "32 checker hangs at import": Variant(
        {"checker.py": checker(top="import time\nwhile True:\n    time.sleep(0.02)  # HERE\n")},
        (
            Run(
                CHECK,
                4,
                ("checker is broken", "did not finish within 2 s", "checker.py, line {line}"),
                "checker.py",
            ),
            Run(DEV, 4, ("checker loads: did not finish within 2 s",)),
            Run(
                ("dev", "check", "--no-demos"), 4, ("✓ lesson 41 (good) solution passes", "passed,"), own=True
            ),
        ),
        hangs=True,
    ),
}


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`dev new 8 softmax`, with short limits: the lesson every case breaks one part of."""
    folder = new_lesson(tmp_path_factory.mktemp("scaffold"), 8, SLUG)
    set_init(
        **{
            "import Lesson": "import Lesson, TimeLimits",
            'answer=("double(x)",),': f'answer=("double(x)",),\n    {LIMITS}',
        }
    )(folder)
    (folder / "checker.py").write_text(checker())
    return folder


def copy_lesson(scaffold: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(scaffold, target)
    return target


def line_of(path: Path) -> int:
    """The number of the line marked # HERE."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if "# HERE" in line)


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name", VARIANTS)
def test_a_broken_lesson_is_named_exactly_and_the_others_still_work(name, scaffold, tmp_path, monkeypatch):
    variant = VARIANTS[name]
    monkeypatch.chdir(tmp_path)
    lessons = tmp_path / "lessons"
    make_lesson(lessons / "good", 41, "good")
    folder = copy_lesson(scaffold, lessons / "08-softmax")
    for relative, text in variant.files.items():
        path = folder / relative
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
    if variant.change is not None:
        variant.change(folder)
    answer = tmp_path / "answer.py"
    answer.write_text((scaffold / "solution.py").read_text())
    for run in variant.runs:
        args = [str(answer) if arg == "ANSWER" else arg for arg in run.args]
        course = (
            Course(lesson_dirs=[lessons], bundled=False, entry_points=False)
            if run.own
            else Course(lesson_dirs=[lessons], entry_points=False)
        )
        started = time.monotonic()
        result = CliRunner().invoke(app, args, obj=course, catch_exceptions=False)
        took = time.monotonic() - started
        assert result.exit_code == run.code, f"{args}: {result.output}"
        line = line_of(folder / run.file) if run.file else 0
        for said in run.says:
            assert flat(said.format(path=folder, line=line)) in flat(result.output), (
                f"{args}: {result.output}"
            )
        if variant.hangs:
            assert took < HANG_BOUND, f"{args} took {took:.1f} s"
    # the other lessons still work: a bundled one, and the pack's own
    other = Course(lesson_dirs=[lessons], entry_points=False)
    assert CliRunner().invoke(app, ["exercise", "1"], obj=other).exit_code == 0
    assert CliRunner().invoke(app, ["exercise", "good"], obj=other).exit_code == 0


@dataclass(frozen=True)
class Pack:
    """An installed pack broken in its packaging: the entry point's value, what to break."""

    entry_point: str
    says: str
    runs: tuple[tuple[str, ...], ...] = (("lesson", "8", "--no-pager"), ("lesson", SLUG), ("list",))
    code: int = 4
    no_text: bool = False  # a wheel built without the .md files
    heavy_parent: bool = False


PACKS: dict[str, Pack] = {
    "33 entry point with a typo": Pack("{pkg}.softmx", "ModuleNotFoundError"),
    "34 entry point at the parent package": Pack("{pkg}", "__init__.py does not set LESSON"),
    "35 entry point attribute typo": Pack("{pkg}.softmax:LESSONS", "has no attribute 'LESSONS'"),
    "36 a wheel without the .md files": Pack(
        "{pkg}.softmax", "missing explanation.md, exercise.md, hints.md", no_text=True
    ),
    "37 heavy imports in the pack's own __init__": Pack(
        "{pkg}.softmax",
        "__init__.py is light: it imports numpy (with its parent packages)",
        runs=(DEV,),
        code=1,
        heavy_parent=True,
    ),
}


@pytest.mark.parametrize("name", PACKS)
def test_a_broken_installed_pack_is_named_by_every_command(name, scaffold, tmp_path, monkeypatch):
    pack = PACKS[name]
    monkeypatch.chdir(tmp_path)
    package = f"calccourse_softmax_{name.split()[0]}"  # a module name of its own in this process
    site = tmp_path / "site"
    copy_lesson(scaffold, site / package / SLUG)
    (site / package / "__init__.py").write_text("import numpy\n" if pack.heavy_parent else "")
    if pack.no_text:
        for text in ("explanation.md", "exercise.md", "hints.md"):
            (site / package / SLUG / text).unlink()
    dist = site / f"{package}-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 0.1\n")
    value = pack.entry_point.format(pkg=package)
    (dist / "entry_points.txt").write_text(f"[calccourse.lessons]\n{SLUG} = {value}\n")
    monkeypatch.syspath_prepend(str(site))
    for args in pack.runs:
        result = CliRunner().invoke(app, list(args), obj=Course(), catch_exceptions=False)
        assert result.exit_code == pack.code, f"{args}: {result.output}"
        assert flat(pack.says) in flat(result.output), f"{args}: {result.output}"
        assert "--lessons-dir" not in result.output  # the hint for folders, wrong for a wheel
    assert CliRunner().invoke(app, ["exercise", "1"], obj=Course()).exit_code == 0


# ---------------------------------------------------------------- what the author's code prints and explains


def test_a_demo_records_and_tables_print_values_literally(tmp_path):
    from rich.console import Console

    from calccourse.demo import DemoContext

    console = Console(record=True, width=100, color_system=None)
    ctx = DemoContext(console=console, number=8, out_dir=tmp_path)
    ctx.record("naive", [float("nan")] * 3, "naive softmax(z + 1000)", shown="[nan nan nan]")
    ctx.record("big", [float("inf")] * 2, "no shown")
    ctx.table("rows", ["z", "p"], [["[inf inf]", "[nan nan]"], ["[bold]x[/bold]", 1]])
    text = console.export_text()
    assert "naive softmax(z + 1000): [nan nan nan]" in text
    assert "no shown: [inf, inf]" in text
    assert "[inf inf]" in text and "[nan nan]" in text and "[bold]x[/bold]" in text


PROBED = """\
from calccourse.author import Test, probe


def tests(rng):
    return [Test("double keeps its input", [probe("unchanged", 1.5, reads="double")], lambda values: "ok")]
"""


def test_a_probe_on_a_function_not_started_names_the_learners_function(tmp_path, run):
    folder = make_lesson(
        tmp_path / "lessons" / "probed",
        42,
        "probed",
        {"checker.py": PROBED, "probes.py": "def unchanged(answer, x):\n    return answer.double(x)\n"},
    )
    result = run("--lessons-dir", str(tmp_path / "lessons"), "check", "42", str(folder / "template.py"))
    assert result.exit_code == 1, result.output
    assert "Not started yet: `double` still raises NotImplementedError." in result.output
    assert "`unchanged`" not in result.output


EXPLAINED = """\
from calccourse.author import function_test


def explain(values):
    if not all(abs(v) < float("inf") for v in values):
        return "takes the log of a probability that rounded to 0"
    return None


def tests(rng):
    return [function_test("double(x)", "double", [(1.0,), (-900.0,)], lambda x: 2 * x, explain=explain)]
"""


def test_function_tests_explain_sees_inf_and_nan(tmp_path):
    from calccourse.testing import judge_in_process

    folder = make_lesson(tmp_path / "explained", 42, "explained", {"checker.py": EXPLAINED})
    for bad in (float("inf"), float("nan")):
        report = judge_in_process(folder, {"double": lambda x, bad=bad: 2 * x if x > 0 else bad})
        (test,) = report.tests
        assert test.status == "fail"
        assert "double(-900) returned" in test.message and "expected a finite number" in test.message
        assert test.feedback == "takes the log of a probability that rounded to 0"


def test_a_demo_blocked_in_c_code_ends_the_command_with_its_exit_code(scaffold, tmp_path):
    """A thread waiting on a lock cannot be stopped: the command still reports, and the
    process ends (os._exit) with the command's exit code instead of waiting for it."""
    import os
    import subprocess
    import sys

    lessons = tmp_path / "lessons"
    make_lesson(lessons / "good", 41, "good")
    folder = copy_lesson(scaffold, lessons / "08-softmax")
    (folder / "demo.py").write_text(
        "import threading\n\n\ndef run(ctx):\n    threading.Event().wait()  # HERE\n"
    )
    env = {**os.environ, "MPLBACKEND": "Agg", "NO_COLOR": "1"}
    for args, says in (
        (["lesson", "8", "--no-pager", "--out", str(tmp_path / "plots")], "must define"),
        (["dev", "check", "8"], "passed, 1 failed"),
    ):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "calccourse", "--lessons-dir", str(lessons), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 4, output
        assert flat(f"did not finish within 2 s; it was at {folder}/demo.py, line 5") in flat(output)
        assert says in output
        assert time.monotonic() - started < HANG_BOUND + 10
