"""干部任免审批表 (LRMX 3.0) reading: hand-made files in tests/fixtures/lrmx with the persons,
posts, grades and rewards worked out by hand beside each; every 简历 spelling of
domain/cadre-formats.md §2; a damaged file of each kind; and a property test that no identity
number, photo byte or family member's name reaches the output or any message."""

from __future__ import annotations

import base64
import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qingmiao_lib.importer import _lrmx, _lrmx_rows, _read, _resume

D = dt.date.fromisoformat
FIX = Path(__file__).parent / "fixtures" / "lrmx"

UNITS = _resume.Units({"示例县委组织部": "U01", "示例县财政局": "U02", "中溪镇": "U03",
                       "示例县人民政府办公室": "U04", "青石镇": "U05"},
                      {"U01": "市直机关", "U02": "市直机关", "U03": "乡镇街道", "U04": "市直机关", "U05": "乡镇街道"})
LEX = _resume.load_titles()


def read(*paths, existing=None):
    """(Reading, records) of files read with the fixture unit list."""
    r = _read.Reading()
    _read._read_csv(r, FIX / "units.csv", True)
    recs = _lrmx.read_into(r, [(Path(p), True) for p in paths], existing=existing)
    return r, recs


def one(path):
    r, recs = read(path)
    assert r.errors == []
    assert len(recs) == 1
    return r, recs[0]


def rows(r, file, table):
    out = []
    for s in r.sources:
        if s.table == table and Path(s.file).name == file:
            out += s.data.to_pylist()
    return out


# --- the UTF-8 file: 李明华 ----------------------------------------------------------------------

def test_utf8_file_person():
    r, rec = one(FIX / "good" / "李明华.lrmx")
    # 出生年月 198603 and a valid number born 1986-03-15 (male: digit 17 = 3, odd) → the day is kept;
    # 全日制 大学 (= 本科) vs 在职 研究生 + 公共管理硕士 (= 硕士研究生): the 在职 one is higher;
    # entry_date: the （试用期） line 2008.07; 入党时间 200806 → 中共党员.
    assert rows(r, "李明华.lrmx", "persons") == [{
        "_row": 1, "person_id": "LR000001", "name": "李明华", "gender": "男", "ethnicity": "汉族",
        "birth_date": "1986-03-15", "political_status": "中共党员", "party_join_date": "2008-06-01",
        "education": "硕士研究生", "degree": "公共管理硕士", "full_time_education": "否",
        "work_start_date": "2008-07-01", "entry_date": "2008-07-01", "entry_channel": "",
        "exit_date": "", "exit_reason": "", "id_number": "",
        "native_place": "浙江温州", "birthplace": "浙江温州", "professional_title": "经济师"}]
    assert rec.entry_rule == "试用期"
    assert rec.extra == {"native_place": "浙江温州", "birthplace": "浙江温州", "professional_title": "经济师",
                         "current_title": "示例县财政局党组书记、局长"}
    assert [(e["kind"], e["level"], e["written"], e["degree"]) for e in rec.education] == [
        ("全日制", "本科", "大学", "管理学学士"), ("在职", "硕士研究生", "研究生", "公共管理硕士")]


def test_utf8_file_posts():
    r, rec = one(FIX / "good" / "李明华.lrmx")
    # line 1 is a study line; lines 3–4 one entry (其间 note over two lines); line 7–8 one entry
    # (镇长 on a continuation line); line 10 outside the unit list; line 11 open (current post).
    assert rows(r, "李明华.lrmx", "posts") == [
        {"_row": 2, "person_id": "LR000001", "unit_id": "U03", "title": "人民政府科员", "level": "无",
         "start_date": "2008-07-01", "end_date": "2009-07-01"},
        {"_row": 3, "person_id": "LR000001", "unit_id": "U03", "title": "人民政府科员", "level": "无",
         "start_date": "2009-07-01", "end_date": "2012-03-01"},
        {"_row": 5, "person_id": "LR000001", "unit_id": "U02", "title": "预算股股长", "level": "无",
         "start_date": "2012-03-01", "end_date": "2015-07-01"},
        {"_row": 6, "person_id": "LR000001", "unit_id": "U03", "title": "党委委员、副镇长", "level": "乡科级副职",
         "start_date": "2015-07-01", "end_date": "2018-09-01"},
        {"_row": 7, "person_id": "LR000001", "unit_id": "U03", "title": "党委副书记、镇长", "level": "乡科级正职",
         "start_date": "2018-09-01", "end_date": "2020-01-01"},
        {"_row": 9, "person_id": "LR000001", "unit_id": "U04", "title": "副主任", "level": "乡科级副职",
         "start_date": "2020-01-01", "end_date": "2021-06-01"},
        {"_row": 11, "person_id": "LR000001", "unit_id": "U02", "title": "党组书记、局长", "level": "乡科级正职",
         "start_date": "2023-02-01", "end_date": ""},
    ]
    outside = [p for p in rec.posts if p.unit_id is None]
    assert [(p.line, p.organisation, p.title, p.level, p.start, p.end) for p in outside] == [
        (10, "外县某某开发区管委会招商局", "副局长", "乡科级副职", D("2021-06-01"), D("2023-02-01"))]
    assert rec.posts[-1].inline_rank == "四级调研员"
    assert [(s.line, s.start, s.end) for s in rec.studies] == [(1, D("2004-09-01"), D("2008-07-01"))]
    assert rec.notes == [(3, "其间：2009.09--2012.01在中央党校函授学院经济管理专业研究生班学习")]
    assert any("1 条职务的单位不在单位名单中" in w["message"] for w in r.warnings)


