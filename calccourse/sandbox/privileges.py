"""Give up root's powers in the answer's process, where it has them.

Landlock confines writes, TCP, signals and ptrace, but a process holding capabilities
can still do what Landlock does not cover: read other processes' ``/proc/<pid>/environ``
(CAP_SYS_ADMIN, CAP_PERFMON), open raw sockets (CAP_NET_RAW), or reach the network over
UDP, MPTCP or TCP Fast Open. So a child that runs as root first moves into a network
namespace of its own (no interface but a loopback that is down), then drops every
capability, for good: root regains none on exec (SECBIT_NOROOT, locked) and the bounding
set is emptied. A process that is not root has nothing to drop, and its network is
Landlock's to confine. The network namespace is made once, by the worker, before it
forks the children (one per answer would cost a tenth of a check).

Standard library only (ctypes); this module imports nothing else from calccourse.
"""

from __future__ import annotations

import ctypes
import os
import sys

_CLONE_NEWNET = 0x40000000
_PR_CAPBSET_DROP = 24
_PR_SET_SECUREBITS = 28
_SECBIT_NOROOT, _SECBIT_NOROOT_LOCKED = 1 << 0, 1 << 1
_CAPABILITY_VERSION_3 = 0x20080522
_LAST_CAP = 63

_libc: ctypes.CDLL | None = None
if sys.platform.startswith("linux"):  # elsewhere (Windows: no CDLL(None) at all) nothing to drop
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
        _unshare, _prctl, _capset = _libc.unshare, _libc.prctl, _libc.capset
    except (OSError, AttributeError):  # no such functions: nothing to drop here
        _libc = None


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


ISOLATED = [False]  # the worker's network namespace is its own (then so are its children's)


def isolate_network() -> None:
    """As root: move this process (a worker, before it forks any child) into a network
    namespace of its own, empty. Not root, or not allowed: nothing changes."""
    if _libc is not None and os.geteuid() == 0 and not os.environ.get("CALCCOURSE_SIMULATE_NO_LANDLOCK"):
        ISOLATED[0] = _unshare(_CLONE_NEWNET) == 0


def drop_root() -> str:
    """As root: no capabilities, for good. Returns what confines the process beyond
    Landlock, for the report ("" when not root, or when it could not be done)."""
    if _libc is None or os.geteuid() != 0 or os.environ.get("CALCCOURSE_SIMULATE_NO_LANDLOCK"):
        return ""  # the simulation of a bare kernel (see landlock.py) keeps root's powers too
    done = ["no network"] if ISOLATED[0] else []
    _prctl(_PR_SET_SECUREBITS, _SECBIT_NOROOT | _SECBIT_NOROOT_LOCKED, 0, 0, 0)
    for capability in range(_LAST_CAP + 1):
        _prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0)
    header, data = _Header(_CAPABILITY_VERSION_3, 0), (_Data * 2)()
    if _capset(ctypes.byref(header), data) == 0:
        done.append("no root capabilities")
    return ", ".join(done)
