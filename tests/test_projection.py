"""The cohort in N years (issue 21 item 4): the Markov manpower model and its backtest, on a tiny
hand-made county with every answer worked out by hand, and its identities on the demo county.

The fixture (all men, entered 2015, no posts: level 无 = 0; rank steps 一级科员 2, 四级主任科员 3,
一级主任科员 6; ages on 31 December):

    person  born        ranks                                   end 2022  end 2023  end 2024
    A       1990-03-01  一级科员 from 2018                       32 (2)    33 (2)    34 (2)
    B       1990-06-01  一级科员 2018, 四级主任科员 2023-07-01     32 (2)    33 (3)    34 (3)
    C       1988-05-01  一级科员 2018; left 2024-03-01 (辞职)     34 (2)    35 (2)    —
    R       1964-06-15  一级主任科员 2010; retired 2024-06-15     58 (6)    59 (6)    —
    O       1965-02-10  一级主任科员 2010                         57 (6)    58 (6)    59 (6)
    N       2000-02-01  woman, entered 2024-08-01, no rank yet      —         —       24 (0)

Statutory dates (rules [retirement]): R born before 1965 → 60y0m → 2024-06-15; O born Feb 1965
(1 month after Jan 1965 → 1 // 4 + 1 = 1) → 60y1m → 2025-03-10; A born 1990 → 63 → 2053-03-01;
N born 2000, a woman → 58 → 2058-02-01 (from 2024-12-31: 33 years 1 month → the 34th year).

Transitions, k = 2 (the years 2023 and 2024; start state on the year end before):
    2023: A 32 (2)→(2); B 32 (2)→(3); C 34 (2)→(2); R 58 (6)→(6); O 57 (6)→(6)
    2024: A 33 (2)→(2); B 33 (3)→(3); C 35 (2)→exit; O 58 (6)→(6);
          R is left out: his statutory date 2024-06-15 falls in 2024 (a retirement, not an exit).
    band 30–34, 一级科员: 4 person-years: 3 stay, 1 → 四级主任科员
    band 35–39, 一级科员: 1: exit;  band 30–34, 四级主任科员: 1: stays;  band 55–59, 一级主任科员: 3: stay
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import projection
from qingmiao_lib.cli import main
from qingmiao_lib.projection import _plan

D = dt.date.fromisoformat
S = 0.0   # smoothing off unless a test is about it


@pytest.fixture
def county(db):
    def person(pid, born, ranks, gender="男", entry="2015-07-01", exit=None, reason=None):
        db.add("persons", person_id=pid, name=f"张{pid}", gender=gender, birth_date=D(born),
               entry_date=D(entry), exit_date=D(exit) if exit else None, exit_reason=reason)
        for rank, start, end in ranks:
            db.add("ranks", person_id=pid, rank=rank, start_date=D(start), end_date=D(end) if end else None)

    person("A", "1990-03-01", [("一级科员", "2018-01-01", None)])
    person("B", "1990-06-01", [("一级科员", "2018-01-01", "2023-07-01"), ("四级主任科员", "2023-07-01", None)])
    person("C", "1988-05-01", [("一级科员", "2018-01-01", "2024-03-01")], exit="2024-03-01", reason="辞职")
    person("R", "1964-06-15", [("一级主任科员", "2010-01-01", "2024-06-15")], entry="1985-07-01",
           exit="2024-06-15", reason="退休")
    person("O", "1965-02-10", [("一级主任科员", "2010-01-01", None)], entry="1985-07-01")
    person("N", "2000-02-01", [], gender="女", entry="2024-08-01")
    return db.con


def cell(df, band, rank, year=None):
    rows = df[(df["age_band"] == band) & (df["rank"] == rank) & (df["level"] == "无")]
    if year is not None:
        rows = rows[rows["year"] == year]
    return float(rows["persons"].sum())


# ------------------------------------------------------------------------------ the counting

def test_transition_rates_by_band(county):
    t = projection.transitions(county, year=2024, k=2, smoothing=S, young_only=False)
    rate = {(r.age_band, r.rank, r.outcome, r.to_rank): r.rate for r in t.itertuples()}
    persons = {(r.age_band, r.rank): r.persons for r in t.itertuples()}
    # band 30–34, 一级科员: 3 of 4 stay, 1 of 4 promoted
    assert persons[("30–34岁", "一级科员")] == 4
    assert rate[("30–34岁", "一级科员", "留任原状态", "一级科员")] == pytest.approx(0.75)
    assert rate[("30–34岁", "一级科员", "晋升职级", "四级主任科员")] == pytest.approx(0.25)
    assert rate[("35–39岁", "一级科员", "离开", None)] == pytest.approx(1.0)
    # R's 2024 is a statutory retirement, not an exit: band 55–59 has 3 person-years, all staying
    assert persons[("55–59岁", "一级主任科员")] == 3
    assert rate[("55–59岁", "一级主任科员", "留任原状态", "一级主任科员")] == pytest.approx(1.0)
    assert t.groupby(["age_band", "rank", "level"])["rate"].sum().round(12).eq(1).all()
    # the cohort's own counting (default) has no start age of 40 or more
    assert projection.transitions(county, year=2024, k=2, smoothing=S)["band_start"].max() == 35


def test_smoothing_shrinks_a_band_towards_the_pooled_rates(county):
    # pooled 一级科员 (5 person-years): stay 3/5, promoted 1/5, exit 1/5; m = 5:
    # band 30–34: stay (3 + 5·3/5)/(4 + 5) = 6/9, promoted (1 + 1)/9, exit (0 + 1)/9
    # band 35–39: stay (0 + 3)/(1 + 5) = 1/2, promoted 1/6, exit (1 + 1)/6 = 1/3
    t = projection.transitions(county, year=2024, k=2, smoothing=5)
    rate = {(r.age_band, r.outcome): r.rate for r in t[t["rank"] == "一级科员"].itertuples()}
    assert rate[("30–34岁", "留任原状态")] == pytest.approx(6 / 9)
    assert rate[("30–34岁", "晋升职级")] == pytest.approx(2 / 9)
    assert rate[("30–34岁", "离开")] == pytest.approx(1 / 9)
    assert rate[("35–39岁", "留任原状态")] == pytest.approx(1 / 2)
    assert rate[("35–39岁", "离开")] == pytest.approx(1 / 3)


# ------------------------------------------------------------------------------ the projection

def test_projection_two_years(county):
    # start, end 2024 (young): A 34 (2), B 34 (3), N 24 (0). Intake of 2023–2024: N alone →
    # 0.5 a year at 24, 未定职级.
    # 2025: A (band 30) → 0.75 一级科员 + 0.25 四级主任科员, B stays, N (state never observed at a
    #   year start) stays; all a year older; + 0.5 recruits at 24.
    #   end 2025: 35: 一级科员 0.75, 四级主任科员 1.25; 25: 未定职级 1; 24: 未定职级 0.5
    # 2026: 35-year-olds are in band 35–39: 一级科员 → exit (1.0): 0.75 leave; 四级主任科员 never
    #   observed in that band → pooled (B 2024: stays) → 1.25 stay; + 0.5 recruits.
    #   end 2026: 36: 四级主任科员 1.25; 26: 1; 25: 0.5; 24: 0.5 → 3.25
    df = projection.project(county, year=2024, years=2, k=2, smoothing=S)
    assert df.groupby("year")["persons"].sum().round(9).to_dict() == {2024: 3.0, 2025: 3.5, 2026: 3.25}
    assert cell(df, "30–34岁", "一级科员", 2024) == 1
    assert cell(df, "35–39岁", "一级科员", 2025) == pytest.approx(0.75)
    assert cell(df, "35–39岁", "四级主任科员", 2025) == pytest.approx(1.25)
    assert cell(df, "35–39岁", "一级科员", 2026) == pytest.approx(0.0)
    assert cell(df, "35–39岁", "四级主任科员", 2026) == pytest.approx(1.25)
    assert cell(df, "20–24岁", "未定职级", 2026) == pytest.approx(0.5)
    assert cell(df, "25–29岁", "未定职级", 2026) == pytest.approx(1.5)
    assert df.attrs["as_of"] == "2024-12-31" and df.attrs["transition_years"] == "2023–2024"
    assert df.attrs["k"] == 2 and df.attrs["rules_version"]
    # every cell has its whole series (zeros included)
    assert df.groupby(["age_band", "rank", "level"]).size().eq(3).all()


def test_flows_reconcile_and_statutory_retirement(county):
    f = projection.flows(county, year=2024, years=2, k=2, smoothing=S).set_index("year")
    # 2026: start 3.5, 0.75 exits, 0.5 recruits → 3.25 (nobody young retires or turns 40)
    assert f.loc[2026, ["start", "retired", "exited", "aged_out", "recruited", "end"]].tolist() == \
        pytest.approx([3.5, 0, 0.75, 0, 0.5, 3.25])
    # the whole workforce: O (statutory date 2025-03-10) retires in 2025, the first year
    whole = projection.flows(county, year=2024, years=2, k=2, smoothing=S, young_only=False).set_index("year")
    assert whole.loc[2025, "retired"] == pytest.approx(1.0)
    assert whole.loc[2025, "start"] == 4 and whole.loc[2025, "end"] == pytest.approx(3.5)
    for frame in (f, whole):
        assert (frame["start"] - frame["retired"] - frame["exited"] - frame["aged_out"]
                + frame["recruited"]).round(9).tolist() == frame["end"].round(9).tolist()


def test_a_number_of_recruits_keeps_the_observed_mix(county):
    # 3 recruits a year, composed as the intake (N: 24, 未定职级): end 2025 has 3 at 24
    df = projection.project(county, year=2024, years=1, k=2, smoothing=S, recruitment=3)
    assert cell(df, "20–24岁", "未定职级", 2025) == pytest.approx(3.0)
    none = projection.project(county, year=2024, years=1, k=2, smoothing=S, recruitment={2025: 0})
    assert cell(none, "20–24岁", "未定职级", 2025) == 0


def test_a_plan_frame_fills_what_it_leaves_open_from_the_intake(county):
    # 2 recruits in 2025 aged 30 at 一级科员: no such intake → level from the intake (无), the
    # retirement age from the intake's (24 + 34 = 58) → the 28th year
    steps = {"rank": {"未定职级": 0, "一级科员": 2}, "level": {"无": 0}}
    intake = pd.DataFrame({"age": [24], "retire_in": [34], "rank_step": [0], "level_step": [0], "persons": [1]})
    plan = pd.DataFrame({"年度": [2025], "年龄": [30], "职级": ["一级科员"], "人数": [2]})
    rows, _ = _plan.rows(plan, intake, k=2, start_year=2024, years=2, steps=steps)
    assert rows.to_dict("records") == [{"period": 1, "age": 30, "retire_in": 28, "rank_step": 2,
                                        "level_step": 0, "persons": 2.0}]
    df = projection.project(county, year=2024, years=2, k=2, smoothing=S, recruitment=plan)
    assert cell(df, "30–34岁", "一级科员", 2025) == pytest.approx(2.0)


@pytest.mark.parametrize(("plan", "message"), [
    (pd.DataFrame({"rank": ["三级科员"], "persons": [1]}), "职级未知"),
    (pd.DataFrame({"year": [2030], "persons": [1]}), "2025–2026"),
    (pd.DataFrame({"persons": [-1]}), "不小于0"),
    (pd.DataFrame({"age": [12], "persons": [1]}), "16–70"),
    (pd.DataFrame({"age": ["三十"], "persons": [1]}), "16–70"),
    (pd.DataFrame({"year": ["明年"], "persons": [1]}), "不是年份"),
    (pd.DataFrame({"count": [1]}), "persons"),
])
def test_bad_plans_are_refused(county, plan, message):
    with pytest.raises(ValueError, match=message):
        projection.project(county, year=2024, years=2, k=2, recruitment=plan)


def test_no_persons_at_the_start_is_a_clear_error(county):
    with pytest.raises(qm.errors.QingmiaoError, match="没有在职人员"):
        projection.project(county, year=1980, years=2, k=2)  # nobody entered before 1985


# ------------------------------------------------------------------------------ the backtest

def test_backtest_one_year(county):
    # from end 2023 (A 33 (2), B 33 (3), C 35 (2)) with the rates of 2023 alone: 一级科员 (band
    # 30–34, 3 person-years) 2/3 stay, 1/3 promoted; band 35–39 never observed → pooled (the same);
    # 四级主任科员 never observed at a year start in 2023 → stays; no intake in 2023.
    #   projected end 2024: 30–34 一级科员 2/3, 30–34 四级主任科员 1/3 + 1, 35–39 一级科员 2/3,
    #   35–39 四级主任科员 1/3 (total 3); observed: 20–24 未定职级 1 (N), 30–34 一级科员 1 (A),
    #   30–34 四级主任科员 1 (B) (total 3).
    #   |errors|: 1 + 1/3 + 1/3 + 2/3 + 1/3 = 8/3 → WAPE 8/9; no-change baseline (the end-2023
    #   cells: 30–34 一级科员 1, 30–34 四级主任科员 1, 35–39 一级科员 1): |errors| 1 + 0 + 0 + 1 = 2
    bt = projection.backtest(county, year=2024, horizon=1, k=1, smoothing=S)
    cells = bt[~bt["is_total"]].set_index(["age_band", "rank"])
    assert cells.loc[("30–34岁", "四级主任科员"), "projected"] == pytest.approx(4 / 3)
    assert cells.loc[("20–24岁", "未定职级"), ["projected", "observed", "error"]].tolist() == [0, 1, -1]
    assert cells.loc[("35–39岁", "一级科员"), "error"] == pytest.approx(2 / 3)
    total = bt[bt["is_total"]].iloc[0]
    assert total[["projected", "observed", "error"]].tolist() == pytest.approx([3, 3, 0])
    assert total["abs_error"] == pytest.approx(8 / 3) == bt.attrs["abs_error_sum"]
    assert bt.attrs["wape"] == pytest.approx(8 / 9)
    assert bt.attrs["baseline_wape"] == pytest.approx(2 / 3)
    assert (bt.attrs["start_year"], bt.attrs["target_year"], bt.attrs["transition_years"]) == (2023, 2024, "2023–2023")
    # the intake that came instead of the average (none): N is projected → |errors| 5/3
    came = projection.backtest(county, year=2024, horizon=1, k=1, smoothing=S, recruitment="observed")
    assert came.attrs["abs_error_sum"] == pytest.approx(5 / 3)
    # by rank alone: 未定职级 0 vs 1, 一级科员 4/3 vs 1, 四级主任科员 5/3 vs 1 → |errors| 2
    by_rank = projection.backtest(county, year=2024, horizon=1, k=1, smoothing=S, by="rank")
    assert list(by_rank.columns[:2]) == ["rank", "rank_step"]
    assert by_rank.attrs["abs_error_sum"] == pytest.approx(2.0)
    assert "8/9" not in projection.backtest_text(bt) and "88.9%" in projection.backtest_text(bt)


def test_methods_text_states_k_and_the_backtest(county):
    bt = projection.backtest(county, year=2024, horizon=1, k=1, smoothing=S)
    text = projection.methods_text(bt)
    assert "近1年" in text and "回测" in text and "局限" in text and "88.9%" in text


# ------------------------------------------------------------------------------ the demo county

def test_demo_identities(demo_db, tmp_path):
    con = qm.connect(demo_db)
    df = projection.project(con, year=2025, years=3)
    young = con.execute("select count(*) from person_snapshot(date '2025-12-31') where active and young").fetchall()[0][0]
    assert df[df["year"] == 2025]["persons"].sum() == young
    f = projection.flows(con, year=2025, years=3)
    assert (f["start"] - f["retired"] - f["exited"] - f["aged_out"] + f["recruited"] - f["end"]).abs().max() < 1e-9
    assert f["end"].round(6).tolist() == df[df["projected"]].groupby("year")["persons"].sum().round(6).tolist()
    bt = projection.backtest(con, year=2025, horizon=3)
    cells, total = bt[~bt["is_total"]], bt[bt["is_total"]].iloc[0]
    assert total["observed"] == young and total["projected"] == pytest.approx(cells["projected"].sum())
    assert total["abs_error"] == pytest.approx(cells["abs_error"].sum())
    held_stored = con.execute("select * from projection_held(2023, 2025, 40, 200) order by all").df()
    con.close()
    # the live path (no stored snapshots) gives the same states
    copy = tmp_path / "live.duckdb"
    shutil.copy(demo_db, copy)
    live = qm.connect(copy, read_only=False)
    live.execute("delete from snapshots")
    assert projection.project(live, year=2025, years=3)["persons"].round(9).tolist() == \
        df["persons"].round(9).tolist()
    held_live = live.execute("select * from projection_held(2023, 2025, 40, 200) order by all").df()
    live.close()
    pd.testing.assert_frame_equal(held_live, held_stored)


def test_cli(demo_db, tmp_path, capsys):
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--years", "2"]) == 0
    assert "40岁以下人员预测" in capsys.readouterr().out
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--backtest", "--years", "3",
                 "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("age_band,band_start,rank,rank_step,level,level_step,projected,observed")
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--backtest", "--by", "rank"]) == 0
    assert "绝对误差之和" in capsys.readouterr().out
    plan = tmp_path / "plan.csv"
    plan.write_text("年度,人数\n2026,10\n", encoding="utf-8-sig")
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--years", "2", "--recruit", str(plan)]) == 0
    assert "2026年10人" in capsys.readouterr().out
    plan.write_text("年度,职级,人数\n2026,三级科员,10\n", encoding="gb18030")
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--years", "2", "--recruit", str(plan)]) == 1
    assert "职级未知" in capsys.readouterr().err
    assert main(["project", "--db", str(demo_db), "--year", "2025"]) == 2
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--backtest", "--recruit", str(plan)]) == 2
    assert main(["project", "--db", str(demo_db), "--year", "2025", "--backtest", "--by", "unit"]) == 2


def test_reaching_the_young_age_limit_in_service_is_no_exit(db):
    # born 1984-06-01, 一级科员 since 2018: 39 on 31 Dec 2023, 40 on 31 Dec 2024, still serving →
    # the cohort's 2024 rates: band 35–39 一级科员, 1 person-year, stays (rate 1), no 离开 row;
    # in the projection from 2023 he ages out of the cohort (aged_out 1), he does not exit
    db.add("persons", person_id="P", birth_date=D("1984-06-01"))
    db.add("ranks", person_id="P", rank="一级科员", start_date=D("2018-01-01"))
    t = projection.transitions(db.con, year=2024, k=1, smoothing=S)
    assert t[["age_band", "outcome", "rate"]].values.tolist() == [["35–39岁", "留任原状态", 1.0]]
    f = projection.flows(db.con, year=2023, years=1, k=1, smoothing=S)
    assert f[["start", "exited", "aged_out", "end"]].values.tolist() == [[1.0, 0.0, 1.0, 0.0]]


def test_charts(county):
    from qingmiao_lib.charts import projection as charts

    df = projection.project(county, year=2024, years=2, k=2, smoothing=S)
    fig = charts.stock(df, by="rank")
    assert "2024-12-31" in fig.layout.title.text and "40岁以下" in fig.layout.title.text
    # one trace per rank with persons: 未定职级, 一级科员, 四级主任科员; bars to 0.1 person
    # (四级主任科员: 1, 1.25, 1.25 → 1.0, 1.2, 1.2, half to even; 未定职级: 1, 1.5, 2)
    assert [t.name for t in fig.data] == ["未定职级", "一级科员", "四级主任科员"]
    assert list(fig.data[2].y) == [1.0, 1.2, 1.2] and list(fig.data[0].y) == [1.0, 1.5, 2.0]
    bt = projection.backtest(county, year=2024, horizon=1, k=1, smoothing=S)
    fig = charts.backtest(bt, by="age_band")
    assert list(fig.data[0].x) == ["20–24岁", "30–34岁", "35–39岁"]
    assert list(fig.data[0].y) == [1, 2, 0] and "88.9%" in fig.layout.title.text
    with pytest.raises(ValueError):
        charts.stock(df, by="unit")


# ------------------------------------------------------------------------------ read once per report

def _logged(con) -> list[str]:
    return [m for (m,) in con.execute("select message from duckdb_logs where type = 'QueryLog'").fetchall()]


def _report_like(con, *, young_only: bool = True):
    # what the outlook section asks for, in its order: the projection, its flows, the backtest
    kw = {"k": 2, "smoothing": S, "young_only": young_only}
    return (projection.project(con, year=2024, years=1, **kw), projection.flows(con, year=2024, years=1, **kw),
            projection.backtest(con, year=2024, horizon=1, **kw),
            projection.transitions(con, year=2024, **kw))


@pytest.mark.parametrize("young_only", [True, False])
def test_a_report_reads_the_counts_once_and_gets_the_same_frames(county, young_only):
    # project/flows (k = 2, years = 1) count the stocks of 2023–2024 and the transitions of
    # 2023–2024; in a steady block they count from 2024 − 1 − 2 + 1 = 2022, the years the backtest
    # (start 2023: stocks 2022–2024, transitions 2022–2023) reads: so each query runs once
    apart = _report_like(county, young_only=young_only)
    county.execute("CALL enable_logging('QueryLog')")
    with qm._query.steady(county):
        together = _report_like(county, young_only=young_only)
    for a, b in zip(apart, together, strict=True):
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs == b.attrs
    logged = _logged(county)
    for name in ("states", "stocks", "transitions"):
        assert sum(m.startswith(f"-- projection/{name}.sql") for m in logged) == 1, name


def test_outside_a_report_each_call_counts(county):
    county.execute("CALL enable_logging('QueryLog')")
    projection.project(county, year=2024, years=1, k=2, smoothing=S)
    projection.project(county, year=2024, years=1, k=2, smoothing=S)
    logged = _logged(county)
    assert sum(m.startswith("-- projection/stocks.sql") for m in logged) == 2


def test_counts_cut_from_a_wider_span_are_the_counts_of_those_years(county):
    from qingmiao_lib.projection import _counts

    projection._setup(county)                      # the macros the queries read
    # the rows of 2023–2024 taken from a span 2021–2024 counted first: the query's own rows
    alone = _counts.stocks(county, first=2023, last=2024, years=3, below=1000)
    moves = _counts.transitions(county, first=2024, last=2024, below=1000)
    with qm._query.steady(county):
        _counts.stocks(county, first=2021, last=2024, years=3, below=1000)
        _counts.transitions(county, first=2021, last=2024, below=1000)
        pd.testing.assert_frame_equal(_counts.stocks(county, first=2023, last=2024, years=3, below=1000), alone)
        pd.testing.assert_frame_equal(_counts.transitions(county, first=2024, last=2024, below=1000), moves)
    # 2023: A, B, C, R, O active (5 persons); 2024: A, B, O, N (4): all ages counted
    assert alone.groupby("year")["persons"].sum().to_dict() == {2023: 5, 2024: 4}
