"""One county of a combined database as a connection of its own, under its own rules, and any
analysis run county by county (the county as a slice and as a dimension)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import duckdb
import pandas as pd

from .. import figures, sql
from .. import rules as rules_mod
from ..db import TABLES, connect, rules_version, set_meta
from ..errors import QingmiaoError
from . import _tables
from ._build import is_combined

#: The county column of the total rows of :func:`headline_by_county` (no county code is Chinese).
TOTAL = "合计"


def counties(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The counties of the combined database ``con``: one row per county, in code order —
    ``county, name, source_file, …, data_checksum, rules_version, persons, data_from, data_to,
    combined_at`` (see ``sql/combine/counties.sql``). A county's database is refused."""
    if not is_combined(con):
        raise QingmiaoError("这不是汇总数据库（没有 counties 表）：请用 qingmiao combine 生成")
    return con.execute(sql.load("combine/counties")).df()


def _county(con: duckdb.DuckDBPyConnection, county: str) -> dict:
    table = counties(con)
    row = table.loc[table["county"] == county]
    if row.empty:
        raise QingmiaoError(f"汇总数据库中没有县 {county}（有：{'、'.join(table['county'])}）")
    return row.iloc[0].to_dict()


def county_connection(con: duckdb.DuckDBPyConnection, county: str) -> duckdb.DuckDBPyConnection:
    """A new in-memory database holding one county's records of the combined database ``con``
    (keys as stored, ``county:``-prefixed; its jurisdiction quotas back in ``quotas``), under the
    rules recorded for that county: every analysis run on it answers for that county exactly as
    its own database would. The county's records are copied into memory (county scale); close
    the connection when done.

    Examples
    --------
    >>> with county_connection(con, "A") as a:                    # doctest: +SKIP
    ...     qm.pipeline.eligibility(a, as_of=dt.date(2024, 3, 31))
    """
    row = _county(con, county)
    loaded = json.loads(row["rules_json"])
    if rules_mod.version(loaded) != row["rules_version"]:
        raise QingmiaoError(f"县 {county} 记录的规则与其版本 {row['rules_version']} 不符：汇总数据库已被改动，请重新汇总")
    out = connect(":memory:", create=True)
    try:
        rules_mod.install(out, loaded)
        for table in TABLES:
            _tables.load_rows(out, table, _tables.county_rows(con, table, county=county))
        _tables.load_rows(out, "quotas", con.sql(
            sql.load("combine/jurisdiction_quotas"), params={"county": county}).to_arrow_reader())
        span = {k: int(row[k]) for k in ("data_from", "data_to") if pd.notna(row[k])}
        set_meta(out, **span, county_code=county, county_name=row["name"], jurisdiction=row["name"],
                 rules_version=row["rules_version"], source=f"汇总数据库中的县 {county}")
    except BaseException:
        out.close()
        raise
    return out


def _codes(con, wanted: str | Sequence[str] | None) -> list[tuple[str, str]]:
    table = counties(con)
    pairs = list(zip(table["county"], table["name"], strict=True))
    if wanted is None:
        return pairs
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    missing = sorted(set(wanted) - set(table["county"]))
    if missing:
        raise QingmiaoError(f"汇总数据库中没有县 {'、'.join(missing)}（有：{'、'.join(table['county'])}）")
    return [p for p in pairs if p[0] in wanted]


