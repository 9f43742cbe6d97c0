"""The tables behind the report section 分单位查看 (:mod:`.units`): what the selector offers — the
jurisdiction, each unit kind's sum and the largest units (:data:`SELECTOR_UNITS`), or a unit
report's units — and the four interior count tables of each, summed from the library's grouped
frames into one numpy array per chart (four grouped queries, no per-unit query or pandas work).

Split from :mod:`.units`, which re-exports every public name here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import evaluation, pipeline, structure, training
from .. import units as unit_list
from ._render import Context

#: the option of the whole jurisdiction in the selector
ALL = "__all__"
ALL_NAME = "全辖区"
#: the prefix of a unit kind's option (``__kind__:乡镇街道``): the sum of the kind's units
KIND = "__kind__:"
#: how many single units the county report's selector offers: those with the most persons in
#: post on the report's day (ties by unit id). The others are in the batch unit reports. The
#: selector's size, the page's size and the section's time grow with it, not with the units.
SELECTOR_UNITS = 60
#: the order of the unit kinds in the selector (others after them, by name)
KIND_ORDER = {"市直机关": 0, "乡镇街道": 1}

GENDERS = ["男", "女"]
COVERAGE = {"covered": "已训", "pending": "待训", "missing": "未训"}
GRADE_ORDER = ["优秀", "称职", "基本称职", "不称职", "不定等次"]
ELIGIBILITY = {"eligible": "符合条件", "quota_blocked": "职数受限", "not_qualified": "未满足条件"}

#: the four charts, in order: (key, Chinese title, corner of the table); the charts' own titles
#: name the young after the rules' limit (``labels.young_labels``: "40岁以下" by default)
CHARTS = (("pyramid", "年轻公务员年龄性别结构", "年龄"),
          ("training", "四类培训覆盖", "培训"),
          ("grades", "年度考核等次", "等次"),
          ("eligibility", "职级晋升资格", "拟晋升职级"))


@dataclass(frozen=True)
class UnitTables:
    """The four interior count tables of one unit (or of the jurisdiction), before protection."""

    pyramid: pd.DataFrame      # age band × gender, young persons
    training: pd.DataFrame     # rule × 已训/待训/未训
    grades: pd.DataFrame       # 人数 × grade (one row)
    eligibility: pd.DataFrame  # next rank × 符合条件/职数受限/未满足条件


@dataclass(frozen=True)
class Gathered:
    """What the selector offers and the tables behind it.

    ``listing``: every unit with someone in post on the day (``unit_id, unit_name, unit_kind,
    persons``; in a unit report only its units), ordered by kind and unit id; ``units``: the
    units offered one by one (a subset of ``listing``, same order); ``kinds``: the unit kinds
    offered as sums (``(option id, name)``; none in a unit report); ``tables``: the tables by
    option id — :data:`ALL`, every kind's id and every offered unit's id."""

    listing: pd.DataFrame
    units: pd.DataFrame
    kinds: list[tuple[str, str]]
    tables: dict[str, UnitTables]

    @property
    def left_out(self) -> int:
        """Units with someone in post that the selector does not offer one by one."""
        return len(self.listing) - len(self.units)


def _band_order(bands) -> list[str]:
    return sorted(set(bands), key=lambda b: int(str(b).split("–")[0]))


def _kind_key(kind) -> tuple:
    return (KIND_ORDER.get(kind, len(KIND_ORDER)), str(kind))


def _listing(ctx: Context) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """Units with someone in post on ``ctx.as_of`` (with ``persons``), ordered by kind and id;
    and the kind of every unit by id and by name. Once per batch of unit reports."""
    key = ("unit-listing", ctx.as_of)
    if key not in ctx.cache:
        con = ctx.con
        units = (unit_list.load(con)[["unit_id", "name", "kind"]]
                 .rename(columns={"name": "unit_name", "kind": "unit_kind"}))
        kind_of_id = dict(zip(units["unit_id"], units["unit_kind"], strict=True))
        kind_of_name = dict(zip(units["unit_name"], units["unit_kind"], strict=True))
        active = structure.headcount(con, as_of=ctx.as_of, by=["unit"])
        listing = units.merge(active, on="unit_name", how="inner").drop_duplicates("unit_id")
        order = listing["unit_kind"].map(lambda k: _kind_key(k)[0])
        listing = (listing.assign(_k=order).sort_values(["_k", "unit_kind", "unit_id"])
                   .drop(columns="_k").reset_index(drop=True))
        ctx.cache[key] = (listing, kind_of_id, kind_of_name)
    return ctx.cache[key]


def _reserved(uid: str) -> bool:
    return str(uid) == ALL or str(uid).startswith(KIND)


def _largest(listing: pd.DataFrame, n: int | None) -> pd.DataFrame:
    """The ``n`` units with the most persons in post (ties: the smaller unit id), in listing order."""
    if n is None or n >= len(listing):
        return listing
    n = max(0, int(n))
    top = listing.sort_values(["persons", "unit_id"], ascending=[False, True], kind="stable").head(n)
    return listing[listing["unit_id"].isin(set(top["unit_id"]))].reset_index(drop=True)


def _codes(values, keys: list[str]) -> np.ndarray:
    """The place of each value in ``keys`` (-1 when absent)."""
    return pd.Index(keys).get_indexer(pd.Series(values, dtype=object).astype(str))


def _sum_into(out: np.ndarray, codes: np.ndarray, df: pd.DataFrame, row_col: str | None,
              rows: list[str], cols: list[str], *, col_col: str | None = None,
              value: str | None = None) -> None:
    """Add ``df``'s counts into ``out[key, row, col]``: wide (``cols`` are columns of ``df``) or
    long (``col_col`` holds the column label, ``value`` the count). Rows whose key, row or column
    is not listed (code -1) are left out."""
    if df.empty:
        return
    r = np.zeros(len(df), dtype=np.intp) if row_col is None else _codes(df[row_col], rows)
    if col_col is None:
        ok = (codes >= 0) & (r >= 0)
        vals = df[cols].fillna(0).to_numpy(dtype=np.int64)
        np.add.at(out, (codes[ok], r[ok]), vals[ok])
    else:
        c = _codes(df[col_col], cols)
        ok = (codes >= 0) & (r >= 0) & (c >= 0)
        np.add.at(out, (codes[ok], r[ok], c[ok]), df[value].fillna(0).to_numpy(dtype=np.int64)[ok])


def gather(ctx: Context, *, max_units: int | None = SELECTOR_UNITS) -> Gathered:
    """The tables of what the selector offers (see :class:`Gathered`).

    A county report offers the jurisdiction, every unit kind with someone in post and the
    ``max_units`` largest units (None: every unit); a unit report its units (``ctx.units``,
    those with someone in post) and the jurisdiction. The library's grouped frames are summed
    into one array per chart: no per-unit query and no per-unit pandas work.
    """
    con, day, year = ctx.con, ctx.as_of, ctx.year
    listing, kind_of_id, kind_of_name = _listing(ctx)
    if ctx.units is not None:
        wanted = set(ctx.units)
        order = {u: i for i, u in enumerate(ctx.units)}
        listing = listing[listing["unit_id"].isin(wanted)]
        listing = listing.assign(_o=listing["unit_id"].map(order)).sort_values("_o").drop(columns="_o")
        listing = listing.reset_index(drop=True)
        units = listing
        kinds: list[tuple[str, str]] = []
    else:
        units = _largest(listing, max_units)
        kinds = [(KIND + k, f"{k}合计") for k in sorted(set(listing["unit_kind"]), key=_kind_key)]
    # a unit whose id is spelt like an option of the jurisdiction or a kind is only in its own report
    units = units[~units["unit_id"].map(_reserved)].reset_index(drop=True)
    sl = None if ctx.units is None else list(units["unit_id"])

    pyr = structure.headcount(con, as_of=day, by=["unit", "age_band", "gender"], young=True,
                              **({} if sl is None else {"units": sl}))
    cov = training.coverage_matrix(con, year=year, as_of=day, by="unit", units=sl)
    grd = evaluation.grade_distribution(con, year=year, by="unit", units=sl)
    eli = pipeline.eligibility_counts(con, as_of=day, units=sl)
    key = ("units", year, day)
    if key not in ctx.cache:        # the jurisdiction's tables: once per batch of unit reports
        ctx.cache[key] = (
            structure.headcount(con, as_of=day, by=["age_band", "gender"], young=True),
            training.coverage_matrix(con, year=year, as_of=day),
            evaluation.grade_distribution(con, year=year),
            eli if ctx.units is None else pipeline.eligibility_counts(con, as_of=day))
    pyr_all, cov_all, grd_all, eli_all = ctx.cache[key]
    bands = _band_order(pyr_all["age_band"]) or ["20–24岁"]
    rules = [str(r) for r in dict.fromkeys(cov_all["rule"])]
    ranks = (eli_all[["next_step", "next_rank"]].drop_duplicates().sort_values("next_step")["next_rank"]
             .astype(str).tolist())
    ranks = list(dict.fromkeys(ranks))

    keys = [ALL, *(k for k, _ in kinds), *units["unit_id"]]
    name_to_id = dict(zip(listing["unit_name"], listing["unit_id"], strict=True))

    def codes(frame: pd.DataFrame, col: str, *, by_name: bool = False) -> list[np.ndarray]:
        """Each frame row's place among ``keys``: as its unit, and as its unit's kind."""
        ids = frame[col].astype(object)
        if by_name:
            kind = ids.map(kind_of_name)
            ids = ids.map(name_to_id)
        else:
            kind = ids.map(kind_of_id)
        out = [_codes(ids, keys)]
        if kinds:
            out.append(_codes(KIND + kind.astype(str), keys))
        return out

    def cube(rows: list[str], cols: list[str], unit_frame, code_col, all_frame, row_col, *,
             by_name=False, col_col=None, value=None) -> np.ndarray:
        out = np.zeros((len(keys), len(rows), len(cols)), dtype=np.int64)
        for c in codes(unit_frame, code_col, by_name=by_name):
            _sum_into(out, c, unit_frame, row_col, rows, cols, col_col=col_col, value=value)
        _sum_into(out, np.zeros(len(all_frame), dtype=np.intp), all_frame, row_col, rows, cols,
                  col_col=col_col, value=value)
        return out

    pyramid = cube(bands, GENDERS, pyr, "unit_name", pyr_all, "age_band", by_name=True,
                   col_col="gender", value="persons")
    coverage = cube(rules, list(COVERAGE), cov, "group_id", cov_all, "rule")
    grades = cube(["人数"], GRADE_ORDER, grd, "group_key", grd_all, None, col_col="grade",
                  value="persons")
    eligibility = cube(ranks, list(ELIGIBILITY), eli, "unit_id", eli_all, "next_rank")

    def frame(a: np.ndarray, rows: list[str], cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame(a, index=pd.Index(rows, dtype=object), columns=pd.Index(cols, dtype=object))

    tables = {k: UnitTables(frame(pyramid[i], bands, GENDERS),
                            frame(coverage[i], rules, list(COVERAGE.values())),
                            frame(grades[i], ["人数"], GRADE_ORDER),
                            frame(eligibility[i], ranks, list(ELIGIBILITY.values())))
              for i, k in enumerate(keys)}
    return Gathered(listing=listing, units=units, kinds=kinds, tables=tables)
