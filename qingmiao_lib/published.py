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
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._ledger import activate, protect_table
from .disclosure import COMPLEMENTARY, DASH, PRIMARY

AUDIENCES = ("circulation", "internal", "unmasked")
#: How :meth:`Publisher.frame` protects a training coverage table (``training.coverage_matrix``
#: or ``coverage_trend``): obligations = covered + pending + missing in each row; the coverage
#: rate is "—" when a count it comes from is hidden.
COVERAGE = {"counts": ["obligations", "covered", "due", "pending", "missing"],
            "relations": {"obligations": ["covered", "pending", "missing"]},
            "shares": {"coverage": ["missing", "due", "covered"]}}
#: The stamp at the top of every page of an audience that is not for circulation.
STAMPS = {"internal": "部内研判 不得外传", "unmasked": "含个人信息 注意保密"}
HIDDEN_NAME = "未显示"
HIDDEN_COLOR = "#8a9199"

_INT = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)\s*$")
#: An integer in running text that counts something (not a decimal, share, date or age).
_COUNT_IN_TEXT = re.compile(r"(?<![\d.,:\-/年月])(\d{1,3}(?:,\d{3})+|\d+)(?![\d.,%:\-/]|\s*(?:月|年|岁|日|号|季|时|学时|天|个月))")
#: A count of people or things in a title: "超过上限 3 名", "共 4 人".
_COUNT_IN_TITLE = re.compile(r"(?<![\d.])(\d+)(\s*)(人|名|个|项)")


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


# ------------------------------------------------------------------------------- figures


def _count_of(v) -> int | None:
    if isinstance(v, (list, tuple, np.ndarray)):
        v = v[0] if len(v) else None
    if isinstance(v, str):
        m = _INT.match(v)
        return int(m.group(1).replace(",", "")) if m else None
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v)
    return None


def _axes(tr) -> tuple[str, str, str, str]:
    """(value attribute, category attribute, value axis ref, category axis ref) of a trace."""
    xa, ya = getattr(tr, "xaxis", None) or "x", getattr(tr, "yaxis", None) or "y"
    horizontal = tr.type == "funnel" or getattr(tr, "orientation", None) == "h"
    return ("x", "y", xa, ya) if horizontal else ("y", "x", ya, xa)


def _values(tr, attr) -> np.ndarray | None:
    raw = getattr(tr, attr, None)
    if raw is None:
        return None
    try:
        return np.array([np.nan if v is None else v for v in raw], dtype=float)
    except (TypeError, ValueError):
        return None


def _counts(tr) -> list[int] | None:
    """The count of each point of a bar/scatter/funnel trace, or None when it plots no counts:
    its customdata's (first) numbers, else its values when they are whole numbers."""
    if tr.type not in ("bar", "scatter", "funnel"):
        return None
    val, cat, _, _ = _axes(tr)
    values = _values(tr, val)
    if values is None or getattr(tr, cat, None) is None:
        return None
    cd = getattr(tr, "customdata", None)
    if cd is not None and len(cd) == len(values):
        got = [_count_of(c) for c in cd]
        if all(g is not None for g in got):
            return got
        if any(isinstance(c, str) and c.startswith(("<", "×")) for c in np.ravel(np.array(cd, dtype=object))):
            return None   # protected already
    finite = values[np.isfinite(values)]
    if len(finite) and np.all(finite == np.round(finite)):
        return [0 if not np.isfinite(v) else int(abs(v)) for v in values]
    return None


def _key(c) -> str:
    return str(c)


def _scrub_text(text: str, t: int) -> str:
    """Small counts in running text (hover lines, titles) shown as ``"<5"``."""
    return _COUNT_IN_TEXT.sub(lambda m: f"<{t}" if 0 < int(m.group(1).replace(",", "")) < t
                              else m.group(0), text)


