"""Type-check the lessons with mypy: their folders (``03-gradient``) are no valid package
names, so each is checked as a copy named ``lesson_03_gradient``, with errors mapped back."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        names = {}
        for folder in sorted((ROOT / "lessons").iterdir()):
            if (folder / "__init__.py").exists():
                name = "lesson_" + re.sub(r"\W", "_", folder.name)
                skip = shutil.ignore_patterns("mistakes", "__pycache__")
                shutil.copytree(folder, Path(scratch) / name, ignore=skip)
                names[name] = folder.relative_to(ROOT).as_posix()
        run = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), *names],
            cwd=scratch,
            capture_output=True,
            text=True,
        )
    output = run.stdout + run.stderr
    for name, folder in names.items():
        output = output.replace(f"{name}/", f"{folder}/")
    print(output.strip())
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
