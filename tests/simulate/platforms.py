"""Windows and macOS, as far as calccourse can tell, on Linux: what CPython lacks there, taken away.

Loaded by ``tests/simulate/windows/sitecustomize.py`` (or ``macos/``) at the start of every
interpreter that has that folder on ``PYTHONPATH``: the grading process, and the answer
processes it starts (``PYTHONPATH`` is in what the sandbox passes on). A simulation, not the
real thing: it proves that calccourse never reaches for what the platform lacks, and that
it picks the platform's path by what it finds.

Windows: no ``os.fork``, ``setsid``, ``setpgid``, ``killpg``, ``nice``, ``sysconf``, wait
macros; no ``resource``, ``fcntl``, ``termios``, ``tty``, ``pty``, ``pwd``, ``grp``; only
Windows' seven signals; ``select`` on sockets only; ``Popen`` without ``pass_fds`` and
``preexec_fn``; ``ctypes.CDLL(None)`` a TypeError; ``sys.platform == "win32"``.
macOS: ``sys.platform == "darwin"``, ``setrlimit(RLIMIT_AS)`` a ValueError, no ``prctl``,
``unshare`` or ``capset`` in libc, no ``/proc``.
"""

from __future__ import annotations

import builtins
import ctypes
import io
import os
import select
import signal
import stat
import subprocess
import sys
import types
from typing import Any

WINDOWS_SIGNALS = {"SIGABRT", "SIGFPE", "SIGILL", "SIGINT", "SIGSEGV", "SIGTERM", "SIGBREAK"}
POSIX_ONLY_OS = (
    "fork", "forkpty", "setsid", "setpgid", "getpgid", "setpgrp", "killpg", "nice", "sysconf",
    "WNOHANG", "WIFSIGNALED", "WTERMSIG", "WIFEXITED", "WEXITSTATUS", "getuid", "geteuid",
    "sched_getaffinity", "getloadavg",
)  # fmt: skip
POSIX_ONLY_MODULES = ("resource", "fcntl", "termios", "tty", "pty", "pwd", "grp")


def _preimport() -> None:
    """Before anything is taken away: the modules that pick their implementation once, at
    import, by the platform (the standard library's subprocess, asyncio...; psutil, whose
    wheel is built per platform; the console libraries, which load Windows' console API)
    pick Linux's, as they must here, and keep the real ``os`` and ``signal`` (their Windows
    implementations need no ``SIGKILL`` or ``WNOHANG``). Only calccourse's own code meets
    the simulated platform: that is what is tested."""
    import asyncio  # noqa: F401
    import multiprocessing  # noqa: F401
    import platform  # noqa: F401
    import shutil  # noqa: F401
    import sysconfig
    import tempfile  # noqa: F401

    import dateutil.tz  # noqa: F401 - matplotlib's; on "win32" it reads the registry at import
    import filelock  # noqa: F401 - msvcrt on "win32"
    import psutil
    import rich.console  # noqa: F401 - and these load Windows' console API (msvcrt, windll)
    import typer  # noqa: F401

    sysconfig.get_config_vars()  # read once, from Linux's build data (named after the platform)
    real_os, real_signal = types.ModuleType("os"), types.ModuleType("signal")
    real_os.__dict__.update(vars(os))
    real_signal.__dict__.update(vars(signal))
    for name, module in list(sys.modules.items()):
        if module is not None and (name == "subprocess" or name.startswith(psutil.__name__)):
            if getattr(module, "os", None) is os:
                module.os = real_os
            if getattr(module, "signal", None) is signal:
                module.signal = real_signal


