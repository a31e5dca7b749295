"""Confine the current process with the Linux kernel's Landlock LSM, using only ctypes.

After :func:`confine` the process (and every process it starts) can still read and
execute files anywhere, but can write only beneath the folders it was given, cannot
bind or connect TCP sockets, and cannot signal or reach (abstract unix sockets,
ptrace, ``/proc/<pid>/fd``) processes outside its own Landlock domain. Each part
is applied only when the running kernel's Landlock ABI knows it; the returned
:class:`Confinement` says what is actually in force.

Not covered, measured on Linux 6.18 with ABI 7: UDP, raw sockets (given CAP_NET_RAW),
MPTCP sockets, TCP Fast Open (``sendto(..., MSG_FASTOPEN)`` connects despite
CONNECT_TCP), ``listen()`` on an unbound TCP socket (it binds an ephemeral port and
accepts from outside), connecting to pathname unix sockets, and chmod, chown, utime and
xattrs outside the folders. A process holding CAP_SYS_ADMIN or CAP_PERFMON can still
read other processes' ``/proc/<pid>/environ``, ``maps`` and ``auxv``: the kernel lets
it without asking Landlock. Drop privileges too, for those.

This module sits at the bottom of the sandbox layer: it imports nothing from the rest
of calccourse, and it looks up its C functions when imported, so that calling
:func:`confine` in a freshly forked child needs no dynamic loader (whose lock another
thread of the parent may have held at the fork).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import stat
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Confinement", "Ruleset", "abi_version", "available", "confine", "restrict", "ruleset"]

# System call numbers. Since Linux 5.1 new system calls get one number on every
# architecture that uses the generic table (x86_64 and aarch64 among them); the few
# exceptions (alpha, mips, ia64, x32) offset them, so only architectures checked here
# are trusted, and a 64-bit userland is required (x32 and i386 on a 64-bit kernel
# report the kernel's machine but number system calls differently or are untested).
_SYS_CREATE_RULESET = 444
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_KNOWN_MACHINES = frozenset({"x86_64", "aarch64"})

_PR_SET_NO_NEW_PRIVS = 38  # <linux/prctl.h>

# <linux/landlock.h>
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1

_FS_EXECUTE = 1 << 0
_FS_WRITE_FILE = 1 << 1
_FS_READ_FILE = 1 << 2
_FS_READ_DIR = 1 << 3
_FS_REMOVE_DIR = 1 << 4
_FS_REMOVE_FILE = 1 << 5
_FS_MAKE_CHAR = 1 << 6
_FS_MAKE_DIR = 1 << 7
_FS_MAKE_REG = 1 << 8
_FS_MAKE_SOCK = 1 << 9
_FS_MAKE_FIFO = 1 << 10
_FS_MAKE_BLOCK = 1 << 11
_FS_MAKE_SYM = 1 << 12
_FS_REFER = 1 << 13  # ABI 2
_FS_TRUNCATE = 1 << 14  # ABI 3
_FS_IOCTL_DEV = 1 << 15  # ABI 5

_NET_BIND_TCP = 1 << 0  # ABI 4
_NET_CONNECT_TCP = 1 << 1  # ABI 4

_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
_SCOPE_SIGNAL = 1 << 1  # ABI 6

# Only write-type rights are handled, so reading and executing stay allowed everywhere
# (the confined interpreter must still import modules from wherever they live).
_FS_WRITE_ABI1 = (
    _FS_WRITE_FILE
    | _FS_REMOVE_DIR
    | _FS_REMOVE_FILE
    | _FS_MAKE_CHAR
    | _FS_MAKE_DIR
    | _FS_MAKE_REG
    | _FS_MAKE_SOCK
    | _FS_MAKE_FIFO
    | _FS_MAKE_BLOCK
    | _FS_MAKE_SYM
)
# The kernel refuses (EINVAL) a rule on a non-directory that grants a right only a
# directory can have (security/landlock/fs.c: ACCESS_FILE).
_FS_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV

# struct landlock_ruleset_attr grew a u64 at ABI 4 (handled_access_net) and at ABI 6
# (scoped); an older kernel rejects a longer struct whose extra bytes are not zero.
_RULESET_FIELDS_BY_ABI = ((6, 3), (4, 2), (1, 1))


def _handled_fs(abi: int) -> int:
    rights = _FS_WRITE_ABI1
    if abi >= 2:
        # REFER is denied by default even when not handled; handling it is what lets a
        # rule allow cross-directory renames and links inside the writable folders.
        rights |= _FS_REFER
    if abi >= 3:
        rights |= _FS_TRUNCATE
    if abi >= 5:
        rights |= _FS_IOCTL_DEV
    return rights


def _handled_net(abi: int) -> int:
    return _NET_BIND_TCP | _NET_CONNECT_TCP if abi >= 4 else 0


def _scoped(abi: int) -> int:
    return _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL if abi >= 6 else 0


@dataclass(frozen=True)
class Confinement:
    """What Landlock enforces on this process (or would, for :func:`available`)."""

    abi: int  # 0 when Landlock is not in force
    filesystem: bool  # writes only beneath the allowed folders
    network: bool  # no TCP bind or connect (ABI >= 4)
    signals: bool  # no signals / abstract unix sockets outside the domain (ABI >= 6)
    reason: str = ""  # why not (or why partially), when abi == 0 or something is missing

    def describe(self) -> str:
        """One line for people: "landlock v7: filesystem, network, signals" or "none: why"."""
        if self.abi == 0:
            return f"none: {self.reason or 'Landlock is not in force'}"
        parts = ["filesystem" if self.filesystem else "partial filesystem"]
        if self.network:
            parts.append("network")
        if self.signals:
            parts.append("signals")
        text = f"landlock v{self.abi}: {', '.join(parts)}"
        return f"{text} ({self.reason})" if self.reason else text

    @property
    def complete(self) -> bool:
        """True when every promise holds: filesystem, network and signals."""
        return self.filesystem and self.network and self.signals


# C functions, looked up once at import (see the module docstring).
_libc: Any = None
_unusable = ""  # why Landlock cannot be asked for at all on this platform
if not sys.platform.startswith("linux"):
    _unusable = "Landlock is Linux-only"
elif platform.machine() not in _KNOWN_MACHINES or ctypes.sizeof(ctypes.c_void_p) != 8:
    _unusable = f"Landlock's system call numbers are not known here ({platform.machine()})"
else:
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
        _libc.prctl.restype = ctypes.c_int
        _libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    except (OSError, AttributeError) as exc:
        _libc = None
        _unusable = f"no C library to make system calls ({exc})"


def _syscall(number: int, *args: int | ctypes.Array[ctypes.c_char] | None) -> int:
    """syscall(2); raises OSError with the kernel's errno. Tests replace it."""
    if _libc is None:
        raise OSError(errno.ENOSYS, _unusable)
    # Every argument goes through as a full register (long or pointer): glibc's
    # syscall() reads them with va_arg(long), and a 32-bit int could leave garbage above.
    c_args = [
        ctypes.c_void_p(None) if a is None else a if isinstance(a, ctypes.Array) else ctypes.c_long(a)
        for a in args
    ]
    result = int(_libc.syscall(ctypes.c_long(number), *c_args))
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return result


