"""The quota-constrained shortlist (SPEC §9 *Places*, *Shortlist*; issue 21) on tiny hand-made
databases, the answers worked out by hand beside each test.

Every candidate below is a 一级科员 since 2019-01-01, graded 称职 for 2023 (unless said), checked
on 2024-12-31: tenure = full months 2019-01-01 → 2024-12-31 = 71 ≥ 36 (四级主任科员 needs 3
years), so each is qualified for 四级主任科员. The order (rules default): heavy-task years,
whole frontline years, a leadership post left, then 优秀 years in the tenure, tenure, age
(older first), person_id.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import qingmiao_lib as qm
from qingmiao_lib import shortlist as sl
from qingmiao_lib.errors import QingmiaoError, RulesError

D = dt.date.fromisoformat
AS_OF = D("2024-12-31")
R4 = "四级主任科员"


def candidate(db, pid, *, unit="U1", birth="1985-01-01", since="2019-01-01", grades=None,
              post_since="2019-01-01", post_level="无"):
    """A 一级科员 since ``since`` with a current post at ``unit`` and the 2023 grade 称职."""
    db.add("persons", person_id=pid, birth_date=D(birth), entry_date=D("2010-07-01"))
    db.add("ranks", person_id=pid, rank="一级科员", start_date=D(since))
    db.add("posts", person_id=pid, unit_id=unit, level=post_level, start_date=D(post_since))
    for year, grade in (grades or {2023: "称职"}).items():
        db.add("annual_assessments", person_id=pid, year=year, grade=grade)


def holder(db, pid, rank=R4, unit="U1"):
    """An active holder of ``rank`` (since 2024-01-01: not yet due for the next one)."""
    db.add("persons", person_id=pid, entry_date=D("2010-07-01"))
    db.add("ranks", person_id=pid, rank=rank, start_date=D("2024-01-01"))
    db.add("posts", person_id=pid, unit_id=unit, start_date=D("2010-07-01"))


def quota(db, max_count, *, unit=None, rank=R4, year=2024):
    db.add("quotas", year=year, unit_id=unit, rank=rank, max_count=max_count)


def six(db):
    """A–F of the ordering tests; U2 is a township (乡镇街道)."""
    db.add("units", unit_id="U2", kind="乡镇街道")
    # A: tasks 2021-05-01, 2022-03-01, 2022-08-01 → years {2021, 2022} = 2, 3 tasks; 2022 优秀 → 1
    candidate(db, "A", grades={2022: "优秀", 2023: "称职"})
    for day in ("2021-05-01", "2022-03-01", "2022-08-01"):
        db.add("special_tasks", person_id="A", task=f"任务{day}", started_on=D(day))
    # B: 营商环境专班 [2022-11-01, 2023-02-01): touches 2022 and 2023 → 2 years, 3 months; 优秀 0
    candidate(db, "B")
    db.add("practices", person_id="B", program="营商环境专班", start_date=D("2022-11-01"),
           end_date=D("2023-02-01"))
    # C: one task (2020) → 1; township post [2019-01-01, open) → 71 months → 5 years
    candidate(db, "C", unit="U2")
    db.add("special_tasks", person_id="C", task="防汛", started_on=D("2020-07-01"))
    # D: one task (2023) → 1; 驻村帮扶 [2020-03-01, 2022-03-01) and a township post
    #    [2021-03-01, 2023-03-01) overlap → one spell [2020-03-01, 2023-03-01) = 36 months → 3 years
    candidate(db, "D", post_since="2023-03-01")
    db.add("posts", person_id="D", unit_id="U2", level="无", start_date=D("2021-03-01"), end_date=D("2023-03-01"))
    db.add("practices", person_id="D", program="驻村帮扶", start_date=D("2020-03-01"), end_date=D("2022-03-01"))
    db.add("special_tasks", person_id="D", task="疫情防控", started_on=D("2023-02-01"))
    # E: left a 乡科级副职 post on 2024-06-30 (within 12 months), now 无 → yes
    candidate(db, "E", post_since="2024-06-30")
    db.add("posts", person_id="E", unit_id="U1", title="副主任", level="乡科级副职",
           start_date=D("2020-01-01"), end_date=D("2024-06-30"))
    # F: nothing at all
    candidate(db, "F")


def order(df, rank=R4):
    return df.loc[df["next_rank"] == rank, "person_id"].tolist()


def test_three_priorities_then_excellent_years(db):
    six(db)
    holder(db, "H1")
    quota(db, 3)                       # 3 − 1 holder = 2 places
    df = sl.shortlist(db.con, as_of=AS_OF, rank=R4)
    # heavy: A 2, B 2, C 1, D 1, E 0, F 0. A–B tie on heavy, frontline (0) and leadership (no):
    # A has 1 优秀 year, B none → A, B. C–D: frontline 5 > 3 → C, D. E–F: E left a post → E, F.
    assert order(df) == ["A", "B", "C", "D", "E", "F"]
    assert df["position"].tolist() == [1, 2, 3, 4, 5, 6]
    assert df["suggested"].tolist() == [True, True, False, False, False, False]
    got = df.set_index("person_id")
    assert got.loc["A", ["heavy_years", "heavy_tasks", "excellent_years"]].tolist() == [2, 3, 1]
    assert got.loc["B", ["heavy_years", "heavy_months"]].tolist() == [2, 3]
    assert got.loc["C", ["frontline_months", "frontline_years"]].tolist() == [71, 5]
    assert got.loc["D", ["frontline_months", "frontline_years"]].tolist() == [36, 3]
    assert bool(got.loc["E", "left_leadership"]) and not got.loc[["A", "F"], "left_leadership"].any()
    # the reasons, one per criterion, in Chinese
    assert got.loc["A", "heavy_reason"] == "2个年度承担急难险重任务或在任务繁重岗位工作（急难险重任务3项）"
    assert got.loc["B", "heavy_reason"] == "2个年度承担急难险重任务或在任务繁重岗位工作（营商环境专班、主题教育实践锻炼3个月）"
    assert got.loc["C", "frontline_reason"] == "一线工作累计5年11个月（乡镇街道单位），计5年"
    assert got.loc["D", "frontline_reason"] == "一线工作累计3年（乡镇街道单位、驻村帮扶、千万工程实践锻炼），计3年"
    assert got.loc["E", "left_reason"] == "2024年6月退出乡科级副职领导岗位"
    assert got.loc["F", "left_reason"] == "近12个月未退出领导岗位"
    assert got.loc["A", "excellent_reason"] == "任职年限内1个年度考核优秀"
    assert got.loc["F", "tenure_reason"] == "任现职级5年11个月"
    assert got.loc["F", "age_reason"] == "39岁（1985年1月出生）"
    assert got.loc["A", "status"] == "建议人选"
    assert got.loc["C", "status"] == "备选：全辖区四级主任科员职数空缺2个，由排序在前者使用"
    assert df.attrs["priorities"] == ["heavy_tasks", "frontline", "left_leadership"]
    assert (got["name"] == "张*").all()                 # masked by default (张三)


def test_rules_reorder_the_priorities(tmp_path):
    rules = tmp_path / "local.toml"
    rules.write_text('[meta]\nversion = "t"\n[shortlist]\npriorities = ["left_leadership", "frontline", "heavy_tasks"]\n',
                     encoding="utf-8")
    con = qm.connect(":memory:", create=True, rules=rules)
    from conftest import Fixture

    db = Fixture(con)
    six(db)
    df = sl.shortlist(con, as_of=AS_OF, rank=R4)
    # left first: E; then frontline C 5, D 3; then the rest (frontline 0) by heavy: A 2 = B 2
    # (A's 优秀 year first), F 0
    assert order(df) == ["E", "C", "D", "A", "B", "F"]
    # no quota set for 四级主任科员: ordered, nobody suggested
    assert not df["suggested"].any()
    assert set(df["status"]) == {"备选：四级主任科员未核定职数，仅作排序"}
    con.close()


def test_tenure_then_age_then_ties_at_the_cut(db):
    # nothing on the 三优先 or 优秀 years: tenure decides, then age (older first), then equal
    # keys share a 名次 and are listed by person_id
    candidate(db, "T1", since="2019-06-01")            # 66 months
    candidate(db, "T2", since="2019-01-01")            # 71 months
    candidate(db, "T3", since="2019-01-01", birth="1980-05-05")   # 71 months, older
    candidate(db, "T5", since="2019-01-01", birth="1990-01-01")   # 71 months, younger: tied with T4
    candidate(db, "T4", since="2019-01-01", birth="1990-01-01")
    quota(db, 3)                                        # 3 places, no holders
    df = sl.shortlist(db.con, as_of=AS_OF, rank=R4).set_index("person_id")
    # T3 (71, 1980), T2 (71, 1985), T4 = T5 (71, 1990), T1 (66)
    assert df.index.tolist() == ["T3", "T2", "T4", "T5", "T1"]
    assert df["place_rank"].tolist() == [1, 2, 3, 3, 5]
    assert df["place_text"].tolist() == ["第1名", "第2名", "并列第3名", "并列第3名", "第5名"]
    # places 3: T3, T2 and T4 (person_id breaks the tie); T5 has the same keys on the other side
    assert df["suggested"].tolist() == [True, True, True, False, False]
    assert df["tied_at_cut"].tolist() == [False, False, True, True, False]
    assert df.loc["T5", "status"].endswith("（与分界处人选排序条件相同，需集体研究）")
    summary = sl.shortlist_summary(db.con, as_of=AS_OF, rank=R4)
    assert summary[["candidates", "places", "suggested", "alternates", "tied_at_cut"]].iloc[0].tolist() == [5, 3, 3, 2, 2]


def test_younger_first_when_the_rules_say_so(tmp_path):
    rules = tmp_path / "young.toml"
    rules.write_text('[meta]\nversion = "t"\n[shortlist]\nolder_first = false\n', encoding="utf-8")
    con = qm.connect(":memory:", create=True, rules=rules)
    from conftest import Fixture

    db = Fixture(con)
    candidate(db, "Y1", birth="1980-05-05")
    candidate(db, "Y2", birth="1990-01-01")
    assert order(sl.shortlist(con, as_of=AS_OF)) == ["Y2", "Y1"]
    con.close()


def test_a_unit_quota_and_the_jurisdiction_quota(db):
    db.add("units", unit_id="U2", kind="市直机关")
    # P, Q in U2 and R in U1, in that order by tenure (P 71, Q 70, R 69 months)
    candidate(db, "P", unit="U2", since="2019-01-01")
    candidate(db, "Q", unit="U2", since="2019-02-01")
    candidate(db, "R", unit="U1", since="2019-03-01")
    holder(db, "H1", unit="U1")
    quota(db, 3)                        # jurisdiction: 3 − 1 holder = 2 places
    quota(db, 1, unit="U2")             # U2: 1 − 0 holders = 1 place
    df = sl.shortlist(db.con, as_of=AS_OF, rank=R4).set_index("person_id")
    # U2's one place goes to P; Q is blocked by U2's quota; of P and R (both pass their unit),
    # the first 2 jurisdiction places: P, R
    assert df.index.tolist() == ["P", "Q", "R"]
    assert df["suggested"].tolist() == [True, False, True]
    assert df.loc["Q", "status"] == "备选：测试单位四级主任科员职数空缺1个，由本单位排序在前者使用"
    s = sl.shortlist_summary(db.con, as_of=AS_OF, rank=R4).set_index(["unit_id"], drop=False)
    whole = s[s["unit_id"].isna()].iloc[0]
    unit = s[s["unit_id"] == "U2"].iloc[0]
    assert [whole.candidates, whole.places, whole.suggested, whole.alternates] == [3, 2, 2, 1]
    assert [unit.candidates, unit.places, unit.suggested, unit.alternates] == [2, 1, 1, 1]
    assert whole.unit_name == "全辖区" and unit.holders == 0 and whole.holders == 1
    # the units filter shows U1 only; R keeps its place (3rd) and verdict
    only = sl.shortlist(db.con, as_of=AS_OF, units=["U1"], rank=R4)
    assert only[["person_id", "position", "suggested"]].values.tolist() == [["R", 3, True]]


def test_the_jurisdiction_cut_before_a_unit_place(db):
    db.add("units", unit_id="U2", kind="市直机关")
    candidate(db, "P", unit="U1", since="2019-01-01")
    candidate(db, "Q", unit="U2", since="2019-02-01")
    quota(db, 1)                        # one place in the jurisdiction
    quota(db, 2, unit="U2")             # U2 has room, but the jurisdiction's place goes to P
    df = sl.shortlist(db.con, as_of=AS_OF, rank=R4)
    assert df[["person_id", "suggested"]].values.tolist() == [["P", True], ["Q", False]]
    # over the quota: no places, nobody suggested
    holder(db, "H1")
    holder(db, "H2")
    df = sl.shortlist(db.con, as_of=AS_OF, rank=R4)
    assert not df["suggested"].any() and (df["places"] == 0).all()


def test_recommendations_narrow_the_candidates(db):
    six(db)
    quota(db, 2)
    df = sl.shortlist(db.con, as_of=AS_OF, rank=R4, recommendations=["F", "C"])
    # only C and F compete: C (heavy 1) before F; 2 places → both suggested
    assert df[["person_id", "suggested"]].values.tolist() == [["C", True], ["F", True]]
    # a recommended person who cannot be a candidate, and why
    db.add("persons", person_id="X", entry_date=D("2010-07-01"))      # no rank
    candidate(db, "G", grades={2023: "基本称职"})
    bad = sl.check_recommendations(db.con, as_of=AS_OF, recommendations=["C", "nobody", "X", "G"])
    assert bad["person_id"].tolist() == ["nobody", "X", "G"]
    assert bad["reasons"].tolist() == ["人员编号不存在", "尚未定级（试用期内或无职级记录）", "2023年度考核为基本称职"]


def test_heavy_years_edges(db):
    # a task on the date counts, one after it does not; a posting ending 2023-01-01 (excluded)
    # ends on 2022-12-31 and touches 2021 and 2022 only; overlapping postings count once
    db.add("persons", person_id="K")
    db.add("special_tasks", person_id="K", task="a", started_on=AS_OF)
    db.add("special_tasks", person_id="K", task="b", started_on=D("2025-01-01"))
    db.add("practices", person_id="K", program="主题教育", start_date=D("2021-06-01"), end_date=D("2023-01-01"))
    db.add("practices", person_id="K", program="营商环境专班", start_date=D("2022-01-01"), end_date=D("2022-07-01"))
    db.add("practices", person_id="K", program="轮岗交流", start_date=D("2019-01-01"), end_date=D("2020-01-01"))
    sl.install_macros(db.con)
    row = db.con.execute("select heavy_years, heavy_tasks, heavy_months from shortlist_heavy(?)", [AS_OF]).fetchall()
    # years {2024 (task), 2021, 2022}; 1 task by the date; one spell [2021-06-01, 2023-01-01) = 19 months
    assert row == [(3, 1, 19)]


def test_leadership_left_edges(db):
    db.add("units", unit_id="U2")
    for pid in ("L1", "L2", "L3", "L4", "L5", "L6"):
        db.add("persons", person_id=pid)

    def post(pid, level, start, end=None, unit="U1"):
        db.add("posts", person_id=pid, unit_id=unit, level=level, start_date=D(start),
               end_date=D(end) if end else None)

    post("L1", "乡科级副职", "2020-01-01", "2024-06-30")            # left, now nothing → yes
    post("L2", "乡科级副职", "2020-01-01", "2023-12-31")            # 2023-12-31 = as_of − 12 months: out
    post("L3", "乡科级正职", "2020-01-01", "2024-06-30")            # 正职 → now 副职: stepped down → yes
    post("L3", "乡科级副职", "2024-06-30")
    post("L4", "乡科级副职", "2020-01-01", "2024-06-30")            # same level elsewhere → no
    post("L4", "乡科级副职", "2024-06-30", unit="U2")
    post("L5", "乡科级副职", "2020-01-01", "2024-06-30")            # a 组织处理 before it ended → excluded
    db.add("supervision", person_id="L5", held_on=D("2024-05-01"), kind="组织处理", effective_until=D("2024-10-01"))
    post("L6", "乡科级副职", "2020-01-01", "2024-01-01")            # just inside the window → yes
    sl.install_macros(db.con)
    got = db.con.execute("select person_id, left_level::varchar, left_on, left_excluded "
                         "from shortlist_left_leadership(?) order by person_id", [AS_OF]).fetchall()
    assert got == [("L1", "乡科级副职", D("2024-06-30"), False), ("L3", "乡科级正职", D("2024-06-30"), False),
                   ("L5", "乡科级副职", D("2024-06-30"), True), ("L6", "乡科级副职", D("2024-01-01"), False)]


def test_what_if_quota_use_after_promotions(db):
    db.add("units", unit_id="U2")
    candidate(db, "A")
    candidate(db, "B", unit="U2")
    holder(db, "H1")                    # 四级主任科员 in U1
    quota(db, 2)                        # jurisdiction 四级主任科员: 2
    quota(db, 1, unit="U2")             # U2 四级主任科员: 1
    quota(db, 5, rank="一级科员")        # jurisdiction 一级科员: 5
    df = sl.what_if(db.con, as_of=AS_OF, promotions=["A", ("B", R4)])
    rows = {(r.unit_id, r.rank): r for r in df.itertuples(index=False)}
    # 一级科员: 2 holders (A, B), both promoted out → 0; 5 − 0 = 5 places after
    one = rows[(None, "一级科员")]
    assert [one.holders, one.promoted_out, one.holders_after, one.places_after] == [2, 2, 0, 5]
    # 四级主任科员 jurisdiction: 1 (H1) + 2 = 3 > 2 → over by one
    whole = rows[(None, R4)]
    assert [whole.holders, whole.promoted_in, whole.holders_after, whole.places_after, whole.over_quota] == [1, 2, 3, -1, True]
    # U2: 0 + B = 1 ≤ 1
    unit = rows[("U2", R4)]
    assert [unit.holders, unit.promoted_in, unit.holders_after, unit.places_after, unit.over_quota] == [0, 1, 1, 0, False]
    with pytest.raises(QingmiaoError, match="第2项 A：名单中重复出现.*第3项 Z：人员编号不存在"):
        sl.what_if(db.con, as_of=AS_OF, promotions=["A", "A", "Z"])


def test_rules_validation_of_the_shortlist_section(tmp_path):
    from qingmiao_lib import rules

    for body, message in (('priorities = ["heavy_tasks", "seniority"]', "不是三优先条件"),
                          ('priorities = ["frontline", "frontline"]', "重复"),
                          ('frontline_programs = ["乡村振兴"]', "无效"),
                          ("left_leadership_window_months = 0", "1–120")):
        path = tmp_path / "r.toml"
        path.write_text(f"[shortlist]\n{body}\n", encoding="utf-8")
        with pytest.raises(RulesError, match=message):
            rules.load(path)


def test_person_lists_from_files(tmp_path):
    csv = tmp_path / "推荐.csv"
    csv.write_bytes("2024年度职级晋升推荐名单\n序号,姓名,人员编号,拟晋升职级\n1,张三,P1,\n\n2,李四, P2 ,四级主任科员\n"
                    .encode("gb18030"))
    got = sl.read_person_list(csv)
    assert got.values.tolist() == [["P1", None], ["P2", "四级主任科员"]]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["person_id"])
    wb.active.append(["P9"])
    wb.save(tmp_path / "l.xlsx")
    assert sl.read_person_list(tmp_path / "l.xlsx")["person_id"].tolist() == ["P9"]
    (tmp_path / "bad.csv").write_text("姓名\n张三\n", encoding="utf-8")
    with pytest.raises(QingmiaoError, match="人员编号"):
        sl.read_person_list(tmp_path / "bad.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(QingmiaoError, match="XLSX"):
        sl.read_person_list(tmp_path / "bad.xlsx")


def test_cli_table_csv_and_what_if(demo_db, tmp_path, capsys):
    from qingmiao_lib import cli

    assert cli.main(["shortlist", "--db", str(demo_db), "--as-of", "2024-12-31"]) == 0
    text = capsys.readouterr().out
    assert "个人条件符合" in text and "职数空缺" in text and "建议人选" in text
    out = tmp_path / "list.csv"
    assert cli.main(["shortlist", "--db", str(demo_db), "--as-of", "2024-12-31", "--out", str(out)]) == 0
    rows = pd.read_csv(out, encoding="utf-8-sig")
    con = qm.connect(demo_db)
    try:
        summary = sl.shortlist_summary(con, as_of=D("2024-12-31"))
    finally:
        con.close()
    # the list and the headline agree: candidates and suggested per rank
    whole = summary[summary["unit_id"].isna()].set_index("rank")
    per_rank = rows.groupby("next_rank").agg(n=("person_id", "size"), k=("suggested", "sum"))
    for rank, r in per_rank.iterrows():
        assert (r.n, r.k) == (whole.loc[rank, "candidates"], whole.loc[rank, "suggested"])
    promos = tmp_path / "promotions.csv"
    promos.write_text("人员编号\n" + "\n".join(rows.loc[rows["suggested"], "person_id"].head(3)) + "\n", encoding="utf-8")
    assert cli.main(["shortlist", "--db", str(demo_db), "--as-of", "2024-12-31", "--promotions", str(promos)]) == 0
    assert "模拟晋升 3 人后的职数使用" in capsys.readouterr().out
    # an output onto an input file is a usage error
    assert cli.main(["shortlist", "--db", str(demo_db), "--as-of", "2024-12-31", "--promotions", str(promos),
                     "--out", str(promos)]) == 2


def test_shortlist_says_who_retires_within_a_year(demo_db):
    """Each candidate carries the statutory retirement date of ``outlook`` (the one rule), and the
    status warns exactly when it falls within 12 months of the as-of date."""
    import datetime as dt

    import qingmiao_lib as qm
    from qingmiao_lib import outlook, shortlist

    con = qm.connect(demo_db)
    try:
        as_of = dt.date(2023, 12, 31)
        df = shortlist.shortlist(con, as_of=as_of)
        ahead = outlook.retirements(con, as_of=as_of, years=1)
    finally:
        con.close()
    assert len(df)
    soon = set(ahead["person_id"])
    warned = set(df.loc[df["status"].str.contains("法定退休"), "person_id"])
    assert warned == soon & set(df["person_id"]) and warned      # the demo has such candidates
    got = df.set_index("person_id")["retirement_date"]
    for r in ahead[ahead["person_id"].isin(got.index)].itertuples():
        assert pd.Timestamp(got[r.person_id]).date() == pd.Timestamp(r.retirement_date).date()