def windows() -> None:
    _preimport()
    for name in POSIX_ONLY_OS:
        if hasattr(os, name):
            delattr(os, name)
    for module in POSIX_ONLY_MODULES:
        sys.modules[module] = None  # type: ignore[assignment]  # import raises ModuleNotFoundError
    for name in dir(signal):
        if name.startswith("SIG") and not name.startswith("SIG_") and name not in WINDOWS_SIGNALS:
            delattr(signal, name)
    signal.SIGBREAK = 21  # type: ignore[attr-defined]
    real_select = select.select

    def sockets_only(rlist: Any, wlist: Any, xlist: Any, timeout: float | None = None) -> Any:
        for item in [*rlist, *wlist, *xlist]:
            fd = item if isinstance(item, int) else item.fileno()
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                raise OSError(10038, "An operation was attempted on something that is not a socket")
        return real_select(rlist, wlist, xlist, timeout)

    select.select = sockets_only
    real_init = subprocess.Popen.__init__

    def windows_popen(self: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        if kwargs.get("pass_fds"):
            raise AssertionError("pass_fds not supported on Windows.")
        if kwargs.get("preexec_fn") is not None:
            raise ValueError("preexec_fn is not supported on Windows platforms")
        kwargs.pop("start_new_session", None)  # ignored on Windows
        kwargs.pop("creationflags", None)  # Windows' own flags: Linux's Popen refuses any
        real_init(self, *args, **kwargs)

    sys.modules["winreg"] = _empty_registry()
    os.environ.setdefault("WINDIR", r"C:\Windows")  # in every Windows environment
    os.environ.setdefault("SYSTEMROOT", r"C:\Windows")
    subprocess.Popen.__init__ = windows_popen  # type: ignore[method-assign]
    subprocess.CREATE_NEW_PROCESS_GROUP = 0x200  # type: ignore[attr-defined]
    real_cdll = ctypes.CDLL

    class WindowsCDLL(real_cdll):  # type: ignore[misc,valid-type]
        def __init__(self, name: str | None, *args: Any, **kwargs: Any) -> None:
            if name is None:
                raise TypeError("LoadLibrary() argument 1 must be str, not None")
            super().__init__(name, *args, **kwargs)

    ctypes.CDLL = WindowsCDLL  # type: ignore[misc]
    sys.platform = "win32"


def _empty_registry() -> types.ModuleType:
    """What Windows has and Linux lacks, that libraries read on "win32" (matplotlib's font
    list): a registry in which no key is found (they fall back, as for a missing key)."""
    registry = types.ModuleType("winreg")

    def missing(*args: Any) -> Any:
        raise OSError(2, "The system cannot find the file specified")

    for name in ("ConnectRegistry", "OpenKey", "OpenKeyEx", "QueryValueEx", "EnumValue", "QueryInfoKey"):
        setattr(registry, name, missing)
    constants = {"HKEY_CURRENT_USER": 0x80000001, "HKEY_LOCAL_MACHINE": 0x80000002, "KEY_READ": 0x20019}
    constants.update(KEY_QUERY_VALUE=1, KEY_WOW64_32KEY=0x200, KEY_WOW64_64KEY=0x100)
    registry.__dict__.update(constants)
    return registry


def macos() -> None:
    _preimport()
    import resource

    real_setrlimit = resource.setrlimit

    def setrlimit(kind: int, limits: tuple[int, int]) -> None:
        if kind == resource.RLIMIT_AS:
            raise ValueError("current limit exceeds maximum limit")
        real_setrlimit(kind, limits)

    resource.setrlimit = setrlimit
    real_cdll = ctypes.CDLL

    class MacCDLL(real_cdll):  # type: ignore[misc,valid-type]
        def __getattr__(self, name: str) -> Any:
            if name in ("prctl", "unshare", "capset"):
                raise AttributeError(f"dlsym(RTLD_DEFAULT, {name}): symbol not found")
            return super().__getattr__(name)

    ctypes.CDLL = MacCDLL  # type: ignore[misc]
    _hide_proc()
    sys.platform = "darwin"


def _hide_proc() -> None:
    """No /proc: every open or listing of it fails, except psutil's (on macOS it asks the
    kernel through sysctl; here /proc is the only way it has)."""
    real_open, real_listdir, real_scandir = builtins.open, os.listdir, os.scandir

    def hidden(path: Any) -> bool:
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        if not (text == "/proc" or text.startswith("/proc/")):
            return False
        caller = sys._getframe(2).f_globals.get("__name__", "")
        return not caller.startswith("psutil")

    def no_proc(path: Any) -> OSError:
        return FileNotFoundError(2, "No such file or directory", os.fsdecode(path))

    def open_(file: Any, *args: Any, **kwargs: Any) -> Any:
        if hidden(file):
            raise no_proc(file)
        return real_open(file, *args, **kwargs)

    def listdir(path: Any = ".") -> Any:
        if hidden(path):
            raise no_proc(path)
        return real_listdir(path)

    def scandir(path: Any = ".") -> Any:
        if hidden(path):
            raise no_proc(path)
        return real_scandir(path)

    builtins.open = io.open = open_  # type: ignore[assignment]
    os.listdir, os.scandir = listdir, scandir  # type: ignore[assignment]


SIMULATIONS = {"windows": windows, "macos": macos}
