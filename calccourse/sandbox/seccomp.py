"""The system calls an answer may not make: a seccomp filter, the kernel's syscall sieve.

Landlock confines files, TCP and signals; much of the kernel lies outside it. The filter
refuses (EACCES; Python: PermissionError) what a calculus answer never needs and what
reaches past its own process:

- sockets (``socket()``; ``io_uring``, which can open them without the call): a UDP socket
  or a Unix socket connected to a path (a Docker or systemd socket) is outside Landlock.
  ``socketpair()`` stays: it reaches nothing outside the process, and asyncio needs it;
- kernel keyrings (``keyctl``, ``add_key``, ``request_key``): the grader's keys (Kerberos
  caches) are readable and revocable by any process of the same user;
- System V IPC (``shm*``, ``msg*``, ``sem*``): the grader's shared memory and message
  queues, found by key, not by path;
- namespaces and mounts (``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*`` flag,
  ``chroot``, ``mount`` and the new mount API, ``pivot_root``): a user namespace is a
  large kernel attack surface, and an answer has no use for one;
- permissions, owners and ACLs (``chmod``, ``chown``, ``setxattr`` and their variants):
  Landlock does not cover them, and an answer could make a classmate's scratch folder,
  the gradebook's folder or (as root) the grader's own Python unusable, or leave a
  folder nobody can empty;
- other processes and the kernel (``prlimit`` on any process but itself: a classmate's,
  its worker's or the grader's limits lowered would change their verdicts; ``ptrace``,
  ``process_vm_readv``/``writev``,
  ``pidfd_getfd``, ``kcmp``, ``perf_event_open``, ``userfaultfd``, ``bpf``, modules,
  ``kexec``, ``reboot``, ``swapon``, ``acct``, ``syslog``, ``quotactl``, file handles,
  ``fanotify``, ``vhangup``).

Everything else stays: threads and processes (``clone`` without namespace flags), memory
(``mmap``), files (Landlock decides), pipes, ``socketpair``. ``clone3`` reads its flags
from memory the filter cannot see, so it answers ENOSYS and the C library falls back to
``clone``, whose flags it checks. A call made through another architecture's table (32-bit
``int 0x80`` on x86-64, or x32, and so the old ``ipc`` multiplexer) fails as well: the
filter reads syscall numbers of the native table only.

Standard library only (ctypes); this module imports nothing else from calccourse.
"""

from __future__ import annotations

import ctypes
import errno
import functools
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
_JSET_K = 0x45
_RET_K = 0x06
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in seccomp_data (the low word of args[0], little-endian)
_CLONE_NEW = 0x7E020080  # CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME

# The calls refused, with their numbers on x86-64 and on arm64 (asm/unistd_64.h and the
# generic asm-generic/unistd.h; "-": the architecture has no such call).
_REFUSED = """
# sockets, and io_uring, which opens them without the call
socket                41  198
io_uring_setup       425  425
io_uring_enter       426  426
io_uring_register    427  427
# kernel keyrings
keyctl               250  219
add_key              248  217
request_key          249  218
# System V IPC
shmget                29  194
shmat                 30  196
shmctl                31  195
shmdt                 67  197
msgget                68  186
msgsnd                69  189
msgrcv                70  188
msgctl                71  187
semget                64  190
semop                 65  193
semctl                66  191
semtimedop           220  192
# namespaces and mounts
unshare              272   97
setns                308  268
chroot               161   51
mount                165   40
umount2              166   39
pivot_root           155   41
open_tree            428  428
move_mount           429  429
fsopen               430  430
fsconfig             431  431
fsmount              432  432
fspick               433  433
mount_setattr        442  442
# other processes
ptrace               101  117
process_vm_readv     310  270
process_vm_writev    311  271
pidfd_getfd          438  438
kcmp                 312  272
# permissions, owners and ACLs: a folder made unreadable or undeletable, classmates' scratch
# folders or the grader's own files locked (Landlock does not cover them); answers need none
chmod                 90    -
fchmod                91   52
fchmodat             268   53
fchmodat2            452  452
chown                 92    -
lchown                94    -
fchown                93   55
fchownat             260   54
setxattr             188    5
lsetxattr            189    6
fsetxattr            190    7
setxattrat           463  463
# the kernel itself
perf_event_open      298  241
userfaultfd          323  282
bpf                  321  280
init_module          175  105
finit_module         313  273
delete_module        176  106
kexec_load           246  104
kexec_file_load      320  294
reboot               169  142
swapon               167  224
swapoff              168  225
acct                 163   89
syslog               103  116
quotactl             179   60
name_to_handle_at    303  264
open_by_handle_at    304  265
fanotify_init        300  262
vhangup              153   58
"""
# The calls the filter itself needs: installing it, and the clone and prlimit checks.
_OWN = {
    "x86_64": {"seccomp": 317, "clone": 56, "clone3": 435, "prlimit64": 302},
    "aarch64": {"seccomp": 277, "clone": 220, "clone3": 435, "prlimit64": 261},
}
_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_ROWS = [line.split() for line in _REFUSED.splitlines() if line and not line.startswith("#")]
REFUSED = tuple(name for name, *_ in _ROWS)


