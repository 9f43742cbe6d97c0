"""DuckDB's configuration for every connection the workbench opens, from the environment: a
machine shared with other work caps its threads, a national-scale database its memory."""

from __future__ import annotations

import os
import re

from .errors import QingmiaoError

#: The environment variable capping DuckDB's threads per connection (default: DuckDB's own, one
#: per core) — for a machine shared with other work, or several processes side by side (the
#: test suite's workers).
THREADS_ENV = "QINGMIAO_THREADS"
#: The environment variable capping DuckDB's memory per connection, in DuckDB's own spelling
#: (``6GB``, ``512MB``; default: DuckDB's own, 80% of the machine's memory). DuckDB keeps the
#: file's blocks it has read in that memory and spills beyond it to a temporary folder beside
#: the file, so a cap holds a process at national scale to a budget (issue 23: 8 GB).
MEMORY_ENV = "QINGMIAO_MEMORY"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)", re.IGNORECASE)


def from_environment() -> dict:
    """DuckDB's configuration from the environment (:data:`THREADS_ENV`, :data:`MEMORY_ENV`)."""
    config = {}
    threads = os.environ.get(THREADS_ENV, "").strip()
    if threads.isdigit() and int(threads) > 0:
        config["threads"] = int(threads)
    memory = os.environ.get(MEMORY_ENV, "").strip()
    if memory:
        if not _MEMORY.fullmatch(memory):
            raise QingmiaoError(f"环境变量 {MEMORY_ENV}={memory!r} 无法识别：应写作 6GB、512MB 之类")
        config["memory_limit"] = memory
    return config
