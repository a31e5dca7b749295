"""The CI recipes in ``examples/``, run as written, offline, with honest and hostile submissions.

- ``examples/github-classroom/.github/workflows/classroom.yml``: the workflow is read with
  PyYAML, the steps that only install or call actions are set aside (and named, so a new
  step cannot slip by unrun), and the ``run:`` steps are run with bash as GitHub runs
  them, in a learner's repository, with ``GITHUB_ACTIONS=true``. What the skipped actions
  would do with the results is checked against their contract: the reporter
  (classroom-resources/autograding-grading-reporter, ``src/main.js``) reads
  ``<RUNNER>_RESULTS`` as base64 JSON, sums ``tests[].score`` against ``max_score``
  ("Points X/Y") and fails the job when ``status`` is fail or error.
- ``examples/gradescope/run_autograder``: run with ``AUTOGRADER_ROOT`` pointing at a
  temporary ``/autograder``; its ``results.json`` is held to Gradescope's autograder
  specification. ``setup.sh`` installs as root from the network: its check of the install
  source is run, the installation itself is not.

A hostile submission must not change its own score: it writes files where the recipes'
own files live (results, a ``json.py`` or ``sitecustomize.py`` a later Python would
import, the workflow's output file) and tries to rewrite calccourse's installed files.
``calccourse`` is found next to the running Python, so this works in any virtualenv.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import calccourse
from calccourse.course import Course
from tests.conftest import require_landlock

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "github-classroom" / ".github" / "workflows" / "classroom.yml"
GRADESCOPE = ROOT / "examples" / "gradescope"
SOLUTION = ROOT / "lessons" / "03-gradient" / "solution.py"
# The starter answer.py of the assignment: the template as `calccourse start 3` writes it (the
# file in the lesson is a variant template, its fields not filled in yet).
STARTER = Course(entry_points=False).lesson("3").template
BIN = str(Path(sys.executable).parent)
PINNED = "git+https://github.com/OWNER/calccourse@v0.3.0"

# Right gradient, wrong steepest ascent (components swapped): 1 point of 3.
PARTLY_WRONG = """import numpy as np


def gradient(x, y):
    return (2 * x, 2 * y)


def steepest_ascent(f, x, y, h=1e-4):
    theta = np.radians(np.arange(0.0, 360.0, 0.1))
    rates = (f(x + h * np.cos(theta), y + h * np.sin(theta)) - f(x, y)) / h
    best = np.argmax(rates)
    return (rates[best] * np.sin(theta[best]), rates[best] * np.cos(theta[best]))
"""
SYNTAX_ERROR = "import numpy as np\n\n\ndef gradient(x, y)\n    return (2 * x, 2 * y)\n"

# A wrong answer (zero gradient: 0 points of 3) that attacks what graders run after it.
HOSTILE = """
import os, json
import calccourse

FAKE = {"score": 3.0, "tests": [], "output": "All required tests passed."}
FAKE_EXERCISM = {"version": 3, "status": "pass", "max_score": 3, "tests": [
    {"name": "gradient", "status": "pass", "message": None, "score": 3}]}
attempts = []


def attempt(what, action):
    try:
        action()
        attempts.append(f"{what}: done")
    except OSError as error:
        attempts.append(f"{what}: {type(error).__name__}")


def write(path, text, mode="w"):
    with open(path, mode) as handle:
        handle.write(text)


# Gradescope's root (and the learner's repository): files a later Python would import
for place in PLACES:
    attempt(f"{place}/json.py", lambda: write(os.path.join(place, "json.py"), "raise SystemExit(0)\\n"))
    attempt(f"{place}/sitecustomize.py", lambda: write(os.path.join(place, "sitecustomize.py"), "pass\\n"))
    fake_exercism, fake = json.dumps(FAKE_EXERCISM), json.dumps(FAKE)
    attempt(f"{place}/results.json", lambda: write(os.path.join(place, "results.json"), fake_exercism))
    graded = os.path.join(place, "results", "results.json")
    attempt(f"{place}/results/results.json", lambda: write(graded, fake))
for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY"):
    if os.environ.get(name):
        attempt(name, lambda: write(os.environ[name], "result=forged\\n", "a"))
# calccourse's own files, imported lazily after this answer ran
attempt("calccourse/__init__.py", lambda: write(calccourse.__file__, "\\n# tampered\\n", "a"))
print("ATTEMPTS:", "; ".join(attempts), "; TOKEN:", os.environ.get("GITHUB_TOKEN", "none"))


def gradient(x, y):
    return (0.0, 0.0)


def steepest_ascent(f, x, y):
    return (0.0, 0.0)