def test_utf8_file_grades_and_rewards():
    r, _ = one(FIX / "good" / "李明华.lrmx")
    # "2019—2021年度考核均为称职；2022年度考核优秀；2023年度考核被确定为优秀等次"
    assert [(x["year"], x["grade"]) for x in rows(r, "李明华.lrmx", "annual_assessments")] == [
        ("2019", "称职"), ("2020", "称职"), ("2021", "称职"), ("2022", "优秀"), ("2023", "优秀")]
    # "2021年12月嘉奖一次。2023年2月被县委、县政府记三等功一次。"
    assert [(x["awarded_on"], x["kind"], x["reason"]) for x in rows(r, "李明华.lrmx", "rewards")] == [
        ("2021-12-01", "嘉奖", "2021年12月嘉奖一次"), ("2023-02-01", "三等功", "2023年2月被县委、县政府记三等功一次")]


# --- the GB2312-declared file: 王芳 ----------------------------------------------------------------

def test_gb2312_declared_file():
    raw = (FIX / "good" / "王芳.lrmx").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="GB2312"?>')
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    r, rec = one(FIX / "good" / "王芳.lrmx")
    # born 199211, number born 1992-11-08 (female: digit 17 = 2); 入党时间 empty → no 政治面貌;
    # only 全日制 大学 → 本科, 是.
    p = rows(r, "王芳.lrmx", "persons")[0]
    assert (p["name"], p["gender"], p["birth_date"], p["political_status"], p["party_join_date"],
            p["education"], p["degree"], p["full_time_education"], p["work_start_date"], p["entry_date"]) == (
        "王芳", "女", "1992-11-08", "", "", "本科", "法学学士", "是", "2014-08-01", "2014-08-01")
    assert [(x["_row"], x["unit_id"], x["title"], x["level"], x["start_date"], x["end_date"])
            for x in rows(r, "王芳.lrmx", "posts")] == [
        (2, "U05", "人民政府科员", "无", "2014-08-01", "2015-08-01"),
        (3, "U05", "党政办副主任", "无", "2015-08-01", "2019-03-01"),    # a township's internal office
        (4, "U01", "干部", "无", "2019-03-01", "")]                       # "2019.03--  …": open end
    # "2016年度考核称职；2017年度考核优秀；2018年度、2019年度考核均为称职；2020—2021年度考核均为优秀"
    # (the dash is GB2312's A1AA)
    assert [(x["year"], x["grade"]) for x in rows(r, "王芳.lrmx", "annual_assessments")] == [
        ("2016", "称职"), ("2017", "优秀"), ("2018", "称职"), ("2019", "称职"), ("2020", "优秀"), ("2021", "优秀")]
    assert rows(r, "王芳.lrmx", "rewards") == []                        # 无
    assert rec.posts[1].inline_rank == "四级主任科员"


def test_file_without_identity_number():
    r, rec = one(FIX / "good" / "张伟.lrmx")
    # no number: the 1st of 出生年月 1990.05; 研究生 + 经济学硕士 → 硕士研究生; no （试用期）line, so
    # entry_date = the first post in the unit list (示例县财政局科员, 2016.07), not the bank (2015.07).
    p = rows(r, "张伟.lrmx", "persons")[0]
    assert (p["birth_date"], p["education"], p["entry_date"], p["work_start_date"]) == (
        "1990-05-01", "硕士研究生", "2016-07-01", "2015-07-01")
    assert rec.entry_rule == "单位名单"
    # lines 1 (…学习) and 2 (…研究生学习，获…学位) are studies; line 5 is a rank event
    assert [s.line for s in rec.studies] == [1, 2]
    assert rec.ranks == [(5, D("2018-12-01"), "四级主任科员")]
    assert [(p.line, p.unit_id, p.organisation, p.title, p.level) for p in rec.posts] == [
        (3, None, "某某银行青石支行", "职员", "无"), (4, "U02", "示例县财政局", "科员", "无"),
        (6, "U02", "示例县财政局", "办公室主任", "无")]                   # a bureau's 办公室主任: 无
    # "2019年7月被评为全县优秀共产党员": an honour, kind 其他; empty 年度考核结果: none
    assert [(x["awarded_on"], x["kind"]) for x in rows(r, "张伟.lrmx", "rewards")] == [("2019-07-01", "其他")]
    assert rows(r, "张伟.lrmx", "annual_assessments") == []


def test_folder_keys_in_reading_order_and_entry_rule_warning():
    r, recs = read(*sorted((FIX / "good").iterdir()))
    assert r.errors == []
    assert [(Path(x.file).name, x.person_id) for x in recs] == [
        ("张伟.lrmx", "LR000001"), ("李明华.lrmx", "LR000002"), ("王芳.lrmx", "LR000003")]
    msg = next(w["message"] for w in r.warnings if w["sheet"] == "人员")
    assert "试用期" in msg and "2 人" in msg and "单位名单中的单位任职的开始时间 1 人" in msg
    # 2 posts outside the unit list: 李明华 line 10, 张伟 line 3
    assert any("2 条职务的单位不在单位名单中" in w["message"] for w in r.warnings)


# --- the additions: education history, 简历 entries, ranks, sanctions ----------------------------

