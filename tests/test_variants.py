"""Per-learner variants (issue 19), lesson 1: through the CLI, as a learner and a grader
use them. Without a learner id nothing changes (the other tests prove that too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calccourse.course import Course
from calccourse.variants import VariantRandom, learner_id, polynomial, variant_key, variant_seed
from tests.conftest import run_as

ALICE_F = "3x³ + x² − 6x + 2"  # the stable hash's regression: alice's lesson 1 is this f
ALICE_WITHOUT_CONSTANT = "3x³ + x² − 6x"
BOB_F = "−2x³ − x² + 6x + 2"
ALICE = (
    "def derivative(x):\n    return 9 * x**2 + 2 * x - 6\n\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n"
)
COURSE = ALICE.replace("9 * x**2 + 2 * x - 6", "3 * x**2 - 4 * x")


def run(args: list[str], env: dict[str, str] | None = None, tmp: Path | None = None):
    return run_as(args, tmp or Path("."), env)


def test_the_seed_is_sha256_of_slug_and_id_and_stable() -> None:
    assert variant_seed("derivatives", "alice") == variant_seed("derivatives", "  Alice ")
    assert variant_key("derivatives", "alice") == "93d3919910b7"
    assert variant_seed("derivatives", "alice") != variant_seed("integrals", "alice")
    rng = VariantRandom(12345)  # SHA-256 in counter mode: the same draws on every machine
    assert [rng.integer(-3, 3) for _ in range(8)] == [-3, 3, 2, 0, 3, -1, 3, 3]
    assert learner_id("") is None and learner_id("  ") is None


def test_polynomials_read_well() -> None:
    assert polynomial([1, -2, 0, 1]) == "x³ − 2x² + 1"
    assert polynomial([-1, 3, 0, 1]) == "−x³ + 3x² + 1"
    assert polynomial([2, -1, 1, -3]) == "2x³ − x² + x − 3"
    assert polynomial([1, -2, 0, 1], code=True) == "x**3 - 2*x**2 + 1"


def test_two_learners_get_two_exercises_and_the_same_one_each_time(tmp_path: Path) -> None:
    alice = run(["exercise", "1", "--learner", "alice"], tmp=tmp_path)
    bob = run(["exercise", "1", "--learner", "bob"], tmp=tmp_path)
    assert alice.exit_code == bob.exit_code == 0
    assert f"Take f(x) = {ALICE_F}." in alice.output and f"Take f(x) = {BOB_F}." in bob.output
    assert run(["exercise", "1", "--learner", "alice"], tmp=tmp_path).output == alice.output
    mine = run(["exercise", "1"], env={"CALCCOURSE_LEARNER": "alice"}, tmp=tmp_path)
    # the environment variable is the same as --learner (which the suggested commands repeat)
    assert mine.output == alice.output.replace(" --learner alice", "")
    own = run(["exercise", "1"], tmp=tmp_path)
    assert "Take f(x) = x³ − 2x² + 1." in own.output and "about 8e-4 (at x = −2)" in own.output
    hint = run(["hint", "1", "--all", "--learner", "bob"], tmp=tmp_path)
    said = " ".join(hint.output.split())
    assert "derivative of −2x³? Of −x²? Of 6x? Of the constant 2?" in said and "the four results" in said


def test_lesson_shows_the_learners_exercise(tmp_path: Path) -> None:
    result = run(
        ["lesson", "1", "--learner", "bob", "--out", str(tmp_path / "plots"), "--no-pager"], tmp=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert f"Take f(x) = {BOB_F}." in result.output


def test_starter_and_solution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["start", "1", "--learner", "alice"], tmp=tmp_path)
    assert result.exit_code == 0 and "--learner alice" in result.output
    starter = (tmp_path / "lesson01.py").read_text(encoding="utf-8")
    assert f"f(x) = {ALICE_F}" in starter and "calccourse check 1 lesson01.py --learner alice" in starter
    solution = run(["solution", "1", "-y", "--no-pager", "--learner", "alice"], tmp=tmp_path)
    assert "course's own exercise" in solution.output and "# variant" not in solution.output
    assert "3 * x**2 - 4 * x" in solution.output


def test_a_file_started_for_a_learner_and_checked_without_an_id_says_how_to_check_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    starter = tmp_path / "lesson01.py"
    odd = (
        ("alice", "alice", "alice"),
        ("Zoë M", "zoë m", "'zoë m'"),
        ("O'Brien", "o'brien", "'o'\"'\"'brien'"),
    )
    for given, learner, quoted in odd:
        starter.unlink(missing_ok=True)
        assert run(["start", "1", "--learner", given], tmp=tmp_path).exit_code == 0
        text = starter.read_text(encoding="utf-8")
        docstring = text[: text.index('"""', 3) + 3]  # it says how to check the file
        starter.write_text(docstring + "\n\n\n" + ALICE, encoding="utf-8")  # fails the course's own
        plain = run(["check", "1", "--no-plot"], tmp=tmp_path)
        assert plain.exit_code == 1
        said = " ".join(plain.output.split())
        assert f"started for learner {learner}'s exercise, and no learner id was given" in said
        assert f"calccourse check 1 lesson01.py --learner {quoted}" in said
    mine = run(["check", "1", "--no-plot"], env={"CALCCOURSE_LEARNER": "Zoë M"}, tmp=tmp_path)
    assert mine.exit_code == 1 and "no learner id was given" not in mine.output  # an id: no guessing
    starter.write_text(COURSE, encoding="utf-8")  # no id in the file: nothing to say
    assert "learner" not in run(["check", "1", "--no-plot"], tmp=tmp_path).output