def _prctl_no_new_privs() -> None:
    # landlock_restrict_self demands it (or CAP_SYS_ADMIN): a setuid program started
    # later must not run with its privileges inside a sandbox it cannot know about.
    if _libc is None or _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        code = ctypes.get_errno() if _libc is not None else errno.ENOSYS
        raise OSError(code, os.strerror(code))


SIMULATE_NONE = "CALCCOURSE_SIMULATE_NO_LANDLOCK"


def _probe() -> tuple[int, str]:
    """The running ABI, or 0 and why not. ``CALCCOURSE_SIMULATE_NO_LANDLOCK=1`` makes it 0,
    so that the tests can prove what holds on a kernel without Landlock (reports say so)."""
    if os.environ.get(SIMULATE_NONE):
        return 0, f"Landlock is turned off by {SIMULATE_NONE} (as on a kernel without it)"
    if _unusable:
        return 0, _unusable
    try:
        abi = _syscall(_SYS_CREATE_RULESET, None, 0, _CREATE_RULESET_VERSION)
    except OSError as exc:
        if exc.errno == errno.ENOSYS:
            return 0, "the kernel has no Landlock"
        if exc.errno == errno.EOPNOTSUPP:
            return 0, "Landlock is disabled in this kernel"
        return 0, f"the Landlock version query failed: {exc.strerror}"
    except Exception as exc:  # a ctypes surprise must not break a caller that only asks
        return 0, f"the Landlock version query failed: {exc}"
    if abi < 1:
        return 0, f"the kernel reported Landlock ABI {abi}"
    return abi, ""


def _promise(abi: int) -> Confinement:
    """What a ruleset built for ``abi`` enforces, and what it lacks, in words."""
    missing = []
    if abi < 3:
        missing.append("truncate(2) is not restricted before ABI 3")
    if abi < 4:
        missing.append("no network or signal scoping before ABI 4/6")
    elif abi < 6:
        missing.append("no signal scoping before ABI 6")
    return Confinement(
        abi=abi, filesystem=abi >= 3, network=abi >= 4, signals=abi >= 6, reason="; ".join(missing)
    )


def abi_version() -> int:
    """The running kernel's Landlock ABI version; 0 when unavailable (never raises)."""
    return _probe()[0]


def available() -> Confinement:
    """What :func:`confine` would give on this kernel, without applying anything."""
    abi, why = _probe()
    if abi == 0:
        return Confinement(abi=0, filesystem=False, network=False, signals=False, reason=why)
    return _promise(abi)


