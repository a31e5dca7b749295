"""What learners see in real terminals: code that keeps its shape, colours that read on light
and dark backgrounds, a pager, whole help lines, ASCII where Unicode cannot go, NO_COLOR and
FORCE_COLOR, 60 columns, shell completion.

Where a terminal matters, commands run in a pseudo-terminal; elsewhere through a pipe, or
rich's recording console shows what would be printed.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from calccourse import render
from calccourse.cli import app
from calccourse.console import in_ascii
from calccourse.variants import without_variant_notes
from calccourse.wrapping import Prose

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]")
SGR = re.compile(r"\x1b\[([0-9;]*)m")
CLEAN_ENV = ("NO_COLOR", "FORCE_COLOR", "PAGER", "CALCCOURSE_PAGER", "LESS", "COLUMNS", "LINES", "CI")


def environment(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """The environment of a learner's shell: no colour settings, no CI, progress in tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV and not k.startswith("GITHUB_")}
    env.update(TERM="xterm-256color", CALCCOURSE_HOME=str(tmp_path / "home"))
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def calccourse() -> list[str]:
    """The `calccourse` script next to this Python, as learners run it."""
    script = Path(sys.executable).with_name("calccourse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "calccourse"]


def piped(tmp_path: Path, *args: str, **env: str | None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*calccourse(), *args],
        capture_output=True,
        env=environment(tmp_path, **env),
        cwd=tmp_path,
        timeout=180,
    )


@dataclass
class Screen:
    code: int
    raw: bytes

    @property
    def text(self) -> str:
        return ESCAPES.sub("", self.raw.decode("utf-8", errors="replace")).replace("\r", "")


def in_terminal(
    tmp_path: Path, *args: str, cols: int = 80, rows: int = 24, timeout: float = 120, **env: str | None
) -> Screen:
    """Run calccourse in a pseudo-terminal of ``cols`` x ``rows``, its controlling terminal
    (a pager reads keys from it); no key is ever pressed. The exit code and what it showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [*calccourse(), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environment(tmp_path, **env),
        cwd=tmp_path,
        preexec_fn=controlling_terminal,  # noqa: PLW1509 - the child only sets up its terminal
    )
    os.close(follower)
    raw, started = b"", time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # every process on the terminal has ended
                    break
                if not chunk:
                    break
                raw += chunk
            elif process.poll() is not None:
                break
        else:
            process.kill()
            process.wait(timeout=30)
            pytest.fail(f"{args} did not end within {timeout} s without a key press:\n{raw[-2000:]!r}")
        return Screen(process.wait(timeout=30), raw)
    finally:
        os.close(leader)


def recording(width: int, colors: str | None = None) -> Console:
    """rich's recording console, as a terminal ``width`` columns wide."""
    return Console(record=True, width=width, color_system=colors, force_terminal=True, file=io.StringIO())


# ---------------------------------------------------------------- code never wraps


def code_lines() -> list[tuple[str, str]]:
    """Every line of code a lesson shows: its demo, its solution, its template and the
    code blocks of its texts."""
    found = []
    for folder in sorted(LESSONS.glob("[0-9][0-9]-*")):
        for name in ("demo.py", "solution.py", "template.py"):
            found += [(f"{folder.name}/{name}", line) for line in (folder / name).read_text().splitlines()]
        for text in sorted(folder.glob("*.md")):
            for block in re.findall(r"```[^\n]*\n(.*?)```", text.read_text(), re.S):
                found += [(f"{folder.name}/{text.name}", line) for line in block.splitlines()]
    return found


def test_lesson_code_fits_76_columns():
    from rich.cells import cell_len

    lines = code_lines()
    assert len(lines) > 500
    assert [(where, line) for where, line in lines if cell_len(line) > 76] == []