def test_an_id_read_back_from_an_answer_cannot_start_a_workflow_command_or_hide_characters(
    tmp_path: Path,
) -> None:
    """The id in the note is the answer's own text: wrapped onto a line of its own, it must
    not start a GitHub workflow command, and an id with control characters is not read."""
    answer = tmp_path / "lesson01.py"
    for id_and_width in (("::stop-commands::pwn", 80), ("::stop-commands::" + "x" * 40, 60)):
        learner, width = id_and_width
        answer.write_text(
            f'"""calccourse check 1 lesson01.py --learner {learner}"""\n{ALICE}', encoding="utf-8"
        )
        result = run(["check", "1", str(answer), "--no-plot"], env={"COLUMNS": str(width)}, tmp=tmp_path)
        assert result.exit_code == 1 and "started for learner" in result.output
        assert not [line for line in result.output.splitlines() if line.lstrip().startswith("::")]
    answer.write_text(
        f'"""calccourse check 1 lesson01.py --learner \'al\x1b[2Jice\'"""\n{ALICE}', encoding="utf-8"
    )
    assert "started for learner" not in run(["check", "1", str(answer), "--no-plot"], tmp=tmp_path).output


def test_the_commands_suggested_keep_the_learner_id_given_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`calccourse lesson 2` after a check with --learner would show the course's own
    exercise: what the tool suggests carries the option on; CALCCOURSE_LEARNER needs nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lesson01.py").write_text(ALICE, encoding="utf-8")
    passed = run(["check", "1", "--learner", "Alice"], tmp=tmp_path)
    assert passed.exit_code == 0, passed.output
    assert "calccourse lesson 2 --learner alice" in passed.output
    hint = run(["hint", "2", "--learner", "bob"], tmp=tmp_path)
    assert "`calccourse hint 2 --learner bob` again" in " ".join(hint.output.split())
    quiet = run(["hint", "2"], env={"CALCCOURSE_LEARNER": "bob"}, tmp=tmp_path)
    assert "`calccourse hint 2` again" in " ".join(quiet.output.split())


