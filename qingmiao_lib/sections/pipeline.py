"""The report section of the pipeline analyses (not written yet: the report leaves it out)."""

from __future__ import annotations

from ._render import Context, Section


def build(ctx: Context) -> Section | None:
    """This area's report section, or None while it has none."""
    return None