def test_code_is_cut_at_the_edge_of_a_narrow_terminal(tmp_path):
    shown = in_terminal(tmp_path, "solution", "3", "--yes", "--no-pager", cols=60)
    assert shown.code == 0
    lines = shown.text.splitlines()
    assert all(len(line.rstrip()) <= 60 for line in lines)
    cut = [line.rstrip() for line in lines if line.rstrip().endswith(render.CUT)]
    assert cut, "some of lesson 3's solution is wider than 60 columns"
    solution = (LESSONS / "03-gradient" / "solution.py").read_text()
    for line in cut:  # each is the start of a line of the solution, indentation kept
        start = line[1:-1].rstrip()  # the padding column, then the code up to the mark
        assert any(code.startswith(start) for code in solution.splitlines()), line


def test_code_in_a_file_keeps_whole_lines(tmp_path):
    done = piped(tmp_path, "solution", "3", COLUMNS="60")
    assert done.returncode == 0
    printed = done.stdout.decode().splitlines()
    solution = (LESSONS / "03-gradient" / "solution.py").read_text()
    for line in without_variant_notes(solution).rstrip().splitlines():  # as `solution` shows it
        assert line in printed


def test_code_blocks_in_texts_are_cut_not_wrapped():
    screen = recording(60, "truecolor")
    long = "    return sum(f(a + k * (b - a) / steps) for k in range(steps)) * (b - a) / steps"
    render.markdown(screen, f"Like this:\n\n```python\ndef area(f, a, b, steps):\n{long}\n```\n")
    shown = screen.export_text().splitlines()
    assert any(line.startswith("     return sum(f(a + k") and line.endswith(render.CUT) for line in shown)
    assert not any(line.strip().startswith("* (b - a)") for line in shown)  # no rest at column 0


# ---------------------------------------------------------------- readable on light and dark


def contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        parts = [c / 255 for c in rgb]
        parts = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colors", ["truecolor", "256"])
def test_code_brings_its_own_background(catalog, colors):
    """Code never leaves its background to the terminal (monokai's near-white text was
    invisible on a white terminal): every character has the theme's background, at 4.5:1."""
    screen = recording(80, colors)
    blocks = [render.Code(p.demo_source) for p in catalog.lessons]
    blocks.append(render._markdown()("```python\nx = 1  # a comment\n```", code_theme=render.CODE_THEME))
    for block in blocks:
        for segment in screen.render(block):
            if not segment.text.strip() or segment.control:
                continue
            style = segment.style
            assert style is not None and style.bgcolor is not None and style.color is not None, segment
            system = screen._color_system
            assert system is not None
            back = style.bgcolor.downgrade(system).get_truecolor()
            fore = style.color.downgrade(system).get_truecolor()
            assert contrast(fore, back) >= 4.5, (segment.text, fore, back)


def sgr_parameters(text: str) -> list[list[str]]:
    return [match.split(";") for match in SGR.findall(text)]


def test_no_bright_green_rules_or_cyan_numbers(tmp_path):
    """xterm's bright green (92) and cyan (36) are 1.4:1 and 2:1 on a white background."""
    done = piped(tmp_path, "lesson", "1", "--out", "plots", FORCE_COLOR="1")
    assert done.returncode == 0
    text = done.stdout.decode()
    assert "─" in text and re.search(r"\d", text)
    backgrounds = {"48", *map(str, range(40, 48)), *map(str, range(100, 108))}
    plain = [params for params in sgr_parameters(text) if not {"38", *backgrounds} & set(params)]
    assert plain, "some styles are plain SGR codes without a background of their own"
    for params in plain:
        assert not {"92", "36", "96"} & set(params), params


# ---------------------------------------------------------------- the pager

FAKE_PAGER = """
import os, sys, time
lines = []
for line in sys.stdin.buffer:
    lines.append((time.monotonic(), line))
with open(os.environ["FAKE_PAGER_OUT"], "w") as kept:
    kept.write(os.environ.get("LESS", "(unset)") + "\\n")
    first = next(t for t, line in lines if b"Lesson" in line)
    last = next(t for t, line in lines if b"Exercise" in line)
    kept.write(f"{last - first}\\n")
    kept.write(b"".join(line for _, line in lines).decode())
print("[fake pager]", len(lines), "lines")
"""