def test_an_answer_for_alice_passes_alice_and_fails_bob_naming_why(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(ALICE, encoding="utf-8")
    passed = run(["check", "1", str(answer), "--learner", "alice", "--seed", "3"], tmp=tmp_path)
    assert passed.exit_code == 0, passed.output
    failed = run(
        ["check", "1", str(answer), "--learner", "bob", "--seed", "3", "--format", "json"], tmp=tmp_path
    )
    assert failed.exit_code == 1
    report = json.loads(failed.output)
    assert (report["learner"], report["variant"]) == ("bob", variant_key("derivatives", "bob"))
    assert report["parameters"] == {"a": -2, "b": -1, "c": 6, "d": 2}
    said = " ".join(t["feedback"] or "" for t in report["tests"])
    assert f"this is f′ of {ALICE_WITHOUT_CONSTANT} (+ any constant), a different function" in said
    assert f"yours is f(x) = {BOB_F}" in said


def test_a_slip_on_one_term_of_the_learners_own_f_is_no_other_variant(tmp_path: Path) -> None:
    """9x² + 2x + 6 is f′ of a cubic with whole coefficients, but one term from alice's own:
    a slip on −6x, not a classmate's answer (the class summary would say so)."""
    answer = tmp_path / "answer.py"
    answer.write_text(ALICE.replace("9 * x**2 + 2 * x - 6", "9 * x**2 + 2 * x + 6"), encoding="utf-8")
    checked = ["check", "1", str(answer), "--learner", "alice", "--seed", "3", "--format", "json"]
    result = run(checked, tmp=tmp_path)
    (derivative, *_) = json.loads(result.output)["tests"]
    assert derivative["status"] == "fail" and "a different function" not in derivative["feedback"]
    assert "they differ in one term: 6x where yours has −6x" in derivative["feedback"]


def test_the_course_own_answer_fails_a_variant_saying_so(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(COURSE, encoding="utf-8")
    failed = run(
        ["check", "1", str(answer), "--seed", "3", "--format", "json"],
        env={"CALCCOURSE_LEARNER": "bob"},
        tmp=tmp_path,
    )
    report = json.loads(failed.output)
    assert report["learner"] == "bob" and report["status"] == "fail"
    assert "this is f′ of x³ − 2x² + 1, the course's own exercise; yours is f(x) = " + BOB_F in failed.output


def test_no_id_is_the_course_own_exercise_as_before(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(COURSE, encoding="utf-8")
    result = run(["check", "1", str(answer), "--seed", "3", "--format", "json"], tmp=tmp_path)
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["status"] == "pass"
    assert not {"learner", "variant", "parameters"} & set(report)
    assert report["tests"][0]["name"] == "derivative(x) is f′(x) of x³ − 2x² + 1"
    # an empty --learner overrides the environment: the course's own exercise
    again = run(
        ["check", "1", str(answer), "--seed", "3", "--learner", ""],
        env={"CALCCOURSE_LEARNER": "bob"},
        tmp=tmp_path,
    )
    assert again.exit_code == 0


def test_junit_and_gradescope_record_the_variant(tmp_path: Path) -> None:
    answer = tmp_path / "answer.py"
    answer.write_text(ALICE, encoding="utf-8")
    junit = run(
        ["check", "1", str(answer), "--learner", "alice", "--seed", "1", "--format", "junit"], tmp=tmp_path
    )
    assert '<property name="learner" value="alice"' in junit.output
    assert f'<property name="variant" value="{variant_key("derivatives", "alice")}"' in junit.output
    scope = run(
        ["check", "1", str(answer), "--learner", "alice", "--seed", "1", "--format", "gradescope"],
        tmp=tmp_path,
    )
    assert json.loads(scope.output)["extra_data"]["learner"] == "alice"


def test_grade_variants_grades_each_student_against_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(ALICE, encoding="utf-8")
    (folder / "bob.py").write_text(ALICE, encoding="utf-8")
    book = tmp_path / "book.json"
    result = run(
        ["grade", "1", str(folder), "--variants", "--seed", "1", "--json", str(book), "-j", "2"], tmp=tmp_path
    )
    assert result.exit_code == 0, result.output
    rows = {row["student"]: row for row in json.loads(book.read_text(encoding="utf-8"))["results"]}
    assert (rows["alice"]["status"], rows["bob"]["status"]) == ("pass", "fail")
    assert rows["bob"]["learner"] == "bob" and rows["bob"]["variant"] == variant_key("derivatives", "bob")
    plain = run(["grade", "1", str(folder), "--seed", "1", "--json", str(book), "-j", "2"], tmp=tmp_path)
    rows = json.loads(book.read_text(encoding="utf-8"))["results"]
    assert plain.exit_code == 0 and all(row["status"] == "fail" and "learner" not in row for row in rows)


def test_dev_check_proves_every_mistake_in_50_variants(tmp_path: Path) -> None:
    result = run(["dev", "check", "1", "--variants", "50", "--no-demos"], tmp=tmp_path)
    assert result.exit_code == 0, result.output
    assert "variants: 50 learner ids" in result.output
    assert result.output.count("in every variant: in 50 variants") == 12  # the solution and 11 mistakes


def test_a_gradebook_graded_with_variants_is_not_mixed_with_one_graded_without(tmp_path: Path) -> None:
    """--previous and gradebook merge refuse to join per-variant results with the course's own."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob", "carol", "dave"):
        (folder / f"{name}.py").write_text(ALICE, encoding="utf-8")
    book = tmp_path / "variants.json"
    graded = run(["grade", "1", str(folder), "--variants", "--seed", "1", "--json", str(book)], tmp=tmp_path)
    assert graded.exit_code == 0, graded.output
    again = run(
        ["grade", "1", str(folder), "--previous", str(book), "--json", str(tmp_path / "b.json")], tmp=tmp_path
    )
    assert again.exit_code == 2 and "graded with --variants, this run without" in again.output
    one, two = tmp_path / "part-1.json", tmp_path / "part-2.json"
    shard = ["grade", "1", str(folder), "--seed", "1", "--shard"]
    assert run([*shard, "1/2", "--variants", "--json", str(one)], tmp=tmp_path).exit_code == 0
    assert run([*shard, "2/2", "--json", str(two)], tmp=tmp_path).exit_code == 0
    merged = run(["gradebook", "merge", str(one), str(two), "--json", str(tmp_path / "m.json")], tmp=tmp_path)
    assert merged.exit_code == 2 and "--variants" in merged.output and not (tmp_path / "m.json").exists()


def test_a_regrade_with_variants_keeps_unchanged_answers_and_grades_a_new_one_against_its_variant(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob"):
        (folder / f"{name}.py").write_text(ALICE, encoding="utf-8")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    graded = run(["grade", "1", str(folder), "--variants", "--seed", "1", "--json", str(first)], tmp=tmp_path)
    assert graded.exit_code == 0, graded.output
    bob = ALICE.replace("9 * x**2 + 2 * x - 6", "-6 * x**2 - 2 * x + 6")  # bob's f′ now
    (folder / "bob.py").write_text(bob, encoding="utf-8")
    again = ["grade", "1", str(folder), "--variants", "--previous", str(first), "--json", str(second)]
    result = run(again, tmp=tmp_path)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "bob: 2/3 fail → 3/3 pass (the answer changed)" in said
    rows = {row["student"]: row for row in json.loads(second.read_text(encoding="utf-8"))["results"]}
    assert (rows["alice"]["status"], rows["bob"]["status"]) == ("pass", "pass")
    assert rows["bob"]["variant"] == variant_key("derivatives", "bob")
    without = run(["grade", "1", str(folder), "--previous", str(second)], tmp=tmp_path)
    assert without.exit_code == 2 and "graded with --variants, this run without" in without.output


def test_odd_learner_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name typed composed or decomposed is one learner; bytes that are no text are a usage
    error; an id that cannot stand in Python's source is left out of the starter file."""
    import ast
    import unicodedata

    composed = run(["exercise", "1", "--learner", unicodedata.normalize("NFC", "José")], tmp=tmp_path)
    decomposed = run(["exercise", "1", "--learner", unicodedata.normalize("NFD", "José")], tmp=tmp_path)
    assert composed.exit_code == 0 and composed.output == decomposed.output
    broken = run(["exercise", "1", "--learner", "ab\udcff"], tmp=tmp_path)
    assert broken.exit_code == 2 and "not valid text" in broken.output
    monkeypatch.chdir(tmp_path)
    for learner in ("CORP\\ursula", 'a"""b', "esc\x1b[31m"):
        started = run(["start", "1", "--learner", learner], tmp=tmp_path)
        assert started.exit_code == 0, started.output
        starter = tmp_path / "lesson01.py"
        ast.parse(starter.read_text(encoding="utf-8"))  # it is Python still
        assert "--learner" not in starter.read_text(encoding="utf-8")
        starter.unlink()


def test_the_class_summary_counts_a_named_mistake_once_across_variants(tmp_path: Path) -> None:
    """Each student keeps the constant in their own f: one mistake, named in three variants,
    its count the students', not three entries quoting three fs."""
    from calccourse.lesson import variant_of
    from calccourse.variants import adapt_source

    plugin = Course().lesson("1")
    folder = tmp_path / "class"
    folder.mkdir()
    kinds = {"ann": "keeps_constant", "ben": "keeps_constant", "cat": "keeps_constant", "dan": None}
    for name, kind in kinds.items():
        source = plugin.folder / ("solution.py" if kind is None else f"mistakes/{kind}.py")
        text = adapt_source(source.read_text(encoding="utf-8"), variant_of(plugin, name))
        (folder / f"{name}.py").write_text(text, encoding="utf-8")
    book, page = tmp_path / "book.json", tmp_path / "class.html"
    result = run(
        ["grade", "1", str(folder), "--variants", "--seed", "2", "--json", str(book), "--html", str(page)],
        tmp=tmp_path,
    )
    assert result.exit_code == 0, result.output
    (mistake,) = json.loads(book.read_text(encoding="utf-8"))["summary"]["mistakes"]
    assert (mistake["label"], mistake["count"]) == ("constant kept", 3)
    assert mistake["students"] == ["ann", "ben", "cat"]
    assert (mistake["variants"], mistake["example"]) == (3, "ann")
    said = " ".join(result.output.split())
    assert "3 × constant kept, in 3 variants, as ann got it: the derivative of the constant" in said
    html = page.read_text(encoding="utf-8")
    assert "constant kept</strong>, in 3 variants, as ann got it" in html
    assert "<dt>variants</dt><dd>each learner&#x27;s own exercise: 4 different among the answers" in html


def lessons_with_variants() -> list[str]:
    plugins = Course(entry_points=False).catalog.lessons
    return [str(plugin.number) for plugin in plugins if (plugin.folder / "variants.py").is_file()]


@pytest.mark.parametrize("number", lessons_with_variants())
def test_every_lesson_with_variants_keeps_its_promises(tmp_path: Path, number: str) -> None:
    """Issue 19's promise for each lesson: two ids, two exercises; the solution written for
    alice's variant passes alice and, where a variant changes the answer, fails bob's naming
    it, as the shipped solution does; `exercise N` with the id is where to look."""
    from calccourse.lesson import variant_of
    from calccourse.variants import adapt_source, answers_alike

    plugin = Course().lesson(number)
    alice, bob = variant_of(plugin, "alice"), variant_of(plugin, "bob")
    assert alice is not None and bob is not None and alice.parameters != bob.parameters
    exercise = [run(["exercise", number, "--learner", who], tmp=tmp_path).output for who in ("alice", "bob")]
    assert exercise[0] != exercise[1]
    shipped = (plugin.folder / "solution.py").read_text(encoding="utf-8")
    written = adapt_source(shipped, alice)
    answer = tmp_path / "answer.py"
    answer.write_text(written, encoding="utf-8")
    passed = run(["check", number, str(answer), "--learner", "alice", "--seed", "5"], tmp=tmp_path)
    assert passed.exit_code == 0, passed.output
    if answers_alike(shipped):
        return  # functions right in every variant (lessons 5 and 7: the variant is in the data)
    where = f"`calccourse exercise {int(number)}` with your learner id"
    for text, why in ((written, "another variant"), (shipped, "course's own")):
        answer.write_text(text, encoding="utf-8")
        failed = run(["check", number, str(answer), "--learner", "bob", "--seed", "5"], tmp=tmp_path)
        said = " ".join(failed.output.split())
        assert failed.exit_code == 1 and where in said, (why, failed.output)
    assert "course's own" in said
