"""The report's headline table (F1–F9 this year beside last year and the seed article): its rows
as the template prints them. Counts below the small-cell threshold print as "<5" (a headline
stands alone, with nothing to hide it among) unless the audience is 部内研判 (threshold 0); a
share prints with its denominator, or "—" when a count it comes from is small."""

from __future__ import annotations

import pandas as pd

#: The year of the seed article's figures (Gaoping, 2023: ``figures.ARTICLE``): the headline
#: table's 文章值 column is printed for that year only.
ARTICLE_YEAR = 2023


def fmt_count(value, threshold: int) -> str:
    """A headline count as printed: "<5" when small (it is published on its own, with nothing to
    hide it among; ``threshold`` 0 for the 部内研判 audience)."""
    if pd.isna(value):
        return "—"
    return f"<{threshold}" if 0 < int(value) < threshold else f"{int(value):,}"


def _share_text(r, threshold: int) -> str:
    """"26.8%（分母 441）" — or "—" when the count or its denominator is small."""
    if pd.isna(r.share) or any(0 < int(v) < threshold for v in (r.value, r.denominator)):
        return "—"
    return f"{r.share:.1%}（分母 {int(r.denominator):,}）"


def headline_rows(head: pd.DataFrame, last: pd.DataFrame | None, threshold: int) -> list[dict]:
    """The headline table's rows: the count this year and last, the change, the article's value;
    a figure with a share says under its label of what (F2, F5, F6: the denominator named)."""
    prev = {} if last is None else {r.code: r for r in last.itertuples()}
    rows = []
    for r in head.itertuples():
        p = prev.get(r.code)
        change = "—"
        small = any(0 < int(v) < threshold for v in (r.value, getattr(p, "value", 0) or 0)
                    if not pd.isna(v))
        if small:
            change = "—"                 # a change between small counts would give them away
        elif p is not None and p.value:
            change = f"{(r.value - p.value) / p.value:+.0%}"
        elif p is not None:
            change = "—" if not r.value else "新增"
        share = ""
        if not pd.isna(r.share):
            label = r.denominator_label if isinstance(r.denominator_label, str) and r.denominator_label else "占比"
            share = f"{label}：本年 {_share_text(r, threshold)}"
            if p is not None and not pd.isna(p.share):
                share += f"，上年 {_share_text(p, threshold)}"
        article = f"{r.article_value}" + ("" if pd.isna(r.article_share) else f"（{r.article_share:.1%}）")
        rows.append({
            "code": r.code, "label": r.label, "share": share,
            "value": fmt_count(r.value, threshold),
            "last": "—" if p is None else fmt_count(p.value, threshold),
            "change": change, "article": article,
            "diff_class": "diff-ok" if abs(r.value - r.article_value) <= max(2, 0.15 * r.article_value)
            else "diff-far",
        })
    return rows
