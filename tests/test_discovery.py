"""Lesson plugins: found in folders and entry points, validated, broken ones reported, never fatal."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from calccourse.discovery import bundled_lessons_dir, discover
from tests.conftest import make_lesson

ROOT = Path(__file__).resolve().parent.parent


def test_bundled_lessons_are_all_found_and_valid(catalog):
    assert [plugin.number for plugin in catalog.lessons] == [1, 2, 3, 4, 5, 6, 7]
    assert catalog.broken == []


def test_extra_folder_adds_a_lesson(tmp_path):
    make_lesson(tmp_path / "tiny", 42, "tiny")
    catalog = discover([tmp_path], use_entry_points=False)
    assert catalog.find("42").slug == "tiny"
    assert catalog.find("tiny").origin == "--lessons-dir"


def test_environment_variable_adds_a_lesson(tmp_path, monkeypatch, run):
    make_lesson(tmp_path / "extra" / "tiny", 42, "tiny")
    monkeypatch.setenv("CALCCOURSE_LESSONS_PATH", str(tmp_path / "extra"))
    result = run("list")
    assert result.exit_code == 0
    assert "Tiny tiny" in result.output


@pytest.mark.parametrize(
    ("files", "init", "reason"),
    [
        ({}, "this is not python(", "SyntaxError"),
        ({}, "import no_such_module_anywhere", "ModuleNotFoundError"),
        ({"checker.py": None}, None, "missing checker.py"),
        ({}, "x = 1", "does not set LESSON"),
        (
            {},
            "from calccourse.lesson import Lesson\nLESSON = Lesson(0, 'Bad Slug', '', '', ())",
            "number must be",
        ),
    ],
)
def test_broken_plugin_is_reported_and_others_keep_working(tmp_path, run, files, init, reason):
    folder = make_lesson(tmp_path / "broken", 42, "broken", files)
    if init is not None:
        (folder / "__init__.py").write_text(init)
    result = run("--lessons-dir", str(tmp_path), "list")
    assert result.exit_code == 4  # so that CI sees a broken pack
    assert f"broken lesson {folder}" in result.output.replace("\n", "")
    assert reason in result.output
    assert "(derivatives)" in result.output and "(svm)" in result.output
    assert run("--lessons-dir", str(tmp_path), "lesson", "1", "--out", "plots").exit_code == 0


def test_asking_for_a_broken_lesson_exits_4_with_the_reason(tmp_path, run):
    folder = make_lesson(tmp_path / "42-broken", 42, "broken")
    (folder / "__init__.py").write_text("raise RuntimeError('half-written lesson')")
    result = run("--lessons-dir", str(tmp_path), "lesson", "42")
    assert result.exit_code == 4
    assert "half-written lesson" in result.output and str(folder) in result.output.replace("\n", "")


def test_a_copy_of_a_lesson_another_source_already_has_is_shadowed_not_broken(tmp_path, run):
    make_lesson(tmp_path / "copy", 3, "gradient")
    result = run("--lessons-dir", str(tmp_path), "list")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "shadowed lesson" in flat and "which also has lesson number 3 and comes first" in flat
    assert "broken lesson" not in flat


def test_another_lesson_with_a_bundled_lessons_number_is_an_error_each_slug_still_works(tmp_path, run):
    folder = make_lesson(tmp_path / "copy", 3, "copycat")
    result = run("--lessons-dir", str(tmp_path), "list")
    assert result.exit_code == 4
    flat = "".join(result.output.split())
    assert (
        "".join(f"broken lesson {folder}: lesson number 3 is already lesson 3 (gradient)'s".split()) in flat
    )
    assert "lessons/03-gradient" in flat
    for command in (["lesson", "3", "--out", "plots"], ["dev", "check", "3"], ["exercise", "3"]):
        named = run("--lessons-dir", str(tmp_path), *command)
        assert named.exit_code == 4, named.output
        assert "lesson 3's number is broken" in named.output and str(folder) in named.output.replace("\n", "")
    assert run("--lessons-dir", str(tmp_path), "exercise", "copycat").exit_code == 0
    assert run("--lessons-dir", str(tmp_path), "exercise", "gradient").exit_code == 0


def test_duplicate_number_in_one_source_is_reported_not_loaded(tmp_path, run):
    make_lesson(tmp_path / "a", 42, "first")
    make_lesson(tmp_path / "b", 42, "second")
    result = run("--lessons-dir", str(tmp_path), "list")
    assert result.exit_code == 4
    assert "lesson number 42 is already lesson 42 (first)'s" in " ".join(result.output.split())
    assert "(first)" in result.output


def test_duplicate_slug_is_reported(tmp_path):
    make_lesson(tmp_path / "copy", 42, "gradient")
    catalog = discover([tmp_path], use_entry_points=False)
    assert any("slug 'gradient'" in item.reason for item in catalog.broken)
    assert catalog.find("42") is None


def test_verbose_list_shows_the_traceback(tmp_path, run):
    folder = make_lesson(tmp_path / "broken", 42, "broken")
    (folder / "__init__.py").write_text("def f():\n    raise ValueError('deep')\nf()\n")
    result = run("--lessons-dir", str(tmp_path), "list", "--verbose")
    assert "Traceback" in result.output and "deep" in result.output


def test_entry_point_lessons_are_discovered(tmp_path, monkeypatch):
    package = tmp_path / "site" / "tinypack"
    make_lesson(package, 43, "packaged")
    dist = tmp_path / "site" / "tinypack-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tinypack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[calccourse.lessons]\npackaged = tinypack\n")
    broken = tmp_path / "site" / "brokenpack-1.0.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenpack\nVersion: 1.0\n")
    (broken / "entry_points.txt").write_text("[calccourse.lessons]\nnothing = no_such_pack_here\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    catalog = discover()
    assert catalog.find("packaged").origin == "entry point"
    assert any(
        "no_such_pack_here" in item.path and "ModuleNotFoundError" in item.reason for item in catalog.broken
    )
    assert len(catalog.lessons) == 8


@pytest.mark.slow
def test_installed_wheel_carries_the_lessons(tmp_path):
    """Built and installed as a wheel (not from this checkout), `list` still finds all seven."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    env_dir = tmp_path / "env"
    venv.create(env_dir, system_site_packages=True, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import zipfile

    wheel = next(wheels.glob("calccourse-*.whl"))
    zipfile.ZipFile(wheel).extractall(site)
    script = textwrap.dedent(
        """
        import calccourse.discovery as d
        c = d.discover(use_entry_points=False)
        print(d.bundled_lessons_dir())
        print(len(c.lessons), len(c.broken))
        """
    )
    out = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True, timeout=60
    ).stdout.split()
    assert out[0].startswith(site) and out[0].endswith("calccourse/lessons")
    assert out[1:] == ["7", "0"]
    assert bundled_lessons_dir() == ROOT / "lessons"
