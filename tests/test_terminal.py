"""What learners see in real terminals: whole help lines, shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from calccourse.cli import app

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


# ---------------------------------------------------------------- shell completion


def test_shell_completion(tmp_path):
    script = piped(tmp_path, "--show-completion", "bash")
    assert script.returncode == 0 and b"_CALCCOURSE_COMPLETE" in script.stdout
    env = {"_CALCCOURSE_COMPLETE": "complete_bash", "COMP_WORDS": "calccourse pro", "COMP_CWORD": "1"}
    done = piped(tmp_path, **env)
    assert done.returncode == 0 and done.stdout.split() == [b"progress"]