def test_education_history_rows():
    r, _ = read(*sorted((FIX / "good").iterdir()))
    got = [(x["kind"], x["level"], x["degree"], x["school"], x["major"], x["start_date"], x["end_date"])
           for f in ("李明华.lrmx", "王芳.lrmx", "张伟.lrmx") for x in rows(r, f, "education_history")]
    assert got == [
        # 浙江大学公共管理学院行政管理专业: school up to 大学, faculty 公共管理学院 dropped, 专业 dropped;
        # dates of 简历 line 1 (the only study line naming 浙江大学)
        ("全日制", "本科", "管理学学士", "浙江大学", "行政管理", "2004-09-01", "2008-07-01"),
        # 中央党校函授学院经济管理专业: school up to 党校; dates of the 其间 note of line 3
        ("在职", "硕士研究生", "公共管理硕士", "中央党校", "经济管理", "2009-09-01", "2012-01-01"),
        ("全日制", "本科", "法学学士", "西南政法大学", "法学", "2010-09-01", "2014-07-01"),
        # lines 1 and 2 both name 南开大学; only line 2 names the major 金融学
        ("全日制", "硕士研究生", "经济学硕士", "南开大学", "金融学", "2012-09-01", "2015-07-01"),
    ]


@pytest.mark.parametrize("text, school, major", [
    ("北京大学经济学院国际经济与贸易专业", "北京大学", "国际经济与贸易"),
    ("湖南师范大学汉语言文学专业", "湖南师范大学", "汉语言文学"),
    ("清华大学化学系化学专业", "清华大学", "化学"),
    ("某大学管理学院信息系统与信息管理专业", "某大学", "信息系统与信息管理"),
    ("中央党校经济管理专业", "中央党校", "经济管理"),
    ("县第一中学", "县第一中学", ""),   # no school word: all of it is the school
    ("", "", ""),
])
def test_school_and_major(text, school, major):
    assert _lrmx_rows.school_major(text) == (school, major)


def test_resume_entries_keep_every_line_with_its_notes():
    r, _ = one(FIX / "good" / "李明华.lrmx")
    got = [(x["_row"], x["line_no"], x["start_date"], x["end_date"], x["kind"], x["organisation"], x["title"],
            x["level"], x["note"]) for x in rows(r, "李明华.lrmx", "resume_entries")]
    assert got == [
        (1, "1", "2004-09-01", "2008-07-01", "学习", "", "", "", ""),
        (2, "2", "2008-07-01", "2009-07-01", "工作", "中溪镇", "人民政府科员", "无", "试用期"),
        (3, "3", "2009-07-01", "2012-03-01", "工作", "中溪镇", "人民政府科员", "无",
         "其间：2009.09--2012.01在中央党校函授学院经济管理专业研究生班学习"),
        (5, "5", "2012-03-01", "2015-07-01", "工作", "示例县财政局", "预算股股长", "无", ""),
        (6, "6", "2015-07-01", "2018-09-01", "工作", "中溪镇", "党委委员、副镇长", "乡科级副职", ""),
        (7, "7", "2018-09-01", "2020-01-01", "工作", "中溪镇", "党委副书记、镇长", "乡科级正职", ""),
        (9, "9", "2020-01-01", "2021-06-01", "工作", "示例县人民政府办公室", "副主任", "乡科级副职", ""),
        # outside the unit list: kept here with its organisation text
        (10, "10", "2021-06-01", "2023-02-01", "工作", "外县某某开发区管委会招商局", "副局长", "乡科级副职", ""),
        (11, "11", "2023-02-01", "", "工作", "示例县财政局", "党组书记、局长", "乡科级正职", "四级调研员"),
    ]
    assert rows(r, "李明华.lrmx", "resume_entries")[0]["content"] == "浙江大学公共管理学院行政管理专业学习"


def test_ranks_stated_in_the_resume():
    res = _resume.parse("2015.07--  中溪镇科员\n2016.07  确定为一级科员\n2019.06 晋升为四级主任科员\n"
                        "2021.06  三级主任科员\n2022.01  套转为三级主任科员", UNITS, LEX)
    assert res.problems == []
    lines, cols, unstated = _lrmx_rows.rank_rows(res)
    # each rank held until the next event; line 4 has no verb: left out (its successor still
    # ends the one before: 四级 runs to 2021.06); the last is still held
    assert lines == [2, 3, 5] and unstated == 1
    assert list(zip(cols["rank"], cols["start_date"], cols["end_date"], cols["reason"], strict=True)) == [
        ("一级科员", "2016-07-01", "2019-06-01", "定级"), ("四级主任科员", "2019-06-01", "2021-06-01", "晋升"),
        ("三级主任科员", "2022-01-01", "", "平级调整")]


@pytest.mark.parametrize("sentence, date, kind", [
    ("2022年6月受到党内警告处分", "2022-06-01", "处分"),
    ("2020.3被诫勉", "2020-03-01", "诫勉"),
    ("2019年11月被免职处理", "2019-11-01", "组织处理"),
    ("2018年1月受到通报批评", "2018-01-01", "批评教育"),
])
def test_sanctions(sentence, date, kind):
    assert _lrmx_rows.sanction(sentence) == (D(date), kind)


def test_sanctions_reach_supervision(tmp_path):
    xml = (FIX / "good" / "张伟.lrmx").read_text("utf-8").replace(
        "2019年7月被评为全县优秀共产党员", "2019年7月被评为全县优秀共产党员。2022年6月受到党内警告处分")
    f = tmp_path / "张伟.lrmx"
    f.write_text(xml, encoding="utf-8")
    r, recs = read(f)
    assert r.errors == []
    assert [(x["held_on"], x["kind"]) for x in rows(r, "张伟.lrmx", "supervision")] == [("2022-06-01", "处分")]
    assert [(x["awarded_on"], x["kind"]) for x in rows(r, "张伟.lrmx", "rewards")] == [("2019-07-01", "其他")]


# --- 简历 spellings --------------------------------------------------------------------------------

