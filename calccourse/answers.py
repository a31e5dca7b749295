"""An answer file read once, before any answer runs: its bytes, its sha256, its code.

A ``.py`` file is one chunk of code; a Jupyter notebook (``.ipynb``) one chunk per code
cell (see :mod:`calccourse.notebook`). What is graded is this snapshot, never the file
on disk at some later moment, so no answer can change another's while a class is graded.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from calccourse.status import UsageError

if TYPE_CHECKING:
    from calccourse.sandbox.protocol import Code

SUFFIXES = (".py", ".ipynb")
MAX_BYTES = 4 * 1024 * 1024  # a .py file larger than this is not read
# A notebook keeps its outputs, which are never graded: a few plots make megabytes.
MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024


class Unreadable(UsageError):
    """The answer file cannot be read or is not an answer (a usage error for ``check``)."""


class Denied(Unreadable):
    """The answer file is there, but its permissions forbid reading it (``chmod 000``)."""


@dataclass(frozen=True)
class Answer:
    """One answer file's snapshot: what it was called, its bytes and the code to run."""

    display: str  # the path as the user gave it: reports and tracebacks name it
    sha256: str
    code: Code
    notes: tuple[str, ...] = ()  # what was left out of a notebook (magics, shell escapes)
    problem: str | None = None  # why it cannot be run at all (a notebook that is not one)
    modules: tuple[tuple[str, bytes], ...] = ()  # the student's other .py files beside it, by name

    @property
    def source(self) -> bytes:
        return b"\n".join(data for _, data in self.code.chunks)

    @cached_property
    def imports(self) -> frozenset[str]:
        """The preloadable libraries it imports (read once, without running it)."""
        from calccourse.sandbox.runner import imports_of

        return imports_of(self.source)

    @cached_property
    def names(self) -> frozenset[str]:
        """The names it defines at the top level (read without running it; a chunk that
        does not parse defines none)."""
        import ast

        found: set[str] = set()
        for _, data in self.code.chunks:
            try:
                tree = ast.parse(data)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            for node in tree.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    found.add(node.name)
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    found.update(t.id for t in targets if isinstance(t, ast.Name))
        return frozenset(found)


MAX_MODULES = 32  # the student's other files shipped with the answer, at most


def read_answer(path: Path, modules: Sequence[Path] = ()) -> Answer:
    """Read and snapshot ``path`` and the student's ``modules`` beside it (``helper.py``, at
    most MAX_MODULES files and MAX_BYTES in all); Unreadable says why it cannot be graded."""
    answer = _read(path)
    if not modules:
        return answer
    if len(modules) > MAX_MODULES:
        raise Unreadable(
            f"{path.parent} holds over {MAX_MODULES} Python files beside the answer: too many to grade."
        )
    shipped = []
    for module in modules:
        data = read_bytes(module, MAX_BYTES)
        shipped.append((module.name, data))
        if sum(len(data) for _, data in shipped) > MAX_BYTES:
            raise Unreadable(f"the Python files beside {path} are over {MAX_BYTES // 2**20} MiB in all.")
    import hashlib

    digest = hashlib.sha256(
        answer.sha256.encode()
    )  # the answer and its modules: one changes, it is re-graded
    for name, data in shipped:
        digest.update(f"\0{name}\0{len(data)}\0".encode() + data)
    return replace(answer, sha256=digest.hexdigest(), modules=tuple(shipped))


def _read(path: Path) -> Answer:
    display = str(path)
    if path.suffix.lower() not in SUFFIXES:
        raise Unreadable(f"{display} is not a Python file or a notebook; an answer is a .py or .ipynb file.")
    limit = MAX_NOTEBOOK_BYTES if path.suffix.lower() == ".ipynb" else MAX_BYTES
    data = read_bytes(path, limit)
    return answer_from_bytes(display, data)


def read_bytes(path: Path, limit: int) -> bytes:
    """A regular file's bytes (at most ``limit``), or Unreadable saying why not."""
    display = str(path)
    try:
        # Non-blocking, so that a named pipe cannot make us wait; then only a regular file is read.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as file:
            mode = os.fstat(descriptor).st_mode
            if stat.S_ISDIR(mode):
                raise Unreadable(f"{display} is a folder, not an answer file.")
            if not stat.S_ISREG(mode):
                raise Unreadable(
                    f"{display} is not a regular file (a pipe or a device); an answer is a file."
                )
            data = file.read(limit + 1)
    except IsADirectoryError:
        raise Unreadable(f"{display} is a folder, not an answer file.") from None
    except PermissionError as error:
        raise Denied(f"{display} cannot be read: {error.strerror or error}.") from None
    except OSError as error:
        raise Unreadable(f"{display} cannot be read: {error.strerror or error}.") from None
    if len(data) > limit:
        kind = "a notebook" if limit == MAX_NOTEBOOK_BYTES else "a Python answer file"
        raise Unreadable(f"{display} is over {limit // 2**20} MiB; {kind} is at most {limit // 2**20} MiB.")
    return data


def answer_from_bytes(display: str, data: bytes) -> Answer:
    """The snapshot of an answer given as bytes (a notebook's are converted to cells)."""
    import hashlib

    from calccourse.sandbox.protocol import Code

    digest = hashlib.sha256(data).hexdigest()
    if display.lower().endswith(".ipynb"):
        from calccourse.notebook import NotebookError, read_notebook

        try:
            notebook = read_notebook(data, display)
        except NotebookError as error:  # the learner's file is broken: like a syntax error
            return Answer(display, digest, Code.single(display, b""), problem=str(error))
        chunks = tuple((name, text.encode("utf-8")) for name, text in notebook.chunks)
        return Answer(display, digest, Code(chunks), notebook.notes)
    return Answer(display, digest, Code.single(display, data))
