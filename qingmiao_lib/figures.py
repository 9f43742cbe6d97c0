"""The headline figures F1–F9 of the seed article (SPEC §5), computed from the records.

>>> import qingmiao_lib as qm
>>> con = qm.connect("data/qingmiao.duckdb")              # doctest: +SKIP
>>> qm.figures.headline(con, year=2023)                     # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from . import _query, sql
from ._slice import county_codes
from .db import stored_current
from .errors import QingmiaoError
from .labels import young_labels

#: What each figure counts (Chinese labels for tables, charts and the report), with the rules'
#: values filled in by :func:`labels`: ``{under}`` the young age limit ("40岁以下"), ``{block}``
#: the years of an 优秀 block that earns a merit (``assessment.streak_block_years``).
LABELS = {
    "F1": "年轻公务员库中{under}年轻公务员（人）",
    "F2": "两型干部库中的年轻公务员（人）",
    "F3": "年轻公务员参加培训（人次，不含网络培训）",
    "F4": "选派到一线实践锻炼的年轻公务员（人）",
    "F5": "年度考核优秀的年轻公务员（人）",
    "F6": "连续{block}年优秀记三等功的年轻公务员（人）",
    "F7": "提拔担任领导职务的年轻公务员（人）",
    "F8": "晋升职级后退出领导岗位的年龄较大干部（人）",
    "F9": "职级晋升的年轻公务员（人）",
}

#: The values reported in the seed article for Gaoping, 2023 (shared/seed/README.md), for
#: comparison only: nothing computes from them.
ARTICLE = {
    "F1": (698, None), "F2": (106, 0.242), "F3": (820, None), "F4": (30, None),
    "F5": (155, 0.49), "F6": (5, 0.238), "F7": (20, None), "F8": (8, None), "F9": (45, None),
}

#: Figures that are a share of a denominator.
WITH_SHARE = ("F2", "F5", "F6")

#: What the share of F2, F5 and F6 is a share of (the ``denominator_label`` column; the rules'
#: values filled in as in :data:`LABELS`).
DENOMINATORS = {
    "F2": "占两型干部库在库人数（各年龄）",
    "F5": "占全部年度考核优秀人数（各年龄）",
    "F6": "占全部完成{block}年连续优秀周期人数（各年龄）",
}

MIN_YEAR, MAX_YEAR = 1950, 2100

#: The years whose F5 and F6 the stored grade masks answer (table ``grade_years``, bit y − 1950
#: for the years 1950 … 2076, ``snapshots/grade_years.sql``): ``figures/headline.sql`` keeps the
#: bits up to $year with a mask ``1 << ($year − 1950 + 1)``, which a HUGEINT holds up to 2075.
GRADE_MASK_YEARS = range(1950, 2076)


def data_years(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """The first and last year the records cover (None when the database holds no one).

    The span the database states (``meta`` keys ``data_from``/``data_to``: the demo's simulated
    years), else from the earliest entry to the latest dated record of any kind — an entry, exit,
    assessment, rank, post, pool, training or practice.
    """
    # the file alone: looked up once while a read-only connection lives
    first, last = _query.settled(con, ("data-years",), lambda: _data_years(con))
    if first is None:
        return None
    return int(first), int(last)


def _data_years(con: duckdb.DuckDBPyConnection) -> tuple[int | None, int | None]:
    """The span the database states (``sql/figures/stated_years.sql``, no record table read)
    when it states both years, else the records' own (``sql/figures/data_years.sql``)."""
    first, last, anyone = con.execute(sql.load("figures/stated_years")).fetchall()[0]
    if not anyone:
        return None, None
    if first is not None and last is not None:
        return first, last
    return con.execute(sql.load("figures/data_years")).fetchall()[0]


def labels(con: duckdb.DuckDBPyConnection, *, given: _query.Rules | None = None
           ) -> tuple[dict[str, str], dict[str, str]]:
    """:data:`LABELS` and :data:`DENOMINATORS` with the values of the rules ``con`` loaded (or
    ``given``, the rules already read): F1 says "35岁以下" under a young age limit of 35, F6 the
    length of an 优秀 block."""
    r = given or _query.rules(con)
    values = {"under": young_labels(r.young_limit)[0], "block": r.streak_block_years}
    return ({k: v.format(**values) for k, v in LABELS.items()},
            {k: v.format(**values) for k, v in DENOMINATORS.items()})


