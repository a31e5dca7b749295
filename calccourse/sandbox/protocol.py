"""What crosses the sandbox's boundaries: jobs going in, outcomes coming back.

The grading process sends a :class:`Job` (the answer's code, the calls to make) to a
worker; the worker forks a child that runs the answer; the child's replies and the
worker's result are plain JSON. Nothing that comes back is trusted: the worker checks
the child's replies and the grading process checks the worker's result with the same
validators here (:func:`outcome_from_wire`, :meth:`RunResult.from_wire`), which raise
:class:`ProtocolError` on anything malformed.

Standard library only; this module imports nothing else from calccourse.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Literal, get_args

ErrorKind = Literal[
    "missing",  # the answer does not define the name
    "not_started",  # NotImplementedError, or a value still None
    "exception",  # the answer raised
    "timeout",  # a call (or loading) took longer than the time limit
    "exited",  # sys.exit or os._exit
    "crashed",  # killed by a signal, or broke the code beside it
    "memory",  # MemoryError or the memory limit
    "unconvertible",  # a value that is no number, list, bool or string
    "skipped",  # not tried: an earlier call of the same name hung or ended the process
    "refused",  # not run at all: the confinement asked for is not available, or the disk is full
    "probe",  # the lesson's probes.py failed (a bug in the lesson, not in the answer)
]
ERROR_KINDS: frozenset[str] = frozenset(get_args(ErrorKind))
CallKind = Literal["call", "value", "probe"]


class ProtocolError(Exception):
    """A message that is not what the protocol allows: its sender is not to be trusted."""


# ---------------------------------------------------------------- what the checker sends


@dataclass(frozen=True)
class Fn:
    """A function the checker passes to the answer, written as a NumPy expression.

    ``Fn("np.sin(x) + x**2", label="sin(x) + x²")`` works on floats and arrays alike,
    in the answer's process and in the grading process, where the judge evaluates
    the same expression.
    """

    expr: str
    params: tuple[str, ...] = ("x",)
    label: str = ""

    def __call__(self, *args: Any) -> Any:
        return _compiled(self.expr, self.params)(*args)

    def __str__(self) -> str:
        return self.label or self.expr


def function_of(expr: str, params: Sequence[str]) -> Callable[..., Any]:
    """The function an ``Fn`` stands for: the same code on both sides of the sandbox."""
    import numpy

    return eval(f"lambda {', '.join(params)}: {expr}", {"np": numpy})  # noqa: S307 - the checker's text


@lru_cache(maxsize=256)
def _compiled(expr: str, params: tuple[str, ...]) -> Callable[..., Any]:
    return function_of(expr, params)


@dataclass(frozen=True)
class Call:
    """One request to the answer: call ``target(*args)``, read the value ``target``, or
    (``kind="probe"``) run ``probes.target(answer_module, *args)`` from the lesson's
    ``probes.py``. A probe names the answer's name it reads in ``about``, so that a
    missing name, or one still None, is reported before the probe runs.
    """

    target: str
    args: tuple[Any, ...] = ()
    kind: CallKind = "call"
    about: str = ""

    @property
    def reads(self) -> str:
        """The answer's name this call needs."""
        return self.about if self.kind == "probe" else self.target

    @cached_property
    def label(self) -> str:
        """How the call reads in messages: ``derivative(1.5)``, ```critical_points```."""
        if self.kind == "value":
            return f"`{self.target}`"
        if self.kind == "probe":
            return f"`{self.about}`" if self.about else "checking your answer"
        return f"{self.target}({', '.join(_short(arg) for arg in self.args)})"

    @cached_property
    def wire(self) -> dict[str, Any]:
        """The call as a job carries it (made once: a class's answers share their calls)."""
        return {
            "target": self.target,
            "kind": self.kind,
            "about": self.about,
            "args": encode(self.args),
            "label": self.label,
        }


def call(target: str, *args: Any) -> Call:
    """Call the answer's function ``target`` with ``args`` (copies: it may change them)."""
    return Call(target, tuple(args))


def value(name: str) -> Call:
    """Read the answer's plain value ``name`` (such as ``critical_points``)."""
    return Call(name, kind="value")


def probe(target: str, *args: Any, reads: str) -> Call:
    """Run ``probes.target(answer, *args)`` from the lesson's probes.py inside the answer's
    process; ``reads`` is the answer's name it looks at."""
    return Call(target, tuple(args), kind="probe", about=reads)


def _short(arg: object) -> str:
    if hasattr(arg, "shape") and hasattr(arg, "dtype") and getattr(arg, "ndim", False):
        return f"<array {'×'.join(map(str, arg.shape))}>"  # type: ignore[attr-defined]
    if isinstance(arg, float):
        return f"{arg:.6g}"
    if isinstance(arg, (list, tuple)) and len(str(arg)) > 60:
        return f"<{len(arg)} items>"
    return str(arg)


