"""Subcommands of ``qingmiao`` that live in their own modules (one module per command).

A module here defines ``NAME`` (the subcommand), ``HELP`` (one line), ``register(p)`` adding its
arguments to its parser ``p``, and ``run(args) -> int``. :mod:`qingmiao_lib.cli` registers every
module of this package (alphabetically; a name starting with ``_`` is not a command) after its own commands and reports their failures the same way
(usage errors exit 2, data problems exit 1, one line each). The shared argument helpers
(``--db``/``--rules``, dates, bounded integers, the person-list options) are
:func:`qingmiao_lib.cli.common_options`, :func:`~qingmiao_lib.cli.date_arg`,
:func:`~qingmiao_lib.cli.int_between` and :func:`~qingmiao_lib.cli.list_options`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def load() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{m}") for m in names]
