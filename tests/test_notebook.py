"""Notebook answers: what the grader gets from a learner's .ipynb, and the starter it writes."""

from __future__ import annotations

import json
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

from calccourse.answers import Unreadable, read_answer
from calccourse.discovery import discover
from calccourse.notebook import NotebookCode, NotebookError, read_notebook, starter_notebook

LESSONS = Path(__file__).resolve().parent.parent / "lessons"


def notebook_bytes(*cells: Any, **metadata: Any) -> bytes:
    return nbformat.writes(new_notebook(cells=list(cells), metadata=metadata)).encode()


def run(code: NotebookCode) -> dict[str, Any]:
    """Run the chunks as the sandbox's child does: compile them all, then execute in order."""
    compiled = [compile(source, filename, "exec", dont_inherit=True) for filename, source in code.chunks]
    namespace: dict[str, Any] = {"__name__": "answer"}
    for chunk in compiled:
        exec(chunk, namespace)
    return namespace


# --- what is graded ---------------------------------------------------------------------------------


def test_code_cells_in_order_named_by_cell_number_counting_every_cell():
    data = notebook_bytes(
        new_markdown_cell("# My answer"),
        new_code_cell("import math"),
        new_markdown_cell("Now the function:"),
        new_raw_cell("raw text, not code"),
        new_code_cell("def double(x):\n    return 2 * x"),
    )
    code = read_notebook(data, "answer.ipynb")
    assert code.chunks == (
        ("answer.ipynb, cell 2", "import math"),
        ("answer.ipynb, cell 5", "def double(x):\n    return 2 * x"),
    )
    assert code.notes == ()
    assert run(code)["double"](4) == 8


def test_chunk_names_use_the_path_the_learner_gave():
    code = read_notebook(notebook_bytes(new_code_cell("x = 1")), "work/answer.ipynb")
    assert code.chunks[0][0] == "work/answer.ipynb, cell 1"


def test_a_name_defined_twice_the_last_cell_wins():
    data = notebook_bytes(
        new_code_cell("def f(x):\n    return 'first'"),
        new_code_cell("y = f(0)"),
        new_code_cell("def f(x):\n    return 'second'"),
    )
    namespace = run(read_notebook(data, "answer.ipynb"))
    assert namespace["f"](0) == "second"
    assert namespace["y"] == "first"  # cells run top to bottom, as "Run all" does


def test_stored_outputs_and_execution_counts_are_ignored():
    cell = new_code_cell("value = 41 + 1", execution_count=17)
    cell.outputs = [
        new_output("execute_result", data={"text/plain": "999"}, execution_count=17),
        new_output("stream", name="stdout", text="value = 999\n"),
        new_output("error", ename="NameError", evalue="stale", traceback=["old traceback"]),
    ]
    code = read_notebook(notebook_bytes(cell), "answer.ipynb")
    assert code.chunks == (("answer.ipynb, cell 1", "value = 41 + 1"),)
    assert run(code)["value"] == 42


def test_empty_code_cells_give_no_chunk_but_still_count():
    data = notebook_bytes(new_code_cell(""), new_code_cell("   \n\n"), new_code_cell("x = 3"))
    assert read_notebook(data, "answer.ipynb").chunks == (("answer.ipynb, cell 3", "x = 3"),)


def test_windows_line_endings_in_a_cell():
    code = read_notebook(notebook_bytes(new_code_cell("x = 1\r\n%timeit y = 2\r\nz = x")), "answer.ipynb")
    assert code.chunks[0][1] == "x = 1\n\nz = x"
    assert run(code)["z"] == 1


def test_a_traceback_names_the_cell_and_the_line_inside_it():
    data = notebook_bytes(
        new_markdown_cell("intro"),
        new_code_cell("%matplotlib inline\nimport math"),
        new_markdown_cell("more"),
        new_code_cell("def f(x):\n    return 1 / x\n\nresult = f(0)"),
    )
    with pytest.raises(ZeroDivisionError) as caught:
        run(read_notebook(data, "answer.ipynb"))
    frames = [(frame.filename, frame.lineno, frame.name) for frame in traceback.extract_tb(caught.tb)]
    assert frames[-2:] == [("answer.ipynb, cell 4", 4, "<module>"), ("answer.ipynb, cell 4", 2, "f")]
    text = "".join(traceback.format_exception(caught.value))
    assert 'File "answer.ipynb, cell 4", line 2, in f' in text