@pytest.mark.parametrize("period, start, end", [
    ("2015.07--2018.09", "2015-07-01", "2018-09-01"),
    ("2015.07—2018.09", "2015-07-01", "2018-09-01"),
    ("2015.07——2018.09", "2015-07-01", "2018-09-01"),
    ("2015.07－2018.09", "2015-07-01", "2018-09-01"),
    ("2015.7-2018.9", "2015-07-01", "2018-09-01"),
    ("2015.07～2018.09", "2015-07-01", "2018-09-01"),
    ("2015年7月至2018年9月", "2015-07-01", "2018-09-01"),
    ("201507--201809", "2015-07-01", "2018-09-01"),
    ("２０１５．０７--２０１８．０９", "2015-07-01", "2018-09-01"),
    ("2015.07--", "2015-07-01", None),
    ("2015.07—", "2015-07-01", None),
    ("2015.07--至今", "2015-07-01", None),
])
def test_every_period_spelling(period, start, end):
    res = _resume.parse(f"{period}    中溪镇副镇长", UNITS, LEX)
    assert res.problems == []
    [p] = res.posts
    assert (p.start, p.end, p.unit_id, p.title, p.level) == (D(start), D(end) if end else None, "U03", "副镇长", "乡科级副职")


def test_continuation_lines_notes_and_studies():
    text = ("2004.09--2008.07  某大学法学专业学习\n"
            "2008.07--2011.07  中溪镇人民政府\n"
            "                  办事员\n"
            "2011.07--2014.07  中溪镇党委委员（其间：2011.09--2013.12在省委党校\n"
            "2012.01--2013.12在职研究生班学习）\n"
            "2014.07--2016.07  某大学公共管理专业研究生学习，获管理学硕士学位\n"
            "2016.07--2017.07  某大学附属中学就读\n"
            "2017.07--2019.07  中溪镇人大主席")
    res = _resume.parse(text, UNITS, LEX)
    assert res.problems == []
    # line 5 starts with a date but a parenthesis is open: it belongs to line 4's note
    assert [(p.line, p.title, p.level) for p in res.posts] == [
        (2, "人民政府办事员", "无"), (4, "党委委员", "乡科级副职"), (8, "人大主席", "乡科级正职")]
    assert [s.line for s in res.studies] == [1, 6, 7]
    assert res.notes == [(4, "其间：2011.09--2013.12在省委党校2012.01--2013.12在职研究生班学习")]


def test_titles_highest_level_and_no_level():
    res = _resume.parse("2015.07--2018.09  中溪镇党委委员、副镇长、党委副书记、镇长\n"
                        "2018.09--2019.09  示例县财政局科员\n"
                        "2019.09--2020.09  示例县财政局办事员\n"
                        "2020.09--2021.09  示例县财政局干部\n"
                        "2021.09--2022.09  示例县财政局副局长（试用期）", UNITS, LEX)
    assert res.problems == []
    assert [p.level for p in res.posts] == ["乡科级正职", "无", "无", "无", "无"]
    assert res.posts[-1].probation


def test_unknown_title_is_an_error_naming_file_line_and_title(tmp_path):
    r, recs = read(FIX / "bad" / "未知职务.lrmx")
    assert recs == []
    [e] = r.errors
    assert Path(e["file"]).name == "未知职务.lrmx" and e["sheet"] == "简历" and e["row"] == 9
    assert e["kind"] == "未知职务" and e["value"] == "河长办专职河长"
    assert "简历第 9 行" in e["reason"] and "河长办专职河长" in e["reason"] and "职务词表" in e["reason"]


def test_deputy_is_never_read_as_the_head(tmp_path):
    # without 办公室副主任 in the lexicon, 办公室副主任 must not match 主任 (a guess): unknown
    lex = _resume.Lexicon({"主任": "乡科级正职", "科员": "无"})
    with pytest.raises(_resume.UnknownTitle):
        _resume.resolve(_resume.entries("2015.07--2016.07  示例县财政局办公室副主任")[0], UNITS, lex)
    # inside a unit, 党政办主任 is not read as the unit's 主任 either
    with pytest.raises(_resume.UnknownTitle):
        _resume.resolve(_resume.entries("2015.07--2016.07  中溪镇经发办主任")[0], UNITS, LEX)


def test_locality_titles_file_overrides(tmp_path):
    f = tmp_path / "titles.toml"
    f.write_text('[titles]\n"河长办专职河长" = "乡科级副职"\n"所长" = "乡科级副职"\n', encoding="utf-8")
    lex = _resume.load_titles(f)
    assert lex.titles["所长"] == "乡科级副职" and lex.titles["局长"] == "乡科级正职"
    res = _resume.parse("2020.01--2021.06  中溪镇河长办专职河长", UNITS, lex)
    assert [(p.title, p.level) for p in res.posts] == [("河长办专职河长", "乡科级副职")]
    bad = tmp_path / "bad.toml"
    bad.write_text('[titles]\n"河长" = "副科"\n', encoding="utf-8")
    with pytest.raises(_resume.LexiconError, match="副科"):
        _resume.load_titles(bad)


def test_unit_kind_override():
    # 纪委书记 is 县处级副职 for the county, 乡科级副职 in a township
    res = _resume.parse("2020.01--2021.06  中溪镇纪委书记\n2021.06--  某县纪委书记", UNITS, LEX)
    assert [(p.unit_id, p.level) for p in res.posts] == [("U03", "乡科级副职"), (None, "县处级副职")]


