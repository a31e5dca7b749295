"""The README's sample output is what the tool prints (80 columns, no colour)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIVIDES_TWICE = """\
def derivative(x):
    return 3 * x**2 - 4 * x

def rate_of_change(f, x, dx):
    return (f(x + dx) - f(x)) / dx / dx
"""


def readme_block(after: str) -> list[str]:
    """The lines of the first ```text block after the sentence ``after``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```text\n(.*?)```", text[text.index(after) :], re.DOTALL)
    assert block, after
    return block.group(1).splitlines()


def shown(tmp_path: Path, *args: str) -> list[str]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "CALCCOURSE_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "calccourse", *args], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    return [line.rstrip() for line in done.stdout.splitlines()]


def test_the_demo_sample_is_what_lesson_3_prints(tmp_path):
    sample = readme_block("A lesson's demo, as `calccourse lesson 3` prints it")
    output = shown(tmp_path, "lesson", "3", "--no-pager")
    start = output.index(sample[0])
    assert output[start : start + len(sample)] == sample


def test_the_check_sample_is_what_check_prints(tmp_path):
    command, *sample = readme_block("Checking an answer that divides by dx twice")
    assert command == "$ calccourse check 1 answer.py --seed 1234"
    (tmp_path / "answer.py").write_text(DIVIDES_TWICE, encoding="utf-8")
    output = shown(tmp_path, "check", "1", "answer.py", "--seed", "1234", "--no-plot")
    until = next(k for k, line in enumerate(sample) if line.startswith("confinement:"))  # the machine's own
    assert output[:until] == sample[:until]