"""


@pytest.fixture
def untouched_package():
    """calccourse's own files, as they were: a test fails (and restores them) if an answer changed one."""
    package = Path(calccourse.__file__).parent
    before = {path: path.read_bytes() for path in package.rglob("*.py")}
    yield
    changed = [path for path, data in before.items() if path.read_bytes() != data]
    for path in changed:
        path.write_bytes(before[path])
    assert not changed, f"an answer changed calccourse's files: {changed}"


def test_calccourse_is_next_to_python():
    """The recipes call `calccourse` from PATH; the tests put this Python's bin first."""
    assert (Path(BIN) / "calccourse").exists(), f"calccourse is not installed in {BIN}"


# ---------------------------------------------------------------- GitHub Classroom

INSTALL_ONLY = 'python -m pip install "$CALCCOURSE_SPEC"'
ACTIONS = {  # every `uses:` step, and why running it here is not needed
    "actions/checkout@v4": "the test makes the learner's repository itself",
    "actions/setup-python@v5": "the test runs under a Python with calccourse installed",
    "actions/upload-artifact@v4": "the test checks that the files it uploads exist",
    "actions/download-artifact@v4": "the test copies the parts the grade jobs uploaded",
    "classroom-resources/autograding-grading-reporter@v1": "modelled by reporter() below",
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def evaluate(expression: str, outputs: dict[str, dict[str, str]], context: dict[str, dict[str, str]]) -> str:
    """The few expressions the workflows use, as GitHub evaluates them here."""
    match = re.fullmatch(r"(vars|matrix|strategy)\.([\w-]+)", expression)
    if match:  # a variable (empty when not set), or the matrix job's own values
        return str(context.get(match.group(1), {}).get(match.group(2), ""))
    match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
    if match:
        return outputs.get(match.group(1), {}).get(match.group(2), "")
    raise AssertionError(f"the test does not know the expression ${{{{ {expression} }}}}")


def substitute(value: str, outputs: dict[str, dict[str, str]], context: dict[str, dict[str, str]]) -> str:
    return EXPRESSION.sub(lambda m: evaluate(m.group(1), outputs, context), value)


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as the runner reads it (``name=value`` lines)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        assert "<<" not in line.split("=", 1)[0], "multi-line outputs are not expected"
        name, _, value = line.partition("=")
        found[name] = value
    return found


def reporter(step: dict, env: dict[str, str]) -> dict:
    """What autograding-grading-reporter@v1 does with the runners' results (src/main.js,
    notify-classroom.js): decode ``<RUNNER>_RESULTS``, sum the points, fail on fail/error."""
    total = maximum = 0.0
    failed = False
    for runner in step["with"]["runners"].split(","):
        encoded = env[f"{runner.strip().upper()}_RESULTS"]
        results = json.loads(base64.b64decode(encoded, validate=True).decode("utf-8"))
        assert isinstance(results["max_score"], (int, float)) and results["max_score"] > 0
        maximum += results["max_score"]
        total += sum(test["score"] for test in results["tests"])
        for test in results["tests"]:
            assert test["status"] in ("pass", "fail", "error") and isinstance(test["name"], str)
        failed = failed or results["status"] in ("fail", "error")
    return {"points": f"Points {total:g}/{maximum:g}", "failed": failed}


def run_workflow(
    workflow: dict,
    repo: Path,
    tmp_path: Path,
    variables: dict[str, str] | None = None,
    job_name: str | None = None,
    matrix: dict[str, dict[str, str]] | None = None,
    repository: str = "classroom-org/lesson-3-ada",
) -> dict:
    """Run a job's steps in ``repo`` as GitHub would, skipping the install and the actions;
    ``matrix`` gives a matrix job its ``matrix`` and ``strategy`` contexts; ``repository`` is
    ``GITHUB_REPOSITORY`` (GitHub Classroom names a learner's ``<prefix><login>``).

    Returns each step's fate: ``{"id or name": {"ran": bool, "code": int, ...}}``.
    """
    variables = {"CALCCOURSE_SPEC": PINNED} if variables is None else variables
    context = {"vars": variables, **(matrix or {})}
    assert workflow["defaults"]["run"]["shell"] == "bash"
    (job,) = workflow["jobs"].values() if job_name is None else [workflow["jobs"][job_name]]
    outputs: dict[str, dict[str, str]] = {}
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    base_env.update(
        PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(repo),
        GITHUB_REPOSITORY=repository,
        GITHUB_TOKEN="ghs_secret_token_of_the_run",
        GITHUB_STEP_SUMMARY=str(tmp_path / "step_summary.md"),
        NO_COLOR="1",
    )
    for key, value in workflow["env"].items():
        base_env[key] = substitute(str(value), outputs, context)
    fates: dict[str, dict] = {}
    job_ok = True
    for number, step in enumerate(job["steps"]):
        name = step.get("id") or step["name"]
        condition = step.get("if", "success()")
        assert condition in ("success()", "always()"), f"unknown condition {condition!r}"
        if condition == "success()" and not job_ok:
            fates[name] = {"ran": False}
            continue
        env = dict(base_env)
        for key, value in (step.get("env") or {}).items():
            env[key] = substitute(str(value), outputs, context)
        if "uses" in step:
            assert step["uses"] in ACTIONS, f"a new action, unknown to this test: {step['uses']}"
            fate = {"ran": True, "skipped": True}
            if "autograding-grading-reporter" in step["uses"]:
                fate.update(reporter(step, env))
                job_ok = job_ok and not fate["failed"]
            if "upload-artifact" in step["uses"]:
                paths = step["with"]["path"].split()
                fate["files"] = [str(f.relative_to(repo)) for path in paths for f in sorted(repo.glob(path))]
            fates[name] = fate
            continue
        script = step["run"]
        assert "${{" not in script, "run: scripts take values from env, not expressions"
        if script.strip() == INSTALL_ONLY:
            fates[name] = {"ran": True, "skipped": True}
            continue
        output_file = tmp_path / f"github_output_{number}"
        output_file.touch()
        env["GITHUB_OUTPUT"] = str(output_file)
        script_file = tmp_path / f"step_{number}.sh"
        script_file.write_text(script, encoding="utf-8")
        shell = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)]
        done = subprocess.run(shell, cwd=repo, env=env, capture_output=True, text=True, timeout=60)
        if "id" in step:
            outputs[step["id"]] = read_outputs(output_file)
        fates[name] = {
            "ran": True,
            "skipped": False,
            "code": done.returncode,
            "stdout": done.stdout,
            "stderr": done.stderr,
        }
        job_ok = job_ok and done.returncode == 0
    fates["job"] = {"ok": job_ok}
    return fates


