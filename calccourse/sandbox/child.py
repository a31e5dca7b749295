"""What runs inside the forked child: confine the process, load the answer, make the calls.

Everything sent back is a JSON line on the result pipe: ``{"confined": ...}`` (before
any of the answer's code runs), then ``{"loaded": true}`` or ``{"load_error": ...}``,
then one ``{"i": n, ...}`` per call. The answer may do anything to this process; the
grading side trusts nothing it says after loading but plain values.
"""

from __future__ import annotations
import __future__

import collections.abc
import contextlib
import decimal
import errno
import functools
import io
import json
import linecache
import numbers
import operator
import os
import re
import signal
import sys
import tokenize
import traceback
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from calccourse.sandbox.protocol import MAX_INT, MAX_ITEMS, Code, ProtocolError, bounded, decode, error_wire

if TYPE_CHECKING:
    from calccourse.sandbox import landlock

CHILD_BROKEN = 70  # the exit code of a child whose own code failed (the answer broke it): EX_SOFTWARE
PRIVATE = ".calccourse"  # the scratch folder's subfolder for matplotlib's cache and temporary files
PROBES_FILE = [""]  # the lesson's probes.py, once loaded: errors raised in it are the probe's


class Plan(NamedTuple):
    """What the fork path's worker makes ready before it forks an answer's process, which
    then only applies it: Python work in a fresh fork copies every page it touches, and
    made here, in the worker, it took a third of a millisecond per step instead."""

    workdir: str
    limits: dict[int, int]
    ruleset: landlock.Ruleset

    def close(self) -> None:
        """The worker's copy of what the child keeps (the Landlock ruleset)."""
        self.ruleset.close()


def plan(workdir: str, memory_mb: int) -> Plan:
    """The confinement of the next answer's process, run in ``workdir`` (Linux's fork path)."""
    from calccourse.sandbox import landlock

    return Plan(workdir, resource_limits(memory_mb), landlock.ruleset([workdir]))


def confine(plan: Plan, keep_fds: tuple[int, ...], output_fd: int) -> tuple[landlock.Confinement, str]:
    """Linux's fork path: own process group, no stdin, output to the pipe, limits, a scratch
    folder; Landlock where the kernel has it (writes only in the scratch folder, no TCP, no
    signals or ptrace outside); as root, no network and no capabilities; then no new
    sockets (seccomp). Returns the Landlock confinement in force and how it reads in reports."""
    from calccourse.sandbox import fairness, landlock, privileges, seccomp  # Linux's: imported there alone

    os.setpgid(0, 0)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    ruleset = () if plan.ruleset.fd is None else (plan.ruleset.fd,)
    previous = 2
    for fd in sorted({*keep_fds, *ruleset}):
        os.closerange(previous + 1, fd)
        previous = fd
    os.closerange(previous + 1, os.sysconf("SC_OPEN_MAX"))
    apply_limits(plan.limits)
    os.nice(10)  # and what it forks yields the processor to the worker that must end it
    fairness.offer_to_oom_killer()
    prepare(plan.workdir)
    confinement = landlock.restrict(plan.ruleset)
    plan.close()
    beyond = [privileges.drop_root()]
    if seccomp.refuse_calls():  # last: the steps above need none, and nothing after them may
        beyond.insert(0, "no sockets, keyrings, SysV IPC or namespaces")
    return confinement, "; ".join([confinement.describe(), *filter(None, beyond)])


def import_confinement() -> None:
    """Import, and build once, what :func:`confine` uses, in a worker that will fork many
    children."""
    from calccourse.sandbox import fairness, landlock, privileges, seccomp  # noqa: F401 - for the children

    seccomp.prepare()


def prepare(workdir: str) -> None:
    """What every platform gives an answer: the scratch folder as its working folder and
    home, matplotlib's cache and temporary files in a subfolder of it (the worker lists
    what else the answer writes), and text streams on file descriptors 0 to 2."""
    os.chdir(workdir)
    private = os.path.join(workdir, PRIVATE)
    os.environ.update(
        HOME=workdir, USERPROFILE=workdir, MPLCONFIGDIR=private, MPLBACKEND="Agg",
        TMPDIR=private, TEMP=private, TMP=private,
    )  # fmt: skip
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", buffering=1, closefd=False)  # noqa: SIM115


