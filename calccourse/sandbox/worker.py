"""A long-lived grading worker: reads jobs on stdin, forks a fresh child for each answer.

Start-up imports what answers usually import, once, so that each forked child
starts with it in memory. The worker watches the child's time, collects its
output (cut to a size) and its replies, kills its whole process group (and any
orphan it left behind) and answers with plain JSON on its private channel.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

from calccourse.sandbox import child

PR_SET_CHILD_SUBREAPER = 36
MAX_REPLY = 4 * 1024 * 1024  # bytes of one reply line


class Output:
    """The answer's printed output: the first ``limit`` bytes kept, the rest counted."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept, self.total = limit, bytearray(), 0

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = self.limit - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


def main() -> None:
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # anything printed by libraries goes to stderr, never into the channel
    jobs = sys.stdin
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    for name in sys.argv[1:]:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    channel.write(json.dumps({"ready": True}) + "\n")
    for line in jobs:
        channel.write(json.dumps(run_job(json.loads(line))) + "\n")


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run every call of the job, re-forking after a call that hangs or kills the child."""
    calls = job["calls"]
    try:
        with open(job["answer"], "rb") as handle:
            source = handle.read()
        probes = None
        if job.get("probes"):
            with open(job["probes"], "rb") as handle:
                probes = handle.read()
    except OSError as error:
        return {"load_error": {"error": "exception", "message": f"cannot read {job['answer']}: {error}"},
                "outcomes": [], "output": "", "output_bytes": 0}
    output = Output(job.get("output_limit", 64 * 1024))
    outcomes: list[dict[str, Any] | None] = [None] * len(calls)
    load_error = None
    loaded_before = False
    while load_error is None and (not loaded_before or None in outcomes):
        pending = [i for i, outcome in enumerate(outcomes) if outcome is None]
        loaded, load_error = supervise(job, source, probes, pending, outcomes, output)
        if loaded_before and load_error is not None:  # it loaded once, then not: blame the calls
            for i in pending:
                if outcomes[i] is None:
                    outcomes[i] = load_error
            load_error = None
            break
        loaded_before = loaded_before or loaded
    return {
        "load_error": load_error,
        "outcomes": outcomes if load_error is None else [],
        "output": output.text(),
        "output_bytes": output.total,
    }


def supervise(job: dict[str, Any], source: bytes, probes: bytes | None, pending: list[int],
              outcomes: list[dict[str, Any] | None], output: Output) -> tuple[bool, dict[str, Any] | None]:
    """Fork one child for the ``pending`` calls and watch it; returns (loaded, load_error)."""
    timeout = float(job["timeout"])
    workdir = tempfile.mkdtemp(prefix="calccourse-answer-")
    result_r, result_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(result_r)
            os.close(out_r)
            child.confine(workdir, int(job["memory_mb"]), (result_w,), out_w)
            child.run(job, source, probes, pending, child.Channel(result_w))
        finally:
            os._exit(70)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    os.close(result_w)
    os.close(out_w)
    loaded, load_error = False, None
    position = 0  # index into pending of the call under way
    buffer = b""
    deadline = time.monotonic() + timeout
    streams = [result_r, out_r]
    status: int | None = None
    try:
        while result_r in streams:
            left = deadline - time.monotonic()
            if left <= 0:
                if not loaded:
                    load_error = {"error": "timeout", "message":
                                  f"Your answer did not finish loading within {timeout:g} s "
                                  "(an endless loop, or heavy work at the top level?)."}
                else:
                    _time_out(job, pending, position, outcomes, timeout)
                break
            ready, _, _ = select.select(streams, [], [], left)
            for fd in ready:
                data = os.read(fd, 65536)
                if fd == out_r:
                    if data:
                        output.add(data)
                    else:
                        streams.remove(out_r)
                    continue
                if not data:
                    streams.remove(result_r)
                    continue
                buffer += data
                if len(buffer) > MAX_REPLY:
                    raise _Garbled("a value too large to check")
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    message = _parse(raw)
                    if "load_error" in message:
                        load_error = _error(message["load_error"])
                    elif message.get("loaded") is True and not loaded:
                        loaded = True
                    elif loaded and position < len(pending) and message.get("i") == pending[position]:
                        outcomes[pending[position]] = _outcome(message)
                        position += 1
                    else:
                        raise _Garbled("an unexpected message")
                    deadline = time.monotonic() + timeout
            if load_error is not None or (loaded and position == len(pending)):
                _let_finish(pid, out_r, output)  # flush its output; strays may hold the pipes open
                break
        else:
            status = _wait(pid, deadline=time.monotonic() + 1.0)
            reason = _exit_reason(status) if status is not None else "closed its reply channel"
            kind = _exit_kind(status) if status is not None else "crashed"
            if load_error is not None:
                pass
            elif not loaded:
                load_error = {"error": kind, "message": f"Your answer {reason} while loading."}
            elif position < len(pending):
                call = job["calls"][pending[position]]
                outcomes[pending[position]] = {"error": kind, "message": f"Your answer {reason} during {call['label']}."}
    except _Garbled as garbled:
        message = f"Your answer's process sent {garbled} and was stopped."
        if not loaded:
            load_error = {"error": "crashed", "message": message}
        elif position < len(pending):
            outcomes[pending[position]] = {"error": "crashed", "message": message}
    finally:
        _kill_group(pid)
        while True:  # drain what is left of the output without waiting on stray holders
            ready, _, _ = select.select([out_r], [], [], 0)
            if not ready:
                break
            data = os.read(out_r, 65536)
            if not data:
                break
            output.add(data)
        os.close(result_r)
        os.close(out_r)
        shutil.rmtree(workdir, ignore_errors=True)
    return loaded, load_error


class _Garbled(Exception):
    pass


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except ValueError:
        raise _Garbled("output that is not a reply") from None
    if not isinstance(message, dict):
        raise _Garbled("output that is not a reply")
    return message


def _error(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("error"), str) and isinstance(data.get("message"), str):
        return {"error": data["error"], "message": data["message"]}
    raise _Garbled("a malformed error")


def _outcome(message: dict[str, Any]) -> dict[str, Any]:
    if "error" in message:
        return _error(message)
    if "value" not in message:
        raise _Garbled("a reply without a value")
    return {"value": message["value"]}


def _time_out(job: dict[str, Any], pending: list[int], position: int,
              outcomes: list[dict[str, Any] | None], timeout: float) -> None:
    """The call under way timed out; later calls of the same name are not tried again."""
    if position >= len(pending):
        return
    call = job["calls"][pending[position]]
    outcomes[pending[position]] = {"error": "timeout", "message":
                                   f"{call['label']} did not return within {timeout:g} s (an endless loop?)."}
    for i in pending[position + 1 :]:
        if job["calls"][i]["target"] == call["target"] and job["calls"][i]["kind"] == call["kind"]:
            outcomes[i] = {"error": "skipped", "message": f"not tried: `{call['target']}` timed out before."}


def _let_finish(pid: int, out_r: int, output: Output, grace: float = 0.5) -> None:
    """Read the output of a child that has said all it had to, until it exits."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        ready, _, _ = select.select([out_r], [], [], 0.005)
        if ready:
            data = os.read(out_r, 65536)
            if data:
                output.add(data)
        if os.waitpid(pid, os.WNOHANG)[0]:
            return


def _wait(pid: int, deadline: float) -> int | None:
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.002)
    return None


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
        if number == signal.SIGSEGV:
            return "crashed (SIGSEGV: very deep recursion, or a crash in compiled code)"
        if number == signal.SIGKILL:
            return "was killed (SIGKILL: out of memory, or it killed itself)"
        return f"was stopped by signal {name}"
    code = os.WEXITSTATUS(status)
    return f"ended its own process (os._exit({code}) or similar)"


def _exit_kind(status: int) -> str:
    return "crashed" if os.WIFSIGNALED(status) else "exited"


def _kill_group(pid: int) -> None:
    """Kill the child's process group, then every orphan it left (they are re-parented to us)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    for _ in range(50):
        strays = _children()
        for stray in strays:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(stray, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(stray, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass
        if not strays and not _children():
            return
        time.sleep(0.002)


def _children() -> list[int]:
    found = []
    for task in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            with open(f"/proc/self/task/{task}/children") as handle:
                found.extend(int(pid) for pid in handle.read().split())
    return found


if __name__ == "__main__":
    main()