def protect_figure(fig: go.Figure, threshold: int, *, same: str | None = None) -> go.Figure:
    """A copy of ``fig`` with every plotted count protected as a table would be.

    The count traces (bars, lines and funnels whose values or customdata are counts) of one pair
    of axes form one table — categories × traces, protected with row and column totals (more
    relations than a chart publishes, so at least as safe). A hidden cell's value is removed
    from the data (None), its hover and text say ``"<5"`` or ``"×"``, and a grey ``×`` trace
    named 未显示 marks its place at zero; a share plotted at a category where a count is hidden
    is removed too. Heat maps lose the cells whose text holds a small count. Small counts left in
    customdata, hover text, titles and annotations are shown ``"<5"``. The title says when
    something is not shown. The table's columns are the traces' names (their indices when two
    share a name); ``same``: the county report's table it repeats (in an export's ledger)."""
    t = int(threshold)
    fig = go.Figure(fig)
    groups: dict[tuple, list[int]] = {}
    counts: dict[int, list[int]] = {}
    for i, tr in enumerate(fig.data):
        c = _counts(tr)
        if c is not None:
            counts[i] = c
            _, _, va, ca = _axes(tr)
            groups.setdefault((va, ca), []).append(i)
    hidden_at: dict[str, set[str]] = {}   # category axis → categories with a hidden count
    marks = []
    for (_va, ca), members in groups.items():
        rows: list[str] = []
        for i in members:
            for c in getattr(fig.data[i], _axes(fig.data[i])[1]):
                if _key(c) not in rows:
                    rows.append(_key(c))
        names = [fig.data[i].name for i in members]
        col = dict(zip(members, names, strict=True)) if all(names) and len(set(names)) == len(names) \
            else {i: i for i in members}
        matrix = pd.DataFrame(0, index=rows, columns=[col[i] for i in members], dtype="int64")
        for i in members:
            cats = [_key(c) for c in getattr(fig.data[i], _axes(fig.data[i])[1])]
            for k, n in zip(cats, counts[i], strict=True):
                matrix.at[k, col[i]] += n
        p = protect_table(matrix, t, totals=True, name=_title(fig), same=same)
        for i in members:
            tr = fig.data[i]
            val, cat, _, _ = _axes(tr)
            cats = list(getattr(tr, cat))
            values = list(getattr(tr, val))
            cd = list(tr.customdata) if tr.customdata is not None else None
            text = list(tr.text) if isinstance(tr.text, (list, tuple, np.ndarray)) else None
            for j, c in enumerate(cats):
                st = p.status.at[_key(c), col[i]]
                if not st:
                    continue
                label = f"<{t}" if st == PRIMARY else "×"
                values[j] = None
                if cd is not None:
                    cd[j] = [label, *list(cd[j])[1:]] if isinstance(cd[j], (list, tuple, np.ndarray)) else label
                if text is not None:
                    text[j] = label
                hidden_at.setdefault(ca, set()).add(_key(c))
                marks.append((tr, c, label))
            tr[val] = values
            if cd is not None:
                tr.customdata = cd
            if text is not None:
                tr.text = text
    for i, tr in enumerate(fig.data):   # shares at a hidden category
        if i in counts or tr.type not in ("bar", "scatter"):
            continue
        val, cat, _, ca = _axes(tr)
        gone = hidden_at.get(ca)
        values = _values(tr, val)
        if not gone or values is None or getattr(tr, cat, None) is None:
            continue
        keep = [_key(c) not in gone for c in getattr(tr, cat)]
        tr[val] = [v if k else None for v, k in zip(getattr(tr, val), keep, strict=True)]
        if isinstance(tr.text, (list, tuple, np.ndarray)):
            tr.text = [x if k else DASH for x, k in zip(tr.text, keep, strict=True)]
    heat_hidden = _protect_heatmaps(fig, t)
    _scrub_strings(fig, t)
    if marks:
        _mark(fig, marks)
    if marks or heat_hidden:
        title = fig.layout.title.text or ""
        fig.update_layout(title_text=f"{title}<br><sub>灰色“×”或空白处为隐去的数：“<{t}”不足{t}人，"
                                     f"“×”为防止由合计反推而隐去；这些数未绘出</sub>",
                          margin_t=max(fig.layout.margin.t or 70, 95))
    return fig


def _title(fig: go.Figure) -> str:
    return re.sub(r"<[^>]+>", " ", fig.layout.title.text or "图表").strip()


def _mark(fig: go.Figure, marks) -> None:
    """One grey × per hidden cell at zero, in a trace named 未显示 per pair of axes."""
    by_axes: dict[tuple, list] = {}
    for tr, c, label in marks:
        by_axes.setdefault((getattr(tr, "xaxis", None) or "x", getattr(tr, "yaxis", None) or "y",
                            tr.type == "funnel" or getattr(tr, "orientation", None) == "h"), []).append(
            (c, f"{tr.name or ''} {c}：{label}（未显示）".strip()))
    first = True
    for (xa, ya, horizontal), pts in by_axes.items():
        cats, hover = [c for c, _ in pts], [h for _, h in pts]
        zeros = [0] * len(cats)
        fig.add_scatter(x=zeros if horizontal else cats, y=cats if horizontal else zeros,
                        xaxis=xa, yaxis=ya, mode="markers", name=HIDDEN_NAME, showlegend=first,
                        marker={"symbol": "x-thin-open", "size": 11, "color": HIDDEN_COLOR,
                                "line": {"width": 2, "color": HIDDEN_COLOR}},
                        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>")
        first = False


def _protect_heatmaps(fig: go.Figure, t: int) -> bool:
    """Heat-map cells whose text or hover holds a small count: not coloured, text scrubbed."""
    hid = False
    for tr in fig.data:
        if tr.type != "heatmap" or tr.z is None:
            continue
        z = [list(r) for r in tr.z]
        for attr in ("text", "customdata", "hovertext"):
            grid = getattr(tr, attr, None)
            if grid is None or isinstance(grid, str):
                continue
            for r, row in enumerate(grid):
                for c, cell in enumerate(row if isinstance(row, (list, tuple, np.ndarray)) else []):
                    if isinstance(cell, str) and _scrub_text(cell, t) != cell and r < len(z) and c < len(z[r]):
                        z[r][c] = None
                        hid = True
        tr.z = z
    return hid


def _scrub_strings(fig: go.Figure, t: int) -> None:
    for tr in fig.data:
        for attr in ("customdata", "text", "hovertext"):
            v = getattr(tr, attr, None)
            if isinstance(v, str):
                tr[attr] = _scrub_text(v, t)
            elif v is not None:
                tr[attr] = _deep_scrub(v, t)
    if fig.layout.title.text:
        fig.layout.title.text = _COUNT_IN_TITLE.sub(
            lambda m: f"<{t}{m.group(2)}{m.group(3)}" if 0 < int(m.group(1)) < t else m.group(0),
            fig.layout.title.text)
    for a in fig.layout.annotations or ():
        if a.text:
            a.text = _scrub_text(a.text, t) if "上限" not in a.text else a.text


def _deep_scrub(v, t: int):
    if isinstance(v, str):
        return _scrub_text(v, t)
    if isinstance(v, (list, tuple, np.ndarray)):
        return [_deep_scrub(x, t) for x in v]
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 < int(v) < t:
        return f"<{t}"
    return v


__all__ = ["AUDIENCES", "COVERAGE", "STAMPS", "Publisher", "check_audience", "protect_figure", "withheld"]
_ = COMPLEMENTARY  # the status names are disclosure's
