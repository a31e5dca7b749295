"""Landlock confinement, measured: each test forks a child that confines itself, tries things, reports.

The child sends its report as JSON on an inherited pipe, so every test also shows that a
pipe opened before confinement stays writable after it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import json
import os
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import calccourse
from calccourse.sandbox import landlock

ABI = landlock.abi_version()


def needs_abi(version: int) -> pytest.MarkDecorator:
    have = f"ABI {ABI}" if ABI else "no Landlock"
    return pytest.mark.skipif(
        ABI < version, reason=f"needs Landlock ABI >= {version}; this kernel has {have}"
    )


def attempt(action: Callable[[], object]) -> str:
    """ "ok", or the exception's type and errno name: "PermissionError EACCES"."""
    try:
        action()
    except OSError as exc:
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno or 0, exc.errno)}"
    return "ok"


def run_confined(
    writable: list[Path] | None,
    body: Callable[[], dict[str, Any]],
    *,
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Fork; the child takes its own process group (as the sandbox's child does), runs
    ``before``, confines itself to ``writable`` (unless None), runs ``body`` and sends
    back what it saw."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() when the test process has threads; the child
        # runs only the code below and leaves with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            os.setpgid(0, 0)
            if before is not None:
                before()
            report: dict[str, Any] = {}
            if writable is not None:
                confinement = landlock.confine([str(folder) for folder in writable])
                report["confinement"] = dataclasses.asdict(confinement)
            report.update(body())
        except BaseException:
            report = {"crash": traceback.format_exc()}
        try:
            data = json.dumps(report).encode()
            while data:
                data = data[os.write(write_end, data) :]
        finally:
            os._exit(0)
    os.close(write_end)
    chunks, deadline = [], time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            if select.select([read_end], [], [], deadline - time.monotonic())[0]:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    assert chunks, "the child sent nothing"
    report = json.loads(b"".join(chunks))
    assert "crash" not in report, report["crash"]
    return report


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    folder = tmp_path / "scratch"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "victim.txt").write_text("precious\n")
    (folder / "empty-dir").mkdir()
    return folder


@needs_abi(3)
def test_writes_only_beneath_the_scratch_folder(tmp_path: Path, scratch: Path, outside: Path) -> None:
    package = tmp_path / "site" / "calccourse"
    package.mkdir(parents=True)
    shutil.copy(calccourse.__file__, package / "__init__.py")
    installed = package / "__init__.py"
    victim = outside / "victim.txt"
    (scratch / "mine.txt").write_text("mine\n")

    def body() -> dict[str, Any]:
        def write(path: Path, mode: str = "w") -> None:
            with open(path, mode) as handle:
                handle.write("x")

        stdlib = next(name for name in ("colorsys", "wave", "netrc", "tabnanny") if name not in sys.modules)
        return {
            "write scratch": attempt(lambda: write(scratch / "new.txt")),
            "overwrite scratch": attempt(lambda: write(scratch / "mine.txt")),
            "mkdir scratch": attempt(lambda: (scratch / "sub").mkdir()),
            "rename in scratch": attempt(
                lambda: os.rename(scratch / "new.txt", scratch / "sub" / "moved.txt")
            ),
            "create outside": attempt(lambda: write(outside / "new.txt")),
            "append outside": attempt(lambda: write(victim, "a")),
            "truncate outside": attempt(lambda: os.truncate(victim, 0)),
            "O_TRUNC outside": attempt(lambda: os.close(os.open(victim, os.O_RDONLY | os.O_TRUNC))),
            "unlink outside": attempt(lambda: os.unlink(victim)),
            "rmdir outside": attempt(lambda: os.rmdir(outside / "empty-dir")),
            "mkdir outside": attempt(lambda: os.mkdir(outside / "dir")),
            "symlink outside": attempt(lambda: os.symlink("/etc/passwd", outside / "link")),
            "rename outside": attempt(lambda: os.rename(victim, outside / "renamed.txt")),
            "rename outside into scratch": attempt(lambda: os.rename(victim, scratch / "stolen.txt")),
            "rename scratch to outside": attempt(
                lambda: os.rename(scratch / "mine.txt", outside / "planted")
            ),
            "overwrite package file": attempt(lambda: write(installed)),
            "unlink package file": attempt(lambda: os.unlink(installed)),
            "read outside": victim.read_text(),
            "read package file": installed.read_text(),
            "read /etc/passwd": attempt(lambda: Path("/etc/passwd").read_bytes()),
            "import": attempt(lambda: __import__(stdlib)),
            "devnull": attempt(lambda: write(Path(os.devnull))),
        }

    got = run_confined([scratch], body)
    for action in ("write scratch", "overwrite scratch", "mkdir scratch", "rename in scratch"):
        assert got[action] == "ok", action
    refused = [key for key in got if ("outside" in key or "package" in key) and not key.startswith("read")]
    assert len(refused) == 13
    for action in refused:
        assert got[action].startswith("PermissionError"), (action, got[action])
    assert got["read outside"] == "precious\n"
    assert got["read package file"] == Path(calccourse.__file__).read_text()
    assert got["read /etc/passwd"] == got["import"] == got["devnull"] == "ok"
    assert victim.read_text() == "precious\n"
    assert installed.read_text() == Path(calccourse.__file__).read_text()
    assert sorted(p.name for p in outside.iterdir()) == ["empty-dir", "victim.txt"]


@needs_abi(2)
def test_files_move_between_two_writable_folders(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "f.txt").write_text("f")

    got = run_confined(
        [first, second], lambda: {"move": attempt(lambda: os.rename(first / "f.txt", second / "f.txt"))}
    )
    assert got["move"] == "ok"  # needs REFER, handled and allowed in both
    assert (second / "f.txt").read_text() == "f"


@needs_abi(4)
def test_no_tcp_connect_or_bind(scratch: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def body() -> dict[str, Any]:
            return {
                "connect": attempt(lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close()),
                "bind": attempt(lambda: socket.socket().bind(("127.0.0.1", 0))),
            }

        got = run_confined([scratch], body)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()[0].close()  # nothing got through
    assert got["connect"].startswith("PermissionError"), got
    assert got["bind"].startswith("PermissionError"), got


@pytest.fixture
def usr1_received() -> Iterator[list[int]]:
    received: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: received.append(signum))
    yield received
    signal.signal(signal.SIGUSR1, previous)


@needs_abi(6)
def test_no_signals_outside_the_domain(scratch: Path, usr1_received: list[int]) -> None:
    parent, parent_group = os.getpid(), os.getpgrp()

    def body() -> dict[str, Any]:
        def kill_own_child() -> None:
            child = os.fork()
            if child == 0:
                time.sleep(10)
                os._exit(0)
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)

        return {
            "kill parent": attempt(lambda: os.kill(parent, signal.SIGUSR1)),
            # Signal 0 asks the same permission without delivering: were the check to fail,
            # SIGUSR1 would kill whatever else shares pytest's group (a shell, a CI runner).
            "killpg parent": attempt(lambda: os.killpg(parent_group, 0)),
            "kill self": attempt(lambda: os.kill(os.getpid(), 0)),
            "kill own child": attempt(kill_own_child),
        }

    got = run_confined([scratch], body)
    assert got["kill parent"].startswith("PermissionError"), got
    assert got["killpg parent"].startswith("PermissionError"), got
    assert got["kill self"] == got["kill own child"] == "ok"
    time.sleep(0.05)
    assert usr1_received == []