def test_a_syntax_error_names_the_cell_and_line_and_nothing_runs():
    data = notebook_bytes(new_code_cell("ran = True"), new_code_cell("%timeit x = 1\ndef f(:\n    pass"))
    code = read_notebook(data, "answer.ipynb")
    namespace: dict[str, Any] = {}
    with pytest.raises(SyntaxError) as caught:
        for chunk in [compile(source, name, "exec", dont_inherit=True) for name, source in code.chunks]:
            exec(chunk, namespace)
    assert (caught.value.filename, caught.value.lineno) == ("answer.ipynb, cell 2", 2)
    assert "ran" not in namespace  # compiled first, as a .py file is: the first cell did not run
    assert code.notes == ("cell 2, line 1: skipped the IPython magic `%timeit x = 1`",)


# --- IPython syntax -------------------------------------------------------------------------------


def test_magics_shell_escapes_and_help_are_skipped_with_notes_and_line_numbers_kept():
    data = notebook_bytes(
        new_markdown_cell("Setup"),
        new_code_cell("%matplotlib inline\n!pip install numpy\nimport math"),
        new_code_cell("files = !ls\nmath.sqrt?\n??math\n%timeit math.sqrt(2)\nlate = 1 / 0"),
    )
    code = read_notebook(data, "answer.ipynb")
    assert code.notes == (
        "cell 2, line 1: skipped the IPython magic `%matplotlib inline`",
        "cell 2, line 2: skipped the shell command `!pip install numpy`",
        "cell 3, line 1: skipped the shell command `files = !ls`",
        "cell 3, line 2: skipped the help request `math.sqrt?`",
        "cell 3, line 3: skipped the help request `??math`",
        "cell 3, line 4: skipped the IPython magic `%timeit math.sqrt(2)`",
    )
    assert code.chunks[0][1] == "\n\nimport math"
    with pytest.raises(ZeroDivisionError) as caught:
        run(code)
    assert traceback.extract_tb(caught.tb)[-1][:2] == ("answer.ipynb, cell 3", 5)


def test_valid_python_with_percent_and_bang_is_untouched():
    source = (
        'print("100%")\n'
        "same = 1 != 2\n"
        'label = "%d items" % 3\n'
        "rest = 7 % 3\n"
        "text = '''\n%not a magic\n!not a shell\nhelp?\n'''\n"
        "%timeit total = 1\n"
        "flag = not (1 != 1)\n"
    )
    code = read_notebook(notebook_bytes(new_code_cell(source)), "answer.ipynb")
    assert code.notes == ("cell 1, line 10: skipped the IPython magic `%timeit total = 1`",)
    expected = source.split("\n")
    expected[9] = ""
    assert code.chunks[0][1] == "\n".join(expected)
    namespace = run(code)
    assert [namespace[name] for name in ("same", "label", "rest", "flag")] == [True, "3 items", 1, True]
    assert namespace["text"] == "\n%not a magic\n!not a shell\nhelp?\n"


def test_a_valid_cell_is_passed_on_byte_for_byte():
    source = "x = 5 % 2  # 50% of the time\ny = x != 1\n"
    assert read_notebook(notebook_bytes(new_code_cell(source)), "answer.ipynb").chunks[0][1] == source


def test_an_indented_magic_alone_in_its_block_becomes_pass():
    source = "def f():\n    %timeit g()\n\nfor i in range(2):\n    x = i\n    %timeit y = i\nz = 3"
    code = read_notebook(notebook_bytes(new_code_cell(source)), "answer.ipynb")
    assert code.chunks[0][1] == "def f():\n    pass\n\nfor i in range(2):\n    x = i\n\nz = 3"
    assert [note.split(":")[0] for note in code.notes] == ["cell 1, line 2", "cell 1, line 6"]
    namespace = run(code)
    assert namespace["f"]() is None and namespace["z"] == 3


