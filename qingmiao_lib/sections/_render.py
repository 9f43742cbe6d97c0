"""What every report section shares: its context, its result, and HTML rendering helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import duckdb
import jinja2
import plotly.io as pio
from markupsafe import Markup

from ._protect import Artefact

#: plotly config of every chart in a report: no toolbar (hover, zoom and legend still work).
#: a report's audiences: for circulation (disclosure control) or 部内研判 (exact counts, names
#: still masked unless ``--unmasked``; every page stamped, the appendix says so)
AUDIENCES = ("circulation", "internal")

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
    #: jurisdiction-wide results a batch of unit reports computes once (keyed by the section)
    cache: dict = field(default_factory=dict)
    #: every count table of the artefact, protected together before any section renders
    artefact: Artefact | None = None
    #: who may read it: ``"circulation"`` (protected) or ``"internal"`` (部内研判: exact counts)
    audience: str = "circulation"
    #: how many units the county report's selector offers (its published states depend on it):
    #: a unit report prints the jurisdiction's figures as that report publishes them
    selector_units: int | None = 60

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}; choose from {', '.join(AUDIENCES)}")
        if self.artefact is None:
            object.__setattr__(self, "artefact", Artefact(self.threshold, exact=self.audience == "internal"))

    @property
    def log(self) -> list:
        """The suppression log of every table registered so far (protects them: register every
        table of the artefact before reading it)."""
        self.artefact.protect()
        return self.artefact.log

    @property
    def release_key(self) -> tuple:
        """Where ``cache`` keeps the county report's artefact that unit reports follow."""
        return ("release", self.year, self.as_of, self.audience, self.selector_units)

    def follow_county(self, table, *, unit_rows: bool = False) -> None:
        """In a unit report, print ``table``'s cells that the county report prints too
        (jurisdiction-wide figures; with ``unit_rows`` only its rows of units, ``"u:<unit_id>"``:
        same name, same labels) in the county report's states (:meth:`Artefact.follow`); nothing
        in the county report itself."""
        if self.units is None:
            return
        from ._release import release

        county = release(self)
        name = self.artefact.plain(table.table_name)
        if name in county.problem.tables and name not in county.problem.unpublished:
            rows = None
            if unit_rows:
                rows = {r for r in self.artefact.problem.tables[table.table_name].ids.index
                        if str(r).startswith("u:")}
            self.artefact.follow(table, county.deferred(name), rows=rows)

    def first_year(self, records: str) -> int | None:
        """The first year of ``records`` (``"entry"``, ``"pool"`` or ``"practice"``:
        :func:`qingmiao_lib.provenance.first_years`), read once per batch of reports."""
        if ("first-years",) not in self.cache:
            from ..provenance import first_years

            self.cache[("first-years",)] = first_years(self.con)
        return self.cache[("first-years",)][records]


class Section:
    """One numbered section of the report: its anchor id, its Chinese title and its HTML.

    A section's HTML is made after every table of its artefact is protected: the builder gives
    a function of no arguments and the artefact; reading :attr:`html` protects the artefact (once,
    whatever registered by then) and renders."""

    def __init__(self, id: str, title: str, html: Markup | Callable[[], Markup],
                 artefact: Artefact | None = None):
        self.id, self.title = id, title
        self._render = None if isinstance(html, Markup) else html
        self._html = html if isinstance(html, Markup) else None
        self._artefact = artefact
        if self._render is not None and artefact is None:
            raise ValueError("a section rendered later needs its artefact")

    @property
    def html(self) -> Markup:
        if self._html is None:
            self._artefact.protect()
            self._html = Markup(self._render())
        return self._html


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