def by_county(con: duckdb.DuckDBPyConnection, analysis: Callable[..., pd.DataFrame], /, *,
              counties: str | Sequence[str] | None = None, **kwargs) -> pd.DataFrame:
    """Run ``analysis(county_con, **kwargs)`` — any analysis function of the library — once per
    county of the combined database ``con``, each on :func:`county_connection` under that
    county's own rules, and stack the results.

    Returns
    -------
    pandas.DataFrame
        The analysis's rows with ``county`` and ``county_name`` first. ``attrs``:
        ``rules_versions`` ({county: version}), ``rules_differ`` and the first county's other
        attrs (as_of, year …).

    Examples
    --------
    >>> by_county(con, qm.structure.headcount, as_of=dt.date(2023, 12, 31), by="gender")  # doctest: +SKIP
    """
    frames, versions, attrs = [], {}, {}
    for code, name in _codes(con, counties):
        with county_connection(con, code) as c:
            try:
                df = analysis(c, **kwargs)
            except QingmiaoError as e:
                raise QingmiaoError(f"县 {code}（{name}）：{e}") from None
            versions[code] = rules_version(c)
        attrs = attrs or dict(df.attrs)
        df = df.copy()
        df.insert(0, "county_name", name)
        df.insert(0, "county", code)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out.attrs.update(attrs, rules_versions=versions, rules_differ=len(set(versions.values())) > 1)
    out.attrs.pop("rules_version", None)
    return out


def headline_by_county(con: duckdb.DuckDBPyConnection, *, year: int,
                       counties: str | Sequence[str] | None = None) -> pd.DataFrame:
    """F1–F9 of ``year`` per county (each under its own rules) and in total.

    Returns
    -------
    pandas.DataFrame
        One row per county and figure, then one per figure with ``county`` = ``"合计"``:
        ``county, county_name, code, label, value, denominator, share``. A total's value and
        denominator are the counties' sums; its share is recomputed from them (never an
        average of the counties' shares). Where the counties' labels differ (other young age
        limits), the total's label lists them. ``attrs``: ``year``, ``rules_versions``,
        ``rules_differ``.
    """
    df = by_county(con, figures.headline, counties=counties, year=year)
    df = df[["county", "county_name", "code", "label", "value", "denominator", "share"]]
    total = df.groupby("code", sort=True).agg(
        value=("value", "sum"), denominator=("denominator", lambda s: s.sum(min_count=1)),
        label=("label", lambda s: " / ".join(dict.fromkeys(s)))).reset_index()
    total["denominator"] = total["denominator"].astype("Int64")
    total["share"] = (total["value"] / total["denominator"].astype("Float64")).where(
        total["code"].isin(figures.WITH_SHARE) & (total["denominator"] > 0))
    total.insert(0, "county_name", "全部县合计")
    total.insert(0, "county", TOTAL)
    out = pd.concat([df, total[df.columns]], ignore_index=True)
    out.attrs.update(df.attrs)
    return out


def headline_side_by_side(con: duckdb.DuckDBPyConnection, *, year: int) -> pd.DataFrame:
    """The counties side by side, as a prefecture's report opens: one row per figure
    (``code``, ``label`` of the total), one column of values per county (its name, with its
    code when two counties share a name) and ``合计``, then the shares of F2, F5, F6 likewise (columns ``<name>占比``). Unprotected:
    a report applies its small-cell protection to it as to any table."""
    long = headline_by_county(con, year=year)
    pairs = long[["county", "county_name"]].drop_duplicates()
    unique = not pairs["county_name"].duplicated().any()
    long["column"] = long["county_name"] if unique else long["county_name"] + "（" + long["county"] + "）"
    long.loc[long["county"] == TOTAL, "column"] = TOTAL
    names = list(dict.fromkeys(long["column"]))
    wide = long.pivot(index="code", columns="column", values="value")[names]
    shares = long.pivot(index="code", columns="column", values="share")[names]
    shares.columns = [f"{n}占比" for n in names]
    labels = long.loc[long["county"] == TOTAL].set_index("code")["label"]
    out = pd.concat([labels, wide, shares], axis=1).reset_index()
    out.attrs.update(long.attrs)
    return out


def eligibility_by_county(con: duckdb.DuckDBPyConnection, *, as_of, counties: str | Sequence[str] | None = None,
                          **kwargs) -> pd.DataFrame:
    """Rank-promotion eligibility on ``as_of`` of every county, each judged by its own rules and
    against its own quotas (``pipeline.eligibility`` per county; ``county`` first)."""
    from .. import pipeline

    return by_county(con, pipeline.eligibility, counties=counties, as_of=as_of, **kwargs)