def test_workflow_shape(workflow):
    assert workflow["name"] == "Autograding Tests"  # as GitHub Classroom's own template names it
    assert "push" in workflow["on"]
    assert workflow["permissions"]["checks"] == "write"
    assert workflow["env"]["LESSON"] == "3"
    assert workflow["env"]["CALCCOURSE_SPEC"] == "${{ vars.CALCCOURSE_SPEC }}"  # required: no default
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    assert [step["uses"] for step in steps if "uses" in step] == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "actions/upload-artifact@v4",
        "classroom-resources/autograding-grading-reporter@v1",
    ]
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert len(runs) == 3 and runs[1] == INSTALL_ONLY  # the one run: step not executed below
    assert "pinned_git=" in runs[0] and "exit 1" in runs[0]
    assert re.search(r"^\s*calccourse check ", runs[2], re.M)
    reporter_step = steps[-1]
    assert reporter_step["with"]["runners"] == "calccourse"
    assert "steps.calccourse.outputs.result" in reporter_step["env"]["CALCCOURSE_RESULTS"]


def make_repo(tmp_path: Path, answer: str | None, name: str = "answer.py") -> Path:
    repo = tmp_path / "learner"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, repo / ".github" / "workflows" / "classroom.yml")
    (repo / "README.md").write_text("# Lesson 3\n", encoding="utf-8")
    if answer is not None:
        (repo / name).write_text(answer, encoding="utf-8")
    return repo


def annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("::")]


