"""The slice of persons every analysis area filters on (:class:`Slice`), one spelling for all
areas, turned into bound parameters. Split from :mod:`qingmiao_lib._query`, which re-exports
every name here.

**The county** (issue 23) is a filter like the unit: ``counties`` (county codes) keeps the
persons whose key carries one of them (SQL ``county_of(person_id)``, ``base/macros.sql``), in the
same SQL macros as the unit filter. Only a combined database has counties (every key there is
``CODE:…``); on a county's own database ``county_of`` is '' for everyone, so a county filter
(and the ``county`` dimension of the areas that group) is refused there with a
:class:`~qingmiao_lib.errors.QingmiaoError` (:func:`check_counties`) rather than answer nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields

import duckdb

from . import sql
from ._steady import remembered
from .errors import QingmiaoError

#: The unit kinds a slice may name (units.kind).
UNIT_KINDS = ("市直机关", "乡镇街道", "其他")
#: The talent pools a slice may name.
POOLS = ("年轻公务员库", "两型干部库")
#: Old spellings of the slice filters (structure's and evaluation's), accepted with a
#: DeprecationWarning → the one spelling of every area.
ALIASES = {"unit_kind": "unit_kinds", "gender": "genders", "education": "educations",
           "entry_cohort": "cohorts"}


@dataclass(frozen=True)
class Slice:
    """The slice of persons an analysis counts, one spelling for every area; each filter None =
    no filter, a list filter takes one value or several. Taken on the analysis's date (the unit
    of the main post that day …). :meth:`params` gives the bound parameters the SQL files read
    (``$units``, ``$counties``, ``$unit_kinds``, ``$genders``, ``$educations``, ``$cohorts``,
    ``$pool``, ``$young``, ``$first_five``, ``$age_group``). ``counties``: county codes of a
    combined database (a person's county is the code before the colon of their key)."""

    units: tuple[str, ...] | None = None
    counties: tuple[str, ...] | None = None
    unit_kinds: tuple[str, ...] | None = None
    genders: tuple[str, ...] | None = None
    educations: tuple[str, ...] | None = None
    cohorts: tuple[int, ...] | None = None
    pool: str | None = None
    young: bool | None = None
    first_five: bool | None = None
    age_group: str | None = None

    @classmethod
    def of(cls, filters: Mapping[str, object], allowed: Collection[str] | None = None, *,
           stacklevel: int = 4) -> Slice:
        """The slice of keyword filters: old spellings (:data:`ALIASES`) renamed with a
        DeprecationWarning, names outside ``allowed`` (default: every field) refused with a
        TypeError, unit kinds and pools outside :data:`UNIT_KINDS` / :data:`POOLS` with a
        ValueError. ``stacklevel`` points the warning at the analysis's caller."""
        names = tuple(f.name for f in fields(cls)) if allowed is None else tuple(allowed)
        given: dict[str, object] = {}
        for name, value in filters.items():
            canonical = ALIASES.get(name, name) if name not in names else name
            if canonical not in names:
                raise TypeError(f"unknown filter(s) {name}; allowed: {', '.join(names)}")
            if value is None:
                continue
            if canonical != name:
                warnings.warn(f"the filter {name}= is now spelt {canonical}=", DeprecationWarning,
                              stacklevel=stacklevel)
            if canonical in given:
                raise TypeError(f"the filter {canonical} is given twice")
            given[canonical] = value
        kinds = _listed(given.get("unit_kinds"), str)
        if kinds and not set(kinds) <= set(UNIT_KINDS):
            raise ValueError(f"unit_kind must be among {', '.join(UNIT_KINDS)}, got {list(kinds)}")
        pool = given.get("pool")
        if pool is not None and pool not in POOLS:
            raise ValueError(f"pool must be one of {', '.join(POOLS)}, got {pool!r}")
        flags = {k: None if given.get(k) is None else bool(given[k]) for k in ("young", "first_five")}
        counties = _listed(given.get("counties"), str)
        if counties is not None and not all(counties):
            raise ValueError(f"a county code cannot be empty, got {list(counties)}")
        return cls(units=_listed(given.get("units"), str), counties=counties, unit_kinds=kinds,
                   genders=_listed(given.get("genders"), str), educations=_listed(given.get("educations"), str),
                   cohorts=_listed(given.get("cohorts"), int), pool=pool, **flags,
                   age_group=None if given.get("age_group") is None else str(given["age_group"]))

    def params(self) -> dict[str, object]:
        """The bound parameters: lists (DuckDB lists) or None."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}


def check_counties(con: duckdb.DuckDBPyConnection, counties=None, *, dimension: bool = False) -> None:
    """Refuse a county filter (``counties`` not None) or the county dimension (``dimension``) on
    a database that is not combined (``sql/combine/is_combined.sql``), where every person's
    county is '' (a one-line QingmiaoError: that database's records are its county's already).
    Asked once per :func:`~qingmiao_lib._steady.steady` block; nothing is asked without a county."""
    if counties is None and not dimension:
        return
    combined = remembered(con, ("slice", "combined"),
                          lambda: bool(con.execute(sql.load("combine/is_combined")).fetchall()[0][0]))
    if not combined:
        what = "按县分组" if dimension and counties is None else "按县筛选"
        raise QingmiaoError(f"{what}只适用于合并后的数据库（qingmiao combine）；本库是一个县自己的库，全部记录即本县")


def county_codes(con: duckdb.DuckDBPyConnection, counties) -> list[str] | None:
    """The county filter alone (one code or several) as its bound list (None = all), refused on
    a database that is not combined (:func:`check_counties`): for the analyses whose only slice
    is the county (the pipeline, the figures, the outlook, the shortlist)."""
    codes = Slice.of({"counties": counties}, ("counties",)).params()["counties"]
    check_counties(con, codes)
    return codes


def _listed(value, kind) -> tuple | None:
    """One value or several as a tuple of ``kind``; None stays None."""
    if value is None:
        return None
    if isinstance(value, str | int):
        value = [value]
    return tuple(kind(v) for v in value)