def test_the_parent_can_still_kill_a_confined_child(scratch: Path) -> None:
    """The worker's timeout relies on it: scoping limits what the child sends, not what it receives."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            landlock.confine([str(scratch)])
            os.write(write_end, b"ready")
            time.sleep(30)
        finally:
            os._exit(0)
    os.close(write_end)
    assert os.read(read_end, 5) == b"ready"
    os.close(read_end)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


@needs_abi(6)
def test_no_abstract_unix_socket_outside_the_domain(scratch: Path) -> None:
    name = f"\0calccourse-landlock-test-{os.getpid()}-{time.monotonic_ns()}"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(name)
        listener.listen()

        def body() -> dict[str, Any]:
            def own() -> None:
                mine = f"\0calccourse-landlock-own-{os.getpid()}"
                with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
                    server.bind(mine)
                    server.listen()
                    client.connect(mine)

            return {
                "parent's": attempt(lambda: socket.socket(socket.AF_UNIX).connect(name)),
                "own": attempt(own),
            }

        got = run_confined([scratch], body)
    assert got["parent's"].startswith("PermissionError"), got
    assert got["own"] == "ok"


def _drop_perfmon_capabilities() -> None:
    """Drop CAP_SYS_ADMIN and CAP_PERFMON, if held.

    Linux's mm_access() lets a holder of either read another process's environ, maps
    and auxv without asking the LSMs (kernel/fork.c: may_access_mm), so for root those
    reads pass Landlock's ptrace restriction; without them Landlock is what refuses.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # two of {effective, permitted, inheritable}
    if libc.capget(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    for capability in (21, 38):  # CAP_SYS_ADMIN, CAP_PERFMON
        word, bit = divmod(capability, 32)
        data[3 * word] &= ~(1 << bit) & 0xFFFFFFFF
        data[3 * word + 1] &= ~(1 << bit) & 0xFFFFFFFF
    if libc.capset(header, data) != 0:
        raise OSError(ctypes.get_errno(), "capset")


@needs_abi(1)
def test_no_reaching_into_the_parent_through_proc(scratch: Path) -> None:
    parent = os.getpid()

    def body() -> dict[str, Any]:
        return {
            "write fd 1": attempt(lambda: os.close(os.open(f"/proc/{parent}/fd/1", os.O_WRONLY))),
            "read environ": attempt(lambda: Path(f"/proc/{parent}/environ").read_bytes()),
            "read own environ": attempt(lambda: Path("/proc/self/environ").read_bytes()),
        }

    got = run_confined([scratch], body, before=_drop_perfmon_capabilities)
    assert got["write fd 1"].startswith("PermissionError"), got
    assert got["read environ"].startswith("PermissionError"), got
    assert got["read own environ"] == "ok"


@needs_abi(1)
def test_available_and_confine_agree(scratch: Path) -> None:
    got = run_confined([scratch], lambda: {"available before": dataclasses.asdict(landlock.available())})
    assert got["confinement"] == got["available before"] == dataclasses.asdict(landlock.available())
    assert got["confinement"]["abi"] == ABI


@needs_abi(6)
def test_describe_on_a_complete_kernel() -> None:
    confinement = landlock.available()
    assert confinement.complete
    assert confinement.describe() == f"landlock v{ABI}: filesystem, network, signals"


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSYS, "the kernel has no Landlock"), (errno.EOPNOTSUPP, "Landlock is disabled in this kernel")],
)
def test_without_landlock_confine_says_why_and_applies_nothing(
    monkeypatch: pytest.MonkeyPatch, scratch: Path, outside: Path, code: int, reason: str
) -> None:
    def no_landlock(number: int, *args: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(landlock, "_syscall", no_landlock)
    assert landlock.abi_version() == 0
    assert landlock.available() == landlock.Confinement(0, False, False, False, reason)

    def body() -> dict[str, Any]:
        return {"write outside": attempt(lambda: (outside / "new.txt").write_text("x"))}

    got = run_confined([scratch], body)
    confinement = landlock.Confinement(**got["confinement"])
    assert confinement == landlock.Confinement(0, False, False, False, reason)
    assert confinement.describe() == f"none: {reason}"
    assert not confinement.complete
    assert got["write outside"] == "ok"  # nothing was applied


EXPECTED_DESCRIPTIONS = {
    1: "landlock v1: partial filesystem (truncate(2) is not restricted before ABI 3;"
    " no network or signal scoping before ABI 4/6)",
    2: "landlock v2: partial filesystem (truncate(2) is not restricted before ABI 3;"
    " no network or signal scoping before ABI 4/6)",
    3: "landlock v3: filesystem (no network or signal scoping before ABI 4/6)",
    4: "landlock v4: filesystem, network (no signal scoping before ABI 6)",
    5: "landlock v5: filesystem, network (no signal scoping before ABI 6)",
}


@needs_abi(6)  # to tell the older ABIs' unscoped signals from this kernel's scoped ones
@pytest.mark.parametrize("simulated", [1, 2, 3, 4, 5])
def test_an_older_abi_gets_what_it_knows(
    monkeypatch: pytest.MonkeyPatch, scratch: Path, outside: Path, simulated: int
) -> None:
    """The running kernel still accepts an older program's calls, so a version query
    answering ``simulated`` exercises the real degraded ruleset."""
    real, sizes = landlock._syscall, []

    def older_kernel(number: int, *args: Any) -> int:
        if number == 444 and args == (None, 0, 1):
            return simulated
        if number == 444:
            sizes.append(args[1])
        return real(number, *args)

    monkeypatch.setattr(landlock, "_syscall", older_kernel)
    victim, parent = outside / "victim.txt", os.getpid()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def body() -> dict[str, Any]:
            return {
                "sizes": sizes,
                "create outside": attempt(lambda: (outside / "new.txt").write_text("x")),
                "truncate outside": attempt(lambda: os.truncate(victim, 0)),
                "connect": attempt(lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close()),
                "signal parent": attempt(lambda: os.kill(parent, 0)),
            }

        got = run_confined([scratch], body)
    confinement = landlock.Confinement(**got["confinement"])
    assert confinement.describe() == EXPECTED_DESCRIPTIONS[simulated]
    assert got["sizes"] == [8 if simulated < 4 else 16]  # the struct as that ABI knows it
    assert got["create outside"].startswith("PermissionError")
    assert got["truncate outside"].startswith("PermissionError") == (simulated >= 3)
    assert (got["connect"] == "ok") == (simulated < 4)
    assert got["signal parent"] == "ok"  # no signal scoping before ABI 6


@needs_abi(1)
def test_caller_mistakes_raise_before_anything_is_applied(tmp_path: Path, outside: Path) -> None:
    def body() -> dict[str, Any]:
        report: dict[str, Any] = {}
        for name, writable in (("one string", "/tmp"), ("missing folder", [str(tmp_path / "nowhere")])):
            try:
                landlock.confine(writable)  # type: ignore[arg-type]
            except (TypeError, OSError) as exc:
                report[name] = type(exc).__name__
        report["still free"] = attempt(lambda: (outside / "new.txt").write_text("x"))
        return report

    got = run_confined(None, body)
    assert got["one string"] == "TypeError"
    assert got["missing folder"] == "FileNotFoundError"
    assert got["still free"] == "ok"


def test_refuses_an_unknown_architecture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(landlock, "_unusable", "Landlock's system call numbers are not known here (sparc64)")
    confinement = landlock.available()
    assert confinement.abi == 0
    assert confinement.describe() == "none: Landlock's system call numbers are not known here (sparc64)"