# Whether the kernel enforces RLIMIT_AS: macOS refuses to set it (ValueError, CPython issues
# 78783 and 84698), Windows has no `resource` module: there the grading side watches memory.
ADDRESS_SPACE_LIMIT = sys.platform.startswith("linux")
MAX_NEW_TASKS = 128  # processes and threads an answer may add: a pool of workers, not a bomb


def resource_limits(memory_mb: int) -> dict[int, int]:
    """POSIX limits for an answer's process: file size, no core dumps, a task cap (a fork
    bomb stops there), and where the kernel enforces it the address space (``memory_mb``
    beyond what this process maps now: the fork path measures in the worker, before it
    forks the answer's process, which then maps the same). Each is at most the user's own
    hard limit (a shell's ``ulimit``): asking for more would fail."""
    import resource

    limits = {
        resource.RLIMIT_FSIZE: 64 * 1024 * 1024,
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_NPROC: _tasks_on_the_machine() + MAX_NEW_TASKS,
    }
    if ADDRESS_SPACE_LIMIT:
        limits[resource.RLIMIT_AS] = _virtual_memory_bytes() + memory_mb * 1024 * 1024
    for kind, value in limits.items():
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            limits[kind] = min(value, hard)
    return limits


def apply_limits(limits: dict[int, int]) -> None:
    """Set each of :func:`resource_limits` on this process."""
    import resource

    for kind, value in limits.items():
        resource.setrlimit(kind, (value, value))


def _tasks_on_the_machine() -> int:
    """Processes and threads on the machine now (RLIMIT_NPROC counts a user's, a part of them)."""
    try:
        return int(Path("/proc/loadavg").read_text().split()[3].split("/")[1])
    except (OSError, IndexError, ValueError):
        return 4096


def _virtual_memory_bytes() -> int:
    """The process's mapped size (Linux's /proc: only read where ADDRESS_SPACE_LIMIT holds)."""
    return int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")


class Channel:
    """The result pipe, written with references taken before the answer runs."""

    def __init__(self, fd: int, key: str | None = None) -> None:
        self.fd, self.write, self.dumps, self.key = fd, os.write, json.dumps, key
        self.close = os.close

    def send(self, message: dict[str, Any]) -> None:
        """Flush what the answer printed, then send: output always arrives before the reply.
        With a ``key`` (the portable sandbox's), every message carries it."""
        _flush_output()
        if self.key is not None:
            message = {**message, "key": self.key}
        data = (self.dumps(message) + "\n").encode()
        while data:
            data = data[self.write(self.fd, data) :]


def run(job: dict[str, Any], code: Code, probes: Code | None, indices: list[int], channel: Channel) -> None:
    """Load the answer, then make the calls at ``indices`` in order; never returns.

    Every chunk of the answer is compiled first (a syntax error anywhere and nothing
    runs, as for a .py file), then they run in order in one module, as Python runs a
    file or Jupyter a notebook top to bottom.
    """
    if job.get("modules"):
        _place_modules(Code.from_wire(job["modules"]))
    names = set(code.names)
    texts: list[tuple[str, str]] = []
    try:
        for name, data in code.chunks:
            text = source_text(data, name)
            texts.append((name, text))
            # The lines as linecache reads a file (as Python reads source): split at \n, \r\n and
            # \r only, not at a form feed, and each ending with \n (a cell's last line has none).
            # Otherwise a traceback shows another line, or draws its ^^^ one column to the right.
            lines = [line if line.endswith("\n") else line + "\n" for line in io.StringIO(text, newline=None)]
            linecache.cache[name] = (len(text), None, lines, name)
    except SyntaxError as error:
        _finish(channel, {"load_error": _described(error, names, "while loading")})
    source = b"\n".join(data for _, data in code.chunks)
    ANSWER_SOURCE[0] = "\n".join(text for _, text in texts)
    try:
        _keep_plots_headless(source)
    except Exception:  # noqa: BLE001 - matplotlib missing or broken: the answer will say so itself
        pass
    module = types.ModuleType("answer")
    module.__file__ = code.chunks[0][0]
    if NOTEBOOK_CELL.search(module.__file__):  # what Jupyter gives a notebook's cells
        module.__dict__.update(display=_display, get_ipython=_get_ipython)
        _stand_in_for_ipython()
    sys.modules["answer"] = module
    sys.argv = [module.__file__]
    try:
        compiled = _compiled(texts)
        for chunk in compiled:
            exec(chunk, module.__dict__)  # noqa: S102
    except BaseException as error:  # noqa: BLE001 - the answer may raise anything
        _finish(channel, {"load_error": _described(error, names, "while loading")})
    channel.send({"loaded": True})
    helpers: types.ModuleType | None = None
    broken: BaseException | None = None
    if probes is not None:
        try:
            helpers = _load_probes(probes)
        except BaseException as error:  # noqa: BLE001 - the lesson's bug, reported per probe call
            broken = error
    for index in indices:
        call = job["calls"][index]
        try:
            if call["kind"] == "probe" and broken is not None:
                raise ProbeFailed(f"probes.py could not be loaded: {_exception_line(broken)}")
            reply = make_call(module, helpers, call)
        except BaseException as error:  # noqa: BLE001
            reads = call.get("about") if call["kind"] == "probe" else None  # a probe: the learner's name
            reply = _described(error, names, f"in {call['label']}", reads or call["target"])
        reply["i"] = index
        try:
            channel.send(reply)
        except (TypeError, ValueError) as error:
            channel.send({"i": index, **error_wire("unconvertible", f"{call['label']}: {error}")})
    _finish(channel, None)


MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.py$")


def _place_modules(modules: Code) -> None:
    """The student's other files, written into the scratch folder's private part (which the
    worker does not report as the answer's) and put first on ``sys.path``: ``import helper``
    finds the student's ``helper.py``, as it would beside the answer."""
    folder = os.path.join(os.getcwd(), PRIVATE, "modules")
    os.makedirs(folder, exist_ok=True)
    for name, data in modules.chunks:
        if MODULE_NAME.match(name):  # a bare module name: nothing is written anywhere else
            with open(os.path.join(folder, name), "wb") as file:
                file.write(data)
    sys.path.insert(0, folder)


FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)


def source_text(data: bytes, name: str) -> str:
    """A file's bytes as Python reads source (PEP 263): UTF-8 unless a coding line declares
    another encoding, a UTF-8 BOM allowed. Bytes that do not decode are a SyntaxError, as
    for ``python answer.py`` (``compile`` of bytes lets them pass in comments)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing" not in str(error):  # an unknown encoding named, or a BOM that lies
            raise SyntaxError(f"{error} in file {name}", (name, 1, None, None)) from None
        encoding = "utf-8"  # no declaration: Python reads UTF-8, and says where it fails
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex()
        if encoding in ("utf-8", "utf-8-sig"):
            message = (
                f"Non-UTF-8 code starting with '\\x{byte}' in file {name} on line {line}, but no "
                "encoding declared; see https://peps.python.org/pep-0263/ for details"
            )
        else:
            message = f"'{encoding}' codec can't decode byte 0x{byte} in file {name} on line {line}"
        raise SyntaxError(message, (name, line, None, None)) from None


def _compiled(texts: list[tuple[str, str]]) -> list[types.CodeType]:
    """Every chunk compiled, none run yet. A ``from __future__`` import holds in the chunks
    after it, as in IPython (a notebook's cells); this module's own is not the answer's."""
    flags, compiled = 0, []
    for name, text in texts:
        chunk = compile(text, name, "exec", flags=flags, dont_inherit=True)
        flags |= chunk.co_flags & FUTURE_FLAGS
        compiled.append(chunk)
    return compiled


def _keep_plots_headless(source: bytes) -> None:
    """Plots in an answer never open a window, nor fail for want of a screen: a request for
    an interactive backend (``matplotlib.use("TkAgg")``, ``plt.switch_backend``) keeps Agg."""
    if b"matplotlib" not in source:
        return
    import matplotlib

    def stay_headless(*args: Any, **kwargs: Any) -> None:
        return None

    matplotlib.use = stay_headless
    if b"pyplot" in source:
        import matplotlib.pyplot

        matplotlib.pyplot.switch_backend("agg")  # settle pyplot's backend before it is frozen
        matplotlib.pyplot.switch_backend = stay_headless


def _finish(channel: Channel, message: dict[str, Any] | None) -> None:
    if message is not None:
        channel.send(message)
    _flush_output()
    for fd in (channel.fd, 1, 2):  # the grading side sees the end now, not once the memory is freed
        with contextlib.suppress(OSError):
            channel.close(fd)
    os._exit(0)


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - the answer may have replaced the streams
            pass


def _described(error: BaseException, files: set[str], when: str, target: str = "") -> dict[str, Any]:
    """describe_error, even for an exception whose own methods raise."""
    try:
        return describe_error(error, files, when, target)
    except BaseException:  # noqa: BLE001
        return error_wire("exception", f"Your answer raised an exception {when} that cannot be shown.")


def _load_probes(probes: Code) -> types.ModuleType:
    """The lesson's probes.py, run after the answer loaded (its errors are the call's)."""
    (path, source), *_ = probes.chunks
    PROBES_FILE[0] = path
    module = types.ModuleType("calccourse_probes")
    module.__file__ = path
    exec(compile(source, path, "exec"), module.__dict__)  # noqa: S102
    return module


def make_call(
    module: types.ModuleType, probes: types.ModuleType | None, call: dict[str, Any]
) -> dict[str, Any]:
    target, label = call["target"], call["label"]
    args = decode(call["args"])
    name = call.get("about", "") if call["kind"] == "probe" else target  # the answer's name it reads
    if name and name not in module.__dict__:
        return error_wire("missing", _not_defined(name))
    value = module.__dict__.get(name)
    if name and call["kind"] != "call" and value is None:
        return error_wire("not_started", f"`{name}` is still None.")
    if call["kind"] == "probe":
        helper = getattr(probes, target, None)
        if not callable(helper):
            raise ProbeFailed(f"probes.py defines no function {target}")
        return {"value": to_plain(helper(module, *args), label)}
    if call["kind"] == "value":
        return {"value": to_plain(value, label)}
    if not callable(value):
        return error_wire("unconvertible", f"`{target}` should be a function, but it is {_kind(value)}.")
    return {"value": to_plain(value(*args), label)}


class Unconvertible(Exception):
    pass


ANSWER_SOURCE = [""]  # the answer's code as text, all its chunks (set once it is read)
MAIN_GUARD = re.compile(r"""^\s*if\s+__name__\s*==\s*['"]__main__['"]""", re.M)


def _not_defined(name: str) -> str:
    """Why the answer lacks ``name``; where a main block may hold it, that it never runs."""
    source = ANSWER_SOURCE[0]
    if MAIN_GUARD.search(source) and re.search(rf"\b{re.escape(name)}\b", source):
        return (
            f'Your answer does not define `{name}`. Code under `if __name__ == "__main__":`'
            f" does not run when your answer is checked: define `{name}` at the top level."
        )
    return f"Your answer does not define `{name}`."


NOTEBOOK_CELL = re.compile(r"\.ipynb, cell \d+$")  # how calccourse.notebook names a cell


def _display(*values: Any, **options: Any) -> None:
    """IPython's ``display()`` in a graded notebook: what IPython's own does outside a
    running shell (it prints the values)."""
    print(*values)


class _NoShell:
    """What ``get_ipython()`` gives a graded notebook's cells: there is no shell, and
    whatever is asked of one (``get_ipython().run_line_magic(...)``, ``.events.register``)
    does nothing. Only the notebook's own name returns it: ``IPython.get_ipython()`` is
    None, as outside Jupyter, so libraries that look for a shell (matplotlib, tqdm) find
    none, whichever order things were imported in and whether IPython is installed."""

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> _NoShell:
        if name.startswith("__"):
            raise AttributeError(name)
        return _NoShell()


def _get_ipython() -> _NoShell:
    return _NoShell()


class _Shown:
    """One of IPython's display objects (Markdown, HTML, ...) without IPython: its text."""

    def __init__(self, *args: Any, **options: Any) -> None:
        self.args = args

    def __repr__(self) -> str:
        return " ".join(str(arg) for arg in self.args)


def _display_object(name: str) -> type[_Shown]:
    """``IPython.display.Markdown``, ``HTML``, ``Image``...: each a :class:`_Shown`. A dunder
    (``__all__``, ``__path__``) is no display object: the import system asks for those."""
    if name.startswith("__"):
        raise AttributeError(name)
    return _Shown


def _stand_in_for_ipython() -> None:
    """Where IPython is not installed, a notebook's ``from IPython.display import display``
    gets :func:`_display`, and ``IPython.get_ipython()`` None (no shell), as IPython itself
    gives outside Jupyter; where it is installed, the real one serves. Whatever was
    imported or drawn before (a warm worker, or a single-use interpreter), matplotlib
    finds the same: no shell, a version that needs nothing more."""
    import importlib.util

    if importlib.util.find_spec("IPython") is not None:
        return
    ipython, display = types.ModuleType("IPython"), types.ModuleType("IPython.display")
    display.display = _display  # type: ignore[attr-defined]
    display.__getattr__ = _display_object  # type: ignore[method-assign]
    ipython.display = display  # type: ignore[attr-defined]
    ipython.get_ipython = lambda: None  # type: ignore[attr-defined]
    # A current IPython's version: libraries that branch on it (matplotlib's first canvas
    # reads it) take the path that needs no shell and no IPython internals.
    ipython.version_info = (8, 24, 0, "")  # type: ignore[attr-defined]
    ipython.__version__ = "8.24.0"  # type: ignore[attr-defined]
    sys.modules.update({"IPython": ipython, "IPython.display": display})


class ProbeFailed(Exception):
    """The lesson's own probe code failed: a bug in the lesson, not in the answer."""


def to_plain(value: Any, label: str) -> Any:
    """Numbers, bools, strings, None and (nested) lists of them; anything else fails clearly."""
    budget = [MAX_ITEMS]
    try:
        plain = _plain(value, budget, 0)
        return bounded(plain)  # the bounds the grading side checks again: said here, with the label
    except Unconvertible as error:
        raise Unconvertible(f"{label} returned {error}") from None
    except ProtocolError as error:
        raise Unconvertible(f"{label} returned {error}") from None


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > 20:
        raise Unconvertible("a value too large to check (over 100,000 numbers or nested too deep)")
    if value is None or type(value) in (bool, float, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):  # int subclasses too (IntEnum, ...)
        number = int.__int__(value)  # int's own value: a subclass's __int__ or __index__ may lie
        if abs(number) > MAX_INT:  # past every float: no checker can compare it
            raise Unconvertible(f"a whole number of {number.bit_length()} bits, too large to compare")
        return number
    module = type(value).__module__.split(".")[0]
    if module == "numpy":
        return _plain_numpy(value, budget, depth)
    if module == "sympy":
        return _plain_sympy(value, budget, depth)
    if isinstance(value, numbers.Integral):  # registered integers that are no int
        return _plain(operator.index(value), budget, depth)
    if isinstance(value, (numbers.Real, decimal.Decimal)):  # float subclasses, Fraction, Decimal
        return float(value)
    if isinstance(value, numbers.Complex):
        raise Unconvertible(f"the complex number {value!r}; expected a real number")
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item, budget, depth + 1) for key, item in value.items()}
    if isinstance(value, collections.abc.Sequence) and not isinstance(value, (bytes, bytearray)):
        # any sequence: tuples and their subclasses (namedtuples), lists, deques, ranges, ...
        return [_plain(item, budget, depth + 1) for item in value]
    raise Unconvertible(f"{_kind(value)}, which is not a number, a list or a bool")