def headline(con: duckdb.DuckDBPyConnection, *, year: int,
             counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The nine headline figures of ``year``, taken on 31 December unless a figure says otherwise.

    Parameters
    ----------
    con
        A connection from :func:`qingmiao_lib.connect`.
    year
        The figures' year.
    counties
        County codes of a combined database (one or several): the figures of those counties'
        persons, as their own databases give them under this connection's rules (for each
        county under its own rules: :func:`qingmiao_lib.combine.headline_by_county`). Refused
        on a county's own database.

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``code`` (F1–F9), ``label``, ``value`` (persons; F3 training
        records), ``denominator`` and ``share`` (F2, F5, F6; missing otherwise),
        ``denominator_label`` (what the share is of, e.g. "占两型干部库在库人数（各年龄）"; missing
        where there is no share), ``article_value`` and ``article_share`` (the seed article's
        Gaoping values). ``attrs`` carries ``year``, ``as_of``, ``rules_version`` and
        ``young_limit``.

    Raises
    ------
    QingmiaoError
        When the database holds no records for ``year``.

    Examples
    --------
    >>> df = headline(con, year=2023)                         # doctest: +SKIP
    >>> df.set_index("code").loc["F9", "value"]               # doctest: +SKIP
    45
    """
    year = int(year)
    span = data_years(con)
    if span is None:
        raise QingmiaoError("数据库中没有人员记录（请先运行 qingmiao demo 或 qingmiao import）")
    if not (MIN_YEAR <= year <= MAX_YEAR) or not (span[0] <= year <= span[1]):
        raise QingmiaoError(f"{year}年没有数据：数据库记录的年份为 {span[0]}–{span[1]}")
    codes = county_codes(con, counties)
    r = _query.rules(con)                      # read once for the date, the labels and attrs
    as_of = _query.year_end(con, year, given=r)
    # while the stored tables are current (their stamps match the records and rules), F3 reads
    # each person's classes of the year (training_years) and F5/F6 each person's 优秀 years as
    # bits (grade_years) instead of every training and grade row: the same answers (at a
    # million persons the grades' window alone cost ~1.4 s of CPU)
    courses = stored_current(con, "training_years", "training_stamp")
    masks = year in GRADE_MASK_YEARS and stored_current(con, "grade_years", "grade_stamp")
    with (_query.reading(con, "training/courses", when=courses),
          _query.reading(con, "pipeline/grades", when=masks)):
        rows = _query.fetch(con, "figures/headline",
                            {"year": year, "as_of": as_of, "counties": codes}).to_pydict()
    names, denominators = labels(con, given=r)
    # nine rows: the columns built as lists, then typed once (a pandas step per column costs more)
    codes, values, of = rows["code"], rows["value"], rows["denominator"]
    df = pd.DataFrame({
        "code": _query.text(codes),
        "label": _query.text([names.get(c) for c in codes]),
        "value": np.asarray(values, dtype=np.int64),
        "denominator": pd.array(of, dtype="Int64"),
        "share": pd.array([v / d if c in WITH_SHARE and d is not None and d > 0 else None
                           for c, v, d in zip(codes, values, of, strict=True)], dtype="Float64"),
        "denominator_label": _query.text([denominators.get(c) for c in codes]),
        "article_value": np.asarray([ARTICLE[c][0] for c in codes], dtype=np.int64),
        "article_share": pd.array([ARTICLE[c][1] for c in codes], dtype="Float64"),
    })
    df.attrs.update(year=year, as_of=as_of.isoformat(), rules_version=r.version, young_limit=r.young_limit)
    return df


def headline_json(con: duckdb.DuckDBPyConnection, *, year: int) -> dict:
    """The figures as one JSON-ready object keyed ``"F1"`` … ``"F9"``.

    Each entry is ``{"value": int}``, plus ``"share"`` (a fraction 0–1) and ``"denominator"``
    for F2, F5 and F6. Nothing else: the year, as-of date and rules version are in the table
    and CSV formats and in :func:`headline`'s ``attrs``.
    """
    df = headline(con, year=year)
    out: dict = {}
    for row in df.itertuples():
        entry: dict = {"value": int(row.value)}
        if row.code in WITH_SHARE:
            entry["denominator"] = int(row.denominator)
            entry["share"] = None if pd.isna(row.share) else round(float(row.share), 4)
        out[row.code] = entry
    return out