def encode(value: Any) -> Any:
    """A checker's argument as JSON data (the grading side)."""
    if isinstance(value, Fn):
        return {"$fn": value.expr, "params": list(value.params)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # NumPy arrays and scalars
        return encode(value.item()) if value.ndim == 0 else {"$array": value.tolist()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"$dict": {str(key): encode(item) for key, item in value.items()}}
    raise TypeError(f"cannot pass a {type(value).__name__} to an answer")


def decode(value: Any) -> Any:
    """JSON data back into arguments (the answer's side): fresh objects every call."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if "$fn" in value:
            return function_of(value["$fn"], value["params"])
        if "$array" in value:
            import numpy

            return numpy.array(value["$array"], dtype=float)
        if "$tuple" in value:
            return tuple(decode(item) for item in value["$tuple"])
        return {key: decode(item) for key, item in value["$dict"].items()}
    return value


# ---------------------------------------------------------------- the job


@dataclass(frozen=True)
class Code:
    """The answer's code as read once by the grading process: one chunk per file or
    notebook cell, each ``(filename, bytes)``; tracebacks name the chunk's filename."""

    chunks: tuple[tuple[str, bytes], ...]

    @classmethod
    def single(cls, display: str, data: bytes) -> Code:
        return cls(((display, data),))

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for name, data in self.chunks:
            digest.update(f"{len(name)}:{name}:{len(data)}:".encode())
            digest.update(data)
        return digest.hexdigest()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.chunks)

    def to_wire(self) -> list[list[str]]:
        return [[name, base64.b64encode(data).decode("ascii")] for name, data in self.chunks]

    @classmethod
    def from_wire(cls, data: Any) -> Code:
        if not isinstance(data, list) or not data:
            raise ProtocolError("a job without code")
        chunks = []
        for item in data:
            if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
                raise ProtocolError("a malformed chunk of code")
            chunks.append((item[0], base64.b64decode(item[1])))
        return cls(tuple(chunks))


@dataclass(frozen=True)
class Job:
    """One answer and the calls to make into it, with the limits to apply.

    ``timeout`` limits loading and each call separately; ``cap`` the whole job (after
    it, calls not yet made are skipped).
    """

    code: Code
    calls: tuple[Call, ...]
    probes: Code | None = None  # the lesson's probes.py
    timeout: float = 5.0
    cap: float = 120.0
    memory_mb: int = 1024
    output_limit: int = 64 * 1024
    require_confinement: bool = False
    imports: frozenset[str] = frozenset()  # the answer's preloadable imports: which workers suit it
    modules: Code | None = None  # the student's other files (``helper.py``), importable by the answer

    def to_wire(self, job_id: int) -> dict[str, Any]:
        return {
            "id": job_id,
            "code": self.code.to_wire(),
            "calls": [c.wire for c in self.calls],
            "probes": self.probes.to_wire() if self.probes is not None else None,
            "timeout": self.timeout,
            "cap": self.cap,
            "memory_mb": self.memory_mb,
            "output_limit": self.output_limit,
            "require_confinement": self.require_confinement,
            "modules": self.modules.to_wire() if self.modules is not None else None,
        }


# ---------------------------------------------------------------- what comes back


@dataclass(frozen=True)
class Outcome:
    """What one call gave back: a plain value, or an error of a known kind, with the
    exception's type and the answer's line where there is one."""

    value: Any = None
    error: ErrorKind | None = None
    message: str = ""
    exception: str | None = None
    line: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def error_wire(
    kind: ErrorKind, message: str, exception: str | None = None, line: int | None = None
) -> dict[str, Any]:
    """An error outcome as the child and the worker send it."""
    return {"error": kind, "message": message, "exception": exception, "line": line}


def outcome_to_wire(outcome: Outcome) -> dict[str, Any]:
    if outcome.ok:
        return {"value": outcome.value}
    assert outcome.error is not None
    return error_wire(outcome.error, outcome.message, outcome.exception, outcome.line)


def outcome_from_wire(data: Any) -> Outcome:
    """Check one outcome field by field; used at both trust boundaries."""
    if not isinstance(data, dict):
        raise ProtocolError("a malformed outcome")
    if data.get("error") is not None:
        kind, message = data.get("error"), data.get("message")
        exception, line = data.get("exception"), data.get("line")
        if kind not in ERROR_KINDS or not isinstance(message, str):
            raise ProtocolError("a malformed error")
        if exception is not None and not isinstance(exception, str):
            raise ProtocolError("a malformed error")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int)):
            raise ProtocolError("a malformed error")
        return Outcome(None, kind, message, exception, line)
    if "value" not in data:
        raise ProtocolError("an outcome without a value")
    return Outcome(bounded(data["value"]))


