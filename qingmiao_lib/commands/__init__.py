"""Subcommands of ``qingmiao`` that live in their own modules (one module per command).

A module here defines ``NAME`` (the subcommand), ``HELP`` (one line), ``register(p)`` adding its
arguments to its parser ``p``, and ``run(args) -> int``. :mod:`qingmiao_lib.cli` registers every
module of this package (the commands of :data:`FIRST` in that order, then the others alphabetically;
a module whose name starts with ``_`` is not a command) and reports their failures the same way
(usage errors exit 2, data problems exit 1, one line each). The shared argument helpers
(``--db``/``--rules``, dates, bounded integers, the person-list options) are
:func:`qingmiao_lib.cli.common_options`, :func:`~qingmiao_lib.cli.date_arg`,
:func:`~qingmiao_lib.cli.int_between` and :func:`~qingmiao_lib.cli.list_options`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

#: The first commands of ``qingmiao --help``, in this order (the order they have always had).
FIRST = ("demo", "template", "import", "check", "figures", "eligible", "retirements", "roster",
         "report", "lab", "units")


def load() -> list[ModuleType]:
    """The command modules, in the order ``qingmiao --help`` lists them."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    mods = [importlib.import_module(f"{__name__}.{m}") for m in names]
    rank = {name: i for i, name in enumerate(FIRST)}
    return sorted(mods, key=lambda mod: (rank.get(mod.NAME, len(FIRST)), mod.NAME))