def test_resume_problems_name_the_line():
    res = _resume.parse("中溪镇科员\n2015.07--2016.07  中溪镇科员", UNITS, LEX)
    assert [(p.line, p.kind) for p in res.problems] == [(1, "简历格式错误")]
    res = _resume.parse("2015.07--2016.07  中溪镇科员\n2015.13--2016.07  中溪镇科员\n2017.01  中溪镇科员", UNITS, LEX)
    assert [(p.line, p.kind) for p in res.problems] == [(2, "简历时间无效")]
    res = _resume.parse("2015.07--2016.07  中溪镇科员\n2017.01  中溪镇科员", UNITS, LEX)
    assert [(p.line, p.kind) for p in res.problems] == [(2, "简历格式错误")]


# --- grades, rewards, education, identity numbers -------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2021年度考核称职；2022年度考核优秀", [(2021, "称职"), (2022, "优秀")]),
    ("2019—2021年度考核均为称职", [(2019, "称职"), (2020, "称职"), (2021, "称职")]),
    ("2019-2020年度考核均为基本称职。2021年度考核不称职", [(2019, "基本称职"), (2020, "基本称职"), (2021, "不称职")]),
    ("2018年至2019年年度考核均为优秀，2020年度考核不定等次", [(2018, "优秀"), (2019, "优秀"), (2020, "不定等次")]),
    ("2020年度、2021年度考核均为称职", [(2020, "称职"), (2021, "称职")]),
    ("无", []),
    ("", []),
])
def test_annual_grades(text, expected):
    assert _lrmx.grades(text) == expected


@pytest.mark.parametrize("text", ["2021年度考核良好", "2021年度考核称职；2021年度考核优秀", "2022年度称职"])
def test_annual_grades_unreadable(text):
    with pytest.raises(_lrmx.LrmxError):
        _lrmx.grades(text)


def test_rewards():
    out, sanctions = _lrmx.rewards("2023年2月被县委、县政府记三等功一次。2019.11被市政府嘉奖；"
                                   "2020年5月记二等功，2021年3月记一等功。2022年6月受到党内警告处分。")
    assert [(d, k) for d, k, _ in out] == [(D("2023-02-01"), "三等功"), (D("2019-11-01"), "嘉奖"),
                                           (D("2020-05-01"), "二等功"), (D("2021-03-01"), "一等功")]
    assert sanctions == ["2022年6月受到党内警告处分"]
    assert _lrmx.rewards("无") == ([], [])
    with pytest.raises(_lrmx.LrmxError, match="没有年月"):
        _lrmx.rewards("2019年被县委记三等功一次")
    with pytest.raises(_lrmx.LrmxError, match="无法识别"):
        _lrmx.rewards("表现良好")


@pytest.mark.parametrize("level, degree, expected", [
    ("大学", "管理学学士", "本科"), ("大学本科", "", "本科"), ("大专", "", "大专"), ("大学专科", "", "大专"),
    ("研究生", "经济学硕士", "硕士研究生"), ("研究生", "法学博士", "博士研究生"), ("中央党校大学", "", "本科"),
    ("省委党校研究生", "", "硕士研究生"), ("中专", "", "中专"), ("高中", "", "高中"), ("初中", "", None),
])
def test_education_words(level, degree, expected):
    assert _lrmx.education(level, degree, "全日制") == expected


def test_identity_number_checks():
    assert _lrmx.id_birth("330302198603151230") == (D("1986-03-15"), "男")
    assert _lrmx.id_birth("510102199211080020") == (D("1992-11-08"), "女")
    for bad in ("330302198603151231", "33030219860315123", "330302198613151230x"):
        with pytest.raises(_lrmx.LrmxError) as e:
            _lrmx.id_birth(bad)
        assert bad[:10] not in e.value.reason


# --- damaged files --------------------------------------------------------------------------------

@pytest.mark.parametrize("file, kind, reason", [
    ("损坏.lrmx", "XML 格式错误", "XML 格式错误（第 26 行"),
    ("身份证号出生日期不符.lrmx", "身份证号不符", "身份证号中的出生日期与出生年月不符"),
    ("身份证号校验位错误.lrmx", "身份证号不符", "身份证号校验位不正确"),
    ("身份证号性别不符.lrmx", "身份证号不符", "身份证号显示的性别与性别不符"),
    ("无姓名.lrmx", "缺少姓名", "没有姓名"),
    ("实体扩展.lrmx", "XML 格式错误", "DOCTYPE"),
    ("处分无年月.lrmx", "奖惩情况无法识别", "处分没有年月"),
])
def test_damaged_file_is_an_error_naming_it(file, kind, reason):
    r, recs = read(FIX / "good" / "王芳.lrmx", FIX / "bad" / file)
    assert [Path(x.file).name for x in recs] == ["王芳.lrmx"]
    [e] = r.errors
    assert Path(e["file"]).name == file and e["kind"] == kind and reason in e["reason"]
    text = repr(r.errors)
    for number in ("330302198603151230", "330302198703151238", "330302198603151231", "330302198603151222"):
        assert number not in text and number[-4:] not in text


def test_wrong_declared_encoding(tmp_path):
    f = tmp_path / "a.lrmx"
    f.write_bytes('<?xml version="1.0" encoding="UTF-8"?><Person><XingMing>王芳</XingMing></Person>'.encode("gb18030"))
    r, _ = read(f)
    assert [e["kind"] for e in r.errors] == ["文件编码无法识别"]


def test_not_a_person_root_and_old_format(tmp_path):
    f = tmp_path / "a.lrmx"
    f.write_text("<Root/>", encoding="utf-8")
    old = tmp_path / "b.lrm"
    old.write_bytes(b'"x","y"')
    r, _ = read(f, old)
    assert [(Path(e["file"]).name, e["kind"]) for e in r.errors] == [("a.lrmx", "不是任免审批表"), ("b.lrm", "文件类型不支持")]
    assert "3.0" in r.errors[1]["reason"]