def _plain_numpy(value: Any, budget: list[int], depth: int) -> Any:
    kind = getattr(getattr(value, "dtype", None), "kind", "")
    if kind == "O":  # an array of Python or SymPy objects: each judged as itself
        return _plain(value.tolist(), budget, depth + 1)
    if kind == "c":
        raise Unconvertible(f"complex numbers ({value!r:.80}); expected real numbers")
    if kind not in ("b", "i", "u", "f"):
        raise Unconvertible(f"{_kind(value)}, which is not a numeric array or number")
    if getattr(value, "size", 1) > budget[0]:
        raise Unconvertible("a value too large to check (over 100,000 numbers)")
    budget[0] -= getattr(value, "size", 1)
    if kind == "f" and value.dtype.itemsize > 8:  # longdouble: tolist() keeps NumPy scalars
        value = value.astype(float)
    elif kind == "f" and value.dtype.itemsize < 8:  # float32, float16: the number as NumPy prints
        value = value.astype(str).astype(float)  # it (0.37152), not its binary tail (0.3715200126)
    return value.tolist()


def _plain_sympy(value: Any, budget: list[int], depth: int) -> Any:
    if hasattr(value, "tolist") and hasattr(value, "shape"):  # a Matrix
        return [_plain(item, budget, depth + 1) for item in value.tolist()]
    if type(value).__name__ in ("Tuple", "FiniteSet", "EmptySet"):  # a pair; what solveset returns
        return [_plain(item, budget, depth + 1) for item in value]
    if getattr(value, "is_Boolean", False) and value in (True, False):
        return bool(value)
    free: set[Any] = getattr(value, "free_symbols", set())
    if free:
        names = ", ".join(sorted(str(symbol) for symbol in free))
        raise Unconvertible(
            f"the SymPy expression {value} in {names}; expected a number (substitute values,"
            " or turn it into a function with sympy.lambdify)"
        )
    try:
        number = complex(value)
    except (TypeError, ValueError):
        raise Unconvertible(f"{_kind(value)}, which is not a number") from None
    if number.imag != 0:
        raise Unconvertible(f"the complex number {value}; expected a real number")
    return int(number.real) if getattr(value, "is_Integer", False) else float(number.real)


