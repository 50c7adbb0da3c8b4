"""Giving memory back to the operating system after a large build."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys


def release_free_memory() -> None:
    """Collect garbage and, on glibc, return freed heap pages to the OS (`malloc_trim`).

    Building an index allocates large temporary arrays; glibc keeps freed heap memory for
    reuse, so without this the process keeps its peak size as resident memory.
    """
    gc.collect()
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries have no malloc_trim
        return
    trim(0)