@pytest.fixture
def fake_pager(tmp_path):
    script = tmp_path / "pager.py"
    script.write_text(textwrap.dedent(FAKE_PAGER))
    return f"{sys.executable} {script}", tmp_path / "paged.txt"


@pytest.mark.parametrize("variable", ["CALCCOURSE_PAGER", "PAGER"])
def test_lesson_streams_into_the_pager_on_a_terminal(tmp_path, fake_pager, variable):
    pager, kept = fake_pager
    shown = in_terminal(
        tmp_path, "lesson", "1", "--out", "plots", FAKE_PAGER_OUT=str(kept), **{variable: pager}
    )
    assert shown.code == 0
    assert "[fake pager]" in shown.text and "Lesson 1" not in shown.text
    less, seconds, *paged = kept.read_text().splitlines()
    assert less == "FRX"  # short output is printed and less quits; colours pass through
    assert any("Lesson 1" in line for line in paged) and any("\x1b[" in line for line in paged)
    assert max(len(ESCAPES.sub("", line)) for line in paged) <= 80  # laid out for the terminal
    assert float(seconds) > 0.2, "the lesson reached the pager as it was printed, not at the end"


def test_solution_pages_too_and_keeps_the_users_less(tmp_path, fake_pager):
    pager, kept = fake_pager
    env = {"CALCCOURSE_PAGER": pager, "FAKE_PAGER_OUT": str(kept), "PAGER": "false", "LESS": "R"}
    kept.with_name("pager.py").write_text(
        "import os, sys\nopen(os.environ['FAKE_PAGER_OUT'], 'w').write(os.environ['LESS'] + '\\n'"
        " + sys.stdin.read())\n"
    )
    assert in_terminal(tmp_path, "solution", "2", "--yes", **env).code == 0
    less, *paged = kept.read_text().splitlines()
    assert less == "R" and any("def " in ESCAPES.sub("", line) for line in paged)


@pytest.mark.parametrize(
    "how", [("--no-pager",), ("CI", "true"), ("CALCCOURSE_PAGER", ""), ("CALCCOURSE_PAGER", "cat")]
)
def test_no_pager(tmp_path, fake_pager, how):
    pager, kept = fake_pager
    env = {"PAGER": pager, "FAKE_PAGER_OUT": str(kept)}
    args = ["solution", "1", "--yes"]
    if how[0].startswith("--"):
        args.append(how[0])
    else:
        env[how[0]] = how[1]
    shown = in_terminal(tmp_path, *args, **env)
    assert shown.code == 0 and "def derivative" in shown.text and not kept.exists()


def test_never_a_pager_into_a_pipe(tmp_path, fake_pager):
    pager, kept = fake_pager
    done = piped(tmp_path, "solution", "1", PAGER=pager, FAKE_PAGER_OUT=str(kept))
    assert done.returncode == 0 and b"def derivative" in done.stdout and not kept.exists()


def test_less_prints_a_short_solution_and_quits(tmp_path):
    """With less itself and LESS=FRX, one screenful is printed and no key is needed."""
    if subprocess.run(["sh", "-c", "command -v less"], capture_output=True).returncode:
        pytest.skip("less is not installed")
    shown = in_terminal(tmp_path, "solution", "1", "--yes", rows=60, timeout=60)
    assert shown.code == 0 and "def derivative" in shown.text


def test_a_pager_that_is_not_installed_is_no_pager(tmp_path):
    shown = in_terminal(tmp_path, "solution", "1", "--yes", CALCCOURSE_PAGER="no-such-pager-here -R")
    assert shown.code == 0 and "def derivative" in shown.text


# ---------------------------------------------------------------- whole help lines


def summaries(*group: str, columns: int) -> dict[str, str]:
    """The commands of ``calccourse GROUP --help`` and their summaries, continuation lines joined."""
    done = subprocess.run(
        [*calccourse(), *group, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(columns)},
        timeout=60,
    )
    assert done.returncode == 0
    assert all(len(line) <= columns for line in done.stdout.splitlines())
    found: dict[str, str] = {}
    for line in done.stdout.split("Commands:")[1].splitlines():
        if line.startswith("  ") and not line.startswith("   "):
            name, _, summary = line.strip().partition(" ")
            found[name] = summary.strip()
        elif line.strip():
            found[name] += " " + line.strip()
    return found


