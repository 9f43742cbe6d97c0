"""``check`` 三龄二历 (SPEC §9, issue 20 item 6): age, 工龄, 学历 and 经历 against the 简历 and the
education history. Each case is a tiny hand-made person whose finding — the person, the 简历 lines
and the dates that disagree — is worked out beside it; a consistent person has none."""

from __future__ import annotations

import datetime as dt

import pytest

from qingmiao_lib import check

D = dt.date.fromisoformat


def resume(db, pid: str, *entries) -> None:
    """(line_no, start, end, kind, content[, organisation, title, note]) rows of one 简历."""
    for line, start, end, kind, content, *rest in entries:
        org, title, note = (list(rest) + [None, None, None])[:3]
        db.add("resume_entries", person_id=pid, line_no=line, start_date=D(start), end_date=D(end) if end else None,
               kind=kind, content=content, organisation=org, title=title, note=note)


def consistent(db) -> None:
    """P1, born 1990-01-01, 本科 at 某大学 2008.09–2012.07, 参加工作 2012.07 = 录用 2012.07 at 中溪镇."""
    db.con.execute("update units set name = '中溪镇', kind = '乡镇街道' where unit_id = 'U1'")
    db.add("persons", person_id="P1", birth_date=D("1990-01-01"), work_start_date=D("2012-07-01"),
           entry_date=D("2012-07-01"), education="本科")
    db.add("education_history", person_id="P1", kind="全日制", level="本科", school="某大学", major="法学")
    db.add("posts", person_id="P1", unit_id="U1", title="科员", level="无", start_date=D("2012-07-01"),
           end_date=D("2016-03-01"))
    db.add("posts", person_id="P1", unit_id="U1", title="副镇长", level="乡科级副职", start_date=D("2016-03-01"))
    resume(db, "P1",
           (1, "2008-09-01", "2012-07-01", "学习", "某大学法学专业学习"),
           (2, "2012-07-01", "2016-03-01", "工作", "中溪镇科员", "中溪镇", "科员", "试用期"),
           (4, "2016-03-01", None, "工作", "中溪镇副镇长", "中溪镇", "副镇长"))


def findings(db, **kw) -> list[tuple[str, str, str, str]]:
    df = check.sanling(db.con, **kw)
    return list(df[["code", "person_id", "lines", "detail"]].itertuples(index=False, name=None))


def test_a_consistent_person_has_no_finding(db):
    consistent(db)
    assert findings(db) == []
    report = check.run_check(db.con).set_index("code")
    assert report.loc[list(check.SANLING), "count"].sum() == 0


def test_age_work_before_16_and_resume_before_birth(db):
    consistent(db)
    # P2 born 1995-06-01: 简历 line 1 (work) 2011.03 — age 15 (16th birthday 2011-06-01)
    db.add("persons", person_id="P2", birth_date=D("1995-06-01"), entry_date=D("2018-07-01"))
    resume(db, "P2", (1, "2011-03-01", "2018-07-01", "工作", "某厂工人"))
    # P3 born 1990-01-01: a study line 1989.09 — before birth (not work: only the birth rule applies)
    db.add("persons", person_id="P3", birth_date=D("1990-01-01"), entry_date=D("2012-07-01"))
    resume(db, "P3", (1, "1989-09-01", "1993-07-01", "学习", "某小学学生"))
    # P4 born 1990-01-01: no 简历, a post from 2005.03 (age 15) — the post is named
    db.add("persons", person_id="P4", birth_date=D("1990-01-01"), entry_date=D("2005-03-01"))
    db.add("posts", person_id="P4", unit_id="U1", start_date=D("2005-03-01"))
    assert findings(db) == [
        ("sanling_age", "P2", "简历第1行", "简历第1行（2011.03）时未满 16 周岁，出生年月 1995.06"),
        ("sanling_age", "P3", "简历第1行", "简历第1行（1989.09）早于出生年月 1990.01"),
        ("sanling_age", "P4", "", "职务表 2005.03 起的职务（2005.03）时未满 16 周岁，出生年月 1990.01"),
    ]
    # at a minimum age of 15, P2 (15 years 9 months) and P4 (15 years 2 months) are old enough
    assert [f[1] for f in findings(db, min_work_age=15)] == ["P3"]


def test_work_start_against_the_resume(db):
    consistent(db)
    # P2: 参加工作 2013.01 but 简历 line 2 shows work from 2012.07 (the study of line 1 is not work)
    db.add("persons", person_id="P2", birth_date=D("1990-01-01"), work_start_date=D("2013-01-01"),
           entry_date=D("2013-01-01"))
    resume(db, "P2", (1, "2008-09-01", "2012-07-01", "学习", "某大学学习"),
           (2, "2012-07-01", None, "工作", "某公司职员"))
    # P3: 参加工作 2010.09 falls inside the full-time study of line 1 (2008.09–2012.07); the
    # in-service study of line 2 (函授) would not count
    db.add("persons", person_id="P3", birth_date=D("1990-01-01"), work_start_date=D("2010-09-01"),
           entry_date=D("2012-07-01"))
    resume(db, "P3", (1, "2008-09-01", "2012-07-01", "学习", "某大学学习"),
           (2, "2009-09-01", "2012-01-01", "学习", "某大学函授本科学习"),
           (3, "2012-07-01", None, "工作", "某公司职员"))
    got = [f for f in findings(db) if f[0] == "sanling_work_start"]
    assert got == [
        ("sanling_work_start", "P2", "简历第2行", "简历第2行（2012.07 起）早于参加工作时间 2013.01"),
        ("sanling_work_start", "P3", "简历第1行",
         "参加工作时间 2010.09 在简历第1行的全日制学习期间（2008.09—2012.07）"),
    ]