def test_a_magic_continued_with_a_backslash_is_skipped_whole():
    data = notebook_bytes(new_code_cell("%timeit \\\n    sum(range(10))\nx = 1"))
    code = read_notebook(data, "answer.ipynb")
    assert code.chunks[0][1] == "\n\nx = 1"
    assert code.notes == ("cell 1, lines 1-2: skipped the IPython magic `%timeit`",)


def test_a_cell_magic_skips_the_whole_cell_with_one_note():
    data = notebook_bytes(
        new_code_cell("%%timeit\nsum(range(100))\nundefined_name"),
        new_code_cell("%%writefile helper.py\ndef helper():\n    pass"),
        new_code_cell("answer = 42"),
    )
    code = read_notebook(data, "answer.ipynb")
    assert code.chunks == (("answer.ipynb, cell 3", "answer = 42"),)
    assert code.notes == (
        "cell 1: skipped the whole cell, which starts with the cell magic `%%timeit`",
        "cell 2: skipped the whole cell, which starts with the cell magic `%%writefile helper.py`",
    )


def test_time_runs_its_statement_as_ipython_does():
    source = "%time x = 1\nfor i in range(2):\n    %time y = i\n%time z = x + \\\n    y\n%timeit w = 1"
    code = read_notebook(notebook_bytes(new_code_cell(source)), "answer.ipynb")
    assert code.chunks[0][1] == "x = 1\nfor i in range(2):\n    y = i\nz = x + \\\n    y\n"
    assert code.notes == (
        "cell 1, line 1: skipped the IPython magic `%time` and ran `x = 1`",
        "cell 1, line 3: skipped the IPython magic `%time` and ran `y = i`",
        "cell 1, line 4: skipped the IPython magic `%time` and ran `z = x +`",
        "cell 1, line 6: skipped the IPython magic `%timeit w = 1`",  # timeit's names do not stay
    )
    assert [run(code)[name] for name in ("x", "y", "z")] == [1, 1, 2]


def test_a_cell_under_time_capture_or_prun_runs_its_code():
    data = notebook_bytes(
        new_markdown_cell("timing"),
        new_code_cell("\n%%time\ndef f(x):\n    return 2 * x\n%timeit f(1)"),
        new_code_cell("%%capture output --no-stderr\nprint('hidden')\ny = f(2)"),
        new_code_cell("%%prun -s cumulative\nz = f(y)\nbroken = 1 / 0"),
    )
    code = read_notebook(data, "answer.ipynb")
    assert [source for _, source in code.chunks] == [
        "\n\ndef f(x):\n    return 2 * x\n",
        "\nprint('hidden')\ny = f(2)",
        "\nz = f(y)\nbroken = 1 / 0",
    ]
    assert code.notes == (
        "cell 2, line 2: skipped the cell magic `%%time` and ran the cell's code",
        "cell 2, line 5: skipped the IPython magic `%timeit f(1)`",
        "cell 3, line 1: skipped the cell magic `%%capture output --no-stderr` and ran the cell's code",
        "cell 4, line 1: skipped the cell magic `%%prun -s cumulative` and ran the cell's code",
    )
    with pytest.raises(ZeroDivisionError) as caught:
        run(code)
    assert traceback.extract_tb(caught.tb)[-1][:2] == ("answer.ipynb, cell 4", 3)


def test_a_shell_line_with_an_unbalanced_quote_does_not_swallow_the_cell():
    code = read_notebook(notebook_bytes(new_code_cell("!echo don't panic\nx = 1")), "answer.ipynb")
    assert run(code)["x"] == 1
    assert code.notes == ("cell 1, line 1: skipped the shell command `!echo don't panic`",)


def test_a_percent_line_inside_brackets_is_the_learners_syntax_error_not_a_magic():
    source = "x = (1,\n%timeit f)\n"
    code = read_notebook(notebook_bytes(new_code_cell(source)), "answer.ipynb")
    assert code.chunks[0][1] == source and code.notes == ()


