"""The Fischetti–Salazar cut of one sensitive cell from the attacker's two LPs.

The attacker's LP at a pattern x: ``max ±z_p`` subject to ``M z = 0`` and, for each cell,
``lo_i(x) ≤ z_i ≤ hi_i(x)`` — fixed bounds for cells hidden in every pattern (the small cells,
withheld tables), ``x_i`` times a "×" cell's bounds for a candidate, 0 for the rest. Any dual
solution (λ for the relations, reduced costs ``r = c − Mᵀλ``) bounds the optimum for *every*
pattern, by weak duality:

    max ±z_p ≤ Σ_i max(r_i, 0)·(−lo_i(x)) + max(−r_i, 0)·hi_i(x),

linear in x. The bound of the up LP plus that of the down LP must reach ``spl`` for p to be
protected, so ``Σ coef_i x_i ≥ spl − const`` (the fixed cells' part) holds for every protecting
pattern; the duals at the current x make it tight there, so it cuts that x off. Coefficients
above the right-hand side are lowered to it (still valid for 0/1 x, and stronger).
"""

from __future__ import annotations

import numpy as np

from ._audit import Attacker
from ._model import SHOWN

_TOL = 1e-7


def lp_cut(S, p: int, cells, rels, lo, hi, lo0, hi0, clo, chi, x_full, spl: float):
    """The violated cut ``(cells, coefs, rhs)`` of p at ``x_full``, None when p's LP range is
    wide enough, or ``("nogood", None, None)`` when the duals give no violated cut (numerics)."""
    cp = S.cp
    att = Attacker(cp, cells, rels, lo, hi)
    Mr = cp.M[rels]
    width = 0.0
    pos, neg = np.zeros(cp.n), np.zeros(cp.n)
    for sense in (-1.0, 1.0):             # min −z_p (max up), then min z_p (max down)
        res = att.lp(p, sense)
        width += -res.fun
        lam = res.eqlin.marginals if att.A is not None else np.zeros(0)
        r = -np.asarray(Mr.T @ lam).ravel() if len(lam) else np.zeros(cp.n)
        r[p] += sense
        r[np.abs(r) < 1e-9] = 0.0
        pos += np.maximum(r, 0)
        neg += np.maximum(-r, 0)
    if width >= spl - _TOL:
        return None
    fixed = S.state0 != SHOWN
    const = float(np.sum(pos[fixed] * -lo0[fixed] + neg[fixed] * hi0[fixed]))
    rhs = spl - const
    coef = pos * -clo + neg * chi
    which = np.flatnonzero(S.cand & (coef > 1e-9))
    coef = np.minimum(coef[which], rhs)
    if rhs <= _TOL or float(coef @ x_full[which]) >= rhs - 1e-6:
        return ("nogood", None, None)
    return which, coef, rhs
