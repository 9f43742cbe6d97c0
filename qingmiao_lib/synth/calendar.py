"""Date arithmetic on int32 day numbers (days since 1970-01-01), vectorised.

The simulation keeps every date as an integer day so that whole cohorts move at once; these
helpers mirror the SQL macros of ``sql/base/macros.sql`` (same month-end clamping).
"""

from __future__ import annotations

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
NEVER = np.int32(2**31 - 1)


def day(y: int, m: int = 1, d: int = 1) -> int:
    """The day number of one date."""
    return int((np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D") - EPOCH).astype(np.int64))


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1–12) and day of month of day numbers."""
    dt = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = dt.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (dt - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    first = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    return ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """days + months, clamped to the month's end (2024-01-31 + 1 month = 2024-02-29)."""
    y, m, d = ymd(days)
    total = (y - 1970) * 12 + (m - 1) + np.asarray(months, dtype=np.int64)
    ny, nm = total // 12 + 1970, total % 12 + 1
    nd = np.minimum(d, _days_in_month(ny, nm))
    first = ((ny - 1970) * 12 + nm - 1).astype("datetime64[M]").astype("datetime64[D]")
    return ((first - EPOCH).astype(np.int64) + nd - 1).astype(np.int32)


def full_months(a: np.ndarray, d: np.ndarray | int) -> np.ndarray:
    """The largest m with a + m months <= d (SPEC §5 full months)."""
    ya, ma, da = ymd(a)
    yd, md, dd = ymd(np.broadcast_to(np.asarray(d, dtype=np.int64), np.shape(a)))
    m0 = (yd - ya) * 12 + (md - ma)
    clamped = np.minimum(da, _days_in_month(yd, md))
    return m0 - (clamped > dd)


def age(birth: np.ndarray, d: np.ndarray | int) -> np.ndarray:
    """Whole years on d (a birthday on d counts)."""
    return full_months(birth, d) // 12


def year_of(days: np.ndarray) -> np.ndarray:
    return ymd(days)[0]


def first_of_next_month(days: np.ndarray) -> np.ndarray:
    """The first day of the month after each date."""
    months = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]") + 1
    return (months.astype("datetime64[D]") - EPOCH).astype(np.int32)
