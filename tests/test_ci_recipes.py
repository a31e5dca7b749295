"""The CI recipes in ``examples/``, run as written, offline.

- ``examples/github-classroom/.github/workflows/classroom.yml``: the workflow is parsed
  (a small YAML reader below: PyYAML is not a dependency), the steps that only install
  or call actions are set aside (and named, so a new step cannot slip by unrun), and the
  ``run:`` steps that call calccourse are run with bash as GitHub runs them, in a
  learner's repository, with ``GITHUB_ACTIONS=true``. What the skipped actions would do
  with the results is checked against their contract: the reporter
  (classroom-resources/autograding-grading-reporter, ``src/main.js``) reads
  ``<RUNNER>_RESULTS`` as base64 JSON, sums ``tests[].score`` against ``max_score``
  ("Points X/Y") and fails the job when ``status`` is fail or error.
- ``examples/gradescope/run_autograder``: run with ``AUTOGRADER_ROOT`` pointing at a
  temporary ``/autograder``; its ``results.json`` is held to Gradescope's autograder
  specification. ``setup.sh`` only installs (apt, pip, as root): it is read, not run.

``calccourse`` is found next to the running Python, so this works in any virtualenv.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "github-classroom" / ".github" / "workflows" / "classroom.yml"
GRADESCOPE = ROOT / "examples" / "gradescope"
SOLUTION = ROOT / "lessons" / "03-gradient" / "solution.py"
BIN = str(Path(sys.executable).parent)


def test_calccourse_is_next_to_python():
    """The recipes call `calccourse` from PATH; the tests put this Python's bin first."""
    assert (Path(BIN) / "calccourse").exists(), f"calccourse is not installed in {BIN}"


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


def test_partly_wrong_answer_differs_from_the_solution():
    assert PARTLY_WRONG != SOLUTION.read_text(encoding="utf-8")


# ---------------------------------------------------------------- a small YAML reader
#
# Enough YAML for workflow files: block mappings and sequences, plain and quoted
# scalars, `|` / `|-` block scalars, `[a, b]` flow lists, comments. Anything else
# raises, so that an edit the reader cannot follow fails loudly instead of being misread.


def _strip_comment(text: str) -> str:
    quote = None
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or text[index - 1] in " :[,-"):
            quote = char
        elif char == "#" and (index == 0 or text[index - 1] in " \t"):
            return text[:index].rstrip()
    return text.rstrip()


def _scalar(text: str):
    text = _strip_comment(text).strip()
    if text in ("", "~", "null"):
        return None
    if text[0] == "'" and text.endswith("'") and len(text) > 1:
        return text[1:-1].replace("''", "'")
    if text[0] == '"' and text.endswith('"') and len(text) > 1:
        return json.loads(text)
    if text[0] == "[" and text.endswith("]"):
        return [_scalar(part) for part in text[1:-1].split(",") if part.strip()]
    if text[0] in "{&*!>|%@`":
        raise ValueError(f"unsupported YAML: {text!r}")
    return text


def _split_key(text: str) -> tuple[str, str] | None:
    """``key: rest`` → (key, rest); None when the text is not a mapping entry."""
    match = re.match(r"""^("(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s#][^:#]*?)\s*:(?:\s+(.*)|$)""", text)
    if not match:
        return None
    return str(_scalar(match.group(1))), match.group(2) or ""


