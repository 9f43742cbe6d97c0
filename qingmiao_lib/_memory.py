"""Memory a long computation no longer holds, given back to the system between its steps.

glibc keeps freed blocks in the C heap (numpy's arrays among them) and Arrow's allocator keeps
its freed pages, so a process that builds one large frame after another — the demo build, a
report at national scale — grows by every frame it has given up (issue 23). :func:`give_back`
returns both between the steps; it costs a few milliseconds and changes no result.
"""

from __future__ import annotations

import ctypes

import pyarrow as pa


def give_back() -> None:
    """Return the C heap's free memory (glibc's ``malloc_trim``; nothing with another C
    library, whose allocator returns memory its own way) and Arrow's allocator's unused pages
    to the system."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
    pa.default_memory_pool().release_unused()
