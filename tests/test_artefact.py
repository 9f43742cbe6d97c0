"""The report as one artefact under disclosure control (issue 18): every count table registered,
protected together, audited together — on the 2023 demo county (the default 2,000-person demo)
and on unit reports; the 部内研判 audience; one story between unit reports and the main report."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import demo2k_copy

import qingmiao_lib as qm
from qingmiao_lib import report, sdc, sections
from qingmiao_lib.sections import units as unit_section
from qingmiao_lib.sections._protect import Artefact

YEAR = 2023


@pytest.fixture(scope="module")
def demo2k(demo2k_built, tmp_path_factory):
    """The README's demo county (default size and seed): the article's figures F1–F9."""
    con = qm.connect(demo2k_copy(demo2k_built, tmp_path_factory.mktemp("demo2k")))
    yield con
    con.close()


@pytest.fixture(scope="module")
def county(demo2k) -> dict:
    """The 2023 county report as ``qingmiao report`` writes it (the circulated audience): its
    page and its protected artefact, kept in the report's cache, which also serves the unit
    pages rendered after it (as a batch of unit reports reuses the county report's)."""
    cache: dict = {}
    html = report.render_report(demo2k, year=YEAR, cache=cache)
    artefact = next(v for v in cache.values() if isinstance(v, Artefact))
    return {"html": html, "artefact": artefact, "cache": cache}


def _section(html: str, anchor: str) -> str:
    """The HTML of the report's section ``anchor`` (up to the next section)."""
    start = html.index(f'id="{anchor}"')
    end = html.find('<section', start)
    return html[start:] if end < 0 else html[start:end]


def _pinned_small(a: Artefact) -> tuple[int, list[str]]:
    """The linked attack on the published states of the tables as the sections print them
    (their status frames), not on the engine's own bookkeeping: the number of hidden small
    counts, and those whose integer range is a single value. ``sdc.pinned`` certifies a cell
    free by an integer table consistent with everything published in which the cell has
    another value, and computes the exact range (LP, then MILP) of every cell it cannot
    certify — the same verdict as ``sdc.audit``'s ranges, at a fraction of the LPs."""
    res, problem = a.result, a.problem
    state = problem.state_from({name: res[name].status for name in res.tables})
    cp = problem.compile()
    small = {int(cp.rep[i]) for i in range(cp.n) if 0 < cp.values[i] < a.threshold}
    hidden_small = [c for c in small if state[cp.canon[c]] != sdc.SHOWN]
    return len(hidden_small), [problem.label(c) for c in sdc.pinned(problem, state) if c in small]


def test_linked_lp_attack_on_the_2023_demo_report_pins_no_hidden_cell(county):
    artefact = county["artefact"]
    hidden, pinned = _pinned_small(artefact)
    assert hidden, "the demo report has small counts to protect"
    assert not pinned
    # nothing is published unprotected, and the log never says so
    assert artefact.sensitive_pinned() == []
    assert not any("无法完全保护" in e.reason for e in artefact.log)
    # the same figure has one state wherever it appears: a cell linked between tables is
    # hidden in all of them or in none (a withheld table prints no figure, only its note)
    res, problem = artefact.result, artefact.problem
    cp = problem.compile()
    seen: dict[int, set[str]] = {}
    for name, tab in problem.tables.items():
        if name in problem.unpublished or res[name].withheld:
            continue
        st = res[name].status
        for r in tab.ids.index:
            for c in tab.ids.columns:
                seen.setdefault(int(cp.canon[tab.ids.at[r, c]]), set()).add(st.at[r, c] or "")
    assert all(len(v) == 1 for v in seen.values())


def test_every_age_band_keeps_its_excellent_count_and_share(demo2k, county):
    p = county["artefact"].result["年度考核等次分布（按年龄段）"]
    dist = qm.evaluation.grade_distribution(demo2k, year=YEAR, by="age_group")
    bands = dist["group_name"].unique().tolist()
    assert set(bands) <= set(p.values.index)
    for band in bands:
        want = int(dist[(dist["group_name"] == band) & (dist["grade"] == "优秀")]["persons"].sum())
        assert p.cell(band, "优秀") == f"{want:,}"       # shown, and the true count
        assert p.share("row").at[band, "优秀"] != "—"
    html = _section(county["html"], "evaluation")
    assert "基本称职及以下" in html or "不称职" in html


def test_over_cap_units_are_listed_with_their_share_where_counts_allow(demo2k, county):
    share = qm.evaluation.excellent_share(demo2k, year=YEAR)
    over = share[share["over_cap"]]
    html = _section(county["html"], "evaluation")
    rows = re.findall(r"<tr><td>([^<]*)</td><td>[^<]*</td><td class=\"num\">([^<]*)</td>\s*"
                      r"<td class=\"num\">([^<]*)</td><td class=\"num\">([^<]*)</td></tr>", html)
    listed = {name: (graded, exc, pct) for name, graded, exc, pct in rows}
    for r in over.itertuples():
        assert r.unit_name in listed
        graded, exc, pct = listed[r.unit_name]
        rest = int(r.graded - r.excellent)
        if r.excellent >= 5 and (rest == 0 or rest >= 5):   # the counts allow it: both shown
            assert exc == f"{int(r.excellent):,}" and pct == f"{r.share:.1%}"
        elif r.excellent < 5:            # "<5": and the graded count never pins it with the cap
            assert exc == "&lt;5"
            if graded not in ("×", "&lt;5"):
                g = int(graded.replace(",", ""))
                assert sum(1 for e in range(1, 5) if e / g > float(r.cap)) >= 2


def test_unit_report_jurisdiction_column_equals_the_main_report(demo2k, county):
    uid = demo2k.execute("select unit_id from posts where end_date is null group by 1 "
                         "order by count(*) desc, 1 limit 1").fetchall()[0][0]
    page = report.render_report(demo2k, year=YEAR, units=[uid], cache=county["cache"])
    main = county["html"]
    cmp = page[page.index("与全辖区主要指标"):]
    cmp = cmp[:cmp.index("</table>")]
    cells = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td><td class=\"num\">(.*?)</td></tr>", cmp)
    got = {label: whole for label, _, whole in cells}
    cov = qm.training.coverage_matrix(demo2k, year=YEAR, as_of=pd.Timestamp(f"{YEAR}-12-31").date())
    for r in cov.itertuples():
        want = f"{r.coverage:.1%}"
        assert got[unit_section.COVERAGE_LABEL.format(rule=r.rule)] == want
        assert re.search(rf"{re.escape(str(r.rule))}（[^<]*）</td><td>合计</td>.*?<td class=\"num\">{re.escape(want)}</td>",
                         main, re.S)
    head = qm.figures.headline(demo2k, year=YEAR)
    dist = qm.evaluation.grade_distribution(demo2k, year=YEAR, by="all")
    graded = dist[dist["grade"] != "不定等次"]["persons"].sum()
    exc = dist[dist["grade"] == "优秀"]["persons"].sum()
    assert got[unit_section.EXCELLENT_LABEL] == f"{exc / graded:.1%}"
    assert f"{exc / graded:.1%}" in main
    assert len(head)   # the headline table ran on the same database
    # (a unit report's artefact, read with the county report's, is audited in test_release.py)


def test_internal_audience_shows_exact_counts_stamped_and_logged(demo2k, county, tmp_path):
    out = report.write_report(demo2k, year=YEAR, out=tmp_path / "internal.html", audience="internal")
    html = out.read_text(encoding="utf-8")
    assert html.count("部内研判 不得外传") >= 3            # banner, page stamp, footer
    assert "部内研判版（--audience internal）" in html
    assert 'class="num">×</td>' not in html and "基本称职及以下" not in html
    dist = qm.evaluation.grade_distribution(demo2k, year=YEAR, by="age_group")
    small = dist[(dist["persons"] > 0) & (dist["persons"] < 5)]
    assert len(small)                                       # a small count printed as it is
    masked = county["html"]
    assert "部内研判" not in masked.split("<footer>")[1]
    with pytest.raises(ValueError):
        sections.Context(con=demo2k, year=YEAR, as_of=pd.Timestamp("2023-12-31").date(), threshold=5,
                         audience="public")