class _Reader:
    def __init__(self, text: str) -> None:
        self.raw = text.splitlines()
        # [indent, text] of each line that holds something; block scalars read self.raw.
        self.lines = [
            [len(line) - len(line.lstrip(" ")), line.strip(), number]
            for number, line in enumerate(self.raw)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if any(line[: len(line) - len(line.lstrip())].count("\t") for line in self.raw):
            raise ValueError("tabs in indentation")
        self.i = 0

    def node(self, indent: int):
        if self.i >= len(self.lines) or self.lines[self.i][0] < indent:
            return None
        indent = self.lines[self.i][0]
        if self.lines[self.i][1] == "-" or self.lines[self.i][1].startswith("- "):
            return self.sequence(indent)
        return self.mapping(indent)

    def sequence(self, indent: int) -> list:
        items = []
        while self.i < len(self.lines) and self.lines[self.i][0] == indent:
            line = self.lines[self.i]
            if not (line[1] == "-" or line[1].startswith("- ")):
                break
            rest = line[1][1:].lstrip()
            if not rest:
                self.i += 1
                items.append(self.node(indent + 1))
            elif _split_key(rest):  # "- key: value" opens a mapping one level in
                line[0] = indent + len(line[1]) - len(rest)
                line[1] = rest
                items.append(self.mapping(line[0]))
            else:
                self.i += 1
                items.append(_scalar(rest))
        return items

    def mapping(self, indent: int) -> dict:
        result: dict = {}
        while self.i < len(self.lines) and self.lines[self.i][0] == indent:
            line = self.lines[self.i]
            entry = _split_key(line[1])
            if entry is None:
                if line[1].startswith("- "):
                    break
                raise ValueError(f"line {line[2] + 1}: not a mapping entry: {line[1]!r}")
            key, rest = entry
            if key in result:
                raise ValueError(f"line {line[2] + 1}: duplicate key {key!r}")
            self.i += 1
            rest = _strip_comment(rest)
            if rest in ("|", "|-"):
                result[key] = self.block(line[2], indent, keep_newline=rest == "|")
            elif rest:
                result[key] = _scalar(rest)
            elif self.i < len(self.lines) and (
                self.lines[self.i][0] > indent
                or (self.lines[self.i][0] == indent and self.lines[self.i][1].startswith("- "))
            ):
                result[key] = self.node(indent if self.lines[self.i][0] == indent else indent + 1)
            else:
                result[key] = None
        return result

    def block(self, number: int, indent: int, keep_newline: bool) -> str:
        body = []
        for raw in self.raw[number + 1 :]:
            if raw.strip() and len(raw) - len(raw.lstrip(" ")) <= indent:
                break
            body.append(raw)
        while body and not body[-1].strip():
            body.pop()
        margin = min(len(line) - len(line.lstrip(" ")) for line in body if line.strip())
        while self.i < len(self.lines) and self.lines[self.i][2] <= number + len(body):
            self.i += 1
        text = "\n".join(line[margin:] for line in body)
        return text + "\n" if keep_newline else text


def read_yaml(text: str):
    reader = _Reader(text)
    data = reader.node(0)
    if reader.i != len(reader.lines):
        line = reader.lines[reader.i]
        raise ValueError(f"line {line[2] + 1}: unexpected {line[1]!r}")
    return data


def test_yaml_reader_reads_what_workflows_use():
    text = (
        '# a comment\nname: "A: b"  # trailing\n"on":\n  push:\nlist: [a, b]\n'
        "jobs:\n  j:\n    steps:\n      - uses: x@v1\n        with:\n          k: 'it''s'\n"
        "      - run: |\n          echo '#1' \\\n            two\n\n          three\n"
        "        id: r\nsame:\n- 1\n- two: 2\n"
    )
    assert read_yaml(text) == {
        "name": "A: b",
        "on": {"push": None},
        "list": ["a", "b"],
        "jobs": {
            "j": {
                "steps": [
                    {"uses": "x@v1", "with": {"k": "it's"}},
                    {"run": "echo '#1' \\\n  two\n\nthree\n", "id": "r"},
                ]
            }
        },
        "same": ["1", {"two": "2"}],
    }
    with pytest.raises(ValueError):
        read_yaml("a: {b: c}\n")
    with pytest.raises(ValueError):
        read_yaml("a: 1\na: 2\n")


# ---------------------------------------------------------------- GitHub Classroom

INSTALL_ONLY = 'python -m pip install "$CALCCOURSE_SPEC"'
ACTIONS = {  # every `uses:` step, and why running it here is not needed
    "actions/checkout@v4": "the test makes the learner's repository itself",
    "actions/setup-python@v5": "the test runs under a Python with calccourse installed",
    "actions/upload-artifact@v4": "the test checks that the files it uploads exist",
    "classroom-resources/autograding-grading-reporter@v1": "modelled by reporter() below",
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@pytest.fixture(scope="module")
def workflow() -> dict:
    return read_yaml(WORKFLOW.read_text(encoding="utf-8"))


def evaluate(expression: str, outputs: dict[str, dict[str, str]]) -> str:
    """The few expressions the workflow uses, as GitHub evaluates them here."""
    match = re.fullmatch(r"vars\.(\w+)\s*\|\|\s*'([^']*)'", expression)
    if match:  # no repository variable set: the default
        return match.group(2)
    match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
    if match:
        return outputs.get(match.group(1), {}).get(match.group(2), "")
    raise AssertionError(f"the test does not know the expression ${{{{ {expression} }}}}")


def substitute(value: str, outputs: dict[str, dict[str, str]]) -> str:
    return EXPRESSION.sub(lambda m: evaluate(m.group(1), outputs), value)


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


def run_workflow(workflow: dict, repo: Path, tmp_path: Path) -> dict:
    """Run the job's steps in ``repo`` as GitHub would, skipping the install and the actions.

    Returns each step's fate: ``{"id or name": {"ran": bool, "code": int, ...}}``.
    """
    assert workflow["defaults"]["run"]["shell"] == "bash"
    (job,) = workflow["jobs"].values()
    outputs: dict[str, dict[str, str]] = {}
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    base_env.update(
        PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(repo),
        NO_COLOR="1",
    )
    for key, value in workflow["env"].items():
        base_env[key] = substitute(str(value), outputs)
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
            env[key] = substitute(str(value), outputs)
        if "uses" in step:
            assert step["uses"] in ACTIONS, f"a new action, unknown to this test: {step['uses']}"
            fate = {"ran": True, "skipped": True}
            if "autograding-grading-reporter" in step["uses"]:
                fate.update(reporter(step, env))
                job_ok = job_ok and not fate["failed"]
            if "upload-artifact" in step["uses"]:
                paths = step["with"]["path"].split()
                fate["files"] = [path for path in paths if (repo / path).is_file()]
            fates[name] = fate
            continue
        script = step["run"]
        assert "${{" not in script, "run: scripts take values from env, not expressions"
        if script.strip() == INSTALL_ONLY:
            fates[name] = {"ran": True, "skipped": True}
            continue
        if not re.search(r"^\s*calccourse ", script, re.M):
            raise AssertionError(f"a run: step that does not call calccourse: {script!r}")
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
    assert substitute(workflow["env"]["CALCCOURSE_SPEC"], {}) == "calccourse"
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    assert [step["uses"] for step in steps if "uses" in step] == list(ACTIONS)
    runs = [step["run"].strip() for step in steps if "run" in step]
    assert runs[0] == INSTALL_ONLY  # the one run: step not executed by the tests below
    assert len(runs) == 2 and runs[1].startswith("#")
    reporter_step = steps[-1]
    assert reporter_step["with"]["runners"] == "calccourse"
    assert "steps.calccourse.outputs.result" in reporter_step["env"]["CALCCOURSE_RESULTS"]


def make_repo(tmp_path: Path, answer: str | None) -> Path:
    repo = tmp_path / "learner"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(WORKFLOW, repo / ".github" / "workflows" / "classroom.yml")
    (repo / "README.md").write_text("# Lesson 3\n", encoding="utf-8")
    if answer is not None:
        (repo / "answer.py").write_text(answer, encoding="utf-8")
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


def test_workflow_without_answer_py_fails_at_the_check(workflow, tmp_path):
    repo = make_repo(tmp_path, None)
    fates = run_workflow(workflow, repo, tmp_path)
    assert fates["calccourse"]["code"] == 2
    assert "there is no file answer.py" in " ".join(fates["calccourse"]["stderr"].split())
    assert fates["Upload the reports"]["files"] == []  # if-no-files-found: ignore
    assert fates["Autograding Reporter"] == {"ran": False}
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
        assert isinstance(test["score"], (int, float))
        assert isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert (test["status"] == "passed") == (test["score"] == test["max_score"] > 0)
        assert isinstance(test["output"], str)
        assert test.get("visibility", "visible") in VISIBILITY
    assert data["score"] == pytest.approx(sum(test["score"] for test in data["tests"]))
    return data


def run_autograder(
    tmp_path: Path, files: dict[str, str], path: str = ""
) -> tuple[subprocess.CompletedProcess, dict]:
    """Run run_autograder on a submission of ``files``; ``path`` goes first in PATH."""
    root = tmp_path / "autograder"
    for name, text in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text, encoding="utf-8")
    (root / "submission").mkdir(parents=True, exist_ok=True)
    (root / "results").mkdir()  # Gradescope's harness makes it (results/stdout)
    env = {
        **os.environ,
        "AUTOGRADER_ROOT": str(root),
        "PATH": os.pathsep.join(filter(None, [path, BIN, os.environ.get("PATH", "")])),
    }
    done = subprocess.run(
        [str(GRADESCOPE / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done, gradescope_results(root / "results" / "results.json")


def test_gradescope_scripts_are_what_gradescope_runs():
    assert os.access(GRADESCOPE / "run_autograder", os.X_OK)
    for name in ("setup.sh", "run_autograder"):
        text = (GRADESCOPE / name).read_text(encoding="utf-8")
        assert text.startswith("#!/usr/bin/env bash\n")
        assert subprocess.run(["bash", "-n", str(GRADESCOPE / name)]).returncode == 0
    run = (GRADESCOPE / "run_autograder").read_text(encoding="utf-8")
    assert re.search(r"^LESSON=3\b", run, re.M)
    assert 'AUTOGRADER_ROOT="${AUTOGRADER_ROOT:-/autograder}"' in run
    assert re.search(
        r"calccourse check \"\$LESSON\" \"\$1\" --no-plot --exit-zero "
        r"--format gradescope --output \"\$RESULTS\"",
        run,
    )


def test_gradescope_setup_installs_calccourse_on_the_path():
    """setup.sh needs root and the network: read what it would do instead of running it."""
    commands = [
        line
        for line in (GRADESCOPE / "setup.sh").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert commands == [
        "set -euo pipefail",
        'CALCCOURSE_SPEC="${CALCCOURSE_SPEC:-calccourse}"',
        "apt-get update",
        "apt-get install -y --no-install-recommends python3 python3-venv git",
        "python3 -m venv /opt/calccourse",
        "/opt/calccourse/bin/python -m pip install --upgrade pip",
        '/opt/calccourse/bin/python -m pip install "$CALCCOURSE_SPEC"',
        "ln -sf /opt/calccourse/bin/calccourse /usr/local/bin/calccourse",
        "calccourse --version",
    ]


def test_gradescope_correct_answer(tmp_path):
    done, data = run_autograder(tmp_path, {"answer.py": SOLUTION.read_text(encoding="utf-8")})
    assert data["score"] == 3 and len(data["tests"]) == 3
    assert all(test["status"] == "passed" for test in data["tests"])
    assert "All required tests passed. Score 3/3." in data["output"]
    assert "checking answer.py for lesson 3" in done.stdout


def test_gradescope_wrong_answer_under_another_name(tmp_path):
    done, data = run_autograder(tmp_path, {"my_gradient.py": PARTLY_WRONG, "notes.txt": "hi"})
    assert "checking my_gradient.py" in done.stdout  # the only .py file
    assert data["score"] == 1 and sum(test["max_score"] for test in data["tests"]) == 3
    assert [test["status"] for test in data["tests"]] == ["passed", "failed", "failed"]
    assert "components are swapped" in data["tests"][1]["output"]


def test_gradescope_syntax_error_in_a_folder(tmp_path):
    files = {"lesson3/answer.py": SYNTAX_ERROR, "lesson3/util.py": "X = 1\n"}
    done, data = run_autograder(tmp_path, files)
    assert "checking lesson3/answer.py" in done.stdout  # the only answer.py
    (test,) = data["tests"]
    assert test["name"] == "load answer" and test["max_score"] == 3 and test["score"] == 0
    assert "SyntaxError" in test["output"] and data["score"] == 0


@pytest.mark.parametrize(
    ("files", "why"),
    [
        ({}, "holds no Python file"),
        ({"a.py": "A = 1\n", "b.py": "B = 2\n"}, "holds several Python files (a.py b.py) and no answer.py"),
    ],
    ids=["empty", "two-files"],
)
def test_gradescope_nothing_to_check_still_writes_results(tmp_path, files, why):
    _, data = run_autograder(tmp_path, files)
    assert data["score"] == 0 and data["output"].startswith("Your submission " + why)
    assert sum(test["max_score"] for test in data["tests"]) == 3  # the lesson's points, all missed
    assert all("does not define" in test["output"] for test in data["tests"])


def test_gradescope_still_writes_results_when_calccourse_fails(tmp_path):
    """A broken install or lesson (calccourse exits 4, writes nothing): a valid results.json."""
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "calccourse").write_text("#!/bin/sh\necho 'Error: lesson 3 is broken' >&2\nexit 4\n")
    (fake / "calccourse").chmod(0o755)
    done, data = run_autograder(tmp_path, {"answer.py": "X = 1\n"}, path=str(fake))
    assert "calccourse check exited 4" in done.stdout
    assert data == {
        "score": 0,
        "tests": [],
        "output": "The autograder could not check this "
        "submission (calccourse exited 4). Please tell your instructor.",
    }
