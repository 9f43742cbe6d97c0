"""Subcommands of ``qingmiao`` that live in their own modules (one module per command).

A module here defines ``NAME`` (the subcommand), ``HELP`` (one line), ``register(p)`` adding its
arguments to its parser ``p``, and ``run(args) -> int``. :mod:`qingmiao_lib.cli` registers every
module listed in :data:`MODULES` after its own commands and reports their failures the same way
(usage errors exit 2, data problems exit 1, one line each). The shared argument helpers
(``--db``/``--rules``, dates, bounded integers, the person-list options) are
:func:`qingmiao_lib.cli.common_options`, :func:`~qingmiao_lib.cli.date_arg`,
:func:`~qingmiao_lib.cli.int_between` and :func:`~qingmiao_lib.cli.list_options`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: the command modules, in the order ``qingmiao --help`` lists them
MODULES: tuple[str, ...] = ()


def load() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{m}") for m in MODULES]
