"""Per-learner variants (issue 19), lesson 2 (integrals): through the CLI, as a learner
uses them. Without a learner id nothing changes (tests/test_lesson_derivatives_integrals.py
proves that too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calccourse.variants import VariantRandom, variant_key, variant_seed
from tests.conftest import run_as

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "02-integrals"
ALICE_F = "−9x² + 10x"  # the stable hash's regression: alice's lesson 2 is this f
BOB_F = "−3x² − 6x + 2"
AREA = (
    "import numpy as np\n\n\n"
    "def area(f, a, b, dx):\n"
    "    n = round((b - a) / dx)\n"
    "    return np.sum(f(a + dx * np.arange(n))) * dx\n"
)
ALICE = "def antiderivative(x):\n    return -3 * x**3 + 5 * x**2 + 7\n\n\n" + AREA


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    return run_as(args, tmp or Path("."), env)


def check(tmp: Path, source: str, *options: str) -> dict:
    answer = tmp / "lesson02.py"
    answer.write_text(source, encoding="utf-8")
    result = run(["check", "2", str(answer), "--seed", "3", "--format", "json", *options], tmp=tmp)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def feedback(report: dict) -> str:
    return " ".join(test["feedback"] or "" for test in report["tests"])


def said(output: str) -> str:
    """The output as one line: the terminal wraps prose at its width."""
    return " ".join(output.split())


def test_two_learners_get_two_exercises_and_no_id_the_course_own(tmp_path: Path) -> None:
    alice = run(["exercise", "2", "--learner", "alice"], tmp=tmp_path)
    bob = run(["exercise", "2", "--learner", "bob"], tmp=tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    assert f"Take f(x) = {ALICE_F}." in said(alice.output)
    assert "about −48 here (from −49.6 to −46.7 along the curve; the running sum lies below F)" in said(
        alice.output
    )
    assert f"any function whose derivative is {ALICE_F}," in said(alice.output)
    assert f"Take f(x) = {BOB_F}." in said(bob.output) and "about 8 here (from 6 to 8.3" in said(bob.output)
    own = said(run(["exercise", "2"], tmp=tmp_path).output)
    assert "Take f(x) = 3x² − 4x (the derivative from lesson 1)." in own
    assert "about 17 here (from 16.9 to 18 along the curve). Why not" in own


def test_the_course_own_texts_render_as_they_were() -> None:
    """fields(COURSE) fills the templates back into the lesson's text: no field is left."""
    from calccourse.discovery import discover
    from calccourse.lesson import variant_of

    plugin = discover(use_entry_points=False).find("integrals")
    own = variant_of(plugin, None)
    assert own is not None and own.key is None
    for name in ("exercise.md", "hints.md", "template.py"):
        text = plugin.written_for(name, None)
        assert "{" not in text and "}" not in text.replace("{}", ""), name
    # each term with its sign, so that the results add up to F
    hints = plugin.written_for("hints.md", None)
    assert "- 3x² → 3·x³/3 = x³\n- −4x → −4·x²/2 = −2x²\n\nAny constant" in hints
    assert "    return x**3 - ...\n" in hints


def test_hints_and_starter_follow_the_variant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hint = said(run(["hint", "2", "--all", "--learner", "bob"], tmp=tmp_path).output)
    assert "the derivative −3x²? Which one has the derivative −6x? Which one has the derivative 2?" in hint
    assert "−6x → −6·x²/2 = −3x²" in hint and "2 → 2x (a constant is 2·x⁰" in hint
    assert "return -x**3 - ..." in hint
    monkeypatch.chdir(tmp_path)
    started = run(["start", "2", "--learner", "alice"], tmp=tmp_path)
    assert started.exit_code == 0, started.output
    starter = (tmp_path / "lesson02.py").read_text(encoding="utf-8")
    assert f"integrating f(x) = {ALICE_F}." in starter and f"derivative is {ALICE_F} (any C)" in starter
    assert "calccourse check 2 lesson02.py --learner alice" in starter


