"""No new sockets in the answer's process: a seccomp filter, the kernel's syscall sieve.

Landlock confines files, TCP and signals, and a process that is not root can still open a
socket Landlock does not cover: a UDP socket, or a Unix socket connected to a path (a
Docker or systemd socket in a container, whatever serves on it). An answer needs no
socket, so this filter makes ``socket()`` fail with EACCES (Python: PermissionError),
and ``io_uring_setup()`` too (io_uring can open sockets without the call). ``socketpair()``
stays: it reaches nothing outside the process, and asyncio's event loop needs it.
A call made through another architecture's table (32-bit ``int 0x80`` on x86-64, or x32)
fails as well: the filter reads syscall numbers of the native table only.

Standard library only (ctypes); this module imports nothing else from calccourse.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_SET_MODE_FILTER = 1
_SECCOMP_FILTER_FLAG_TSYNC = 1
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_X32_SYSCALL_BIT = 0x40000000

# BPF: load a word of struct seccomp_data, compare, return.
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_NR, _ARCH = 0, 4  # offsets of the syscall number and the architecture in seccomp_data

# What the filter needs of each architecture: its audit id, and the numbers of seccomp,
# socket and io_uring_setup in its table.
_ARCHITECTURES = {
    "x86_64": (0xC000003E, 317, 41, 425),
    "aarch64": (0xC00000B7, 277, 198, 425),
}


def _filter(arch: int, socket: int, io_uring_setup: int, x32: bool) -> bytes:
    """The BPF program, as the kernel reads it (struct sock_filter, 8 bytes each)."""
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    program = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),  # another architecture's table: deny
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, 3, 0, _X32_SYSCALL_BIT) if x32 else (_JGE_K, 0, 0, 0),  # x32's numbers: deny
        (_JEQ_K, 2, 0, socket),
        (_JEQ_K, 1, 0, io_uring_setup),
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in program)


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def forbid_sockets() -> bool:
    """Install the filter on every thread of this process, for good. True when it holds;
    False where the kernel or the machine cannot (not Linux, another architecture), and
    in the simulation of a bare kernel (see landlock.py)."""
    machine = platform.machine()
    known = _ARCHITECTURES.get(machine)
    if known is None or not sys.platform.startswith("linux"):
        return False  # another architecture, or not Linux (an Intel Mac has no prctl)
    if os.environ.get("CALCCOURSE_SIMULATE_NO_LANDLOCK"):
        return False
    arch, seccomp, socket, io_uring_setup = known
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    instructions = _filter(arch, socket, io_uring_setup, x32=machine == "x86_64")
    code = ctypes.create_string_buffer(instructions, len(instructions))
    program = _Program(len(instructions) // 8, ctypes.cast(code, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    tsync = libc.syscall(seccomp, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(program))
    if tsync == 0:
        return True
    return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0