@pytest.mark.parametrize(
    ("answer", "status", "points", "errors"),
    [
        (SOLUTION.read_text(encoding="utf-8"), "pass", "Points 3/3", 0),
        (PARTLY_WRONG, "fail", "Points 1/3", 2),
        (SYNTAX_ERROR, "error", "Points 0/3", 1),
    ],
    ids=["correct", "partly-wrong", "syntax-error"],
)
def test_workflow_grades_an_answer(workflow, tmp_path, answer, status, points, errors):
    repo = make_repo(tmp_path, answer)
    fates = run_workflow(workflow, repo, tmp_path)
    check = fates["calccourse"]
    assert check["code"] == 0, check["stderr"]  # --exit-zero: the reporter decides
    # Annotations on answer.py, then the points, as the runner reads them from stdout.
    lines = annotations(check["stdout"])
    assert lines[-1] == f"::notice title=Points::{points}"
    assert len([line for line in lines if line.startswith("::error file=answer.py,")]) == errors
    if status == "error":
        assert lines[0].startswith(
            "::error file=answer.py,line=4,title=lesson 3%3A your answer could not be run::"
        )
    # results.json: Exercism v3 as GitHub Classroom's Python grader writes it.
    results = json.loads((repo / "results.json").read_text(encoding="utf-8"))
    assert results["version"] == 3 and results["status"] == status
    assert results["max_score"] == 3
    assert f"Points {sum(t['score'] for t in results['tests']):g}/3" == points
    # junit.xml parses, with the same verdicts.
    suite = ET.parse(repo / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("name") == "calccourse.lesson03-gradient"
    bad = int(suite.get("failures")) + int(suite.get("errors"))
    assert (bad == 0) == (status == "pass")
    # Upload: both reports exist. Reporter: the same points; the job fails unless passed.
    assert fates["Upload the reports"]["files"] == ["results.json", "junit.xml"]
    assert fates["Autograding Reporter"]["points"] == points
    assert fates["job"]["ok"] == (status == "pass")


def test_workflow_finds_an_answer_under_another_name(workflow, tmp_path):
    repo = make_repo(tmp_path, SOLUTION.read_text(encoding="utf-8"), name="my_gradient.py")
    fates = run_workflow(workflow, repo, tmp_path)
    assert fates["Autograding Reporter"]["points"] == "Points 3/3" and fates["job"]["ok"]


def test_workflow_grades_the_file_calccourse_start_wrote_beside_the_untouched_starter(workflow, tmp_path):
    """The README's loop: `calccourse start 3` writes lesson03.py, the learner works there and
    pushes; the starter answer.py stays as given. CI grades lesson03.py, as `check 3` did."""
    repo = make_repo(tmp_path, STARTER)
    (repo / "lesson03.py").write_text(SOLUTION.read_text(encoding="utf-8"), encoding="utf-8")
    fates = run_workflow(workflow, repo, tmp_path)
    assert fates["Autograding Reporter"]["points"] == "Points 3/3" and fates["job"]["ok"]
    (repo / "answer.py").write_text(STARTER + "\n# started here\n", encoding="utf-8")
    touched = run_workflow(workflow, repo, tmp_path)  # answer.py edited: it is the answer, as documented
    assert touched["Autograding Reporter"]["points"] == "Points 0/3"


def test_gradescope_grades_the_file_calccourse_start_wrote_beside_the_untouched_starter(tmp_path):
    files = {
        "answer.py": STARTER,
        "lesson03.py": SOLUTION.read_text(encoding="utf-8"),
    }
    _, data = run_autograder(tmp_path, files)
    assert data["score"] == 3


def test_workflow_without_an_answer_says_so_and_scores_0(workflow, tmp_path):
    repo = make_repo(tmp_path, None)
    fates = run_workflow(workflow, repo, tmp_path)
    assert fates["calccourse"]["code"] == 0
    results = json.loads((repo / "results.json").read_text(encoding="utf-8"))
    assert results["status"] == "error" and "holds no answer file" in results["message"]
    assert fates["Autograding Reporter"]["points"] == "Points 0/3"
    assert fates["job"]["ok"] is False


WHEEL_HASH = "#sha256=" + "0123456789abcdef" * 4
UNPINNED = [
    "",
    "calccourse",
    "git+https://github.com/OWNER/calccourse",
    "git+ssh://git@github.com/OWNER/calccourse",  # an @, but no ref
    "git+https://TOKEN@github.com/OWNER/calccourse",  # a token in the URL, no ref
    "git+https://github.com/OWNER/calccourse@v1/../x@y",
    "https://example.org/calccourse-0.2.0-py3-none-any.whl",  # no hash: it may change
    "http://example.org/calccourse-0.2.0-py3-none-any.whl" + WHEEL_HASH,  # not https
]


@pytest.mark.parametrize("spec", UNPINNED)
def test_workflow_refuses_an_unpinned_install_source(workflow, tmp_path, spec):
    repo = make_repo(tmp_path, SOLUTION.read_text(encoding="utf-8"))
    fates = run_workflow(workflow, repo, tmp_path, {"CALCCOURSE_SPEC": spec} if spec else {})
    guard = fates["Check the install source"]
    assert guard["code"] == 1 and "::error title=calccourse is not set up::" in guard["stdout"]
    assert fates["calccourse"] == {"ran": False} and fates["job"]["ok"] is False


@pytest.mark.parametrize(
    "spec",
    [
        PINNED,
        "git+https://github.com/OWNER/calccourse@0123abc",
        "https://example.org/calccourse-0.2.0-py3-none-any.whl" + WHEEL_HASH,
    ],
)
def test_workflow_accepts_a_pinned_source(workflow, tmp_path, spec):
    repo = make_repo(tmp_path, SOLUTION.read_text(encoding="utf-8"))
    fates = run_workflow(workflow, repo, tmp_path, {"CALCCOURSE_SPEC": spec})
    assert fates["Check the install source"]["code"] == 0 and fates["job"]["ok"]


def test_workflow_hostile_submission_cannot_change_its_score(workflow, tmp_path, untouched_package):
    require_landlock()
    repo = make_repo(tmp_path, None)
    (repo / "answer.py").write_text(HOSTILE.replace("PLACES", repr([str(repo)])), encoding="utf-8")
    fates = run_workflow(workflow, repo, tmp_path)
    printed = ET.parse(repo / "junit.xml").getroot().find("testsuite/system-out").text
    attempts = printed.split("ATTEMPTS:")[1].split("; TOKEN")[0]
    assert "PermissionError" in attempts and ": done" not in attempts, attempts
    assert "TOKEN: none" in printed  # the answer never sees the runner's secrets
    assert not (repo / "json.py").exists() and not (repo / "sitecustomize.py").exists()
    assert fates["Autograding Reporter"]["points"] == "Points 0/3"
    assert fates["job"]["ok"] is False


# ---------------------------------------------------------------- Gradescope

GRADESCOPE_TOP = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
GRADESCOPE_TEST = {
    "score",
    "max_score",
    "status",
    "name",
    "name_format",
    "number",
    "output",
    "output_format",
    "tags",
    "visibility",
    "extra_data",
}
VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def gradescope_results(path: Path) -> dict:
    """results.json, held to Gradescope's "Autograder Specifications" (Output format)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) <= GRADESCOPE_TOP, set(data) - GRADESCOPE_TOP
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["output"], str)
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert data.get(key, "text") in FORMATS
    for key in ("visibility", "stdout_visibility"):
        assert data.get(key, "visible") in VISIBILITY
    for test in data["tests"]:
        assert set(test) <= GRADESCOPE_TEST, set(test) - GRADESCOPE_TEST
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert (test["status"] == "passed") == (test["score"] == test["max_score"] > 0)
        assert isinstance(test["output"], str)
        assert test.get("visibility", "visible") in VISIBILITY
    assert data["score"] == pytest.approx(sum(test["score"] for test in data["tests"]))
    return data


def run_autograder(
    tmp_path: Path,
    files: dict[str, str],
    path: str = "",
    env: dict[str, str] | None = None,
    expect: int = 0,
    metadata: dict | None = None,
) -> tuple[subprocess.CompletedProcess, dict | None]:
    """Run run_autograder on a submission of ``files``; ``path`` goes first in PATH;
    ``metadata`` is Gradescope's submission_metadata.json."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True, exist_ok=True)
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    for name, text in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text.replace("{ROOT}", str(root)), encoding="utf-8")
    (root / "results").mkdir()  # Gradescope's harness makes it (results/stdout)
    full_env = {
        **os.environ,
        **(env or {}),
        "AUTOGRADER_ROOT": str(root),
        "PATH": os.pathsep.join(filter(None, [path, BIN, os.environ.get("PATH", "")])),
    }
    done = subprocess.run(
        [str(GRADESCOPE / "run_autograder")],
        cwd=root,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == expect, done.stdout + done.stderr
    results = root / "results" / "results.json"
    return done, gradescope_results(results) if results.exists() else None


def test_gradescope_scripts_are_what_gradescope_runs():
    assert os.access(GRADESCOPE / "run_autograder", os.X_OK)
    for name in ("setup.sh", "run_autograder"):
        text = (GRADESCOPE / name).read_text(encoding="utf-8")
        assert text.startswith("#!/usr/bin/env bash\n")
        assert subprocess.run(["bash", "-n", str(GRADESCOPE / name)]).returncode == 0
    run = (GRADESCOPE / "run_autograder").read_text(encoding="utf-8")
    assert re.search(r'^LESSON="\$\{LESSON:-3\}"', run, re.M)
    assert 'AUTOGRADER_ROOT="${AUTOGRADER_ROOT:-/autograder}"' in run
    assert 'calccourse check "$LESSON" "$AUTOGRADER_ROOT/submission" "${options[@]}"' in run
    commands = [line for line in run.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert not [line for line in commands if "python" in line]  # none of ours where the answer writes


def setup_guard(tmp_path: Path, spec: str | None, wheels: int = 0) -> subprocess.CompletedProcess:
    """setup.sh up to its installation: the check of CALCCOURSE_SPEC, as Gradescope runs it."""
    text = (GRADESCOPE / "setup.sh").read_text(encoding="utf-8")
    guard = text.split("\napt-get update", 1)[0] + '\necho "would install: $CALCCOURSE_SPEC"\n'
    (tmp_path / "setup.sh").write_text(guard, encoding="utf-8")
    for k in range(wheels):
        (tmp_path / f"calccourse-0.2.{k}-py3-none-any.whl").write_bytes(b"PK")
    env = {key: value for key, value in os.environ.items() if key != "CALCCOURSE_SPEC"}
    if spec is not None:
        env["CALCCOURSE_SPEC"] = spec
    return subprocess.run(
        ["bash", str(tmp_path / "setup.sh")], env=env, capture_output=True, text=True, timeout=30
    )


def test_gradescope_setup_installs_the_wheel_shipped_in_the_zip(tmp_path):
    done = setup_guard(tmp_path, None, wheels=1)
    assert (
        done.returncode == 0 and f"would install: {tmp_path}/calccourse-0.2.0-py3-none-any.whl" in done.stdout
    )


@pytest.mark.parametrize(
    ("spec", "wheels", "why"),
    [
        (None, 0, "put calccourse's wheel in the zip"),
        (None, 2, "put calccourse's wheel in the zip"),
        ("calccourse", 0, "neither a wheel nor a Git URL pinned"),
        ("git+https://github.com/OWNER/calccourse", 0, "neither a wheel nor a Git URL pinned"),
        ("git+ssh://git@github.com/OWNER/calccourse", 0, "neither a wheel nor a Git URL pinned"),
        ("https://example.org/calccourse-0.2.0-py3-none-any.whl", 0, "neither a wheel nor a Git URL"),
        ("/nowhere/calccourse-0.2.0-py3-none-any.whl", 0, "no wheel /nowhere"),
    ],
)
def test_gradescope_setup_refuses_an_unchecked_install_source(tmp_path, spec, wheels, why):
    done = setup_guard(tmp_path, spec, wheels)
    assert done.returncode == 1 and why in done.stderr and "would install" not in done.stdout


def test_gradescope_setup_accepts_a_pinned_git_url(tmp_path):
    assert setup_guard(tmp_path, PINNED).returncode == 0


def test_gradescope_correct_answer(tmp_path):
    done, data = run_autograder(tmp_path, {"answer.py": SOLUTION.read_text(encoding="utf-8")})
    assert data["score"] == 3 and len(data["tests"]) == 3
    assert all(test["status"] == "passed" for test in data["tests"])
    assert "All required tests passed. Score 3/3." in data["output"]
    assert data["stdout_visibility"] == "hidden"


def test_gradescope_wrong_answer_under_another_name(tmp_path):
    done, data = run_autograder(tmp_path, {"my_gradient.py": PARTLY_WRONG, "notes.txt": "hi"})
    assert "my_gradient.py" in data["output"] or "my_gradient.py" in done.stdout
    assert data["score"] == 1 and sum(test["max_score"] for test in data["tests"]) == 3
    assert [test["status"] for test in data["tests"]] == ["passed", "failed", "failed"]
    assert "components are swapped" in data["tests"][1]["output"]


def test_gradescope_syntax_error_in_a_folder(tmp_path):
    files = {"lesson3/answer.py": SYNTAX_ERROR, "lesson3/util.py": "X = 1\n"}
    done, data = run_autograder(tmp_path, files)
    (test,) = data["tests"]
    assert test["name"] == "load answer" and test["max_score"] == 3 and test["score"] == 0
    assert "SyntaxError" in test["output"] and data["score"] == 0


def test_gradescope_a_fixed_seed_gives_a_regrade_the_same_inputs(tmp_path):
    _, first = run_autograder(tmp_path / "a", {"answer.py": PARTLY_WRONG}, env={"SEED": "4242"})
    _, second = run_autograder(tmp_path / "b", {"answer.py": PARTLY_WRONG}, env={"SEED": "4242"})
    assert "--seed 4242" in first["output"] and first["tests"] == second["tests"]


@pytest.mark.parametrize(
    ("files", "why"),
    [({}, "holds no answer file"), ({"a.py": "A = 1\n", "b.py": "B = 2\n"}, "several Python files")],
    ids=["empty", "two-files"],
)
def test_gradescope_nothing_to_check_still_writes_results(tmp_path, files, why):
    _, data = run_autograder(tmp_path, files)
    assert data["score"] == 0
    (test,) = data["tests"]
    assert why in test["output"] and test["max_score"] == 3  # the lesson's points, all missed


@pytest.mark.parametrize("code", [4, 127])
def test_gradescope_an_autograder_problem_is_an_autograder_error_not_a_zero(tmp_path, code):
    """A broken install or lesson: no results.json and a failing script, so Gradescope shows
    an autograder error the instructor sees and regrades, never a score of 0."""
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "calccourse").write_text(f"#!/bin/sh\necho 'Error: lesson 3 is broken' >&2\nexit {code}\n")
    (fake / "calccourse").chmod(0o755)
    done, data = run_autograder(tmp_path, {"answer.py": "X = 1\n"}, path=str(fake), expect=code)
    assert data is None and f"calccourse check exited {code}" in done.stdout


def test_gradescope_hostile_submission_cannot_change_its_score(tmp_path, untouched_package):
    require_landlock()
    files = {"answer.py": HOSTILE.replace("PLACES", repr(["{ROOT}"]))}
    done, data = run_autograder(tmp_path, files)
    root = tmp_path / "autograder"
    assert data["score"] == 0 and all(test["status"] == "failed" for test in data["tests"])
    assert not (root / "json.py").exists() and not (root / "sitecustomize.py").exists()
    assert "PermissionError" in data["output"] and ": done" not in data["output"].split("ATTEMPTS:")[1]


# ---------------------------------------------------------------- per-learner variants (lesson 1's)

ALICE = (  # right for alice's variant of lesson 1 only: f = 3x³ + x² − 6x + 2
    "def derivative(x):\n    return 9 * x**2 + 2 * x - 6\n\n\n"
    "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx\n"
)
OTHER_VARIANT = "f′ of 3x³ + x² − 6x (+ any constant), a different function"


def lesson_1(workflow: dict, **env: str) -> dict:
    """The Classroom workflow set to lesson 1 (which has variants), with ``env``."""
    changed = copy.deepcopy(workflow)
    changed["env"].update(LESSON="1", **env)
    return changed


def submitter(sid: str, email: str = "") -> dict:
    """Gradescope's submission_metadata.json, as its autograder docs show it (trimmed)."""
    return {"id": 123456, "users": [{"email": email, "id": 1234, "name": "A Student", "sid": sid}]}


@pytest.mark.parametrize(
    ("repository", "points"),
    [("classroom-org/lesson-1-alice", "Points 3/3"), ("classroom-org/lesson-1-bob", "Points 2/3")],
)
def test_workflow_with_variants_grades_each_learner_by_their_login(workflow, tmp_path, repository, points):
    workflow = lesson_1(workflow, VARIANTS="1", ASSIGNMENT_PREFIX="lesson-1-")
    fates = run_workflow(workflow, make_repo(tmp_path, ALICE), tmp_path, repository=repository)
    check = fates["calccourse"]
    assert check["code"] == 0, check["stderr"]
    assert fates["Autograding Reporter"]["points"] == points
    results = json.loads((tmp_path / "learner" / "results.json").read_text(encoding="utf-8"))
    said = " ".join(test.get("message") or "" for test in results["tests"])
    assert (OTHER_VARIANT in said) == repository.endswith("bob")
    assert "::warning" not in check["stdout"]


def test_workflow_without_variants_grades_the_course_own_exercise(workflow, tmp_path):
    workflow = lesson_1(workflow)
    assert workflow["env"]["VARIANTS"] == ""  # as shipped
    fates = run_workflow(workflow, make_repo(tmp_path, ALICE), tmp_path, repository="org/lesson-1-alice")
    assert fates["Autograding Reporter"]["points"] == "Points 2/3"  # alice's f′ is not x³ − 2x² + 1's


def test_workflow_with_variants_warns_when_the_repository_has_not_the_prefix(workflow, tmp_path):
    workflow = lesson_1(workflow, VARIANTS="1", ASSIGNMENT_PREFIX="lesson-1-")
    fates = run_workflow(workflow, make_repo(tmp_path, ALICE), tmp_path, repository="org/alice")
    check = fates["calccourse"]
    assert "::warning title=Variants::'alice' does not start with ASSIGNMENT_PREFIX" in check["stdout"]
    assert fates["Autograding Reporter"]["points"] == "Points 3/3"  # the whole name: alice


@pytest.mark.parametrize(("sid", "score"), [("alice", 3), ("bob", 2)])
def test_gradescope_with_variants_grades_each_submitter_by_their_sid(tmp_path, sid, score):
    done, data = run_autograder(
        tmp_path, {"answer.py": ALICE}, env={"LESSON": "1", "VARIANTS": "1"}, metadata=submitter(sid)
    )
    assert data["score"] == score, data["output"]
    assert data["extra_data"]["learner"] == sid
    said = " ".join(test["output"] for test in data["tests"])
    assert (OTHER_VARIANT in said) == (sid == "bob")


def test_gradescope_with_variants_takes_the_email_without_sid_and_never_grades_nobody(tmp_path):
    variants = {"LESSON": "1", "VARIANTS": "1"}
    alice = submitter("", "Alice")
    _, data = run_autograder(tmp_path / "a", {"answer.py": ALICE}, env=variants, metadata=alice)
    assert data["extra_data"]["learner"] == "alice" and data["score"] == 3  # ids are case-folded
    nobody = {"id": 1, "users": []}
    done, data = run_autograder(tmp_path / "b", {"answer.py": ALICE}, env=variants, metadata=nobody, expect=2)
    assert data is None and "names no submitter" in done.stderr  # an autograder error, not a 0


# ---------------------------------------------------------------- a class graded in parts

MATRIX_WORKFLOW = ROOT / "examples" / "class-matrix" / ".github" / "workflows" / "grade-class.yml"


def comparable(gradebook: dict) -> dict:
    """A gradebook without what differs between two runs of the same grading: times."""
    gradebook = json.loads(json.dumps(gradebook))
    del gradebook["graded_at"], gradebook["summary"]["slowest"]
    for row in gradebook["results"]:
        row.pop("duration")
        if row["report"] is not None:
            row["report"].pop("duration")
            for test in row["report"]["tests"]:
                test.pop("duration")
    return gradebook


def test_the_matrix_recipe_grades_a_class_in_four_parts_as_one_run_would(tmp_path):
    workflow = yaml.safe_load(MATRIX_WORKFLOW.read_text(encoding="utf-8"))
    matrix = workflow["jobs"]["grade"]["strategy"]["matrix"]["part"]
    assert matrix == [1, 2, 3, 4]
    repo = tmp_path / "instructor"
    klass = repo / workflow["env"]["CLASS"]
    lesson = ROOT / "lessons" / "01-derivatives"
    for index, mistake in enumerate(sorted((lesson / "mistakes").glob("*.py"))):
        (klass / f"student{index:02d}").mkdir(parents=True)
        shutil.copy(mistake, klass / f"student{index:02d}" / "answer.py")
    for name in ("ada", "grace", "alan"):
        shutil.copy(lesson / "solution.py", klass / f"{name}.py")
    shutil.copy(lesson / "template.py", klass / "tim.py")
    (klass / "absent").mkdir()
    uploaded = tmp_path / "artifacts"
    uploaded.mkdir()
    for index, part in enumerate(matrix):
        context = {
            "matrix": {"part": str(part)},
            "strategy": {"job-index": str(index), "job-total": str(len(matrix))},
        }
        (tmp_path / f"part{part}").mkdir()
        fates = run_workflow(workflow, repo, tmp_path / f"part{part}", job_name="grade", matrix=context)
        assert fates["job"]["ok"], fates
        (upload,) = [fate for name, fate in fates.items() if name == "Upload this part"]
        assert upload["files"] == [f"part-{part}.json"]
        shutil.move(str(repo / upload["files"][0]), uploaded / upload["files"][0])
    merger = tmp_path / "merger"
    shutil.copytree(uploaded, merger / "parts")  # download-artifact: the parts, merged, in parts/
    (tmp_path / "merge").mkdir()
    fates = run_workflow(workflow, merger, tmp_path / "merge", job_name="merge")
    assert fates["job"]["ok"], fates
    merged = json.loads((merger / "gradebook.json").read_text(encoding="utf-8"))
    single = tmp_path / "single.json"
    done = subprocess.run(
        [f"{BIN}/calccourse", "grade", "1", workflow["env"]["CLASS"], "--seed", workflow["env"]["SEED"]]
        + ["--json", str(single)],
        capture_output=True,
        text=True,
        cwd=repo,
    )
    assert done.returncode == 0, done.stderr
    whole = json.loads(single.read_text(encoding="utf-8"))
    assert comparable(merged) == comparable(whole)
    sizes = [len(json.loads((uploaded / f"part-{p}.json").read_text())["results"]) for p in matrix]
    entries = len(list((lesson / "mistakes").glob("*.py"))) + 5
    assert sum(sizes) == len(whole["results"]) == entries and all(sizes), sizes  # every part has work
    summary = (tmp_path / "merge" / "step_summary.md").read_text(encoding="utf-8")
    assert "graded answers passed (seed 20261201)" in summary
    page = (merger / "class.html").read_text(encoding="utf-8")
    assert page.count('<tr class="row">') == entries  # the class page of the merged class