MAX_ITEMS = 100_000  # numbers, strings and lists in one value
MAX_DEPTH = 21  # lists within lists (a matrix of vectors is 3)
MAX_TEXT = 100_000  # characters in all of one value's strings
MAX_INT = 2**1023  # past every float: no judge can compare or format it


def bounded(value: Any) -> Any:
    """``value`` if it is plain JSON data within the bounds every judge can handle, else
    :class:`ProtocolError`: judges see no int over 2¹⁰²³, no nesting past ``MAX_DEPTH``,
    no more than ``MAX_ITEMS`` items or ``MAX_TEXT`` characters. Iterative: a value nested
    deeper than Python's recursion limit is refused, not a crash of the grading side."""
    items, text = 0, 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        items += 1
        if items > MAX_ITEMS or depth > MAX_DEPTH:
            raise ProtocolError("a value too large to check (too many numbers, or nested too deep)")
        kind = type(item)
        if kind is int and abs(item) > MAX_INT:
            raise ProtocolError("a whole number too large to compare")
        if kind is str:
            text += len(item)
            if text > MAX_TEXT:
                raise ProtocolError("a value too large to check (too much text)")
        elif kind is list:
            stack.extend((child, depth + 1) for child in item)
        elif kind is dict:
            stack.extend((child, depth + 1) for child in item.values())
            text += sum(len(key) if type(key) is str else MAX_TEXT + 1 for key in item)
            if text > MAX_TEXT:
                raise ProtocolError("a value too large to check (too much text)")
        elif item is not None and kind not in (bool, int, float):
            raise ProtocolError(f"a value of type {kind.__name__}, which is not plain data")
    return value


MAX_WRITTEN = 20  # names of files an answer wrote that a result carries
MAX_NAME = 255  # characters of one such name


def result_wire(
    load_error: dict[str, Any] | None,
    outcomes: Sequence[dict[str, Any] | None],
    output: str,
    output_bytes: int,
    confinement: str,
    written: Collection[str] = (),
) -> dict[str, Any]:
    """A job's result as the worker sends it (checked by :meth:`RunResult.from_wire`);
    ``written`` names what the answer left in its scratch folder."""
    return {
        "load_error": load_error,
        "outcomes": [] if load_error is not None else list(outcomes),
        "output": output,
        "output_bytes": output_bytes,
        "confinement": confinement,
        "written": sorted(written)[:MAX_WRITTEN],
        "written_count": len(written),
    }


@dataclass(frozen=True)
class RunResult:
    """How one job went: a load error, or one outcome per call; the answer's output, and
    the confinement its process ran under."""

    load_error: Outcome | None
    outcomes: tuple[Outcome, ...] = ()
    output: str = ""
    output_truncated: bool = False
    confinement: str = ""
    worker_lost: bool = False  # the worker misbehaved or vanished while running it
    retried: bool = False  # it ran a second time, on a fresh worker
    ran: float = 0.0  # seconds from the job sent to its result: the answer's time, no start-up
    written: tuple[str, ...] = ()  # files and folders the answer left in its scratch folder
    written_count: int = 0  # how many there were (``written`` names the first few)

    @classmethod
    def from_wire(cls, data: Any, job: Job) -> RunResult:
        """Check a worker's result before anything in it reaches a judge."""
        if not isinstance(data, dict) or not isinstance(data.get("output"), str):
            raise ProtocolError("a malformed result")
        total, confinement = data.get("output_bytes"), data.get("confinement")
        if isinstance(total, bool) or not isinstance(total, int) or not isinstance(confinement, str):
            raise ProtocolError("a malformed result")
        written, count = data.get("written"), data.get("written_count")
        if (
            not isinstance(written, list)
            or len(written) > MAX_WRITTEN
            or not all(isinstance(name, str) and len(name) <= MAX_NAME for name in written)
            or isinstance(count, bool)
            or not isinstance(count, int)
            or count < len(written)
        ):
            raise ProtocolError("a malformed list of written files")
        common: dict[str, Any] = {
            "output": data["output"],
            "output_truncated": total > job.output_limit,
            "confinement": confinement,
            "written": tuple(written),
            "written_count": count,
        }
        if data.get("load_error") is not None:
            load_error = outcome_from_wire(data["load_error"])
            if load_error.ok:
                raise ProtocolError("a malformed load error")
            return cls(load_error, **common)
        raw = data.get("outcomes")
        if not isinstance(raw, list) or len(raw) != len(job.calls):
            raise ProtocolError("a result with the wrong number of outcomes")
        return cls(None, tuple(outcome_from_wire(item) for item in raw), **common)