def test_an_answer_for_alice_passes_alice_and_fails_bob_naming_why(tmp_path: Path) -> None:
    passed = check(tmp_path, ALICE, "--learner", "alice")
    assert passed["status"] == "pass" and passed["learner"] == "alice"
    assert passed["tests"][0]["name"] == "antiderivative(x) of the exercise's f, up to a constant"
    assert passed["tests"][2]["name"] == "area(f, a, b, dx) under the exercise's f from −2, dx = 0.1"
    failed = check(tmp_path, ALICE, "--learner", "bob")
    assert (failed["status"], failed["variant"]) == ("fail", variant_key("integrals", "bob"))
    assert failed["parameters"] == {"a": -3, "b": -6, "c": 2}
    first = failed["tests"][0]
    assert first["mistake"] == "another variant's F"
    assert first["feedback"] == (
        f"this is an antiderivative of {ALICE_F}, a different function: yours is f(x) = {BOB_F}. "
        "Integrate your own f (your exercise: `calccourse exercise 2` with your learner id)."
    )
    assert [test["status"] for test in failed["tests"][1:]] == ["pass"] * 3  # area is generic


def test_the_shipped_solution_fails_a_variant_saying_so(tmp_path: Path) -> None:
    solution = (LESSON / "solution.py").read_text(encoding="utf-8")
    failed = check(tmp_path, solution, "--learner", "bob")
    assert failed["status"] == "fail" and failed["tests"][0]["mistake"] == "the course's own F"
    assert (
        f"this is an antiderivative of 3x² − 4x, the course's own exercise; yours is f(x) = {BOB_F}. "
        "Integrate your own f (`calccourse exercise 2` with your learner id shows it)."
    ) in feedback(failed)


def test_mistakes_are_named_from_the_variant(tmp_path: Path) -> None:
    kept = check(
        tmp_path, ALICE.replace("-3 * x**3 + 5 * x**2 + 7", "-x**3 - 3 * x**2 + 2"), "--learner", "bob"
    )
    assert kept["tests"][0]["mistake"] == "constant not integrated"
    assert "the constant term 2 integrates to 2x" in kept["tests"][0]["feedback"]
    course_f = AREA.replace("f(a + dx", "(lambda x: 3 * x**2 - 4 * x)(a + dx")
    hard = check(
        tmp_path,
        "def antiderivative(x):\n    return -x**3 - 3 * x**2 + 2 * x\n\n\n" + course_f,
        "--learner",
        "bob",
    )
    assert "this is the area under 3x² − 4x (the course's own exercise's f) whatever f is" in feedback(hard)


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    solution = (LESSON / "solution.py").read_text(encoding="utf-8")
    report = check(tmp_path, solution)
    assert report["status"] == "pass" and not {"learner", "variant", "parameters"} & set(report)
    assert [test["name"] for test in report["tests"]] == [
        "antiderivative(x) of 3x² − 4x, up to a constant",
        "area(f, a, b, dx) is exact for a constant f",
        "area(f, a, b, dx) under 3x² − 4x from −2, dx = 0.1",
        "area(f, a, b, dx) under hidden functions",
    ]
    wrong = check(tmp_path, ALICE)  # alice's answer, without an id: the course's own messages
    assert wrong["tests"][0]["feedback"] is None and "a different function" not in feedback(wrong)


def test_variants_vary_and_keep_the_idea() -> None:
    """600 ids: every variant has a whole-coefficient F, and a class rarely shares one."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("integrals_variants", LESSON / "variants.py")
    assert spec is not None and spec.loader is not None
    variants = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(variants)
    drawn = [
        variants.parameters(VariantRandom(variant_seed("integrals", f"learner-{k}"))) for k in range(600)
    ]
    assert len({tuple(p.values()) for p in drawn}) >= 300
    for p in drawn:
        assert p["a"] % 3 == 0 and p["b"] % 2 == 0 and p["a"] and p["b"] and p != variants.COURSE
        assert variants.suits(p)


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "2", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids" in result.output
    assert result.output.count("in every variant: in 50 variants") == 14  # the solution and 13 mistakes
