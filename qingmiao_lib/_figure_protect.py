"""How a published chart hides what its audience may not see (:func:`protect_figure`): the
count traces of a figure protected as a table, hidden points left out of its data and marked
未显示, small counts in its texts shown "<5". :mod:`qingmiao_lib.published` uses it for every
figure an exported notebook shows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._ledger import protect_table
from .disclosure import DASH, PRIMARY

HIDDEN_NAME = "未显示"
HIDDEN_COLOR = "#8a9199"

_INT = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)\s*$")
#: An integer in running text that counts something (not a decimal, share, date or age).
_COUNT_IN_TEXT = re.compile(r"(?<![\d.,:\-/年月])(\d{1,3}(?:,\d{3})+|\d+)(?![\d.,%:\-/]|\s*(?:月|年|岁|日|号|季|时|学时|天|个月))")
#: A count of people or things in a title: "超过上限 3 名", "共 4 人".
_COUNT_IN_TITLE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\s*)(人|名|个|项)")


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
    whole = {g: _sums(fig, members) for g, members in groups.items()}   # before hiding
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
    filled = False
    for g, members in groups.items():       # a 100% bar keeps its length: the hidden part grey
        if _fill_shares(fig, members, whole[g]):  # … which marks the hidden cells: no × as well
            filled = True
            traces = [fig.data[i] for i in members]
            marks = [m for m in marks if not any(m[0] is tr for tr in traces)]
    heat_hidden = _protect_heatmaps(fig, t)
    _scrub_strings(fig, t)
    if marks:
        _mark(fig, marks)
    if marks or heat_hidden or filled:
        where = "灰色斜线部分" if filled and not marks else "灰色“×”、斜线或空白处" if filled else "灰色“×”或空白处"
        title = fig.layout.title.text or ""
        fig.update_layout(title_text=f"{title}<br><sub>{where}为隐去的数：“<{t}”不足{t}人，"
                                     f"“×”为防止由合计反推而隐去；这些数未绘出</sub>",
                          # room for the note and, under it, a legend row above the plot: at 95
                          # a long legend (right) ran into a long note (left)
                          margin_t=max(fig.layout.margin.t or 70, 125))
    return fig


def _sums(fig: go.Figure, members: list[int]) -> dict[str, float]:
    """Each category's sum of the plotted values of a group's traces."""
    out: dict[str, float] = {}
    for i in members:
        val, cat, _, _ = _axes(fig.data[i])
        for c, v in zip(getattr(fig.data[i], cat), _values(fig.data[i], val), strict=True):
            out[_key(c)] = out.get(_key(c), 0.0) + (0.0 if not np.isfinite(v) else float(v))
    return out


def _fill_shares(fig: go.Figure, members: list[int], whole: dict[str, float]) -> bool:
    """In a stacked bar chart of shares (each category's bars sum to 100, or to 1), the part a
    protection took out is drawn as one grey hatched bar named 未显示, so that no bar reads as
    shorter than it is. Its size is the sum of the hidden parts — the category's total less what
    is shown, which a reader of the shown parts already knows."""
    bars = [fig.data[i] for i in members]
    if not bars or any(b.type != "bar" for b in bars) or fig.layout.barmode not in ("stack", "relative"):
        return False
    full = [v for v in whole.values() if v]
    scale = 100.0 if full and all(abs(v - 100) < 0.5 for v in full) else \
        1.0 if full and all(abs(v - 1) < 0.005 for v in full) else None
    if scale is None:
        return False
    shown = _sums(fig, members)
    rest = {c: whole[c] - shown.get(c, 0.0) for c in whole if whole[c] - shown.get(c, 0.0) > scale * 1e-6}
    if not rest:
        return False
    val, _, _, _ = _axes(bars[0])
    horizontal = val == "x"
    cats, sizes = list(rest), [rest[c] for c in rest]
    fig.add_bar(x=sizes if horizontal else cats, y=cats if horizontal else sizes,
                orientation="h" if horizontal else "v", name=HIDDEN_NAME,
                xaxis=getattr(bars[0], "xaxis", None) or "x", yaxis=getattr(bars[0], "yaxis", None) or "y",
                marker={"color": "#eef0f2", "line": {"color": HIDDEN_COLOR, "width": 1},
                        "pattern": {"shape": "/", "fgcolor": HIDDEN_COLOR, "size": 6}},
                hovertemplate="%{" + ("y" if horizontal else "x") + "}：未显示的部分（“<5”或“×”）<extra></extra>")
    return True


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
            lambda m: f"<{t}{m.group(2)}{m.group(3)}" if 0 < int(m.group(1).replace(",", "")) < t
            else m.group(0),
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


__all__ = ["HIDDEN_COLOR", "HIDDEN_NAME", "protect_figure"]
