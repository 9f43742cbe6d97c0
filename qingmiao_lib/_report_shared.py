"""What a county report and every unit report of the same year share (:class:`Shared`), computed
once per batch by :func:`shared_parts`: the headline figures beside last year's, the definitions,
the data checksum and the cover's facts.

Split from :mod:`qingmiao_lib.report`, which re-exports both names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
from markupsafe import Markup

from . import _query, charts, definitions, figures, provenance
from .sections._headline import ARTICLE_YEAR, headline_rows
from .sections._render import figure_html


@dataclass(frozen=True)
class Shared:
    """The parts computed once for a county report and every unit report of the same year."""

    year: int
    as_of: dt.date
    threshold: int
    classification: str
    jurisdiction: str
    source: str
    rules_version: str
    rules_title: str
    checksum: str
    headline: list[dict]
    headline_chart: Markup
    article: bool
    definitions: list[dict]
    has_last_year: bool


def shared_parts(con: duckdb.DuckDBPyConnection, *, year: int, audience: str = "circulation") -> Shared:
    """Headline figures (this year and last), definitions, checksum and the cover's facts (the
    headline's small counts shown exactly for the 部内研判 ``audience`` only)."""
    year = int(year)
    head = figures.headline(con, year=year)
    first, _ = figures.data_years(con)
    last = figures.headline(con, year=year - 1) if first is not None and year - 1 >= first else None
    info = provenance.database_facts(con).meta      # read with the stored tables' checks (one statement)
    classification, title = provenance.report_labels(con)
    defs = [{"group": g, "term": t, "text": x} for g, t, x in definitions.definitions(con)]
    threshold = _query.rules(con).small_cell_threshold
    return Shared(
        year=year, as_of=dt.date.fromisoformat(head.attrs["as_of"]), threshold=threshold,
        classification=classification, jurisdiction=info.get("jurisdiction", "本辖区"),
        source=info.get("source", "导入数据"), rules_version=head.attrs["rules_version"],
        rules_title=title, checksum=provenance.data_checksum(con),
        headline=headline_rows(head, last, threshold if audience == "circulation" else 0),
        headline_chart=figure_html(charts.headline_bars(head, small_cell=threshold)) if year == ARTICLE_YEAR
        else Markup(""),
        article=year == ARTICLE_YEAR,
        definitions=defs, has_last_year=last is not None)
