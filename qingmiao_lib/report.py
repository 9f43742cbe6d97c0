"""The offline HTML report: one self-contained file, plotly.js embedded once, no network request.

Only aggregates enter the report; names and identity numbers never do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import plotly.io as pio
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from . import __version__, charts, figures, structure
from .config import REPORTS_DIR
from .db import meta
from .errors import QingmiaoError
from .privacy import show_count, small_cell_threshold

_PLOT_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


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


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("qingmiao_lib", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined,
    )


def _figure_html(fig) -> Markup:
    return Markup(pio.to_html(fig, full_html=False, include_plotlyjs=False, config=_PLOT_CONFIG))


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


def _pyramid_rows(df: pd.DataFrame, threshold: int) -> list[dict]:
    wide = (df.pivot_table(index=["band_start", "band"], columns="gender", values="persons",
                           aggfunc="sum", fill_value=0)
            .reindex(columns=["男", "女"], fill_value=0).sort_index())
    wide.loc[(9999, "合计"), :] = wide.sum()
    return [{"band": band, "male": show_count(m, threshold), "female": show_count(f, threshold),
             "total": show_count(m + f, threshold)}
            for (_, band), m, f in zip(wide.index, wide["男"], wide["女"], strict=True)]


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
        Accepted for the CLI's ``--unmasked``; this report holds aggregates only, so it changes
        nothing yet.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    head = figures.headline(con, year=year)
    as_of = dt.date.fromisoformat(head.attrs["as_of"])
    pyr = structure.age_pyramid(con, as_of=as_of, band_years=5, young_only=True)
    threshold = small_cell_threshold(con)
    info = meta(con)
    young_limit = int(con.execute("select rule_num('general.young_age_limit')").fetchall()[0][0])
    classification = con.execute("select rule_txt('report.classification')").fetchall()[0][0]
    html = _env().get_template("report.html.j2").render(
        title=f"青苗助跑行动 年度分析报告（{year}年）",
        jurisdiction=info.get("jurisdiction", "本辖区"),
        classification=classification,
        year=year,
        as_of=as_of.isoformat(),
        rules_version=head.attrs["rules_version"],
        source=info.get("source", "导入数据"),
        generated_at=dt.datetime.now().isoformat(timespec="seconds"),
        version=__version__,
        young_limit=young_limit,
        font=charts.FONT,
        plotlyjs=Markup(get_plotlyjs()),
        headline=_headline_rows(head),
        headline_chart=_figure_html(charts.headline_bars(head)),
        pyramid=_pyramid_rows(pyr, threshold),
        pyramid_chart=_figure_html(charts.pyramid(pyr, small_cell=threshold)),
        threshold=threshold,
    )
    path = _out_path(Path(out) if out is not None else default_out(year))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path