@dataclass(frozen=True)
class Ruleset:
    """A ruleset made ready, not yet enforced: ``fd`` (None when there is nothing to
    enforce) and what enforcing it gives. Made where it is cheap (a worker, before it
    forks), enforced by :func:`restrict` in the process to confine (the fresh child)."""

    fd: int | None
    promise: Confinement

    def close(self) -> None:
        """Close the ruleset here (a forked child keeps its own copy of the descriptor)."""
        if self.fd is not None:
            os.close(self.fd)


def confine(writable: Sequence[str]) -> Confinement:
    """Restrict this process and its future children; return what is actually in force.

    Writing is allowed only beneath the folders in ``writable`` (and to ``/dev/null``);
    TCP bind/connect, signals and abstract unix sockets reaching outside the new domain
    are denied where the kernel's ABI knows them. Irreversible. Landlock restricts the
    calling thread only, so call it while the process has one thread (a fresh fork).
    When the kernel cannot do it, returns ``abi == 0`` with the reason instead of
    raising; a folder in ``writable`` that cannot be opened raises OSError, before
    anything is applied, because that is the caller's mistake.
    """
    ready = ruleset(writable)
    try:
        return restrict(ready)
    finally:
        ready.close()


def ruleset(writable: Sequence[str]) -> Ruleset:
    """The first half of :func:`confine`, which changes nothing in this process: the
    ruleset for ``writable``, ready for :func:`restrict`. Raises as :func:`confine` does."""
    if isinstance(writable, str):
        raise TypeError("writable is a sequence of folders, not one string")
    promise = available()
    if promise.abi == 0:
        return Ruleset(None, promise)
    abi = promise.abi
    handled_fs = _handled_fs(abi)
    # Opened before anything is made, so a bad folder raises and leaves nothing behind.
    rules: list[tuple[int, int]] = []
    try:
        for folder in writable:
            fd = os.open(folder, os.O_PATH | os.O_CLOEXEC)
            rules.append((fd, handled_fs if _is_dir(fd) else handled_fs & _FS_FILE_RIGHTS))
        try:
            fd = os.open(os.devnull, os.O_PATH | os.O_CLOEXEC)
        except OSError:
            pass  # no /dev/null here: nothing to keep writable
        else:
            rules.append((fd, handled_fs & (_FS_WRITE_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV)))
        return _made(abi, handled_fs, rules, promise)
    finally:
        for fd, _ in rules:
            os.close(fd)


def _is_dir(fd: int) -> bool:
    return stat.S_ISDIR(os.fstat(fd).st_mode)


def _made(abi: int, handled_fs: int, rules: list[tuple[int, int]], promise: Confinement) -> Ruleset:
    fields = next(count for since, count in _RULESET_FIELDS_BY_ABI if abi >= since)
    attr = struct.pack("=QQQ", handled_fs, _handled_net(abi), _scoped(abi))[: 8 * fields]
    try:
        fd = _syscall(_SYS_CREATE_RULESET, ctypes.create_string_buffer(attr, len(attr)), len(attr), 0)
    except OSError as exc:
        return Ruleset(None, _failed(f"landlock_create_ruleset failed: {exc.strerror}"))
    for folder, allowed in rules:
        # struct landlock_path_beneath_attr is packed: u64 allowed_access, s32 parent_fd.
        rule = struct.pack("=Qi", allowed, folder)
        try:
            _syscall(_SYS_ADD_RULE, fd, _RULE_PATH_BENEATH, ctypes.create_string_buffer(rule, 12), 0)
        except OSError as exc:
            os.close(fd)
            return Ruleset(None, _failed(f"landlock_add_rule failed: {exc.strerror}"))
    return Ruleset(fd, promise)


def restrict(ready: Ruleset) -> Confinement:
    """The second half of :func:`confine`: enforce ``ready`` on this process (it keeps the
    descriptor: the caller closes it); returns what is in force."""
    if ready.fd is None:
        return ready.promise
    try:
        _prctl_no_new_privs()
    except OSError as exc:
        return _failed(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {exc.strerror}")
    try:
        _syscall(_SYS_RESTRICT_SELF, ready.fd, 0)
    except OSError as exc:
        return _failed(f"landlock_restrict_self failed: {exc.strerror}")
    promise = ready.promise
    threads = _thread_count()
    if threads > 1:
        note = f"{threads - 1} other thread(s) of this process were not confined"
        return Confinement(
            abi=promise.abi,
            filesystem=promise.filesystem,
            network=promise.network,
            signals=promise.signals,
            reason="; ".join(filter(None, [promise.reason, note])),
        )
    return promise


def _failed(why: str) -> Confinement:
    return Confinement(abi=0, filesystem=False, network=False, signals=False, reason=why)


def _thread_count() -> int:
    """Threads in this process, from /proc/self/status; 1 when it can't be read."""
    try:
        fd = os.open("/proc/self/status", os.O_RDONLY | os.O_CLOEXEC)
        try:
            data = os.read(fd, 8192)
        finally:
            os.close(fd)
    except OSError:
        return 1
    for line in data.split(b"\n"):
        if line.startswith(b"Threads:"):
            return int(line.split()[1])
    return 1
