"""Every widget update of the notebooks, timed (issue 22): each explorer of ``qingmiao_lib.widgets``
built as its notebook builds it, then each of its controls moved as a person moves it.

    .venv/bin/python benchmarks/bench_widgets.py DB.duckdb [DB …] [--only TEXT …] [--updates 3]
        [--out JSON]
    nice -n 10 .venv/bin/python benchmarks/bench_widgets.py /tmp/h4/demo2k.duckdb /tmp/h4/demo1m-b.duckdb

The widgets are those the notebooks build (``structure.cohort_explorer``,
``training.coverage_explorer``, ``evaluation.dashboard`` and ``person_picker``,
``headline.year_picker``, ``outlook.outlook_explorer``, ``pipeline.eligibility_explorer`` and
``profile_picker``), with the notebooks' arguments for 2023 (as of 2023-12-31), on one connection
opened read-only. Each is built once (timed). Then each control (``box.controls``) is set to
``--updates`` values it has not shown before — an explorer keeps a memo of its last few views, so a
value seen before would time the memo, not the update; a control with too few new values (a
checkbox, three toggle buttons) gets a fresh build of its explorer (timed as a build) and its
values again. Then it is set back to the value it had when built: a repeat visit (memo hit where
the explorer keeps one), its own row. A control no explorer callback observes is listed as such;
the unit picker's search box, which only narrows the list, is timed as its own row.

Per update: wall and process CPU ms (DuckDB's threads included), the peak RSS during it (VmHWM
reset first) and the 1-minute load average when it started (2 cores shared: a load above 2
stretches wall times, CPU times stay put), as ``bench_national.py`` measures. An update is what
the kernel does: the query, the figures updated in place (their state serialised for the page)
and the tables formatted as HTML (an IPython shell without a kernel, plotly's kernel renderer).
The browser drawing the page is not timed: ``marks`` counts the points the figures hold after the
update (50,000 bars is no chart a person reads).

Limit (issue 22): every widget update ≤ 300 ms at 1M persons — the slowest of a control's
updates, wall (``met``); ``met on CPU`` is the same test on CPU time, what the update would take
on two idle cores. The Markdown table goes to stdout; with ``--out`` the figures to a JSON file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import table  # noqa: E402
from bench_national import _call  # noqa: E402

import qingmiao_lib as qm  # noqa: E402

#: The issue's limit for one widget update, ms.
LIMIT_MS = 300.0
YEAR = 2023
AS_OF = dt.date(YEAR, 12, 31)


@dataclass
class Control:
    """One control of an explorer: where it is in ``box.controls``, the values to move it to
    (new ones first) and what to set before and after (unmeasured)."""

    key: object                     # a key of box.controls (dict) or a position (tuple)
    values: list
    revisit: object = None          # None: the value the control had when built
    setup: list = field(default_factory=list)   # (key, value) set before the timed updates
    sub: str | None = None          # a part of the control to time instead (the picker's search)


def _spread(options, k: int, skip=()) -> list:
    """Up to ``k`` options other than ``skip``, spread evenly over the list (the first, the last,
    between)."""
    pool = [o for o in options if o not in skip]
    if len(pool) <= k:
        return pool
    return [pool[round(i * (len(pool) - 1) / (k - 1))] for i in range(k)] if k > 1 else pool[:1]


def _values(widget) -> list:
    """The values a Dropdown / ToggleButtons / SelectMultiple offers."""
    return [o[1] if isinstance(o, tuple) else o for o in widget.options]


def _unit_choices(picker, k: int, big: list[str]) -> list[tuple]:
    """Units to pick: the largest units one by one, then a unit from the middle of the list and
    two together."""
    ids = [u for _, u in picker.options]
    have = set(ids)
    chosen = [(u,) for u in big if u in have][:k - 1]
    mid = ids[len(ids) // 2: len(ids) // 2 + 2]
    chosen += [tuple(mid[:1]), tuple(mid)]
    return list(dict.fromkeys(c for c in chosen if c))[:max(k, 3)]


def explorers(con, k: int) -> dict[str, tuple[Callable, Callable]]:
    """name → (build(con), controls(box)) as the notebooks call them."""
    from qingmiao_lib.widgets import evaluation as ew
    from qingmiao_lib.widgets import headline, outlook, pipeline, structure, training

    first, last = qm.figures.data_years(con)
    big = [r[0] for r in con.execute("select unit_id from posts group by unit_id order by count(*) desc, unit_id "
                                     "limit 5").fetchall()]
    # a mid-year date (no stored snapshot: the live path) and year ends (stored)
    dates = [dt.date(YEAR, 6, 30), dt.date(YEAR - 1, 12, 31), dt.date(YEAR - 2, 12, 31), dt.date(YEAR - 3, 6, 30)]

    def years(w) -> list:
        return sorted((y for y in _values(w) if y != YEAR), key=lambda y: abs(y - YEAR))[:k]

    def picker_search(box, key) -> Control:
        names = [n for n, _ in box.controls[key].options]
        typed = dict.fromkeys([n[:2] for n in _spread(names, k)] + ["局", "镇"])   # distinct texts
        return Control(key, list(typed), revisit="", sub="search")

    def cohort(box) -> list[Control]:
        c = box.controls
        return [Control("as_of", dates), Control("unit_kind", _values(c["unit_kind"])[1:]),
                Control("units", _unit_choices(c["units"], k, big)), picker_search(box, "units"),
                Control("x", _spread(_values(c["x"]), k, skip=("generation", "gender"))),
                Control("colour", _spread(_values(c["colour"]), k, skip=("generation", "gender")))]

    def coverage(box) -> list[Control]:
        c = box.controls
        cohorts = _spread(_values(c["cohorts"]), k)
        return [Control("year", years(c["year"])), Control("units", _unit_choices(c["units"], k, big)),
                Control("cohorts", [(y,) for y in cohorts[:k - 1]] + [tuple(cohorts[:2])]),
                Control("rule", _values(c["rule"])[1:]), Control("unit_kind", _values(c["unit_kind"])[1:]),
                Control("status", _values(c["status"])[1:])]

    def dashboard(box) -> list[Control]:
        c = box.controls
        return [Control("year", years(c["year"])), Control("units", _unit_choices(c["units"], k, big)),
                Control("age_group", _values(c["age_group"])[1:])]

    def person(box) -> list[Control]:
        c = box.controls
        people = _spread(_values(c["person"]), k, skip=(c["person"].value,))
        return [Control("unit", _spread(_values(c["unit"]), k, skip=(c["unit"].value,))),   # no person picked
                Control("person", people, revisit=people[0] if people else None)]   # none picked when built

    def ahead(box) -> list[Control]:   # the plan's box counts only with the average unticked
        return [Control("years", [3, 10, 15, 1, 8]), Control("average", [False]),
                Control("recruitment", [100, 1000, 5000, 20, 300], setup=[("average", False)])]

    def eligibility(box) -> list[Control]:
        c = box.controls
        units = [u for u in big if u in set(_values(c[1]))] or _spread(_values(c[1])[1:], k)
        return [Control(0, dates), Control(1, units[:k]), Control(2, _values(c[2])[1:k + 1]),
                Control(3, [12, 0, 24, 3, 18])]

    def profile(box) -> list[Control]:
        c = box.controls
        chosen = _spread(c[1].options, 2 * k, skip=[o for o in c[1].options if o[1] == c[1].value])
        typed = [label for label, _ in chosen[1::2]]
        return [Control(1, [v for _, v in chosen[0::2]]), Control(0, typed, revisit=typed[0] if typed else "")]

    return {
        "cohort_explorer": (lambda c: structure.cohort_explorer(c, as_of=AS_OF), cohort),
        "coverage_explorer": (lambda c: training.coverage_explorer(
            c, year=YEAR, years=list(range(max(first, last - 6), last + 1)), target_ids=None), coverage),
        "dashboard": (lambda c: ew.dashboard(c, year=YEAR, years=list(range(max(first, last - 10), last + 1))),
                      dashboard),
        "person_picker": (lambda c: ew.person_picker(c, year=YEAR, show_names=False), person),
        "year_picker": (lambda c: headline.year_picker(
            c, year=YEAR, years=list(range(max(first, last - 12), last + 1))),
            lambda b: [Control("year", years(b.controls["year"]))]),
        "outlook_explorer": (lambda c: outlook.outlook_explorer(c, as_of=AS_OF, years=5, recruitment=None), ahead),
        "eligibility_explorer": (lambda c: pipeline.eligibility_explorer(c, as_of=AS_OF, within_months=6),
                                 eligibility),
        "profile_picker": (lambda c: pipeline.profile_picker(c, as_of=AS_OF, unmasked=False), profile),
    }


def _name(box, key) -> str:
    w = box.controls[key]
    return key if isinstance(key, str) else f"{key}: {getattr(w, 'description', type(w).__name__)}"


def _observed(widget) -> bool:
    """Does a callback of an explorer (not the control's own wiring) observe ``value``?"""
    fns = getattr(widget, "_trait_notifiers", {}).get("value", {}).get("change", [])
    return any(getattr(f, "__module__", "").startswith("qingmiao_lib.widgets")
               and not getattr(f, "__module__", "").endswith("._units") for f in fns)


def marks(box) -> int | None:
    """Points the explorer's figures hold: bars, markers, heat-table cells."""
    figs = getattr(box, "figures", None)
    if figs is None:
        return None
    n = 0
    for fw in figs.values() if isinstance(figs, dict) else figs:
        for t in fw.data:
            z = getattr(t, "z", None)
            if z is not None:
                n += sum(len(r) if hasattr(r, "__len__") else 1 for r in z)
                continue
            n += max((len(v) for a in ("x", "y", "values") if (v := getattr(t, a, None)) is not None), default=0)
    return n


def timed(fn: Callable[[], object]) -> dict:
    """One update (``bench_national._call``) with what the kernel would send to the page dropped."""
    def quiet():
        with contextlib.redirect_stdout(io.StringIO()):
            fn()
    return _call(quiet)


def run_control(con, build, box, ctl: Control, k: int, builds: list[dict]):
    """The control's timed updates (``k`` new values, fresh builds when they run out) and its
    repeat visit; leaves the explorer as built. Returns (box, updates, revisit)."""
    def target(b):
        w = b.controls[ctl.key]
        return getattr(w, ctl.sub) if ctl.sub else w

    def prepare(b):
        for key, value in ctl.setup:
            with contextlib.redirect_stdout(io.StringIO()):
                b.controls[key].value = value
        return target(b).value

    start = {key: box.controls[key].value for key in _keys(box)}
    initial = prepare(box)
    updates, i = [], 0
    while len(updates) < k and ctl.values:
        if i == len(ctl.values):          # no new value left: a fresh explorer shows none of them
            fresh = _build(con, build)
            box, i = fresh.pop("box"), 0
            builds.append(fresh)
            initial = prepare(box)
        w, value = target(box), ctl.values[i]
        updates.append(timed(lambda w=w, value=value: setattr(w, "value", value)) | {"marks": marks(box)})
        i += 1
    w = target(box)
    back = initial if ctl.revisit is None else ctl.revisit
    revisit = timed(lambda: setattr(w, "value", back)) | {"marks": marks(box)}
    with contextlib.redirect_stdout(io.StringIO()):
        if ctl.sub:
            w.value = initial
        for key, value in start.items():
            if box.controls[key].value != value:
                box.controls[key].value = value
    return box, updates, revisit


def _keys(box) -> list:
    return list(box.controls) if isinstance(box.controls, dict) else list(range(len(box.controls)))


def _build(con, build) -> dict:
    out = {}
    r = timed(lambda: out.setdefault("box", build(con)))
    return r | {"box": out["box"]}


def measure(con, only: list[str] | None, k: int) -> list[dict]:
    rows = []
    for name, (build, controls) in explorers(con, k).items():
        if only and not any(s in name for s in only):
            continue
        try:
            first = _build(con, build)
        except Exception as e:     # a widget failing to build is a row of the table, not the end of the run
            rows.append({"widget": name, "control": "(build)", "error": f"{type(e).__name__}: {e}"[:160]})
            continue
        box, builds = first.pop("box"), [first]
        rows.append({"widget": name, "control": "(build)", "build": first, "builds": builds, "marks": marks(box)})
        for ctl in controls(box):
            label = _name(box, ctl.key) + (f" · {ctl.sub} box (list narrowed only)" if ctl.sub else "")
            w = box.controls[ctl.key]
            if not ctl.sub and not _observed(w):
                rows.append({"widget": name, "control": label, "error": "no observer: nothing redrawn"})
                continue
            try:
                box, updates, revisit = run_control(con, build, box, ctl, k, builds)
            except Exception as e:
                rows.append({"widget": name, "control": label, "error": f"{type(e).__name__}: {e}"[:160]})
                continue
            rows.append({"widget": name, "control": label, "updates": updates})
            rows.append({"widget": name, "control": label + " · repeat visit", "updates": [revisit]})
            print(f"  {name:<22} {label:<40} " + " ".join(f"{u['wall_ms']:,.0f}" for u in updates)
                  + f" | repeat {revisit['wall_ms']:,.0f} ms  load {updates[0]['load'] if updates else 0:.2f}",
                  file=sys.stderr, flush=True)
    return rows


def _load(r: dict) -> float:
    return r["load"]


def markdown(rows: list[dict]) -> str:
    cells = []
    for r in rows:
        cell = {"widget": r["widget"], "control": r["control"]}
        if "error" in r:
            cell["met"] = r["error"]
        elif "build" in r:
            b = r["build"]
            more = [x["wall_ms"] for x in r.get("builds", [])[1:]]
            cell |= {"build ms": f"{b['wall_ms']:,.0f}" + (f" (+{len(more)} more, max {max(more):,.0f})" if more else ""),
                     "CPU median / max ms": f"{b['cpu_ms']:,.0f}", "peak RSS MB": f"{b['peak_mb']:,.0f}",
                     "load": f"{b['load']:.2f}", "marks": r.get("marks") if r.get("marks") is not None else "—"}
        else:
            u = r["updates"]
            wall, cpu = [x["wall_ms"] for x in u], [x["cpu_ms"] for x in u]
            m = [x["marks"] for x in u if x.get("marks") is not None]
            cell |= {"n": len(u), "wall median / max ms": f"{statistics.median(wall):,.0f} / {max(wall):,.0f}",
                     "CPU median / max ms": f"{statistics.median(cpu):,.0f} / {max(cpu):,.0f}",
                     "peak RSS MB": f"{max(x['peak_mb'] for x in u):,.0f}",
                     "load": "–".join(dict.fromkeys(f"{x['load']:.2f}" for x in (min(u, key=_load), max(u, key=_load)))),
                     "marks": f"{max(m):,}" if m else "—", "met": "✓" if max(wall) <= LIMIT_MS else "✗",
                     "met on CPU": "✓" if max(cpu) <= LIMIT_MS else "✗"}
        cells.append(cell)
    return table(cells, ["widget", "control", "build ms", "n", "wall median / max ms", "CPU median / max ms",
                         "peak RSS MB", "load", "marks", "met", "met on CPU"])


def _kernel_like() -> None:
    """Display as a kernel does — an IPython shell formats each table as HTML, plotly renders
    its kernel mimetype — without a kernel, history or a profile written anywhere."""
    import plotly.io as pio
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    os.environ.setdefault("IPYTHONDIR", tempfile.mkdtemp(prefix="bench-widgets-ipython-"))
    config = Config()
    config.HistoryManager.enabled = False
    InteractiveShell.instance(config=config)
    pio.renderers.default = "plotly_mimetype"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path, nargs="+")
    ap.add_argument("--only", nargs="+", default=None, help="only the widgets whose name contains one of these")
    ap.add_argument("--updates", type=int, default=3, help="timed updates per control (new values), ≥ 3")
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON here too")
    args = ap.parse_args(argv)
    _kernel_like()
    report = []
    for db in args.db:
        if not db.is_file():
            raise SystemExit(f"no database at {db}")
        con = qm.connect(db)
        persons = con.execute("select count(*) from persons").fetchall()[0][0]
        units = con.execute("select count(*) from units").fetchall()[0][0]
        head = {"database": str(db), "persons": persons, "units": units, "cpus": os.cpu_count(),
                "load_before": [round(x, 2) for x in os.getloadavg()], "when": time.strftime("%Y-%m-%d %H:%M")}
        print(f"{db}: {persons:,} persons, {units:,} units, load {head['load_before']}", file=sys.stderr, flush=True)
        rows = measure(con, args.only, max(args.updates, 1))
        con.close()
        head["load_after"] = [round(x, 2) for x in os.getloadavg()]
        timed_rows = [r for r in rows if "updates" in r and not r["control"].endswith("repeat visit")]
        missed = [r for r in timed_rows if max(x["wall_ms"] for x in r["updates"]) > LIMIT_MS]
        print(f"**{db.name}**: {persons:,} persons ever employed, {units:,} units; {os.cpu_count()} CPUs; "
              f"load average before {head['load_before']}, after {head['load_after']}; "
              f"{len(timed_rows) - len(missed)} of {len(timed_rows)} controls' updates within "
              f"{LIMIT_MS:.0f} ms (the slowest new value, wall; repeat visits apart).\n")
        print(markdown(rows) + "\n")
        report.append({**head, "rows": rows})
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
