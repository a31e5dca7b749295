"""`calccourse --help` and `list` start fast: no numpy, scipy, sympy, matplotlib or watchfiles imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "sympy", "matplotlib", "watchfiles")


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["exercise", "1"], ["hint", "1", "--all"]])
def test_light_commands_import_no_heavy_module(argv):
    script = (
        "import sys\n"
        "from calccourse.cli import app\n"
        f"try:\n    app({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr


def test_help_does_not_even_import_rich():
    script = (
        "import sys\nfrom calccourse.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "False"