@pytest.mark.parametrize("columns", [60, 80])
def test_every_command_summary_is_whole(columns):
    import typer.main

    root = typer.main.get_group(app)
    groups = [
        ((), root),
        *(((name,), command) for name, command in root.commands.items() if hasattr(command, "commands")),
    ]
    assert len(groups) == 3
    for prefix, group in groups:
        shown = summaries(*prefix, columns=columns)
        for name, command in group.commands.items():  # type: ignore[attr-defined]
            if not command.hidden:
                first = (command.help or "").split("\n\n")[0]
                assert shown[name] == " ".join(first.split()), (prefix, name)


# ---------------------------------------------------------------- ASCII where Unicode cannot go

ASCII_SETTINGS = {
    "PYTHONIOENCODING=ascii": {"PYTHONIOENCODING": "ascii"},
    "LANG=C": {
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONIOENCODING": None,
    },
}


def test_ascii_spelling():
    def spell(text: str) -> str:
        return text.encode("ascii", "calccourse-ascii").decode()

    assert spell("∂f/∂x = 2x², f′(x) ≈ 3 → ok") == "df/dx = 2x^2, f'(x) ~ 3 -> ok"
    assert spell("d/dx xⁿ = n·xⁿ⁻¹, σᵢ(1 − σᵢ), Wᵀ") == "d/dx x^n = n*x^(n-1), sigma_i(1 - sigma_i), W^T"
    assert spell("δx ≤ 0.1°, |∇f| ≥ 1, λ ≠ 0") == "delta x <= 0.1 deg, |grad f| >= 1, lambda != 0"
    assert spell("✓ ✗ ○ café ☃") == "+ x o cafe ?"


@pytest.mark.parametrize("setting", list(ASCII_SETTINGS))
@pytest.mark.parametrize(("answer", "code"), [("solution.py", 0), ("mistakes/divides_twice.py", 1)])
def test_check_on_an_ascii_stdout(tmp_path, setting, answer, code):
    (tmp_path / "answer.py").write_text((LESSONS / "01-derivatives" / answer).read_text())
    args = ("check", "1", "answer.py", "--seed", "7", "--no-plot")
    done = piped(tmp_path, *args, **ASCII_SETTINGS[setting])
    unicode = piped(tmp_path, *args, PYTHONIOENCODING="utf-8")
    assert done.returncode == unicode.returncode == code, done.stderr.decode(errors="replace")
    text = done.stdout.decode("ascii")  # nothing but ASCII
    assert "+ derivative(x) is f'(x)" in text and "Traceback" not in done.stderr.decode("ascii")
    assert text.count("?") == unicode.stdout.decode().count("?"), "every character spelled, none lost"


@pytest.mark.parametrize("setting", list(ASCII_SETTINGS))
def test_lesson_on_an_ascii_stdout(tmp_path, setting):
    done = piped(tmp_path, "lesson", "1", "--out", "plots", **ASCII_SETTINGS[setting])
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    text = done.stdout.decode("ascii")
    assert "Lesson 1 * Differential calculus" in text and "+-----" in text  # ASCII rules and boxes


# ---------------------------------------------------------------- NO_COLOR and FORCE_COLOR


@pytest.mark.parametrize(
    ("env", "colour"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": ""}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR wins
        ({}, False),
    ],
)
def test_force_color_into_a_pipe(tmp_path, env, colour):
    done = piped(tmp_path, "list", **env)
    assert done.returncode == 0 and b"derivatives" in done.stdout
    assert (b"\x1b[" in done.stdout) is colour


def test_force_color_draws_no_live_progress_into_a_pipe(tmp_path):
    done = piped(tmp_path, "lesson", "5", "--out", "plots", FORCE_COLOR="1")  # its demo has a bar
    assert done.returncode == 0 and b"\x1b[" in done.stdout
    assert b"\x1b[?25l" not in done.stdout and b"\r" not in done.stdout and b"\x1b[2K" not in done.stdout


