"""The example lesson pack (examples/lesson-pack) installs as a wheel into a fresh venv and
works there through its entry point: `list` shows lesson 8, `dev check 8` passes, and the
pack's own tests pass. Nothing is downloaded: the fresh venv sees this environment's
packages (and this checkout's calccourse) through a .pth file, and pip installs the
wheel with --no-index --no-deps."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "examples" / "lesson-pack"


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.slow
def test_the_lesson_pack_installs_into_a_fresh_venv_and_proves_itself(tmp_path):
    started = time.perf_counter()
    env = {
        **os.environ,
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONDONTWRITEBYTECODE": "1",  # nothing written into the checkout
        "MPLBACKEND": "Agg",
        "NO_COLOR": "1",
    }
    env.pop("CALCCOURSE_LESSONS_PATH", None)

    wheels = tmp_path / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
        + ["-w", str(wheels), str(PACK)],
        env,
        tmp_path,
    )
    (wheel,) = wheels.glob("calccourse_taylor-*.whl")

    fresh = tmp_path / "fresh"
    run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], env, tmp_path)
    python = str(fresh / "bin" / "python")
    fresh_site = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], env, tmp_path
        ).stdout.strip()
    )
    ours = dict.fromkeys([str(ROOT), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (fresh_site / "calccourse-parent.pth").write_text("\n".join(ours) + "\n")

    # pip itself comes from this environment through the .pth; it installs into the fresh venv.
    run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], env, tmp_path)
    installed = run(
        [python, "-c", "import calccourse_taylor; print(calccourse_taylor.__file__)"], env, tmp_path
    )
    assert installed.stdout.strip().startswith(str(fresh_site))

    listed = run([python, "-m", "calccourse", "list"], env, tmp_path).stdout
    assert "Taylor series (taylor)" in listed and "broken" not in listed, listed
    found = run(
        [
            python,
            "-c",
            "from calccourse.discovery import discover; p = discover().find('8'); "
            "print(p.origin); print(p.folder)",
        ],
        env,
        tmp_path,
    ).stdout.splitlines()
    assert found[0] == "entry point" and found[1].startswith(str(fresh_site)), found

    checked = run([python, "-m", "calccourse", "dev", "check", "8"], env, tmp_path).stdout
    assert checked.rstrip().endswith("passed, 0 failed"), checked

    tests = run([python, "-m", "pytest", str(PACK / "tests"), "-q", "-p", "no:cacheprovider"], env, tmp_path)
    assert " passed" in tests.stdout and "failed" not in tests.stdout, tests.stdout

    assert time.perf_counter() - started < 90