def test_zip_of_lrmx_files(tmp_path):
    z = tmp_path / "示例县.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in sorted((FIX / "good").iterdir()):
            zf.writestr(f"示例县/{f.name}", f.read_bytes())
        zf.writestr("示例县/readme.txt", "x")
    r, recs = read(z)
    assert r.errors == []
    assert [Path(x.file).name for x in recs] == ["张伟.lrmx", "李明华.lrmx", "王芳.lrmx"]
    assert recs[0].file == f"{z}/示例县/张伟.lrmx"


# --- keys -----------------------------------------------------------------------------------------

def _rec(name, birth, gender, file="x.lrmx"):
    return _lrmx.Record(file, {"name": name, "birth_date": birth, "gender": gender, "entry_date": "2016-07-01"}, {})


def test_keys_match_existing_persons():
    existing = pd.DataFrame({
        "person_id": ["P7", "LR000004", "A1", "A2"], "name": ["张伟", "李四", "王五", "王五"],
        "gender": ["男", "男", "女", "女"],
        "birth_date": [D("1990-05-01"), D("1980-01-01"), D("1991-01-01"), D("1991-01-01")],
        "entry_date": [D("2015-03-01"), D("2001-01-01"), None, None]})
    recs = [_rec("张伟", "1990-05-01", "男"), _rec("王五", "1991-01-01", "女", "w.lrmx"),
            _rec("新人", "1995-01-01", "女"), _rec("李四", "1980-01-01", "女")]
    problems = _lrmx.assign_keys(recs, existing)
    # 张伟: the department's key, and its 录用时间 kept; 王五: two persons match → error;
    # 新人 and 李四 (another gender: not the same person): new keys after LR000004
    assert recs[0].person_id == "P7" and recs[0].person["entry_date"] == "2015-03-01"
    assert recs[0].entry_rule == "数据库"
    assert [(p[0].file, p[1].kind) for p in problems] == [("w.lrmx", "人员无法确定")]
    assert (recs[2].person_id, recs[3].person_id) == ("LR000005", "LR000006")


def test_keys_two_files_of_one_person():
    recs = [_rec("张伟", "1990-05-01", "男", "a.lrmx"), _rec("张 伟", "1990-05-01", "男", "b.lrmx")]
    problems = _lrmx.assign_keys(recs, None)
    assert [(p[0].file, p[1].kind) for p in problems] == [("b.lrmx", "人员重复")]
    assert "a.lrmx" in problems[0][1].reason


def test_re_reading_against_the_persons_read_first_gives_the_same_keys():
    r1, recs1 = read(*sorted((FIX / "good").iterdir()))
    existing = pd.DataFrame([{"person_id": x.person_id, **x.person} for x in recs1])
    r2, recs2 = read(*sorted((FIX / "good").iterdir(), reverse=True), existing=existing)
    assert {Path(x.file).name: x.person_id for x in recs1} == {Path(x.file).name: x.person_id for x in recs2}


# --- never stored: identity numbers, photos, family members ---------------------------------------

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id(region: int, born: dt.date, seq: int) -> str:
    s = f"{region:06d}{born:%Y%m%d}{seq:03d}"
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, _W, strict=True)) % 11]


_FAMILY = st.text(alphabet="甲乙丙丁戊己庚辛壬癸", min_size=2, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=st.integers(110000, 659999), born=st.dates(dt.date(1960, 1, 1), dt.date(2000, 12, 31)),
       seq=st.integers(0, 999), photo=st.binary(min_size=24, max_size=200), family=st.lists(_FAMILY, min_size=1, max_size=3),
       shift=st.sampled_from([0, 1, 2]), gender=st.sampled_from(["男", "女"]))
def test_no_identity_number_photo_or_family_member_reaches_output(tmp_path, region, born, seq, photo, family,
                                                                   shift, gender):
    number = _id(region, born, seq)
    stated = born if shift != 1 else born.replace(year=born.year + 1) if born.month != 2 else born.replace(year=born.year + 1, day=1)
    if shift == 2:  # a checksum error
        number = number[:17] + ("0" if number[17] != "0" else "1")
    photo64 = base64.b64encode(photo).decode()
    items = "".join(f"<Item><ChengWei>亲属</ChengWei><XingMing>{n}</XingMing><ChuShengRiQi>197001</ChuShengRiQi></Item>"
                    for n in family)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><Person><XingMing>测试</XingMing><XingBie>{gender}</XingBie>'
           f"<ChuShengNianYue>{stated:%Y%m}</ChuShengNianYue><QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>"
           f"<JianLi>2015.07--  中溪镇科员（试用期）</JianLi><ShenFenZheng>{number}</ShenFenZheng>"
           f"<ZhaoPian>{photo64}</ZhaoPian><JiaTingChengYuan>{items}</JiaTingChengYuan>"
           f"<NianDuKaoHeJieGuo>2020年度考核称职</NianDuKaoHeJieGuo></Person>")
    f = tmp_path / f"p{region}{seq}.lrmx"
    f.write_text(xml, encoding="utf-8")
    r, recs = read(f)
    shown = repr(r.errors) + repr(r.warnings) + repr(recs) + "".join(
        repr(s.data.to_pylist()) for s in r.sources if s.table != "units")
    assert number not in shown and number[6:] not in shown and number[:10] not in shown
    assert photo64[:16] not in shown
    for n in family:
        assert n not in shown
    if shift == 0 and (int(number[16]) % 2 == 1) == (gender == "男"):
        assert r.errors == [] and recs[0].person["birth_date"] == born.isoformat()
    else:
        assert [e["kind"] for e in r.errors] == ["身份证号不符"]