def test_a_notebook_of_only_magics_has_no_python_code():
    data = notebook_bytes(new_code_cell("%matplotlib inline"), new_code_cell("!ls"))
    with pytest.raises(NotebookError, match=r"^answer\.ipynb has no Python code to grade: .*IPython"):
        read_notebook(data, "answer.ipynb")


def test_a_kernel_in_another_language_is_noted():
    kernel = {"name": "ir", "display_name": "R", "language": "R"}
    data = notebook_bytes(new_code_cell("x = 1"), kernelspec=kernel)
    assert read_notebook(data, "answer.ipynb").notes == (
        "the notebook's kernel runs R, but its code cells are graded as Python",
    )


# --- versions and odd metadata ---------------------------------------------------------------------


def test_a_v3_notebook_is_read_with_headings_counted_as_cells():
    from nbformat import v3

    worksheet = v3.new_worksheet(
        cells=[
            v3.new_heading_cell("Answer", level=1),
            v3.new_code_cell(input="def f(x):\n    return x + 1", prompt_number=3),
            v3.new_text_cell("markdown", source="Notes"),
            v3.new_code_cell(input="%pylab inline\ny = f(1)"),
        ]
    )
    data = v3.writes_json(v3.new_notebook(worksheets=[worksheet])).encode()
    assert json.loads(data)["nbformat"] == 3
    code = read_notebook(data, "old.ipynb")
    assert [name for name, _ in code.chunks] == ["old.ipynb, cell 2", "old.ipynb, cell 4"]
    assert code.notes == ("cell 4, line 1: skipped the IPython magic `%pylab inline`",)
    assert run(code)["y"] == 2


def test_a_v4_notebook_from_before_cell_ids_is_read_without_warnings():
    # filterwarnings = error: a MissingIDFieldWarning escaping would fail this test.
    data = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {},
        "cells": [{"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "y = 2"], "outputs": []}],
    }
    code = read_notebook(json.dumps(data).encode(), "answer.ipynb")
    assert code.chunks == (("answer.ipynb, cell 1", "x = 1\ny = 2"),)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda nb: nb["metadata"].update(kernelspec=5), id="kernelspec-not-an-object"),
        pytest.param(lambda nb: [cell.pop("id") for cell in nb["cells"]], id="v4.5-cells-without-ids"),
        pytest.param(lambda nb: [cell.update(id="same") for cell in nb["cells"]], id="duplicate-cell-ids"),
        pytest.param(lambda nb: nb["cells"][0].pop("outputs"), id="code-cell-without-outputs"),
        pytest.param(lambda nb: nb["cells"][0].update(outputs=[{"junk": 1}]), id="garbage-output"),
        pytest.param(
            lambda nb: nb["cells"].insert(0, {"cell_type": "sql", "metadata": {}}), id="unknown-cell"
        ),
    ],
)
def test_odd_metadata_does_not_stop_grading(change):
    notebook = json.loads(notebook_bytes(new_code_cell("x = 1"), new_code_cell("y = x + 1")))
    change(notebook)
    code = read_notebook(json.dumps(notebook).encode(), "answer.ipynb")
    assert run(code)["y"] == 2


@pytest.mark.parametrize(
    "declaration", ["# -*- coding: latin-1 -*-", "#!/usr/bin/env python\n# coding=ascii"]
)
def test_an_encoding_declaration_in_a_cell_is_ignored_as_jupyter_does(declaration):
    cell = new_code_cell(f"{declaration}\nword = 'café ∂'")
    code = read_notebook(notebook_bytes(new_code_cell("# coding: utf-8\nx = 'é'"), cell), "answer.ipynb")
    namespace: dict[str, Any] = {}
    for name, source in code.chunks:  # as the sandbox's child compiles them: bytes, read by Python's rules
        exec(compile(source.encode("utf-8"), name, "exec", dont_inherit=True), namespace)
    assert (namespace["x"], namespace["word"]) == ("é", "café ∂")
    line = declaration.count("\n") + 1
    assert code.notes == (
        f"cell 2, line {line}: ignored the encoding declaration `{declaration.splitlines()[-1]}`: "
        "a notebook is UTF-8",
    )