def _kind(value: Any) -> str:
    text = repr(value) if type(value).__repr__ is not object.__repr__ else ""
    try:
        shown = f" ({text[:60]})" if text else ""
    except Exception:  # noqa: BLE001
        shown = ""
    return f"an object of type {type(value).__name__}{shown}"


def describe_error(error: BaseException, files: set[str], when: str, target: str = "") -> dict[str, Any]:
    """An error as the learner should read it: their own frames, not ours; its type and
    the answer's line kept as data."""
    kind = type(error).__name__
    if isinstance(error, NotImplementedError):
        return error_wire(
            "not_started", f"`{target or 'a function'}` still raises NotImplementedError.", kind
        )
    if isinstance(error, Unconvertible):
        return error_wire("unconvertible", f"{error}.")
    innermost = traceback.extract_tb(error.__traceback__)[-1:]
    if isinstance(error, ProbeFailed) or (innermost and innermost[0].filename == PROBES_FILE[0]):
        where = f" ({innermost[0].filename}, line {innermost[0].lineno})" if innermost else ""
        return error_wire("probe", f"The lesson's probe failed {when}: {_exception_line(error)}{where}", kind)
    if isinstance(error, SystemExit):
        message = f"Your answer called sys.exit({error.code!r}) {when}; an answer file must not exit."
        return error_wire("exited", message, kind)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return error_wire("refused", DISK_FULL.format(when=when, folder=os.getcwd()), kind)
    if isinstance(error, MemoryError):
        return error_wire("memory", f"Your answer ran out of memory {when} (memory limit).", kind)
    if isinstance(error, SyntaxError):
        lines = traceback.format_exception_only(type(error), error)
        line = error.lineno if error.filename in files else None
        return error_wire("exception", "".join(lines).rstrip(), kind, line)
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename in files]
    listing = "".join(traceback.StackSummary.from_list(frames).format())  # folds repeated frames
    if isinstance(error, EOFError) and "input" in "".join(line.line or "" for line in frames):
        reason = "EOFError: input() has no keyboard while checking; an answer must not ask for input"
    elif isinstance(error, PermissionError) and _in_multiprocessing(error):
        reason = (
            f"{_exception_line(error)}: multiprocessing's pools and locks need shared memory"
            " (/dev/shm), which answers are not given while checking; compute in one process"
            " (a loop, NumPy, or threads) instead"
        )
    else:
        reason = _exception_line(error)
    message = f"{kind} {when}:\n{listing}{reason}" if listing else f"{reason} ({when})"
    line = frames[-1].lineno if frames else None
    return error_wire("exception", message.rstrip(), kind, line)