def test_education_against_the_resume_and_the_person(db):
    consistent(db)
    # P1 also has an 在职 硕士 at 中央党校 that no 简历 line or note names; and persons.education
    # says 本科 while the history's highest is 硕士研究生
    db.add("education_history", person_id="P1", kind="在职", level="硕士研究生", school="中央党校")
    assert findings(db) == [
        ("sanling_education", "P1", "", "人员表的学历为本科，学历学位表中最高为硕士研究生"),
        ("sanling_education", "P1", "", "学历学位表中的硕士研究生（在职，中央党校）在简历中没有对应的学习经历"),
    ]
    # named in a 其间 note of line 4: the first finding goes
    db.con.execute("update resume_entries set note = '其间：2017.09--2020.01在中央党校研究生班学习' "
                   "where line_no = 4")
    assert [f[3] for f in findings(db)] == ["人员表的学历为本科，学历学位表中最高为硕士研究生"]


def test_resume_gaps(db):
    consistent(db)
    # P2: study to 2012.07, work from 2013.03: 8 full months > 3; then work to 2015.01 and the next
    # from 2015.04: 3 months, not more than 3 → one gap
    db.add("persons", person_id="P2", birth_date=D("1990-01-01"), entry_date=D("2013-03-01"))
    resume(db, "P2", (1, "2008-09-01", "2012-07-01", "学习", "某大学学习"),
           (2, "2013-03-01", "2015-01-01", "工作", "某公司职员"),
           (3, "2015-04-01", None, "工作", "某局科员"))
    assert findings(db) == [
        ("sanling_resume_gaps", "P2", "简历第1行、第2行", "简历第1行（至 2012.07）与第2行（2013.03 起）之间空缺 8 个月"),
    ]
    # at 2 months the second gap (3 months) is one too
    assert [f[3][-7:] for f in findings(db, max_gap_months=2)] == ["空缺 8 个月", "空缺 3 个月"]


def test_resume_overlaps(db):
    consistent(db)
    # P2: line 2 (work 2012.07–2015.07) and line 3 (work from 2015.01) overlap; line 4 is an
    # in-service study beside work (no finding); line 5 has an open end but is not last → it
    # overlaps line 6
    db.add("persons", person_id="P2", birth_date=D("1990-01-01"), entry_date=D("2012-07-01"))
    resume(db, "P2", (2, "2012-07-01", "2015-07-01", "工作", "某局科员"),
           (3, "2015-01-01", "2017-01-01", "工作", "某镇副镇长"),
           (4, "2015-09-01", "2017-07-01", "学习", "省委党校在职研究生班学习"),
           (5, "2017-01-01", None, "工作", "某镇镇长"),
           (6, "2019-01-01", None, "工作", "某局局长"))
    assert findings(db) == [
        ("sanling_resume_overlaps", "P2", "简历第2行、第3行", "简历第2行（2012.07—2015.07）与第3行（2015.01 起）时间重叠"),
        ("sanling_resume_overlaps", "P2", "简历第5行、第6行", "简历第5行（2017.01—至今）与第6行（2019.01 起）时间重叠"),
    ]


def test_posts_against_the_resume(db):
    consistent(db)
    # a roster later recorded P1's 副镇长 from 2016.05 (the 简历 says 2016.03): the post has no
    # line starting in its month, and line 4 has no post starting in its month
    db.con.execute("update posts set start_date = '2016-05-01' where title = '副镇长'")
    db.con.execute("update posts set end_date = '2016-05-01' where title = '科员'")
    assert findings(db) == [
        ("sanling_posts_resume", "P1", "", "职务表中 2016.05 起的职务（中溪镇副镇长）在简历中没有对应的行"),
        ("sanling_posts_resume", "P1", "简历第4行",
         "简历第4行（2016.03 起，中溪镇副镇长）的单位在单位名单中，但职务表中没有这一职务"),
    ]
    # examples of run_check name the person and the lines
    report = check.run_check(db.con).set_index("code")
    assert report.loc["sanling_posts_resume", "count"] == 2
    assert any("简历第4行" in e for e in report.loc["sanling_posts_resume", "examples"])


def test_a_person_without_a_resume_is_only_checked_on_records(db):
    # no 简历 rows: 学历 and 经历 need a 简历, so a post of another start month is no finding
    db.con.execute("update units set name = '中溪镇', kind = '乡镇街道' where unit_id = 'U1'")
    db.add("persons", person_id="P1", birth_date=D("1990-01-01"), entry_date=D("2012-07-01"))
    db.add("education_history", person_id="P1", kind="全日制", level="本科", school="某大学")
    db.add("posts", person_id="P1", unit_id="U1", start_date=D("2013-01-01"))
    assert findings(db) == []


@pytest.mark.parametrize("code", check.SANLING)
def test_every_sanling_finding_is_a_warning(code):
    assert dict((c[0], c[1]) for c in check.CHECKS)[code] == check.WARNING
