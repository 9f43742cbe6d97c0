"""The offline HTML report: one self-contained file, plotly.js embedded once, no network request.

Only aggregates enter the report; names and identity numbers never do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from . import __version__, charts, figures, sections
from .config import REPORTS_DIR
from .db import meta
from .errors import QingmiaoError
from .privacy import small_cell_threshold
from .sections._render import env, figure_html


def default_out(year: int) -> Path:
    """Where ``qingmiao report --year Y`` writes by default: ``reports/qingmiao-Y.html``."""
    return REPORTS_DIR / f"qingmiao-{int(year)}.html"


def _out_path(path: Path) -> Path:
    """Where to write: a symlink's target; refuse a directory, device or other non-file."""
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        raise QingmiaoError(f"输出路径 {path} 已存在且不是普通文件（请给出一个 .html 文件名）")
    return path


def _headline_rows(df: pd.DataFrame) -> list[dict]:
    rows = []
    for r in df.itertuples():
        share = "" if pd.isna(r.share) else f"{r.share:.1%}（{r.denominator}）"
        article = f"{r.article_value}" + ("" if pd.isna(r.article_share) else f"（{r.article_share:.1%}）")
        rel = (r.value - r.article_value) / r.article_value if r.article_value else 0.0
        rows.append({
            "code": r.code, "label": r.label, "value": f"{r.value:,}", "share": share,
            "article": article, "diff": f"{rel:+.0%}",
            "diff_class": "diff-ok" if abs(r.value - r.article_value) <= max(2, 0.15 * r.article_value)
            else "diff-far",
        })
    return rows


def write_report(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int,
    out: str | Path | None = None,
    unmasked: bool = False,
) -> Path:
    """Write the report of ``year`` to ``out`` (default ``reports/qingmiao-YEAR.html``).

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect`.
    year
        The report's year; figures are taken on 31 December.
    out
        The HTML file to write; its folder is created.
    unmasked
        Passed to the sections (the CLI's ``--unmasked``); the report holds aggregates only, so
        it changes nothing yet.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    head = figures.headline(con, year=year)
    as_of = dt.date.fromisoformat(head.attrs["as_of"])
    threshold = small_cell_threshold(con)
    info = meta(con)
    classification = con.execute("select rule_txt('report.classification')").fetchall()[0][0]
    parts = sections.build_all(sections.Context(con=con, year=int(year), as_of=as_of,
                                                threshold=threshold, unmasked=unmasked))
    html = env().get_template("report.html.j2").render(
        title=f"青苗助跑行动 年度分析报告（{year}年）",
        jurisdiction=info.get("jurisdiction", "本辖区"),
        classification=classification,
        year=year,
        as_of=as_of.isoformat(),
        rules_version=head.attrs["rules_version"],
        source=info.get("source", "导入数据"),
        generated_at=dt.datetime.now().isoformat(timespec="seconds"),
        version=__version__,
        font=charts.FONT,
        plotlyjs=Markup(get_plotlyjs()),
        headline=_headline_rows(head),
        headline_chart=figure_html(charts.headline_bars(head)),
        sections=parts,
        numerals="二三四五六七八九十",
        threshold=threshold,
    )
    path = _out_path(Path(out) if out is not None else default_out(year))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
