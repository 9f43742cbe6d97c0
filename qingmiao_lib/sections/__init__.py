"""The report's sections, one module per analysis area, each with ``build(ctx) -> Section | None``
(``None`` leaves the section out). The report numbers them in this order after the headline
figures; each builds only from its area's library functions and charts."""

from __future__ import annotations

from . import counties, evaluation, outlook, pipeline, structure, training
from ._render import Context, Section, figure_html, render

AREAS = (counties, structure, training, evaluation, pipeline, outlook)

__all__ = ["AREAS", "Context", "Section", "build_all", "figure_html", "render"]


def build_all(ctx: Context) -> list[Section]:
    """Every area's section, in report order, leaving out those that return None."""
    return [s for area in AREAS if (s := area.build(ctx)) is not None]
