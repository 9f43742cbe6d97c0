"""What an exported notebook may show, by audience: the notebooks' one gate to disclosure control.

A notebook run live in JupyterLab shows what the analyst asks for. A notebook exported to HTML
(``make export``) leaves the workbench, and shows what its **audience** may see:

``"circulation"`` (传阅版, the default)
    The report's rules: every count table and chart is protected — in ``make export``, together
    with the county report and the other notebooks (:mod:`qingmiao_lib._ledger`; the notebook
    passes its ``release`` ledger), elsewhere on its own (:func:`qingmiao_lib.disclosure.protect`) — counts below ``report.small_cell_threshold`` show
    ``"<5"``, complements ``"×"``, shares from a hidden cell ``"—"``; a chart does not plot a
    hidden value (it is left out of the figure's data) and marks its place with a grey ``×``
    named 未显示, and its title says so. Names are masked. **Person-level lists and person
    profiles are withheld** (a one-line note with the list's protected count): a masked name
    beside a person number, a unit and a grade or a discipline record still identifies the
    person to anyone holding the roster, and a list of a few rows is a small count.
``"internal"`` (部内研判)
    Exact counts, names masked (张*明), lists and profiles shown; every page stamped
    "部内研判 不得外传".
``"unmasked"``
    No protection, full names; every page stamped "含个人信息 注意保密" (``--unmasked``).

>>> Publisher(None, export=False).protects        # a live notebook: what the analyst asks for
False
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from ._figure_protect import HIDDEN_COLOR, HIDDEN_NAME, _mark, protect_figure
from ._ledger import activate, protect_table
from .disclosure import COMPLEMENTARY, DASH

AUDIENCES = ("circulation", "internal", "unmasked")
#: How :meth:`Publisher.frame` protects a training coverage table (``training.coverage_matrix``
#: or ``coverage_trend``): obligations = covered + pending + missing in each row; the coverage
#: rate is "—" when a count it comes from is hidden.
COVERAGE = {"counts": ["obligations", "covered", "due", "pending", "missing"],
            "relations": {"obligations": ["covered", "pending", "missing"]},
            "shares": {"coverage": ["missing", "due", "covered"]}}
#: The stamp at the top of every page of an audience that is not for circulation.
STAMPS = {"internal": "部内研判 不得外传", "unmasked": "含个人信息 注意保密"}

def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; choose from {', '.join(AUDIENCES)}")
    return audience


class Publisher:
    """The gate of one notebook: ``export`` (papermill's parameter) and ``audience``.

    ``protects``: counts protected (an export for circulation). ``names``: full names shown (live
    when asked, or an ``unmasked`` export). ``lists``: person lists and profiles shown."""

    def __init__(self, con, *, export: bool = False, audience: str = "circulation",
                 threshold: int | None = None, release: str | None = None):
        self.export, self.audience = bool(export), check_audience(audience)
        self.protects = self.export and audience == "circulation"
        if self.protects:   # ``make export``'s ledger: protected with the report (qingmiao_lib._ledger)
            activate(release)
        self.lists = not self.protects
        if threshold is None and self.protects:
            from .privacy import small_cell_threshold

            threshold = small_cell_threshold(con)
        self.threshold = int(threshold or 5)

    def names(self, requested: bool = False) -> bool:
        """Whether full names are shown: live when ``requested``; exported only ``unmasked``."""
        return self.audience == "unmasked" if self.export else bool(requested)

    # -- single numbers, tables and charts ------------------------------------------------
    def count(self, n) -> str:
        """One count on its own: ``"<5"`` below the threshold when protecting."""
        n = int(n)
        if not self.protects:
            return f"{n:,}"
        p = protect_table(pd.DataFrame({"人数": [n]}, index=["n"]), self.threshold, totals=False,
                          name="单独的人数")
        return p.shown().iat[0, 0]

    def frame(self, df: pd.DataFrame, *, counts: Iterable[str] = (),
              relations: Mapping[str, Iterable[str]] | None = None,
              shares: Mapping[str, Iterable[str]] | None = None, formats: Mapping | None = None,
              name: str = "", same: str | None = None) -> pd.DataFrame:
        """``df`` with its ``counts`` columns protected as one table (shown strings ``"<5"``,
        ``"×"``, ``"1,234"``), each row total ``relations[total] = sum(parts)`` respected, and
        each share column of ``shares`` (share → the count columns it is computed from) ``"—"``
        where one of them is hidden, else formatted (``formats[share]``, default 93.3%).
        Unchanged unless protecting. ``same``: the county report's table these counts repeat
        (an export prints them in its states: :mod:`qingmiao_lib._ledger`)."""
        if not self.protects or df.empty:
            return df
        counts = list(counts)
        table = df[counts].fillna(0).astype("int64").reset_index(drop=True)
        rels = [((i, total), [(i, p) for p in parts]) for total, parts in (relations or {}).items()
                for i in range(len(table))]
        p = protect_table(table, self.threshold, totals=False, relations=rels, name=name, same=same)
        shown, hidden = p.shown(), p.suppressed
        out = df.copy()
        out.attrs = dict(df.attrs)
        for c in counts:
            out[c] = shown[c].to_numpy()
        for share, based_on in (shares or {}).items():
            gone = hidden[list(based_on)].any(axis=1).to_numpy()
            fmt = (formats or {}).get(share, "{:.1%}")
            text = [DASH if g or pd.isna(v) else (fmt(v) if callable(fmt) else fmt.format(v))
                    for g, v in zip(gone, out[share], strict=True)]
            out[share] = pd.Series(text, index=out.index, dtype=object)
        return out

    def crosstab(self, matrix: pd.DataFrame, area: str | None = None, *,
                 totals: bool | str = True, same: str | None = None, **display):
        """A count matrix (rows × columns, no totals) with its 合计 row/column, protected with
        them when protecting — the same form for every audience."""
        from .disclosure import protect
        from .labels import display_table

        matrix = matrix.fillna(0).astype("int64")
        if self.protects:
            shown = protect_table(matrix, self.threshold, totals=totals, name="交叉表", same=same).shown()
        else:
            shown = protect(matrix, self.threshold, totals=totals).values
        shown.index.name = matrix.index.name
        return display_table(shown.reset_index(), area, **display)

    def table(self, df: pd.DataFrame, area: str | None = None, *, counts: Iterable[str] = (),
              relations=None, shares=None, same: str | None = None, **display):
        """:func:`labels.display_table` of :meth:`frame` (names masked unless :meth:`names`)."""
        from .labels import display_table

        display["show_names"] = self.names(display.get("show_names", False))
        formats = display.get("formats") or {}
        shown = self.frame(df, counts=counts, relations=relations, shares=shares, formats=formats,
                           name=str(display.get("caption") or ""), same=same)
        if self.protects:   # a shown string ("<5", "—", "93.3%") is not formatted again
            display["formats"] = {k: (lambda v, f=f: v if isinstance(v, str) else
                                      (f(v) if callable(f) else f.format(v))) for k, f in formats.items()}
        if self.protects and display.get("count") and len(df) < self.threshold and len(df):
            display["count"] = False   # "共 3 项" would publish a small count
        return display_table(shown, area, **display)

    @property
    def small_cell(self) -> int | None:
        """What a chart's ``small_cell`` gets: the threshold when protecting, else None."""
        return self.threshold if self.protects else None

    def figure(self, fig: go.Figure, *, same: str | None = None) -> go.Figure:
        """The figure as its audience may see it (:func:`protect_figure` when protecting;
        ``same``: the county report's table its counts repeat)."""
        return protect_figure(fig, self.threshold, same=same) if self.protects else fig

    def headline_figure(self, headline: pd.DataFrame) -> go.Figure:
        """:func:`charts.headline_bars` of F1–F9; protecting, a figure below the threshold is not
        drawn (its ratio to the article's value would give it away): "<5" and a grey × instead."""
        from .charts import headline_bars

        fig = headline_bars(headline)
        if not self.protects:
            return fig
        small = [0 < int(v) < self.threshold for v in headline["value"]]
        if any(small):
            tr = fig.data[0]
            tr.x = [None if s else x for s, x in zip(small, tr.x, strict=True)]
            tr.text = [f"<{self.threshold} / {a:,}" if s else x
                       for s, x, a in zip(small, tr.text, headline["article_value"], strict=True)]
            _mark(fig, [(tr, c, f"<{self.threshold}") for s, c in zip(small, tr.y, strict=True) if s])
        return self.figure(fig)

    def persons(self, df: pd.DataFrame | None, render, *, what: str = "名单", unit: str = "人"):
        """A person-level list: ``render(df)`` when lists are shown, else a note with its count
        (protected; none for a profile, ``df=None``)."""
        if self.lists:
            return render(df)
        return withheld(what if df is None else f"{what}（共 {self.count(len(df))} {unit}）")


def withheld(what: str):
    """The note that stands in a circulated copy where a person-level list or profile was."""
    from IPython.display import HTML

    return HTML(f'<p class="qm-withheld">传阅版不含{html.escape(what)}：个人层面的名单和档案只在'
                f'工作台内或部内研判版（--audience internal，姓名脱敏）中查看。</p>')


__all__ = ["AUDIENCES", "COVERAGE", "HIDDEN_COLOR", "HIDDEN_NAME", "STAMPS", "Publisher", "check_audience",
           "protect_figure", "withheld"]
_ = COMPLEMENTARY  # the status names are disclosure's
