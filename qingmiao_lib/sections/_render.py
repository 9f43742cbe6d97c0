"""What every report section shares: its context, its result, and HTML rendering helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import duckdb
import jinja2
import plotly.io as pio
from markupsafe import Markup

#: plotly config of every chart in a report: no toolbar (hover, zoom and legend still work).
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


@dataclass(frozen=True)
class Context:
    """What a section builder gets: the open database and the report's parameters."""

    con: duckdb.DuckDBPyConnection
    year: int
    as_of: dt.date
    threshold: int          # small-cell threshold: counts below it are shown as "<threshold"
    unmasked: bool = False  # names shown in full (``--unmasked``); masked 张*明 otherwise
    #: the slice of a unit report (``report --by-unit``): unit ids, or None for the jurisdiction
    units: tuple[str, ...] | None = None
    #: the suppression log: every protected table appends its :class:`disclosure.LogEntry`
    log: list = field(default_factory=list)
    #: jurisdiction-wide results a batch of unit reports computes once (keyed by the section)
    cache: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One numbered section of the report: its anchor id, its Chinese title and its HTML."""

    id: str
    title: str
    html: Markup


@cache
def env() -> jinja2.Environment:
    """The package's Jinja environment: autoescaped, strict about undefined names."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("qingmiao_lib", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )


def figure_html(fig) -> Markup:
    """A plotly figure as an HTML fragment; plotly.js itself is embedded once by the report."""
    return Markup(pio.to_html(fig, full_html=False, include_plotlyjs=False, config=PLOT_CONFIG))


def render(template: str, **context) -> Markup:
    """Render ``templates/sections/<template>`` to a safe HTML fragment."""
    return Markup(env().get_template(f"sections/{template}").render(**context))
