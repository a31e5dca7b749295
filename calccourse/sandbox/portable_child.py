"""A single-use interpreter of the portable sandbox: preload, wait for one answer, run it, exit.

``python -m calccourse.sandbox.portable_child MODULE...`` imports the modules, says
``{"ready": true}`` on its stdout, then reads one request line on its stdin:
``{"job": ..., "pending": [...], "workdir": ...}``. From then on it is
:mod:`calccourse.sandbox.child`'s protocol on the same stdout (the original file
descriptor, kept aside), while the answer's own stdout and stderr go to this process's
stderr pipe. Standard library and portable calls only: it runs on Windows and macOS as
on Linux.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import threading

from calccourse.sandbox import child
from calccourse.sandbox.protocol import Code, error_wire

PLATFORM_NAMES = {"win32": "Windows", "darwin": "macOS", "linux": "Linux, portable sandbox"}


def confinement() -> str:
    """What is in force here, as a report's ``confinement:`` line reads it."""
    name = PLATFORM_NAMES.get(sys.platform, sys.platform)
    return f"none ({name}): time, memory and process limits only"


def _end_with_grader(pipe: int) -> None:
    """End this interpreter when the grading process's pipe closes: the grader is gone
    (killed, or interrupted), and no answer may run on without it."""
    with contextlib.suppress(OSError):
        while os.read(pipe, 4096):
            pass
    os._exit(child.CHILD_BROKEN)


def main() -> None:
    preload = sys.argv[1:]
    channel_fd, output_fd = os.dup(1), os.dup(2)
    nowhere = os.open(os.devnull, os.O_RDWR)
    os.dup2(nowhere, 1)  # what the libraries print while they load is nobody's output
    os.dup2(nowhere, 2)
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    child.Channel(channel_fd).send({"ready": True})
    request = json.loads(sys.stdin.buffer.readline())
    channel = child.Channel(channel_fd, request["key"])  # replies only the grader can tell
    grader = os.dup(0)
    os.dup2(nowhere, 0)  # input() meets the end of its input, as in the fork path
    threading.Thread(target=_end_with_grader, args=(grader,), daemon=True).start()
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    job = request["job"]
    if sys.platform != "win32":
        child.apply_limits(child.resource_limits(int(job["memory_mb"])))  # no RLIMIT_AS on macOS
    child.prepare(request["workdir"])
    described = confinement()
    channel.send({"confined": described})
    if job["require_confinement"]:
        message = f"Not run: full confinement was required, and here it is {described}."
        child._finish(channel, {"load_error": error_wire("refused", message)})
    probes = Code.from_wire(job["probes"]) if job.get("probes") else None
    child.run(job, Code.from_wire(job["code"]), probes, list(request["pending"]), channel)


if __name__ == "__main__":
    try:
        main()
    finally:
        os._exit(child.CHILD_BROKEN)
