"""``calccourse dev new N SLUG``: a lesson folder that passes ``dev check`` as written.

The placeholder exercise (``double(x)``: twice its input) has every part a lesson needs,
each a small working example of its kind: a declaration, prose, a hint ladder, a demo
that prints and plots, a checker with a named mistake, a solution, a template and one
known mistake. Replace them part by part, running ``dev check`` after each.
"""

from __future__ import annotations

from pathlib import Path

from calccourse.lesson import SLUG_PATTERN
from calccourse.markers import template_from
from calccourse.status import UsageError

SOLUTION = '''"""Lesson {number} answer file. Fill it in, then check it with:

    calccourse check {number} lesson{number:02d}.py
"""


def double(x):
    """Return twice x."""
    # BEGIN SOLUTION
    return 2 * x
    # END SOLUTION
'''


def files(number: int, slug: str) -> dict[str, str]:
    title = slug.replace("-", " ").capitalize()
    return {
        "__init__.py": f'''from calccourse.author import Lesson

LESSON = Lesson(
    number={number},
    slug="{slug}",
    title="{title}",
    summary="A placeholder lesson: replace this summary with what the lesson teaches.",
    answer=("double(x)",),
)
''',
        "explanation.md": f"""# {title}

This is the placeholder text of a new lesson. Write the lesson here, in short paragraphs,
with formulas that read well in a terminal: f(x) = 2x, f′(x) = 2.

The demo below prints a result and saves a plot; the exercise asks for one function.
""",
        "exercise.md": f"""# Exercise: double a number

Write `double(x)`, which returns twice its input: double(1.5) is 3.

## Your answer file

`lesson{number:02d}.py` must define `double(x)`. It is called with Python floats at random points,
and compared with 2x to within 1e-9.
""",
        "hints.md": """Twice a number is the number added to itself.

---

Multiplying by 2 does the same: `2 * x`.

---

```python
def double(x):
    return 2 * x
```
""",
        "demo.py": f'''"""The demo of lesson {number}: computes, prints and plots (shown to the learner)."""

import matplotlib.pyplot as plt
import numpy as np

from calccourse.author import run_standalone


def run(ctx):
    x = np.linspace(-3, 3, 61)
    ctx.record("double_of_1_5", 2 * 1.5, "double(1.5)")
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(x, 2 * x, label="2x")
    axes.set_xlabel("x")
    axes.legend()
    ctx.save(figure, "double")


if __name__ == "__main__":
    run_standalone(run, {number})
''',
        "checker.py": f'''"""Lesson {number}'s checker: double(x) at random points, one named mistake."""

from calccourse.author import KnownMistake, function_test

MISTAKES = [
    KnownMistake("this is x squared: double means 2·x, not x·x.", lambda x: x * x),
]


def tests(rng):
    inputs = [(round(float(x), 3),) for x in rng.uniform(-3, 3, 6)]
    return [
        function_test("double(x) is 2x", "double", inputs, lambda x: 2 * x,
                      rtol=1e-9, atol=1e-9, mistakes=MISTAKES, what="2x"),
    ]
''',
        # One source: `calccourse dev template N` writes template.py from the marked regions.
        "solution.py": SOLUTION.format(number=number),
        "template.py": template_from(SOLUTION.format(number=number)),
        "mistakes/squares.py": """# expect: this is x squared
def double(x):
    return x * x
""",
    }


def new_lesson(parent: Path, number: int, slug: str) -> Path:
    """Write the lesson folder ``<parent>/<NN>-<slug>``; never over an existing one."""
    _valid(number, slug)
    folder = parent / f"{number:02d}-{slug}"
    _write(folder, files(number, slug))
    return folder


def new_pack(parent: Path, number: int, slug: str) -> Path:
    """Write ``<parent>/calccourse-<slug>``: an installable pack (pyproject.toml with the
    entry point, the lesson as ``src/calccourse_<pkg>/<pkg>``, its tests, a CI workflow)."""
    _valid(number, slug)
    package = slug.replace("-", "_")
    root = parent / f"calccourse-{slug}"
    inside = f"src/calccourse_{package}/{package}"
    lesson = {f"{inside}/{name}": text for name, text in files(number, slug).items()}
    _write(root, {**pack_files(number, slug, package), **lesson})
    return root


def pack_files(number: int, slug: str, package: str) -> dict[str, str]:
    """The pack around the lesson: what makes it a wheel, its tests and their CI."""
    top = f"calccourse_{package}"
    return {
        "pyproject.toml": f"""[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "calccourse-{slug}"
version = "0.1.0"
description = "A calccourse lesson pack: lesson {number}, {slug}."
readme = "README.md"
requires-python = ">=3.10"
dependencies = ["calccourse>=0.2"]

[project.optional-dependencies]
test = ["pytest>=7.4"]

# calccourse finds the lesson through this entry point: the lesson's package.
[project.entry-points."calccourse.lessons"]
{slug} = "{top}.{package}"

# The whole folder goes into the wheel: the .md files and mistakes/ too.
[tool.hatch.build.targets.wheel]
packages = ["src/{top}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
""",
        "README.md": f"""# calccourse-{slug}

Lesson {number} for calccourse. Work on it with

    calccourse --lessons-dir src/{top}/{package} dev check {number}
    calccourse --lessons-dir src/{top}/{package} lesson {number}

`solution.py` is the one source of the answer: `calccourse --lessons-dir
src/{top}/{package} dev template {number}` writes `template.py` from its
`# BEGIN SOLUTION` / `# END SOLUTION` regions.

Test and build it (a fresh venv: `pip wheel` fetches hatchling itself):

    pip install -e ".[test]" && pytest
    pip wheel --no-deps . -w dist
""",
        f"src/{top}/__init__.py": "",
        f"src/{top}/py.typed": "",
        f"tests/test_{package}.py": PACK_TEST.format(top=top, package=package),
        ".github/workflows/test.yml": PACK_CI,
    }


PACK_TEST = '''"""The pack's own tests: the lesson proves itself, and answers are judged as meant."""

from pathlib import Path

from calccourse.testing import assert_lesson_proves_itself, judge_in_process

LESSON = Path(__file__).resolve().parent.parent / "src" / "{top}" / "{package}"


def test_the_lesson_proves_itself():
    assert_lesson_proves_itself(LESSON, seeds=3)


def test_another_correct_style_passes():
    report = judge_in_process(LESSON, {{"double": lambda x: x + x}})
    assert report.status == "pass", [(t.name, t.message) for t in report.tests]


def test_squaring_gets_its_feedback():
    report = judge_in_process(LESSON, {{"double": lambda x: x * x}})
    said = [t.feedback or "" for t in report.tests if t.status == "fail" and t.required]
    assert said and all("x squared" in text for text in said)
'''
PACK_CI = """name: test
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    env:
      MPLBACKEND: Agg
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install -e ".[test]"
      - run: calccourse list
      - run: calccourse dev check
      - run: pytest
"""


def _valid(number: int, slug: str) -> None:
    if number < 1:
        raise UsageError(f"the lesson number must be 1 or more, not {number}.")
    if not SLUG_PATTERN.match(slug):
        raise UsageError(
            f"'{slug}' is not a slug: use lower-case letters, digits and '-', starting with a letter."
        )


def _write(folder: Path, texts: dict[str, str]) -> None:
    """Write every file under ``folder``; never over an existing folder."""
    if folder.exists():
        raise UsageError(f"{folder} already exists; nothing was written.")
    try:
        for name, text in texts.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {folder}: {error.strerror or error}.") from None
