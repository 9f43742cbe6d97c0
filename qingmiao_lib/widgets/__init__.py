"""Widget wiring for the notebooks: controls → analysis function → chart → FigureWidget."""

from __future__ import annotations

import plotly.graph_objects as go


def replace(fw: go.FigureWidget, fig: go.Figure) -> None:
    """Show ``fig`` in ``fw`` in place: traces and layout updated inside one batch_update (when
    the trace types differ — e.g. a person whose record has no one-day events — the traces are
    replaced first)."""
    if [t.type for t in fw.data[: len(fig.data)]] != [t.type for t in fig.data[: len(fw.data)]]:
        fw.data = []
    n = len(fig.data)
    if len(fw.data) > n:
        fw.data = fw.data[:n]
    if len(fw.data) < n:
        fw.add_traces(fig.data[len(fw.data):])
    with fw.batch_update():
        for old, new in zip(fw.data, fig.data, strict=True):
            old.update(new.to_plotly_json(), overwrite=True)
        fw.layout = fig.layout