def _numbers(machine: str) -> dict[str, int]:
    """Every number the filter uses on ``machine``, by the call's name."""
    column = 1 if machine == "x86_64" else 2
    return {**{row[0]: int(row[column]) for row in _ROWS if row[column] != "-"}, **_OWN[machine]}


def _filter(arch: int, numbers: dict[str, int], x32: bool) -> bytes:
    """The BPF program, as the kernel reads it (struct sock_filter, 8 bytes each)."""
    refused = [numbers[name] for name in REFUSED if name in numbers]
    # Jumps name their target; _assemble turns the names into counts of instructions skipped.
    program: list[tuple[int, int | str, int | str, int] | str] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _SECCOMP_RET_ERRNO | errno.EACCES),  # another architecture's table: deny
        (_LD_W_ABS, 0, 0, _NR),
        (_JGE_K, "deny", 0, _X32_SYSCALL_BIT) if x32 else (_JGE_K, 0, 0, 0),  # x32's numbers: deny
        (_JEQ_K, "enosys", 0, numbers["clone3"]),
        (_JEQ_K, "clone", 0, numbers["clone"]),
        (_JEQ_K, "prlimit", 0, numbers["prlimit64"]),
        *((_JEQ_K, "deny", 0, number) for number in refused),
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        "clone",
        (_LD_W_ABS, 0, 0, _ARG0),  # its flags
        (_JSET_K, "deny", 0, _CLONE_NEW),  # a new namespace: deny
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        "prlimit",
        (_LD_W_ABS, 0, 0, _ARG0),  # its pid (pid_t: the low word is all the kernel reads)
        (_JEQ_K, 0, "deny", 0),  # 0, this process: allowed; another's limits: deny
        (_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        "enosys",
        (_RET_K, 0, 0, _SECCOMP_RET_ERRNO | errno.ENOSYS),  # clone3: use clone
        "deny",
        (_RET_K, 0, 0, _SECCOMP_RET_ERRNO | errno.EACCES),
    ]
    return b"".join(struct.pack("HBBI", *instruction) for instruction in _assemble(program))


def _assemble(program: list[tuple[int, int | str, int | str, int] | str]) -> list[tuple[int, int, int, int]]:
    """The program with each label removed and each jump to one counted: a jump skips that
    many instructions."""
    labels: dict[str, int] = {}
    for item in program:
        if isinstance(item, str):
            labels[item] = sum(not isinstance(other, str) for other in program[: program.index(item)])
    instructions = [item for item in program if not isinstance(item, str)]

    def offset(target: int | str, here: int) -> int:
        return target if isinstance(target, int) else labels[target] - here - 1

    return [(code, offset(jt, i), offset(jf, i), k) for i, (code, jt, jf, k) in enumerate(instructions)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class _Installer:
    """The filter built and the C functions looked up, once per process: a worker makes
    it before it forks, and each child only installs it (no Python work to copy pages for)."""

    def __init__(self, machine: str, libc: ctypes.CDLL) -> None:
        numbers = _numbers(machine)
        instructions = _filter(_AUDIT_ARCH[machine], numbers, x32=machine == "x86_64")
        self.code = ctypes.create_string_buffer(instructions, len(instructions))
        self.program = _Program(len(instructions) // 8, ctypes.cast(self.code, ctypes.c_void_p))
        self.seccomp, self.prctl, self.syscall = numbers["seccomp"], libc.prctl, libc.syscall

    def install(self) -> bool:
        if self.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        program = ctypes.byref(self.program)
        if self.syscall(self.seccomp, _SECCOMP_SET_MODE_FILTER, _SECCOMP_FILTER_FLAG_TSYNC, program) == 0:
            return True
        return self.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, program, 0, 0) == 0


@functools.cache
def _installer() -> _Installer | None:
    """None where no filter can be installed: not Linux (an Intel Mac has no prctl), another
    architecture, or no C library."""
    machine = platform.machine()
    if machine not in _AUDIT_ARCH or not sys.platform.startswith("linux"):
        return None
    try:
        return _Installer(machine, ctypes.CDLL(None, use_errno=True))
    except OSError:
        return None


def prepare() -> None:
    """Build the filter now, in a process that will fork the ones to confine."""
    _installer()


def refuse_calls() -> bool:
    """Install the filter on every thread of this process, for good. True when it holds;
    False where the kernel or the machine cannot (not Linux, another architecture), and
    in the simulation of a bare kernel (see landlock.py)."""
    installer = _installer()
    if installer is None or os.environ.get("CALCCOURSE_SIMULATE_NO_LANDLOCK"):
        return False
    return installer.install()