@pytest.mark.parametrize(("env", "colour"), [({}, True), ({"NO_COLOR": "1"}, False)])
def test_list_in_a_terminal_has_colour_unless_no_color(tmp_path, env, colour):
    shown = in_terminal(tmp_path, "list", **env)
    assert shown.code == 0 and "derivatives" in shown.text
    assert (b"\x1b[" in shown.raw) is colour


def test_no_color_wins_in_a_terminal(tmp_path):
    shown = in_terminal(
        tmp_path, "lesson", "3", "--no-pager", "--out", "plots", NO_COLOR="1", FORCE_COLOR="1"
    )
    assert shown.code == 0 and "Gradient" in shown.text
    assert b"\x1b[" not in shown.raw


# ---------------------------------------------------------------- 60 columns


def progress_data(catalog) -> dict:
    slugs = [p.slug for p in catalog.lessons]
    run = {"status": "pass", "score": 3, "max_score": 3, "when": "2026-12-01 14:42"}
    failed = {"status": "fail", "score": 1.5, "max_score": 12, "when": "2026-11-30 09:05"}
    return {
        "version": 2,
        "hints": {slugs[4]: 1},
        "checks": {slugs[0]: {"best": run, "last": run}, slugs[2]: {"best": failed, "last": failed}},
    }


def words(text: str) -> set[str]:
    return set(re.sub(r"[│┃┏┓┗┛┡┩┣┫╇╈━─┳┻└┘┌┐├┤┼]", " ", text).split())


@pytest.mark.parametrize("width", range(60, 101, 4))
def test_list_and_progress_cut_no_name_or_date(catalog, width):
    from calccourse.course import Course
    from calccourse.state import runs

    data = progress_data(catalog)
    for draw in (
        lambda screen: render.lesson_list(screen, Course(), data),
        lambda screen: render.progress_table(screen, catalog.lessons, data, "/somewhere"),
    ):
        screen = recording(width)
        draw(screen)
        text = screen.export_text()
        assert "…" not in text and all(len(line) <= width for line in text.splitlines()), text
        shown = words(text)
        for plugin in catalog.lessons:
            assert set(plugin.title.split()) <= shown, (plugin.title, text)
    assert runs(data, catalog.lessons[0].slug)[1] is not None  # the data is what progress keeps
    assert {"2026-12-01", "14:42", "2026-11-30", "09:05"} <= shown


# ---------------------------------------------------------------- shell completion