def test_a_byte_order_mark_is_fine():
    code = read_notebook(b"\xef\xbb\xbf" + notebook_bytes(new_code_cell("x = 'é'")), "answer.ipynb")
    assert run(code)["x"] == "é"


# --- files that are not notebooks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", r"answer\.ipynb is not a Jupyter notebook: the file is empty\.", id="empty"),
        pytest.param(
            b'{\n "cells": [\n    oops\n ]\n}',
            r"answer\.ipynb is not a Jupyter notebook: it is not valid JSON \(line 3, column 5\)\.",
            id="not-json",
        ),
        pytest.param(
            b"{}",
            r"answer\.ipynb is not a Jupyter notebook: it is JSON, but without the notebook format version\.",
            id="empty-object",
        ),
        pytest.param(  # nbformat would take it for a version 1 notebook and find no code in it
            b'{"cells": [{"cell_type": "code", "source": "x = 1"}]}',
            r"answer\.ipynb is not a Jupyter notebook: it is JSON, but without the notebook format version\.",
            id="cells-without-a-version",
        ),
        pytest.param(
            b"[]", r"answer\.ipynb is not a Jupyter notebook: it is a JSON list, not a notebook's", id="list"
        ),
        pytest.param(b'"hello"', r"it is a JSON string, not a notebook's JSON object\.", id="string"),
        pytest.param(b"null", r"it is JSON null, not a notebook's JSON object\.", id="null"),
        pytest.param(
            b"\xff\xd8\xff\xe0 a photo",
            r"answer\.ipynb is not a Jupyter notebook: it is not UTF-8 text \(byte 0xff at position 0\)\.",
            id="invalid-utf8",
        ),
        pytest.param(
            "x = 1".encode("utf-16"),
            r"answer\.ipynb is saved as UTF-16 text: save it again as UTF-8",
            id="utf16",
        ),
        pytest.param(
            b"def f(x):\n    return 2 * x\n",
            r"answer\.ipynb is not a Jupyter notebook: it holds Python code, so name it with \.py instead\.",
            id="python-file",
        ),
        pytest.param(
            b'{"nbformat": 9, "cells": []}',
            r"answer\.ipynb uses notebook format 9, which calccourse cannot read: open and save it in",
            id="future-version",
        ),
        pytest.param(
            b'{"nbformat": 4, "nbformat_minor": 5, "cells": "none"}',
            r"answer\.ipynb is a damaged Jupyter notebook: nbformat could not read it \(",
            id="cells-not-a-list",
        ),
        pytest.param(b"[" * 100_000, r"its JSON is nested too deeply\.", id="deeply-nested"),
    ],
)
def test_broken_files_raise_a_clear_notebook_error(data, message):
    with pytest.raises(NotebookError, match=message) as caught:
        read_notebook(data, "answer.ipynb")
    assert "\n" not in str(caught.value)  # one sentence, for the learner


