"""Plotly figures from analysis frames. A chart takes a DataFrame and returns a ``go.Figure``;
it never queries, shows or writes (STYLE rule 5). Labels are Chinese; titles carry the as-of date.

One submodule per analysis area (``charts.structure``, ``charts.training``, ``charts.evaluation``,
``charts.pipeline``, ``charts.outlook``, ``charts.projection``, ``charts.ahead`` — the report's
展望); the foundation's charts are re-exported here.
"""

from . import ahead, evaluation, outlook, pipeline, projection, structure, training
from ._base import COLORS, FONT, GRADES, SERIES, layout, nice_step
from .headline import SHORT_LABELS, headline_bars, pyramid

__all__ = [
    "COLORS", "FONT", "GRADES", "SERIES", "SHORT_LABELS", "layout", "nice_step",
    "headline_bars", "pyramid", "structure", "training", "evaluation", "pipeline", "outlook", "projection",
    "ahead",
]