def test_shell_completion(tmp_path):
    # The shell named, not detected from the process's ancestors (pytest may have no shell
    # above it): Typer's own switch for that.
    script = piped(tmp_path, "--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert script.returncode == 0 and b"_CALCCOURSE_COMPLETE" in script.stdout
    env = {"_CALCCOURSE_COMPLETE": "complete_bash", "COMP_WORDS": "calccourse pro", "COMP_CWORD": "1"}
    done = piped(tmp_path, **env)
    assert done.returncode == 0 and done.stdout.split() == [b"progress"]


def test_solution_before_a_pass_asks_in_a_terminal(tmp_path):
    """No key is pressed: the question waits, and nothing of the solution is shown."""
    with pytest.raises(pytest.fail.Exception, match="Show the solution anyway") as waited:
        in_terminal(tmp_path, "solution", "3", "--no-pager", cols=80, timeout=15)
    assert "def steepest_ascent" not in str(waited.value)


@pytest.mark.parametrize(
    ("number", "cols", "first", "rest"),
    [(7, 80, "∇(a² + b²) = Σ λᵢ·∇gᵢ", "0 = Σ λᵢ·ℓᵢ"), (5, 60, "z¹ = x·W¹ + b¹", "a² = g(z²)")],
)
def test_lesson_formulas_wrap_whole_at_the_terminal_width(tmp_path, number, cols, first, rest):
    shown = in_terminal(tmp_path, "lesson", str(number), "--no-pager", "--out", "plots", cols=cols, rows=40)
    assert shown.code == 0, shown.text
    lines = [line.rstrip() for line in shown.text.splitlines() if "━" not in line]  # not the progress bar
    assert all(len(line) <= cols for line in lines)
    at = next(k for k, line in enumerate(lines) if first in line)
    start, then = lines[at], lines[at + 1]
    assert not start.endswith(render.CUT) and not then.endswith(render.CUT)
    # The rest of the formula hangs on the next line, four columns deeper, terms whole.
    assert rest in then and len(then) - len(then.lstrip()) == len(start) - len(start.lstrip()) + 4


@pytest.mark.parametrize("cols", [60, 80])
def test_formulas_in_prose_stay_on_one_line(tmp_path, cols):
    """A formula inside a sentence moves whole to the next line; the sentence wraps around it."""
    shown = in_terminal(tmp_path, "lesson", "1", "--no-pager", "--out", "plots", cols=cols, rows=40)
    assert shown.code == 0, shown.text
    lines = [" ".join(line.split()) for line in shown.text.splitlines()]
    for formula in (
        "d/dx 7 = 0",
        "d/dx (g + h) = g′ + h′",
        "f′(x) = lim (f(x + δx) − f(x))/δx",
        "d/dx (1 + x²)⁵ = 5(1 + x²)⁴·2x",
        "δx/2 · f″(x)",
        "f′(x) = 2x",
    ):
        assert any(formula in line for line in lines), (formula, shown.text)
    broken = [line for line in lines if re.search(r" (=|\+|−|·|d/dx)$", line)]
    assert not broken, broken


@pytest.mark.parametrize("cols", [60, 80, 100])
def test_ascii_spellings_and_demo_output_stay_whole(tmp_path, cols):
    """Spelled in ASCII, a symbol that became words ("delta x", "grad f", "<-") is still
    one symbol; a sentence starting with a minus is no list; products are stars."""
    env = {"PYTHONIOENCODING": "ascii", "LANG": "C", "COLUMNS": str(cols)}
    lines = []
    for number in ("1", "3", "6"):
        done = piped(tmp_path, "lesson", number, "--no-pager", "--out", "plots", **env)
        assert done.returncode == 0
        lines += [" ".join(line.split()) for line in done.stdout.decode("ascii").splitlines()]
    text = "\n".join(lines)
    assert not re.search(r"(delta|grad|<-|->)$", text, re.M), text
    assert "\\*" not in text and "from + to -, at a minimum" in text.replace("\n", " ")
    assert not any(line.startswith("* to +") for line in lines)


def test_a_formula_wider_than_the_line_breaks_between_terms():
    screen = recording(24)
    text = "So a = b + c·d + (e − f)·g + h/k and that is all."
    screen.print(Prose(Text(text)))
    lines = screen.export_text().splitlines()
    assert all(len(line.rstrip()) <= 24 for line in lines), lines
    assert " ".join(" ".join(lines).split()) == text  # nothing lost, nothing cut
    assert all(not re.search(r"[(]\S*$", line.rstrip()) for line in lines), lines  # brackets first


def test_ascii_is_spelled_before_it_is_wrapped(tmp_path):
    done = piped(tmp_path, "lesson", "1", "--no-pager", "--out", "plots", PYTHONIOENCODING="ascii", LANG="C")
    assert done.returncode == 0
    text = done.stdout.decode("ascii")
    source = (LESSONS / "01-derivatives" / "demo.py").read_text()
    long = [line for line in text.splitlines() if len(line) > 80]
    assert all(line.strip() and line.strip() in in_ascii(source) for line in long), long  # only code
    assert "(delta x)^2" in text and "delta x^2" not in text
    assert in_ascii("x²y and δx²") == "x^2*y and (delta x)^2"
    # A product in prose is a star, not Markdown's emphasis; "delta x" is one symbol.
    assert "d/dx (c*g(x)) = c*g'(x)" in text
    narrow = piped(
        tmp_path,
        "lesson",
        "1",
        "--no-pager",
        "--out",
        "plots",
        PYTHONIOENCODING="ascii",
        LANG="C",
        COLUMNS="60",
    ).stdout.decode("ascii")
    assert "2x*delta x + (delta x)^2" in narrow, narrow