def test_a_truncated_file_says_it_was_cut_short():
    data = notebook_bytes(new_code_cell("def f(x):\n    return x"), new_code_cell("y = f(2)"))
    with pytest.raises(NotebookError, match=r"its JSON stops before the end \(line \d+, column \d+\), as if"):
        read_notebook(data[: len(data) // 2], "work/answer.ipynb")


def test_a_notebook_without_code_cells():
    data = notebook_bytes(new_markdown_cell("# My answer\n\n```python\ndef f(x): ...\n```"))
    with pytest.raises(NotebookError, match=r"^answer\.ipynb has no code cells: write your answer in a code"):
        read_notebook(data, "answer.ipynb")


def test_a_notebook_whose_code_cells_are_all_empty():
    with pytest.raises(NotebookError, match=r"^answer\.ipynb has no code: its code cells are all empty"):
        read_notebook(notebook_bytes(new_markdown_cell("hi"), new_code_cell("")), "answer.ipynb")


def test_a_code_cell_whose_source_is_not_text():
    notebook = json.loads(notebook_bytes(new_markdown_cell("intro"), new_code_cell("x = 1")))
    notebook["cells"][1]["source"] = 5
    with pytest.raises(NotebookError, match=r"damaged Jupyter notebook: cell 2 has no readable text\."):
        read_notebook(json.dumps(notebook).encode(), "answer.ipynb")


def test_a_notebook_may_be_larger_than_a_py_file_its_outputs_are_not_graded(tmp_path):
    cell = new_code_cell("x = 1")
    picture = "A" * 10 * 2**20  # ten plots of a megabyte are a common notebook
    cell.outputs = [new_output("display_data", data={"image/png": picture})]
    (tmp_path / "plots.ipynb").write_bytes(notebook_bytes(cell))
    answer = read_answer(tmp_path / "plots.ipynb")
    assert answer.problem is None and answer.source == b"x = 1"
    for name, size, limit in (
        ("big.py", 4, "a Python answer file is at most 4 MiB"),
        ("big.ipynb", 64, "a notebook is at most 64 MiB"),
    ):
        path = tmp_path / name
        with path.open("wb") as handle:
            handle.truncate(size * 2**20 + 1)  # sparse: nothing is written
        with pytest.raises(Unreadable, match=f"{limit}\\.$"):
            read_answer(path)


# --- starter notebooks -----------------------------------------------------------------------------


def written(folder: str) -> tuple[str, str]:
    """A lesson's exercise and template as the learner gets them (the files are templates of
    the learner's variant; without an id, the course's own)."""
    plugin = next(p for p in discover([], use_entry_points=False).lessons if p.folder.name == folder)
    return plugin.exercise_for(None), plugin.template


def lesson_starter(folder: str) -> tuple[str, str, str]:
    statement, template = written(folder)
    return starter_notebook("Lesson 3: the gradient", statement, template), statement, template


def test_starter_notebook_round_trips_through_read_notebook():
    text, statement, _ = lesson_starter("03-gradient")
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds == ["markdown", "markdown", "code", "code", "code"]
    assert notebook.cells[0].source == "# Lesson 3: the gradient\n\n" + statement.strip()
    assert notebook.cells[1].source.startswith("Lesson 3 · gradient of a multivariate")  # the docstring
    assert notebook.cells[2].source.startswith("import numpy as np")
    assert notebook.cells[3].source.startswith('def gradient(x, y):\n    """Return the gradient')
    assert notebook.cells[4].source.endswith("    raise NotImplementedError")

    code = read_notebook(text.encode(), "answer.ipynb")
    assert [name for name, _ in code.chunks] == [f"answer.ipynb, cell {n}" for n in (3, 4, 5)]
    assert code.notes == ()
    namespace = run(code)
    assert callable(namespace["gradient"]) and callable(namespace["steepest_ascent"])
    assert "the gradient of any f(x, y)" in namespace["steepest_ascent"].__doc__
    with pytest.raises(NotImplementedError):
        namespace["gradient"](1.0, 1.0)


@pytest.mark.parametrize("folder", sorted(path.parent.name for path in LESSONS.glob("*/template.py")))
def test_every_lessons_starter_defines_the_templates_names(folder):
    statement, template = written(folder)
    text = starter_notebook(folder, statement, template)
    nbformat.validate(nbformat.reads(text, as_version=4))
    expected: dict[str, Any] = {}
    exec(compile(template, "template.py", "exec", dont_inherit=True), expected)
    got = run(read_notebook(text.encode(), "answer.ipynb"))
    assert sorted(name for name in got if not name.startswith("__")) == sorted(
        name for name in expected if not name.startswith("__")
    )


def test_starter_notebook_is_the_same_text_every_time():
    assert lesson_starter("03-gradient")[0] == lesson_starter("03-gradient")[0]
    assert lesson_starter("03-gradient")[0].endswith("}\n")


def test_starter_groups_settings_and_keeps_comments_with_their_statements():
    _, template = written("06-optimisation")
    notebook = nbformat.reads(starter_notebook("Lesson 6", "Find the extrema.", template), as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert [source.splitlines()[0] for source in code] == [
        "import numpy as np  # noqa: F401  (you will probably want it)",
        "def derivative(x):",
        "# The x > 0 where the derivative of log x is zero, as a list",
        "def find_critical_points(f, a, b):",
    ]
    assert code[2].endswith("has_extremum = None")


def test_a_docstring_that_only_repeats_the_statement_is_dropped():
    template = '"""Define `double(x)`."""\n\n\ndef double(x):\n    raise NotImplementedError\n'
    notebook = nbformat.reads(starter_notebook("Doubling", "Define `double(x)`.\n", template), as_version=4)
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code"]
    assert notebook.cells[0].source == "# Doubling\n\nDefine `double(x)`."


def test_a_template_without_code_still_gives_a_cell_to_write_in():
    text = starter_notebook("Free answer", "Write anything.", '"""Your answer."""\n')
    notebook = nbformat.reads(text, as_version=4)
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "markdown", "code"]
    assert notebook.cells[-1].source == ""


# --- start-up cost -----------------------------------------------------------------------------------


def test_importing_the_module_does_not_import_nbformat():
    script = "import sys, calccourse.notebook\nprint('nbformat' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_a_notebook_has_ipythons_display_and_get_ipython(run, tmp_path):
    """IPython's ``display`` and ``get_ipython`` are there (and ``IPython.display`` importable
    even where IPython is not installed)."""
    answer = tmp_path / "answer.ipynb"
    answer.write_bytes(
        notebook_bytes(
            new_code_cell("from IPython.display import Markdown, display"),
            new_code_cell(
                'get_ipython().run_line_magic("matplotlib", "inline")\ndisplay(Markdown("**shown**"))'
            ),
            new_code_cell(
                "def derivative(x):\n    return 3 * x**2 - 4 * x\n"
                "def rate_of_change(f, x, dx):\n    return (f(x + dx) - f(x)) / dx"
            ),
        )
    )
    result = run("check", "1", str(answer), "--no-plot")
    assert result.exit_code == 0, result.output
    assert "All tests passed" in result.output
    # What display() prints is IPython's own where it is installed, else the stand-in's text.
    assert "**shown**" in result.output or "IPython.core.display.Markdown object" in result.output


def test_a_name_defined_only_under_a_main_guard_is_explained(run, tmp_path):
    """Python runs no `if __name__ == "__main__":` block of an answer; the message says so."""
    answer = tmp_path / "answer.ipynb"
    answer.write_bytes(
        notebook_bytes(
            new_code_cell('if __name__ == "__main__":\n    def derivative(x):\n        return 3 * x**2')
        )
    )
    result = run("check", "1", str(answer), "--no-plot")
    assert result.exit_code == 1
    assert "does not run when your answer is checked: define `derivative` at the top level" in " ".join(
        result.output.split()
    )


def test_a_notebook_of_many_cells_of_magics_costs_seconds_not_minutes():
    """The red team's 9 MB notebook (1,000 cells of 1,500 indented magics) once took minutes
    and 655 MB before anyone was graded: the parse budget is the notebook's, not each cell's."""
    import json
    import time

    from calccourse.answers import answer_from_bytes

    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    cells = [{**cell, "source": "def f():\n" + "\t%a\n" * 1500} for _ in range(1000)]
    cells.append({**cell, "source": "def double(x):\n    return 2 * x\n"})
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    started = time.perf_counter()
    answer = answer_from_bytes("mallory.ipynb", data)
    assert time.perf_counter() - started < 30  # about 2 s here; minutes before
    assert len(answer.notes) <= 202 and "only the first ones are listed" in answer.notes[-1]
    too_many = json.dumps({"cells": [{**cell, "source": "x = 1"}] * 2001, "metadata": {}, "nbformat": 4})
    assert "more than 2000 code cells" in (answer_from_bytes("many.ipynb", too_many.encode()).problem or "")
