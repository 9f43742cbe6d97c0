"""The SQL files of the package: one query or macro per file, values always bound."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load(name: str) -> str:
    """Return the text of ``qingmiao_lib/sql/<name>.sql`` (e.g. ``"figures/headline"``)."""
    return resources.files("qingmiao_lib").joinpath("sql", f"{name}.sql").read_text("utf-8")