# --- end to end: qingmiao import ------------------------------------------------------------------

def _all_text(db) -> str:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = []
        for (t,) in con.execute("select table_name from information_schema.tables where table_schema = 'main'").fetchall():
            out.append(repr(con.execute(f'select * from "{t}"').fetchall()))  # names from the catalogue
        return "".join(out)
    finally:
        con.close()


def test_import_folder_end_to_end(tmp_path):
    from qingmiao_lib.importer import import_paths

    db = tmp_path / "new.duckdb"
    rep = import_paths(db, [FIX / "good", FIX / "units.csv"])
    # posts in the unit list: 李明华 7, 王芳 3, 张伟 2; grades 5 + 6; rewards 2 + 1
    # 简历 entries 9 + 4 + 6; education 2 + 1 + 1; ranks: 张伟's line 5 (晋升为四级主任科员)
    assert {t: c["new"] for t, c in rep.counts.items()} == {
        "units": 5, "persons": 3, "posts": 12, "annual_assessments": 11, "rewards": 3,
        "education_history": 4, "resume_entries": 19, "ranks": 1}
    import qingmiao_lib as qm
    with qm.connect(db) as con:
        assert con.execute("select person_id, name, birth_date, entry_date, education from persons order by person_id"
                           ).fetchall() == [("LR000001", "张伟", D("1990-05-01"), D("2016-07-01"), "硕士研究生"),
                                            ("LR000002", "李明华", D("1986-03-15"), D("2008-07-01"), "硕士研究生"),
                                            ("LR000003", "王芳", D("1992-11-08"), D("2014-08-01"), "本科")]
        assert con.execute("select title, level, start_date, end_date from posts where person_id = 'LR000002' "
                           "and end_date is null").fetchall() == [("党组书记、局长", "乡科级正职", D("2023-02-01"), None)]
    text = _all_text(db)
    for secret in ("330302198603151230", "510102199211080020", "李建国", "赵秀英", "陈桂兰",
                   "/9j/4AAQSkZJRgABAQEASABIAAD", "R0lGODlhAQABAIAAAAAAAP"):
        assert secret not in text
    again = import_paths(db, [FIX / "good", FIX / "units.csv"])
    assert all(c["new"] == c["changed"] == 0 for c in again.counts.values())


def test_import_with_damaged_files_writes_nothing_and_names_every_file(tmp_path):
    from qingmiao_lib.importer import ImportFailed, import_paths

    db = tmp_path / "new.duckdb"
    with pytest.raises(ImportFailed) as e:
        import_paths(db, [FIX / "bad", FIX / "good", FIX / "units.csv"], error_workbook=tmp_path / "errors.xlsx")
    assert not db.exists()
    named = {Path(f).name for f in e.value.errors["file"]}
    assert {p.name for p in (FIX / "bad").iterdir()} <= named
    console = e.value.console(limit=50)
    for p in (FIX / "bad").iterdir():
        assert p.name in console
    from openpyxl import load_workbook
    wb = load_workbook(tmp_path / "errors.xlsx", read_only=True)
    cells = repr([list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)])
    for secret in ("330302198703151238", "330302198603151231", "330302198603151222", "李建国", "赵秀英"):
        assert secret not in cells and secret not in console


# --- keys against the database: stable across imports ---------------------------------------------

def _persons(db):
    import qingmiao_lib as qm
    with qm.connect(db) as con:
        return con.execute("select person_id, name from persons order by person_id").fetchall()


def test_adding_a_file_keeps_every_earlier_key(tmp_path):
    from qingmiao_lib.importer import import_paths

    folder = tmp_path / "示例县"
    folder.mkdir()
    for name in ("李明华.lrmx", "王芳.lrmx"):
        (folder / name).write_bytes((FIX / "good" / name).read_bytes())
    db = tmp_path / "new.duckdb"
    import_paths(db, [folder, FIX / "units.csv"])
    assert _persons(db) == [("LR000001", "李明华"), ("LR000002", "王芳")]
    # 张伟 sorts first in the folder: read alone he would be LR000001; against the database the
    # two earlier persons keep their keys and he gets the next number
    (folder / "张伟.lrmx").write_bytes((FIX / "good" / "张伟.lrmx").read_bytes())
    rep = import_paths(db, [folder])
    assert _persons(db) == [("LR000001", "李明华"), ("LR000002", "王芳"), ("LR000003", "张伟")]
    assert rep.counts["persons"] == {"read": 3, "new": 1, "changed": 0, "unchanged": 2, "deleted": 0}
    # 张伟's posts in the unit list (2) are new, the others' unchanged
    assert (rep.counts["posts"]["new"], rep.counts["posts"]["changed"]) == (2, 0)
    again = import_paths(db, [folder])
    assert all(c["new"] == c["changed"] == 0 for c in again.counts.values())