DISK_FULL = (
    "Not checked: the disk is full (no space left on device {when}, in {folder}). This is the"
    " machine's problem, not your answer's: free some space, or set TMPDIR to a folder on a disk"
    " with room, then check again."
)


def _in_multiprocessing(error: BaseException) -> bool:
    """Whether ``error`` was raised inside the standard library's multiprocessing."""
    return any(
        f"{os.sep}multiprocessing{os.sep}" in frame.filename
        for frame in traceback.extract_tb(error.__traceback__)
    )


def _exception_line(error: BaseException) -> str:
    """``NameError: name 'dz' is not defined. Did you mean: 'dx'?``: Python's own last line,
    with the suggestion that only its display adds (``format_exception_only`` leaves it out
    on 3.10 to 3.13 alike: it searches the traceback's frames, which it is not given)."""
    plain = "".join(traceback.format_exception_only(type(error), error)).strip()
    if not isinstance(error, (NameError, AttributeError, ImportError)):
        return plain
    shown, stderr = io.StringIO(), sys.stderr
    try:
        sys.stderr = shown
        sys.__excepthook__(type(error), error, error.__traceback__)
    finally:
        sys.stderr = stderr
    last = shown.getvalue().rstrip().rsplit("\n", 1)[-1]
    return last if last.startswith(plain) else plain
