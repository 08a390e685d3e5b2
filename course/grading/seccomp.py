"""A seccomp filter (classic BPF, x86-64) that refuses new user namespaces.

A root grader's sandbox runs without a user namespace, so bubblewrap's
``--disable-userns`` is not available there; this filter does the same job:
clone/unshare with CLONE_NEWUSER fail with EPERM, and clone3 (whose flags a
classic filter cannot read) fails with ENOSYS so that the C library falls back
to clone. Everything else is allowed. bwrap loads it with ``--seccomp FD``.
"""

from __future__ import annotations

import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_SYSCALL_BIT = 0x40000000
NR_CLONE, NR_UNSHARE, NR_CLONE3 = 56, 272, 435
CLONE_NEWUSER = 0x10000000
EPERM, ENOSYS = 1, 38

# struct seccomp_data: nr at offset 0, arch at 4, args[0] at 16 (its low 32 bits on little-endian).
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
RET_ALLOW, RET_ERRNO, RET_KILL_PROCESS = 0x7FFF0000, 0x00050000, 0x80000000


def _instruction(code: int, jump_true: int, jump_false: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jump_true, jump_false, k)


def refuse_new_user_namespaces() -> bytes:
    """The filter program, as bwrap reads it from a file descriptor."""
    program = [
        _instruction(LD_W_ABS, 0, 0, OFFSET_ARCH),  # 0
        _instruction(JEQ_K, 0, 10, AUDIT_ARCH_X86_64),  # 1: another ABI -> 12 kill
        _instruction(LD_W_ABS, 0, 0, OFFSET_NR),  # 2
        _instruction(JGE_K, 8, 0, X32_SYSCALL_BIT),  # 3: the x32 ABI -> 12 kill
        _instruction(JEQ_K, 6, 0, NR_CLONE3),  # 4: -> 11 ENOSYS
        _instruction(JEQ_K, 1, 0, NR_UNSHARE),  # 5: -> 7
        _instruction(JEQ_K, 0, 2, NR_CLONE),  # 6: -> 7, else -> 9 allow
        _instruction(LD_W_ABS, 0, 0, OFFSET_ARG0),  # 7: the flags
        _instruction(JSET_K, 1, 0, CLONE_NEWUSER),  # 8: -> 10 EPERM
        _instruction(RET_K, 0, 0, RET_ALLOW),  # 9
        _instruction(RET_K, 0, 0, RET_ERRNO | EPERM),  # 10
        _instruction(RET_K, 0, 0, RET_ERRNO | ENOSYS),  # 11
        _instruction(RET_K, 0, 0, RET_KILL_PROCESS),  # 12
    ]
    return b"".join(program)