def test_a_person_imported_from_a_roster_keeps_the_departments_key(tmp_path):
    from qingmiao_lib.importer import import_paths

    roster = tmp_path / "roster"
    roster.mkdir()
    (roster / "units.csv").write_bytes((FIX / "units.csv").read_bytes())
    (roster / "persons.csv").write_text(
        "人员编号,姓名,性别,出生年月,学历,录用时间,进入方式\n"
        "P9,李明华,男,1986-03-15,本科,2008-09-01,考试录用\n", encoding="utf-8")
    db = tmp_path / "new.duckdb"
    import_paths(db, [roster])
    rep = import_paths(db, [FIX / "good" / "李明华.lrmx"])
    assert rep.counts["persons"]["new"] == 0 and rep.counts["persons"]["changed"] == 1
    import qingmiao_lib as qm
    with qm.connect(db) as con:
        # the database's 录用时间 and 进入方式 are kept (not the 简历's 试用期 line, 2008-07-01);
        # the file's 学历 replaces the roster's
        assert con.execute("select person_id, name, entry_date, entry_channel, education from persons"
                           ).fetchall() == [("P9", "李明华", D("2008-09-01"), "考试录用", "硕士研究生")]
        assert con.execute("select distinct person_id from posts").fetchall() == [("P9",)]
    assert any("数据库中已有的录用时间 1 人" in m for m in rep.warnings["message"])


def test_units_only_in_the_database_are_matched_in_resume_lines(tmp_path):
    from qingmiao_lib.importer import import_paths

    db = tmp_path / "new.duckdb"
    import_paths(db, [FIX / "units.csv"])
    rep = import_paths(db, [FIX / "good"])
    # the same posts as with units.csv in the call (see test_import_folder_end_to_end)
    assert {t: c["new"] for t, c in rep.counts.items()} == {
        "persons": 3, "posts": 12, "annual_assessments": 11, "rewards": 3,
        "education_history": 4, "resume_entries": 19, "ranks": 1}
    assert not any("不在单位名单中" in m and "12" in m for m in rep.warnings["message"])


def test_units_of_the_call_and_of_the_database():
    r = _read.Reading()
    _read._read_csv(r, FIX / "units.csv", True)
    units = _lrmx.units_of(r, [("U01", "旧名称", "市直机关"), ("U09", "白沙乡", "乡镇街道")])
    # U01 given again in the call: its database name no longer matches; U09 only in the database
    assert units.match("旧名称党组书记") is None
    assert units.match("示例县委组织部干部科科员")[0] == "U01"
    assert units.match("白沙乡人民政府科员")[0] == "U09" and units.kinds["U09"] == "乡镇街道"


def test_an_ambiguous_database_match_is_an_error(tmp_path):
    from qingmiao_lib.importer import ImportFailed, import_paths

    roster = tmp_path / "roster"
    roster.mkdir()
    (roster / "units.csv").write_bytes((FIX / "units.csv").read_bytes())
    (roster / "persons.csv").write_text(
        "人员编号,姓名,性别,出生年月,学历,录用时间\n"
        "A1,王芳,女,1992-11-08,本科,2014-08-01\nA2,王芳,女,1992-11-08,本科,2015-08-01\n", encoding="utf-8")
    db = tmp_path / "new.duckdb"
    import_paths(db, [roster])
    with pytest.raises(ImportFailed) as e:
        import_paths(db, [FIX / "good"])
    bad = e.value.errors[e.value.errors["kind"] == "人员无法确定"]
    assert [Path(f).name for f in bad["file"]] == ["王芳.lrmx"]
    assert _persons(db) == [("A1", "王芳"), ("A2", "王芳")]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=st.integers(110000, 659999), born=st.dates(dt.date(1960, 1, 1), dt.date(1995, 12, 31)),
       seq=st.integers(0, 999), photo=st.binary(min_size=24, max_size=200),
       family=st.lists(_FAMILY, min_size=1, max_size=3))
def test_no_identity_number_photo_or_family_member_reaches_the_database(tmp_path_factory, region, born, seq,
                                                                         photo, family):
    # a valid number agreeing with 出生年月 and 性别 (so the file imports): the database, every
    # table of it (the 简历, education and other new tables included), holds none of it
    from qingmiao_lib.importer import import_paths

    number = _id(region, born, seq)
    gender = "男" if int(number[16]) % 2 else "女"
    photo64 = base64.b64encode(photo).decode()
    items = "".join(f"<Item><ChengWei>亲属</ChengWei><XingMing>{n}</XingMing><ChuShengRiQi>197001</ChuShengRiQi>"
                    f"<GongZuoDanWeiJiZhiWu>{n}所在单位</GongZuoDanWeiJiZhiWu></Item>" for n in family)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><Person><XingMing>测试</XingMing><XingBie>{gender}</XingBie>'
           f"<ChuShengNianYue>{born:%Y%m}</ChuShengNianYue><JiGuan>某地</JiGuan>"
           f"<QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi>"
           f"<QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>某大学法学专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>"
           f"<JianLi>2014.09--2015.07  某大学法学专业学习\n2015.07--  中溪镇科员（试用期）</JianLi>"
           f"<ShenFenZheng>{number}</ShenFenZheng><ZhaoPian>{photo64}</ZhaoPian>"
           f"<JiaTingChengYuan>{items}</JiaTingChengYuan>"
           f"<JiangChengQingKuang>2020年5月嘉奖一次。2021年6月受到党内警告处分</JiangChengQingKuang>"
           f"<NianDuKaoHeJieGuo>2020年度考核称职</NianDuKaoHeJieGuo></Person>")
    folder = tmp_path_factory.mktemp("lrmx")
    (folder / "p.lrmx").write_text(xml, encoding="utf-8")
    db = folder / "q.duckdb"
    rep = import_paths(db, [folder / "p.lrmx", FIX / "units.csv"])
    assert rep.counts["persons"]["new"] == 1 and rep.counts["supervision"]["new"] == 1
    text = _all_text(db) + repr(rep.warnings.to_dict("records"))
    assert number not in text and number[6:] not in text and number[:10] not in text
    assert photo64[:16] not in text and photo.hex()[:32] not in text
    for n in family:
        assert n not in text
