"""Recoding before suppression: merge categories by rule when that keeps a table's principal
figures visible or shows more of it.

A :class:`Plan` says which merges are allowed along one axis: named groups
(``{("基本称职", "不称职"): "基本称职及以下"}``) and, for ordered categories, any two adjacent
ones (age bands: ``25–29岁`` + ``30–34岁`` → ``25–34岁``). :func:`recode` merges greedily, one
merge at a time, the best by the score

    (table withheld, principal cells hidden, − cells shown)

(lexicographic, smaller is better; each table protected on its own), and stops when no allowed
merge strictly improves it. So a merge is made when it rescues a table that would be withheld,
when it avoids hiding a principal figure, or when it leaves more cells shown than before even
though the table has fewer cells — never only because fewer cells means fewer hidden ones.

A principal cell named by its labels that is merged becomes the merged cell, principal (its
category is still shown, summed with its neighbours); principal *keywords* (``"totals"`` …) apply
to the recoded table's totals. :class:`Recoded` carries the principal spec that results
(``principal``) for :meth:`Problem.add_table`.

"A small category shown only in the total" is not offered: dropping a row while keeping the
totals leaves it derivable as total minus the other rows, which protects nothing. Pool it with
others instead, as a named group (``{("事业单位", "其他"): "其他"}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

_BELOW = re.compile(r"^(\d+)岁以下$")
_SPAN = re.compile(r"^(\d+)\s*[–—\-~～至]\s*(\d+)\s*(岁)?$")
_ABOVE = re.compile(r"^(\d+)岁(及)?以上$")


@dataclass(frozen=True)
class Merge:
    """Categories ``parts`` of ``axis`` (``"index"`` or ``"columns"``) shown as one, ``label``."""

    axis: str
    parts: tuple
    label: str

    def __str__(self) -> str:
        return f"{'、'.join(map(str, self.parts))}合并为{self.label}"


@dataclass
class Plan:
    """Allowed merges along ``axis``: named ``groups`` (a mapping ``tuple of labels → merged
    label``) and, with ``adjacent=True``, any two neighbouring categories (in the table's
    order), labelled by ``label(parts)`` (default :func:`band_label`)."""

    axis: str = "columns"
    groups: Mapping[tuple, str] = field(default_factory=dict)
    adjacent: bool = False
    label: Callable[[Sequence[Hashable]], str] | None = None

    def __post_init__(self):
        self.axis = {"rows": "index", "row": "index", "column": "columns"}.get(self.axis, self.axis)
        if self.axis not in ("index", "columns"):
            raise ValueError("axis is 'index' (rows) or 'columns'")


@dataclass
class Recoded:
    """The recoded table, its merges, and the table's hidden cells (protected on its own)
    before and after."""

    frame: pd.DataFrame | pd.Series
    merges: list[Merge]
    hidden_before: int
    hidden_after: int
    principal_hidden_before: int
    principal_hidden_after: int
    withheld_before: bool
    withheld_after: bool
    principal: object = ()

    @property
    def log(self) -> list[str]:
        return [str(m) for m in self.merges]


def _band(label) -> tuple[int | None, int | None, str] | None:
    s = str(label).strip()
    if m := _BELOW.match(s):
        return None, int(m[1]), ""
    if m := _SPAN.match(s):
        return int(m[1]), int(m[2]) + 1, m[3] or ""
    if m := _ABOVE.match(s):
        return int(m[1]), None, m[2] or ""
    return None


def band_label(parts: Sequence[Hashable]) -> str:
    """The label of merged neighbouring age bands: ``25岁以下`` + ``25–29`` → ``30岁以下``;
    ``30–34岁`` + ``35–39岁`` → ``30–39岁``; ``35–39`` + ``40岁以上`` → ``35岁以上``
    (``N岁以下`` means under N, as the project's age groups do). Labels that are not bands are
    joined with ``、``."""
    first, last = _band(parts[0]), _band(parts[-1])
    if first is None or last is None:
        return "、".join(map(str, parts))
    lo, hi = first[0], last[1]
    if lo is None and hi is None:
        return "各年龄段"
    if lo is None:
        return f"{hi}岁以下"
    if hi is None:
        return f"{lo}岁{last[2]}以上"
    unit = first[2] or last[2]
    return f"{lo}–{hi - 1}{unit}"


def apply_merges(frame: pd.DataFrame | pd.Series, merges: Sequence[Merge]
                 ) -> pd.DataFrame | pd.Series:
    """The table with each merge applied in turn (the merged category takes the place of its
    first part). For a Series the axis is its index."""
    series = isinstance(frame, pd.Series)
    f = frame.to_frame() if series else frame.copy()
    for m in merges:
        g = f if m.axis == "index" or series else f.T
        labels = list(g.index)
        missing = [p for p in m.parts if p not in labels]
        if missing:
            raise KeyError(f"cannot merge {m}: no {missing}")
        merged = g.loc[list(m.parts)].sum(axis=0)
        rows, values = [], []
        for lab in labels:
            if lab == m.parts[0]:
                rows.append(m.label)
                values.append(merged)
            elif lab not in m.parts:
                rows.append(lab)
                values.append(g.loc[lab])
        g = pd.DataFrame(values, index=rows, columns=g.columns)
        f = g if m.axis == "index" or series else g.T
    f = f.astype("int64")
    return f.iloc[:, 0].rename(frame.name) if series else f


def candidates(frame: pd.DataFrame | pd.Series, plan: Plan) -> list[Merge]:
    """The merges ``plan`` allows on ``frame`` as it is."""
    axis = "index" if isinstance(frame, pd.Series) else plan.axis
    labels = list(frame.index if axis == "index" else frame.columns)
    out = []
    for members, label in dict(plan.groups).items():
        present = tuple(lab for lab in labels if lab in set(members))
        if len(present) >= 2 and (label not in labels or label in present):
            out.append(Merge(axis, present, label))
    if plan.adjacent:
        name = plan.label or band_label
        for a, b in zip(labels, labels[1:], strict=False):
            out.append(Merge(axis, (a, b), name([a, b])))
    return out


def _score(frame, threshold, totals, principal, method):
    from ._model import Problem

    p = Problem(threshold)
    p.add_table("t", frame, totals=totals, principal=principal)
    res = p.protect(method)
    prot = res["t"]
    hidden = prot.suppressed.to_numpy()
    tab, cp = p.tables["t"], p.compile()
    prin = {(r, c) for r in tab.values.index for c in tab.values.columns
            if cp.principal[cp.canon[tab[r, c]]]}
    n_prin = sum(bool(prot.status.at[r, c]) for r, c in prin)
    shown = int((~hidden).sum())
    return (int(prot.withheld), n_prin, -shown), int(hidden.sum())


def _follow(principal, m: Merge):
    """The ``principal=`` spec after merge ``m``: a named cell of a merged category becomes the
    merged cell (principal if any of its parts was)."""
    if isinstance(principal, str | bool):
        return principal
    out = []
    for s in principal:
        if isinstance(s, tuple) and len(s) == 2:
            r, c = s
            if m.axis == "index" and r in m.parts:
                r = m.label
            if m.axis == "columns" and c in m.parts:
                c = m.label
            s = (r, c)
        elif s in m.parts:
            s = m.label
        if s not in out:
            out.append(s)
    return out


def recode(frame: pd.DataFrame | pd.Series, plan: Plan | Sequence[Plan], threshold: int, *,
           totals: bool | str = True, principal=(), name: str = "", method: str = "optimal",
           max_merges: int = 8) -> Recoded:
    """Merge categories of an interior table (no totals) by ``plan`` (one :class:`Plan` or one
    per axis) while that improves the score of the module doc; returns :class:`Recoded`."""
    plans = [plan] if isinstance(plan, Plan) else list(plan)
    current, merges = frame, []
    score, hidden = _score(current, threshold, totals, principal, method)
    first = (score, hidden)
    while len(merges) < max_merges:
        best = None
        for pl in plans:
            for m in candidates(current, pl):
                f2, p2 = apply_merges(current, [m]), _follow(principal, m)
                s2, h2 = _score(f2, threshold, totals, p2, method)
                if s2 < score and (best is None or s2 < best[0]):
                    best = (s2, h2, m, f2, p2)
        if best is None:
            break
        score, hidden, m, current, principal = best
        merges.append(m)
    return Recoded(current, merges, first[1], hidden, first[0][1], score[1],
                   bool(first[0][0]), bool(score[0]), principal)
